"""
The first step of build_problem: read a request onto the grid's terms (notes on track indices,
the region in cells), refusing what the model cannot do (engine/checks.py, the one home of those
checks) and what the operation cannot mean here.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from engine import checks, grid as G
from engine.api import InvalidRequest, UnsupportedRequest


@dataclass
class CheckedRequest:
    """What the check step reads out of a request: notes on track indices, bars in cells."""
    notes: list               # [(track index, Note)] of the piece
    keep: list                # [(track index, Note)] kept in the region
    targets: list             # track indices the request writes
    spb: int
    r0: int
    r1: int
    total_bars: int
    warnings: list


def check(req, caps) -> CheckedRequest:
    """Refuse what the model cannot do (engine/checks.py) and what the operation cannot mean."""
    lim = caps.limits
    piece, region, c = req.piece, req.region, req.controls
    checks.check_operation(caps, req.operation)
    if piece.time_signature not in G.METERS:
        raise UnsupportedRequest(f"time signature {piece.time_signature!r} is not supported; "
                                 f"supported: {', '.join(lim['time_signatures'])}")
    checks.check_meter(caps, piece.time_signature)
    if not 1 <= len(piece.tracks) <= lim["max_tracks"]:
        raise UnsupportedRequest(f"{len(piece.tracks)} tracks: this model writes 1 to {lim['max_tracks']} "
                                 "monophonic tracks (voices S, A, T, B)")
    ids = [str(t.id) for t in piece.tracks]
    if len(set(ids)) != len(ids):
        raise InvalidRequest(f"track ids must be unique: {ids}")
    hints = [t.voice for t in piece.tracks if t.voice]
    if any(h not in G.VOICES for h in hints) or len(set(hints)) != len(hints):
        raise InvalidRequest(f"track voice hints must be distinct values of {G.VOICES}: {hints}")
    checks.check_candidates(caps, req.num_candidates, req.seed)
    _check_controls(c, caps)
    spb = G.METERS[piece.time_signature]
    notes = []                                   # (track index, Note)
    for n in piece.notes:
        check_note(n, "note")
        notes.append((track_index(piece, n.track), n))
    targets = sorted({track_index(piece, t) for t in region.tracks})
    if not targets:
        raise InvalidRequest("region.tracks is empty")
    checks.check_bars(caps, region.start_bar, region.end_bar)
    r0, r1 = region.start_bar * spb, region.end_bar * spb
    last = max([note_cells(n)[1] for _, n in notes], default=0)
    piece_bars = max(piece.bars or 0, math.ceil(last / spb))
    total_bars = max(piece_bars, region.end_bar)
    if total_bars > lim["max_piece_bars"]:
        raise UnsupportedRequest(f"piece of {total_bars} bars; at most {lim['max_piece_bars']} bars")
    _check_operation_fits(req.operation, notes, targets, piece, r0, r1, piece_bars, spb)
    keep = []
    for n in req.keep:
        check_note(n, "kept note")
        ti = track_index(piece, n.track)
        s, e = note_cells(n)
        if ti not in targets or s < r0 or e > r1:
            raise InvalidRequest(f"kept note {n} must lie inside the region's tracks and bars")
        keep.append((ti, n))
    warnings = []
    off = sum(1 for _, n in notes + keep if n.start % G.STEP or n.duration % G.STEP)
    if off:
        warnings.append(f"{off} note(s) were not on the 16th-note grid and were quantized")
    return CheckedRequest(notes, keep, targets, spb, r0, r1, total_bars, warnings)


def _check_operation_fits(op, notes, targets, piece, r0, r1, piece_bars, spb):
    if op == "continue" and any(ti in targets and note_cells(n)[0] >= r0 for ti, n in notes):
        raise UnsupportedRequest("continue writes after the last note of the region's tracks; "
                                 "use infill or vary to write between or over existing notes")
    if op == "infill" and r1 > piece_bars * spb:
        raise UnsupportedRequest(f"infill fills bars inside the piece (bars 0..{piece_bars}); use continue to add bars at the end")
    if op == "harmonize":
        if len(targets) == len(piece.tracks):
            raise UnsupportedRequest("harmonize writes the other voices for a given melody: leave at least one track out of region.tracks")
        if not any(ti not in targets and note_cells(n)[0] < r1 and note_cells(n)[1] > r0 for ti, n in notes):
            raise UnsupportedRequest("harmonize needs a melody: a track outside region.tracks with notes in the region's bars")
    if op == "vary" and not any(in_region(ti, n, targets, r0, r1) for ti, n in notes):
        raise UnsupportedRequest("vary rewrites existing notes, but the region has none; use infill or continue")


def in_region(ti, n, targets, r0, r1):
    return ti in targets and r0 <= note_cells(n)[0] < r1


def track_index(piece, ref):
    for i, t in enumerate(piece.tracks):
        if t.id == ref or str(t.id) == str(ref):
            return i
    if isinstance(ref, int) and not isinstance(ref, bool) and 0 <= ref < len(piece.tracks):
        return ref
    raise InvalidRequest(f"unknown track {ref!r}; tracks are {[t.id for t in piece.tracks]}")


def _check_controls(c, caps):
    checks.check_controls(c.to_dict(), caps.controls, refuse_unknown=False)
    if not isinstance(c.pitch_range, dict):
        raise InvalidRequest("control pitch_range must be {track id: [lo, hi]}")


def check_note(n, what):
    for k in ("start", "duration", "pitch", "velocity"):
        if not isinstance(getattr(n, k), int) or isinstance(getattr(n, k), bool):
            raise InvalidRequest(f"{what}: {k} must be an integer, got {getattr(n, k)!r}")
    if n.start < 0 or n.duration <= 0 or not 0 <= n.pitch <= 127 or not 1 <= n.velocity <= 127:
        raise InvalidRequest(f"{what}: need start >= 0, duration > 0, pitch 0..127, velocity 1..127: {n}")


def note_cells(n):
    s = int(round(n.start / G.STEP))
    e = max(s + 1, int(round((n.start + n.duration) / G.STEP)))
    return s, e
