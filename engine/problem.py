"""
Turn a GenerateRequest into a grid problem every backend can solve, and turn
filled grids back into notes.

A Problem is the piece on the grid with the cells to fill marked `free`, plus
per-cell token constraints (`allowed`) and logit biases (`bias`) that carry
the user's controls. Backends only ever see this.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from engine import chord_follow, grid as G, meters
from engine.api import InvalidRequest, Note, UnsupportedRequest
from engine.music import assign_voices, estimate_key, parse_key, scale_pcs
from engine.problem_check import check, in_region, note_cells, track_index
from engine.cue_targets import apply as apply_cue_targets

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
    strict: bool = False      # strict voice-leading: re-sample what a teacher would mark
    style: str = "auto"       # the style asked for (the backend resolves auto)
    note_density: float = 0.0  # the control, for backends that apply more than the HOLD bias
    warnings: list = field(default_factory=list)

    @property
    def n_frames(self):
        return self.grid.shape[1]


def build_problem(req, caps):
    """Check the request, map its tracks to voices, build the grid, then the masks."""
    r = check(req, caps)
    slots, velocity, shift, key = map_voices(req, r)
    grid, free, target, original, keep_onsets = build_grid(req, r, slots, shift)
    f0, allowed, bias = build_masks(req, r, slots, shift, key, grid, free, target, original)
    prob = Problem(grid=grid, free=free, target=target, f0=f0, allowed=allowed, bias=bias,
                   spb=r.spb, slots=slots, region=(r.r0, r.r1), shift=shift, key=key,
                   velocity=velocity, keep=[n for _, n in r.keep], keep_onsets=keep_onsets,
                   warnings=r.warnings, temperature=req.controls.temperature, top_p=req.controls.top_p,
                   strict=req.controls.strict_voice_leading, style=req.controls.style,
                   note_density=req.controls.note_density)
    return apply_cue_targets(prob, req.controls.cue_targets)     # cadences and hits at the picture's cues


def map_voices(req, r):
    """Tracks to voice slots (by hint, then by register), the octave shift into the model's
    range, each track's velocity, and the key (given or estimated)."""
    piece, c = req.piece, req.controls
    centers, velocity = {}, {}
    for i in range(len(piece.tracks)):
        ps = [n.pitch for ti, n in r.notes if ti == i]
        rng = _range_for(c, piece, i)
        centers[i] = float(np.mean(ps)) if ps else (sum(rng) / 2 if rng else None)
        vs = [n.velocity for ti, n in r.notes if ti == i]
        velocity[i] = int(round(np.mean(vs))) if vs else 80
    slot_of = assign_voices(list(range(len(piece.tracks))),
                            {i: t.voice for i, t in enumerate(piece.tracks)}, centers)
    slots = {i: G.VOICES.index(v) for i, v in slot_of.items()}
    shift = _octave_shift([n.pitch for _, n in r.notes + r.keep])
    if piece.key:
        key = parse_key(piece.key)
        if key is None:
            raise InvalidRequest(f"cannot read key {piece.key!r}; write e.g. 'G major' or 'f# minor'")
    else:
        key = estimate_key([(n.pitch, n.duration) for _, n in r.notes])
    return slots, {slots[i]: velocity[i] for i in slots}, shift, key


