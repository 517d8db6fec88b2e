"""
Turn a GenerateRequest into a grid problem every backend can solve, and turn
filled grids back into notes.

A Problem is the piece on the grid with the cells to fill marked `free`, plus
per-cell token constraints (`allowed`) and logit biases (`bias`) that carry
the user's controls. Backends only ever see this.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from engine import grid as G
from engine.api import (CONTROL_SCHEMA, InvalidRequest, Note, OPERATIONS,
                        UnsupportedRequest)
from engine.cue_targets import apply as apply_cue_targets
from engine.music import assign_voices, estimate_key, key_name, parse_key, scale_pcs

HOLD_BIAS = 2.0        # logit bias on HOLD per unit of note_density
KEEP_BONUS = 4.0       # logit bonus on the original token per unit of keep_close


@dataclass
class Problem:
    grid: np.ndarray          # (4, T) tokens, free cells = MASK, absent voices = PAD
    free: np.ndarray          # (4, T) bool, cells the backend fills
    target: np.ndarray        # (4, T) bool, cells whose notes are returned
    f0: int                   # first frame of the span holding free cells
    allowed: np.ndarray       # (4, F, V) bool for frames f0..f0+F
    bias: np.ndarray          # (4, F, V) float32
    spb: int                  # cells per bar
    slots: dict               # track id -> slot index
    region: tuple             # (first cell, end cell) of the region
    shift: int                # internal pitch = pitch + shift
    key: tuple
    velocity: dict            # slot -> velocity of generated notes
    keep: list                # kept Notes (returned verbatim)
    keep_onsets: set          # {(slot, cell)}
    temperature: float = 1.0
    top_p: float = 1.0
    warnings: list = field(default_factory=list)

    @property
    def n_frames(self):
        return self.grid.shape[1]


def _track_index(piece, ref):
    for i, t in enumerate(piece.tracks):
        if t.id == ref or str(t.id) == str(ref):
            return i
    if isinstance(ref, int) and not isinstance(ref, bool) and 0 <= ref < len(piece.tracks):
        return ref
    raise InvalidRequest(f"unknown track {ref!r}; tracks are {[t.id for t in piece.tracks]}")


def _check_controls(c, limits):
    for name, spec in CONTROL_SCHEMA.items():
        v = getattr(c, name)
        if spec["type"] == "float":
            if not isinstance(v, (int, float)) or isinstance(v, bool) or not spec["min"] <= v <= spec["max"]:
                raise InvalidRequest(f"control {name} must be a number in [{spec['min']}, {spec['max']}], got {v!r}")
        elif spec["type"] == "bool" and not isinstance(v, bool):
            raise InvalidRequest(f"control {name} must be true or false, got {v!r}")
    if not isinstance(c.pitch_range, dict):
        raise InvalidRequest("control pitch_range must be {track id: [lo, hi]}")
    for k, r in c.pitch_range.items():
        if not (isinstance(r, (list, tuple)) and len(r) == 2 and all(isinstance(x, int) for x in r)
                and 0 <= r[0] <= r[1] <= 127):
            raise InvalidRequest(f"pitch_range for track {k!r} must be [lo, hi] with 0 <= lo <= hi <= 127")


def _check_note(n, what):
    for k in ("start", "duration", "pitch", "velocity"):
        if not isinstance(getattr(n, k), int) or isinstance(getattr(n, k), bool):
            raise InvalidRequest(f"{what}: {k} must be an integer, got {getattr(n, k)!r}")
    if n.start < 0 or n.duration <= 0 or not 0 <= n.pitch <= 127 or not 1 <= n.velocity <= 127:
        raise InvalidRequest(f"{what}: need start >= 0, duration > 0, pitch 0..127, velocity 1..127: {n}")


def _steps(n):
    s = int(round(n.start / G.STEP))
    e = max(s + 1, int(round((n.start + n.duration) / G.STEP)))
    return s, e


def build_problem(req, caps):
    lim = caps.limits
    if req.operation not in caps.operations:
        raise UnsupportedRequest(f"operation {req.operation!r} is not supported; supported: {', '.join(caps.operations)}")
    piece, region, c = req.piece, req.region, req.controls
    if piece.time_signature not in G.METERS or piece.time_signature not in lim["time_signatures"]:
        raise UnsupportedRequest(f"time signature {piece.time_signature!r} is not supported; "
                                 f"supported: {', '.join(lim['time_signatures'])}")
    if not 1 <= len(piece.tracks) <= lim["max_tracks"]:
        raise UnsupportedRequest(f"{len(piece.tracks)} tracks: this model writes 1 to {lim['max_tracks']} "
                                 "monophonic tracks (voices S, A, T, B)")
    ids = [str(t.id) for t in piece.tracks]
    if len(set(ids)) != len(ids):
        raise InvalidRequest(f"track ids must be unique: {ids}")
    hints = [t.voice for t in piece.tracks if t.voice]
    if any(h not in G.VOICES for h in hints) or len(set(hints)) != len(hints):
        raise InvalidRequest(f"track voice hints must be distinct values of {G.VOICES}: {hints}")
    if not (isinstance(req.num_candidates, int) and 1 <= req.num_candidates <= lim["max_candidates"]):
        raise InvalidRequest(f"num_candidates must be 1..{lim['max_candidates']}")
    if req.seed is not None and not isinstance(req.seed, int):
        raise InvalidRequest("seed must be an integer or null")
    _check_controls(c, lim)
    spb = G.METERS[piece.time_signature]
    bar_ticks = spb * G.STEP
    notes = []                                   # (track index, Note)
    for n in piece.notes:
        _check_note(n, "note")
        notes.append((_track_index(piece, n.track), n))
    targets = sorted({_track_index(piece, t) for t in region.tracks})
    if not targets:
        raise InvalidRequest("region.tracks is empty")
    if not (isinstance(region.start_bar, int) and isinstance(region.end_bar, int)
            and 0 <= region.start_bar < region.end_bar):
        raise InvalidRequest("region needs integer bars with 0 <= start_bar < end_bar")
    if region.end_bar - region.start_bar > lim["max_region_bars"]:
        raise UnsupportedRequest(f"region of {region.end_bar - region.start_bar} bars; at most {lim['max_region_bars']} bars per request")
    r0, r1 = region.start_bar * spb, region.end_bar * spb
    last = max([_steps(n)[1] for _, n in notes], default=0)
    piece_bars = max(piece.bars or 0, math.ceil(last / spb))
    total_bars = max(piece_bars, region.end_bar)
    if total_bars > lim["max_piece_bars"]:
        raise UnsupportedRequest(f"piece of {total_bars} bars; at most {lim['max_piece_bars']} bars")
    in_region = lambda ti, n: ti in targets and r0 <= _steps(n)[0] < r1
    op = req.operation
    if op == "continue" and any(ti in targets and _steps(n)[0] >= r0 for ti, n in notes):
        raise UnsupportedRequest("continue writes after the last note of the region's tracks; "
                                 "use infill or vary to write between or over existing notes")
    if op == "infill" and region.end_bar > piece_bars:
        raise UnsupportedRequest(f"infill fills bars inside the piece (bars 0..{piece_bars}); use continue to add bars at the end")
    if op == "harmonize":
        if len(targets) == len(piece.tracks):
            raise UnsupportedRequest("harmonize writes the other voices for a given melody: leave at least one track out of region.tracks")
        if not any(ti not in targets and _steps(n)[0] < r1 and _steps(n)[1] > r0 for ti, n in notes):
            raise UnsupportedRequest("harmonize needs a melody: a track outside region.tracks with notes in the region's bars")
    if op == "vary" and not any(in_region(ti, n) for ti, n in notes):
        raise UnsupportedRequest("vary rewrites existing notes, but the region has none; use infill or continue")
    keep = []
    for n in req.keep:
        _check_note(n, "kept note")
        ti = _track_index(piece, n.track)
        s, e = _steps(n)
        if ti not in targets or s < r0 or e > r1:
            raise InvalidRequest(f"kept note {n} must lie inside the region's tracks and bars")
        keep.append((ti, n))
    warnings = []
    off = sum(1 for _, n in notes + keep if n.start % G.STEP or n.duration % G.STEP)
    if off:
        warnings.append(f"{off} note(s) were not on the 16th-note grid and were quantized")

    # --- voices, register, key
    centers, vel = {}, {}
    for i in range(len(piece.tracks)):
        ps = [n.pitch for ti, n in notes if ti == i]
        rng = _range_for(c, piece, i)
        centers[i] = float(np.mean(ps)) if ps else (sum(rng) / 2 if rng else None)
        vs = [n.velocity for ti, n in notes if ti == i]
        vel[i] = int(round(np.mean(vs))) if vs else 80
    slot_of = assign_voices(list(range(len(piece.tracks))),
                            {i: t.voice for i, t in enumerate(piece.tracks)}, centers)
    slots = {i: G.VOICES.index(v) for i, v in slot_of.items()}
    context = [(ti, n) for ti, n in notes if not in_region(ti, n)]
    shift = _octave_shift([n.pitch for _, n in notes + keep])
    if piece.key:
        key = parse_key(piece.key)
        if key is None:
            raise InvalidRequest(f"cannot read key {piece.key!r}; write e.g. 'G major' or 'f# minor'")
    else:
        key = estimate_key([(n.pitch, n.duration) for _, n in notes])

    # --- the grid
    T = total_bars * spb
    grid = np.full((4, T), G.PAD, dtype=np.int64)
    present = []                      # slots with notes; a track with none is absent (PAD)
    for ti in range(len(piece.tracks)):
        v = slots[ti]
        cells = []
        for tj, n in context + keep:
            if tj != ti:
                continue
            s, e = _steps(n)
            if ti in targets and s < r0:
                e = min(e, r0)      # a note held into the region is cut at its start
            cells.append((s, e - s, n.pitch + shift))
        if not cells:
            continue
        row, fixed = G.voice_to_cells(cells, T)
        if fixed:
            warnings.append(f"track {piece.tracks[ti].id!r}: {fixed} overlapping note(s) were cut (tracks are monophonic)")
        grid[v] = row
        present.append(v)
    target = np.zeros((4, T), bool)
    for ti in targets:
        target[slots[ti], r0:r1] = True
        if slots[ti] not in present:      # an empty target track: unknown outside the region
            grid[slots[ti]] = G.MASK
    keep_onsets, kept_cells = set(), np.zeros((4, T), bool)
    for ti, n in keep:
        s, e = _steps(n)
        kept_cells[slots[ti], s:e] = True
        keep_onsets.add((slots[ti], s))
    free = target & ~kept_cells
    if op == "continue":             # other voices are unknown after the end of the piece
        for v in present:
            if not target[v, r0]:
                grid[v, piece_bars * spb:] = G.MASK
    original = grid.copy()
    if op == "vary":
        orig = [(ti, n) for ti, n in notes if in_region(ti, n)]
        for ti in targets:
            row, _ = G.voice_to_cells([(s, e - s, n.pitch + shift) for tj, n in orig if tj == ti
                                       for s, e in [_steps(n)]], T)
            original[slots[ti], r0:r1] = np.minimum(row[r0:r1], G.VOCAB - 1)
    grid[free] = G.MASK
    cols = np.nonzero(free.any(0))[0]
    f0, f1 = (int(cols[0]), int(cols[-1]) + 1) if cols.size else (r0, r0)

    # --- constraints from the controls
    F = f1 - f0
    allowed = np.zeros((4, F, G.VOCAB), bool)
    bias = np.zeros((4, F, G.VOCAB), np.float32)
    allowed[:, :, G.REST] = allowed[:, :, G.HOLD] = True
    scale = scale_pcs(key)
    for ti in range(len(piece.tracks)):
        v = slots[ti]
        lo, hi = _pitch_limits(c, piece, ti, G.VOICES[v], [p + shift for tj, n in context if tj == ti for p in [n.pitch]], shift)
        ok = np.array([lo <= p <= hi and (not c.stay_in_key or (p - shift) % 12 in scale)
                       for p in range(G.PITCH_LO, G.PITCH_HI + 1)])
        if not ok.any():
            raise UnsupportedRequest(f"no pitch allowed for track {piece.tracks[ti].id!r}: its pitch range "
                                     f"and key leave nothing inside the model's range {G.PITCH_LO}..{G.PITCH_HI}")
        allowed[v, :, G.N_SPECIAL:] = ok
    for v in range(4):
        if target[v, r0] and f0 <= r0 < f1:
            allowed[v, r0 - f0, G.HOLD] = False      # no tie into the region
    for ti, n in keep:
        e = _steps(n)[1]
        if e < T and free[slots[ti], e]:
            allowed[slots[ti], e - f0, G.HOLD] = False
    bias[:, :, G.HOLD] = -HOLD_BIAS * c.note_density
    if op == "vary":
        for v in range(4):
            for t in np.nonzero(free[v, f0:f1] & target[v, f0:f1])[0]:
                bias[v, t, original[v, f0 + t]] += KEEP_BONUS * c.keep_close
    prob = Problem(grid=grid, free=free, target=target, f0=f0, allowed=allowed, bias=bias,
                   spb=spb, slots=slots, region=(r0, r1), shift=shift, key=key,
                   velocity={slots[i]: vel[i] for i in slots}, keep=[n for _, n in keep],
                   keep_onsets=keep_onsets, warnings=warnings,
                   temperature=c.temperature, top_p=c.top_p)
    return apply_cue_targets(prob, c.cue_targets)     # cadences and hits at the picture's cues


def _range_for(c, piece, i):
    for k, r in c.pitch_range.items():
        if _track_index(piece, k) == i:
            return tuple(r)
    return None


def _pitch_limits(c, piece, i, voice, context_pitches, shift):
    r = _range_for(c, piece, i)
    if r is not None:
        return r[0] + shift, r[1] + shift
    lo, hi = G.BACH_RANGES[voice]      # default: Bach's range, widened to the track's own notes
    if context_pitches:
        lo, hi = min(lo, min(context_pitches)), max(hi, max(context_pitches))
    return lo, hi


def _octave_shift(pitches):
    if not pitches:
        return 0
    lo, hi = min(pitches), max(pitches)
    for k in (0, -12, 12, -24, 24, -36, 36):
        if G.PITCH_LO <= lo + k and hi + k <= G.PITCH_HI:
            return k
    raise UnsupportedRequest(f"the notes span MIDI {lo}..{hi}; the model handles a span inside "
                             f"{G.PITCH_LO}..{G.PITCH_HI} ({G.PITCH_HI - G.PITCH_LO + 1} semitones)")


def decode(prob, filled, piece):
    """Filled (4, T) grid -> the region's notes for the target tracks."""
    r0, r1 = prob.region
    out = []
    for ti, v in prob.slots.items():
        if not prob.target[v, r0:r1].any():
            continue
        tid = piece.tracks[ti].id
        for s, d, p in G.cells_to_voice(filled[v, r0:r1], r0):
            if (v, s) in prob.keep_onsets:
                continue
            out.append(Note(track=tid, start=s * G.STEP, duration=d * G.STEP,
                            pitch=int(p - prob.shift), velocity=prob.velocity[v]))
    out += [Note(**n.to_dict()) for n in prob.keep]
    return sorted(out, key=lambda n: (str(n.track), n.start, n.pitch))


def chunks(prob, max_bars=4, left=3, right=2):
    """Split the free span into chunks of whole bars. Yields (w0, w1, c0, c1):
    the model window and the frames committed in it."""
    spb, T = prob.spb, prob.n_frames
    cols = np.nonzero(prob.free.any(0))[0]
    if cols.size == 0:
        return []
    b0, b1 = cols[0] // spb, cols[-1] // spb + 1
    out = []
    for cb in range(b0, b1, max_bars):
        c0, c1 = cb * spb, min(b1, cb + max_bars) * spb
        out.append((max(0, c0 - left * spb), min(T, c1 + right * spb), c0, c1))
    return out


def default_limits():
    return dict(max_tracks=4, max_region_bars=32, max_piece_bars=512, max_candidates=8,
                time_signatures=list(G.METERS), ticks_per_quarter=G.PPQ, grid="16th note",
                pitch_range=[G.PITCH_LO, G.PITCH_HI], voices=list(G.VOICES),
                monophonic_tracks=True)
