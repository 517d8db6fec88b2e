"""
Small requests any model can be asked, built from its declared capabilities
(number of tracks, meters, bars): the reference server's warm-up and the
conformance kit's probes. Four voices of quarter notes in G major, cut down to
the tracks and meter the model takes.
"""
from __future__ import annotations

from engine.api import Controls, GenerateRequest, Note, Piece, Region, Track

LINES = ([67, 67, 69, 71, 72, 71, 69, 67, 69, 71, 72, 74, 71, 69, 67, 67],   # S
         [62, 62, 64, 62, 64, 62, 64, 62, 62, 62, 64, 62, 64, 62, 64, 62],   # A
         [59, 59, 57, 59, 55, 59, 57, 55, 59, 59, 57, 59, 55, 59, 57, 55],   # T
         [43, 47, 45, 43, 48, 43, 45, 47, 45, 43, 40, 38, 43, 45, 47, 43])   # B
IDS = ("s", "a", "t", "b")
NAMES = ("Soprano", "Alto", "Tenor", "Bass")


def meter(caps: dict) -> str:
    """The meter to probe with: 4/4 when the model takes it, else its first."""
    signatures = caps["limits"]["time_signatures"]
    return "4/4" if "4/4" in signatures else signatures[0]


def bar_ticks(time_signature: str) -> int:
    num, den = (int(x) for x in time_signature.split("/"))
    return num * 1920 // den


def fit(pitch: int, limits: dict) -> int:
    """Move a pitch by octaves into the model's declared pitch range, if it declares one."""
    lo, hi = limits.get("pitch_range", [0, 127])
    while pitch < lo and pitch + 12 <= 127:
        pitch += 12
    while pitch > hi and pitch - 12 >= 0:
        pitch -= 12
    return pitch


def probe_piece(caps: dict, tracks: int, bars: int, time_signature: str, only=None) -> Piece:
    """`tracks` voices of quarter notes (eighths when a bar is not whole quarters) for `bars` bars;
    `only`: the indices of the tracks that get notes (default all)."""
    bar = bar_ticks(time_signature)
    step = 480 if bar % 480 == 0 else 240
    notes = []
    for v in range(tracks) if only is None else only:
        line = LINES[v] if tracks > 1 else LINES[0]
        for i in range(bars * bar // step):
            notes.append(Note(IDS[v], i * step, step, fit(line[i % len(line)], caps["limits"]), 80 + 2 * v))
    return Piece(tracks=[Track(IDS[v], NAMES[v]) for v in range(tracks)], notes=notes,
                 time_signature=time_signature, key="G major")


def probe_request(caps: dict, operation: str, *, seed=1, candidates=2, keep=False,
                  time_signature=None) -> GenerateRequest | None:
    """A small request for `operation` that fits the model's limits, or None when none can
    (e.g. harmonize for a model of one track). `keep`: infill keeping the region's first note;
    `time_signature`: another meter than the model's own (to ask for one it does not take)."""
    limits = caps["limits"]
    n = min(4, limits["max_tracks"])
    ts = time_signature or meter(caps)
    k = min(candidates, limits["max_candidates"])
    if operation not in caps["operations"] or limits["max_piece_bars"] < 4:
        return None
    ids = list(IDS[:n])
    if operation == "infill":
        piece, region = probe_piece(caps, n, 4, ts), Region(ids, 1, 2)
    elif operation == "continue":
        piece, region = probe_piece(caps, n, 2, ts), Region(ids, 2, 3)
    elif operation == "harmonize":
        if n < 2:
            return None
        piece, region = probe_piece(caps, n, 2, ts, only=[0]), Region(ids[1:], 0, 1)
    elif operation == "vary":
        piece, region = probe_piece(caps, n, 4, ts), Region(ids[:1], 1, 2)
    elif operation == "chords":          # chord symbols for the melody of bar 1
        piece, region = probe_piece(caps, n, 2, ts, only=[0]), Region(ids[:1], 1, 2)
    else:
        return None
    kept = []
    if keep:
        bar = bar_ticks(ts)
        kept = [next(Note(**vars(x)) for x in piece.notes if x.track == ids[0] and x.start == bar)]
    return GenerateRequest(operation, piece, region, keep=kept, controls=Controls(), num_candidates=k, seed=seed)