def build_grid(req, r, slots, shift):
    """The (4, T) grid: context and kept notes as tokens, a track's empty tail unknown, the cells
    to fill MASK. Also which cells are returned (target) and, for vary, the original tokens."""
    piece, spb, r0, r1 = req.piece, r.spb, r.r0, r.r1
    context = [(ti, n) for ti, n in r.notes if not in_region(ti, n, r.targets, r0, r1)]
    T = r.total_bars * spb
    grid = np.full((4, T), G.PAD, dtype=np.int64)
    present = []                      # slots with notes; a track with none is absent (PAD)
    for ti in range(len(piece.tracks)):
        v = slots[ti]
        cells = []
        for tj, n in context + r.keep:
            if tj != ti:
                continue
            s, e = note_cells(n)
            if ti in r.targets and s < r0:
                e = min(e, r0)      # a note held into the region is cut at its start
            cells.append((s, e - s, n.pitch + shift))
        if not cells:
            continue
        row, fixed = G.voice_to_cells(cells, T)
        if fixed:
            r.warnings.append(f"track {piece.tracks[ti].id!r}: {fixed} overlapping note(s) were cut for the model "
                              "(each of its four lines holds one note at a time)")
        grid[v] = row
        present.append(v)
    target = np.zeros((4, T), bool)
    for ti in r.targets:
        target[slots[ti], r0:r1] = True
        if slots[ti] not in present:      # an empty target track: unknown outside the region
            grid[slots[ti]] = G.MASK
    keep_onsets, kept_cells = set(), np.zeros((4, T), bool)
    for ti, n in r.keep:
        s, e = note_cells(n)
        kept_cells[slots[ti], s:e] = True
        keep_onsets.add((slots[ti], s))
    free = target & ~kept_cells
    others = [(ti, n) for ti, n in context if ti not in r.targets]
    for v, end in _last_ends(others, slots).items():
        # A track the request does not write, with nothing written from some bar on, is unknown
        # there, not silent: a studio piece is longer than its notes, and three voices resting
        # for bars under a melody (never seen in training) made a melody continued alone drone.
        # Bars before the region stay as given, and so do the written tracks' bars after it
        # (masking those too measured worse: engine.continuation_eval, docs/engine.md).
        grid[v, max(r0, -(-end // spb) * spb):] = G.MASK
    for v in {slots[ti] for ti in range(len(piece.tracks)) if ti not in r.targets} & set(present):
        # A voice that rests through the region's bars is absent there, as a voice left out (PAD)
        # in training, not three chorale voices falling silent (which the model answers with rests).
        row = grid[v]
        if (row[r0:r1] == G.REST).all():
            a, b = r0, r1
            while a > 0 and row[a - 1] == G.REST:
                a -= 1
            while b < T and row[b] == G.REST:
                b += 1
            grid[v, a:b] = G.PAD
    original = grid.copy()
    if req.operation == "vary":
        orig = [(ti, n) for ti, n in r.notes if in_region(ti, n, r.targets, r0, r1)]
        for ti in r.targets:
            row, _ = G.voice_to_cells([(s, e - s, n.pitch + shift) for tj, n in orig if tj == ti
                                       for s, e in [note_cells(n)]], T)
            original[slots[ti], r0:r1] = np.minimum(row[r0:r1], G.VOCAB - 1)
    grid[free] = G.MASK
    return grid, free, target, original, keep_onsets


def build_masks(req, r, slots, shift, key, grid, free, target, original):
    """Per free frame, the tokens each voice may take (range, key, no tie into the region or
    into a kept note) and the logit biases of the controls (density, keep close)."""
    piece, c, r0 = req.piece, req.controls, r.r0
    cols = np.nonzero(free.any(0))[0]
    f0, f1 = (int(cols[0]), int(cols[-1]) + 1) if cols.size else (r0, r0)
    F, T = f1 - f0, grid.shape[1]
    allowed = np.zeros((4, F, G.VOCAB), bool)
    bias = np.zeros((4, F, G.VOCAB), np.float32)
    allowed[:, :, G.REST] = allowed[:, :, G.HOLD] = True
    scale = scale_pcs(key)
    context = [(ti, n) for ti, n in r.notes if not in_region(ti, n, r.targets, r0, r.r1)]
    for ti in range(len(piece.tracks)):
        v = slots[ti]
        lo, hi = _pitch_limits(c, piece, ti, G.VOICES[v], [n.pitch + shift for tj, n in context if tj == ti], shift)
        ok = np.array([lo <= p <= hi and (not c.stay_in_key or (p - shift) % 12 in scale)
                       for p in range(G.PITCH_LO, G.PITCH_HI + 1)])
        if not ok.any():
            raise UnsupportedRequest(f"no pitch allowed for track {piece.tracks[ti].id!r}: its pitch range "
                                     f"and key leave nothing inside the model's range {G.PITCH_LO}..{G.PITCH_HI}")
        allowed[v, :, G.N_SPECIAL:] = ok
    for v in range(4):
        if target[v, r0] and f0 <= r0 < f1:
            allowed[v, r0 - f0, G.HOLD] = False      # no tie into the region
    for ti, n in r.keep:
        e = note_cells(n)[1]
        if e < T and free[slots[ti], e]:
            allowed[slots[ti], e - f0, G.HOLD] = False
    bias[:, :, G.HOLD] = -HOLD_BIAS * c.note_density
    if req.operation == "vary":
        for v in range(4):
            for t in np.nonzero(free[v, f0:f1] & target[v, f0:f1])[0]:
                bias[v, t, original[v, f0 + t]] += KEEP_BONUS * c.keep_close
    r.warnings.extend(chord_follow.apply(req, allowed, bias, free, f0, slots, shift))   # the chord track
    return f0, allowed, bias


def _last_ends(notes, slots):
    """Slot -> the cell after the last of its notes."""
    ends = {}
    for ti, n in notes:
        ends[slots[ti]] = max(ends.get(slots[ti], 0), note_cells(n)[1])
    return ends


def _range_for(c, piece, i):
    for k, r in c.pitch_range.items():
        if track_index(piece, k) == i:
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
    # 8 tracks, chordal or drums, mapped onto the 4 voice slots (engine/track_slots.py)
    return dict(max_tracks=8, max_region_bars=32, max_piece_bars=512, max_candidates=8,
                time_signatures=list(meters.SERVED), ticks_per_quarter=G.PPQ, grid="16th note",
                pitch_range=[G.PITCH_LO, G.PITCH_HI], voices=list(G.VOICES), voice_slots=4,
                monophonic_tracks=False, chordal_tracks=True, writes_drums=False,
                styles=["chorale"])         # a backend that knows more says so (engine/styles.py)
