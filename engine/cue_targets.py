"""
The `cue_targets` control: music that lands on the picture's cues (issue 16, part 4).

A request may carry targets inside its region, each {"kind": ..., "tick": ...}:

- "cadence" on a bar's downbeat: a perfect cadence arrives there. At the downbeat every
  written voice starts a note, the lowest voice on the tonic and the others on tones of the
  tonic triad; on the beat before, every written voice starts a note of the dominant (seventh)
  chord, the lowest on the dominant's root (a lone melody arrives on the tonic itself, from any
  tone of the dominant chord). The bass is encouraged to hold the dominant into
  the arrival and every voice to hold the arrival (a phrase ends there).
- "hit" on a beat: an accent. Every written voice starts a note there, louder than the rest.

Both are constraints on the grid problem (engine/problem.py calls `apply` once the problem is
built), so both backends honour them the same way: the pitch onsets a cell may take, as hard
masks where the target says what must happen, and logit biases where it only says what would be
musical. The hit's accent is a velocity, applied to the decoded notes (`accent`). `met` says
whether a candidate meets its targets (used by the tests and engine/cue_eval.py).
Only the voices a request writes can be steered; the others are heard as they are.
"""
from __future__ import annotations

import numpy as np

from engine import grid as G
from engine.api import InvalidRequest

KINDS = ("cadence", "hit")
MAX_TARGETS = 32
BEAT = G.PPQ                # the beat of the meters the engine takes (4/4, 3/4) is a quarter
HIT_ACCENT = 24             # velocity added to a hit's onsets
HOLD_INTO_ARRIVAL = 2.0     # logit bias on HOLD for the bass between the dominant and the arrival
SETTLE = 1.5                # logit bias on HOLD after the arrival, to the end of its bar


def chords(key):
    """(tonic triad, dominant seventh chord) pitch classes of `key` (tonic pc, mode); in minor the
    dominant takes the raised leading tone."""
    tonic, mode = key
    third = 3 if mode == "minor" else 4
    return ({tonic % 12, (tonic + third) % 12, (tonic + 7) % 12},
            {(tonic + 7) % 12, (tonic + 11) % 12, (tonic + 2) % 12, (tonic + 5) % 12})


def check(targets, bar_ticks, region_ticks, beat_ticks=BEAT):
    """The targets as sorted (kind, tick) pairs, or InvalidRequest naming what is wrong.
    region_ticks: (first tick, end tick) of the region; beat_ticks: the piece's beat (the model's,
    a quarter, unless the piece's meter is checked before it is mapped onto the model's)."""
    if not isinstance(targets, (list, tuple)):
        raise InvalidRequest("control cue_targets must be a list of {kind, tick}, "
                             f"got {type(targets).__name__}")
    if len(targets) > MAX_TARGETS:
        raise InvalidRequest(f"control cue_targets: at most {MAX_TARGETS} targets per request, got {len(targets)}")
    lo, hi = region_ticks
    out = set()
    for i, t in enumerate(targets):
        what = f"control cue_targets[{i}]"
        if not isinstance(t, dict) or set(t) != {"kind", "tick"}:
            raise InvalidRequest(f"{what} must be an object with exactly kind and tick, got {t!r}"[:200])
        kind, tick = t["kind"], t["tick"]
        if kind not in KINDS:
            raise InvalidRequest(f"{what}: kind must be one of {', '.join(KINDS)}, got {kind!r}"[:200])
        if not isinstance(tick, int) or isinstance(tick, bool):
            raise InvalidRequest(f"{what}: tick must be an integer, got {tick!r}"[:200])
        if not lo <= tick < hi:
            raise InvalidRequest(f"{what}: tick {tick} is outside the region (ticks {lo} to {hi}, end excluded)")
        if kind == "cadence" and tick % bar_ticks:
            raise InvalidRequest(f"{what}: a cadence lands on a downbeat (a multiple of {bar_ticks} ticks), "
                                 f"got tick {tick}")
        if kind == "hit" and tick % beat_ticks:
            raise InvalidRequest(f"{what}: a hit lands on a beat (a multiple of {beat_ticks} ticks), got tick {tick}")
        if (kind, tick) in out:
            raise InvalidRequest(f"{what}: two {kind} targets at tick {tick}")
        out.add((kind, tick))
    return sorted(out, key=lambda kt: (kt[1], kt[0]))


def apply(prob, targets):
    """Constrain `prob` (an engine.problem.Problem) to meet `targets` (the control's value)."""
    r0, r1 = prob.region
    checked = check(targets, prob.spb * G.STEP, (r0 * G.STEP, r1 * G.STEP))
    tonic, dominant = chords(prob.key)
    beat = BEAT // G.STEP
    for kind, tick in checked:
        c = tick // G.STEP
        if kind == "hit":
            for v in _written(prob, c):
                _restrict(prob, v, c, None, f"the hit at tick {tick}")
            continue
        _chord(prob, c, tonic, {prob.key[0] % 12}, f"the cadence at tick {tick}", alone_too=True)
        if c - beat >= r0:
            _chord(prob, c - beat, dominant, {(prob.key[0] + 7) % 12}, f"the dominant before tick {tick}")
            bass = _bass(prob, c)
            if bass is not None and bass in _written(prob, c - beat):
                _bias_hold(prob, bass, c - beat + 1, c, HOLD_INTO_ARRIVAL)
        for v in _written(prob, c):
            _bias_hold(prob, v, c + 1, min(r1, (c // prob.spb + 1) * prob.spb), SETTLE)
    return prob


def accent(notes, req):
    """Louder onsets on the hit targets' ticks, on the written tracks (kept notes stay verbatim)."""
    hits = {t["tick"] for t in req.controls.cue_targets if t["kind"] == "hit"}
    if not hits:
        return notes
    written = {str(t) for t in req.region.tracks}
    kept = {(str(n.track), n.start, n.pitch) for n in req.keep}
    for n in notes:
        if n.start in hits and str(n.track) in written and (str(n.track), n.start, n.pitch) not in kept:
            n.velocity = min(127, n.velocity + HIT_ACCENT)
    return notes


# -- constraints on cells --------------------------------------------------------------------

def _written(prob, c):
    """Voice slots the request writes at cell c."""
    return [v for v in range(4) if prob.free[v, c]]


def _sounding(prob, c):
    """Slots that may sound at cell c: written there, or context holding a note."""
    return [v for v in range(4) if prob.free[v, c] or prob.grid[v, c] == G.HOLD or G.is_onset(prob.grid[v, c])]


def _bass(prob, c):
    slots = _sounding(prob, c)
    return max(slots) if slots else None       # slot 3 is B: the lowest voice sounding


def _chord(prob, c, pcs, bass_pcs, what, alone_too=False):
    """Every written voice at cell c starts a note of `pcs`; the bass one of `bass_pcs` when
    there is more than one voice sounding, or `alone_too` (a lone melody arrives on the tonic,
    but may take any tone of the dominant chord before it). The bass is kept at or below the
    lowest pitch the other voices can take there, so no voice crosses under it."""
    sounding = _sounding(prob, c)
    if not sounding:
        return
    bass = max(sounding)
    for v in _written(prob, c):
        if v != bass:
            _restrict(prob, v, c, pcs, what)
    if prob.free[bass, c]:
        floor = min((_lowest(prob, v, c) for v in sounding if v != bass), default=None)
        _restrict(prob, bass, c, bass_pcs if len(sounding) > 1 or alone_too else pcs, what, ceiling=floor)


def _lowest(prob, v, c):
    """The lowest (internal) pitch voice v can have at cell c: its note, or its lowest allowed onset."""
    if prob.free[v, c]:
        ok = np.nonzero(prob.allowed[v, c - prob.f0, G.N_SPECIAL:])[0]
        return G.PITCH_LO + int(ok[0]) if ok.size else G.PITCH_HI
    t = c
    while t > 0 and prob.grid[v, t] == G.HOLD:
        t -= 1
    return G.token_pitch(int(prob.grid[v, t])) if G.is_onset(prob.grid[v, t]) else G.PITCH_HI


def _restrict(prob, v, c, pcs, what, ceiling=None):
    """Cell (v, c) must be a pitch onset, of a pitch class in `pcs` (None: any), at or below
    `ceiling` (internal pitch) when it can. When the track's range and key leave no such pitch
    class, any onset it may take (and a warning)."""
    row = prob.allowed[v, c - prob.f0]
    onsets = row[G.N_SPECIAL:].copy()
    pitches = np.arange(G.PITCH_LO, G.PITCH_HI + 1)
    if pcs is not None:
        fits = np.isin((pitches - prob.shift) % 12, list(pcs))
        if (onsets & fits).any():
            onsets &= fits
        else:
            prob.warnings.append(f"cue_targets: {what}: voice {G.VOICES[v]} has no pitch of the chord "
                                 "inside its range and key, so it may miss the target")
    if ceiling is not None and (onsets & (pitches <= ceiling)).any():
        onsets &= pitches <= ceiling
    row[:G.N_SPECIAL] = False
    row[G.N_SPECIAL:] = onsets


def _bias_hold(prob, v, c0, c1, amount):
    for c in range(c0, c1):
        if prob.free[v, c]:
            prob.bias[v, c - prob.f0, G.HOLD] += amount


# -- did a candidate meet them? --------------------------------------------------------------

def heard(piece, region, candidate_notes):
    """The notes heard with a candidate in place: the piece's notes, less those the request
    rewrote (the written tracks' notes in the region), plus the candidate's."""
    bar = {"4/4": 1920, "3/4": 1440}[piece.time_signature]
    lo, hi = region.start_bar * bar, region.end_bar * bar
    written = {str(t) for t in region.tracks}
    kept = [n for n in piece.notes if not (str(n.track) in written and lo <= n.start < hi)]
    return kept + list(candidate_notes)


def met(target, notes, candidate, written, key, accent=True):
    """Whether one target {kind, tick} is met by `notes` (everything heard, see `heard`) with
    `candidate` the notes the model wrote, `written` the track ids the request wrote (their
    onsets are asked for) and `key` (tonic pc, mode). accent=False: a hit needs its onsets only."""
    tick, kind = target["tick"], target["kind"]
    tonic, dominant = chords(key)
    starts = {str(n.track): n for n in notes if n.start == tick and str(n.track) in written}
    if set(starts) != set(written):
        return False
    if kind == "hit":
        if not accent:
            return True
        for track, n in starts.items():       # louder than the track's usual (median) written note
            others = [m.velocity for m in candidate if str(m.track) == track and m.start != tick]
            if others and n.velocity <= float(np.median(others)):
                return False
        return True
    return (_chord_ok(notes, tick, tonic, key[0] % 12, alone_too=True)
            and (tick < BEAT or _chord_ok(notes, tick - BEAT, dominant, (key[0] + 7) % 12)))


def _chord_ok(notes, tick, pcs, bass_pc, alone_too=False):
    sounding = sorted(n.pitch for n in notes if n.start <= tick < n.start + n.duration)
    if not sounding or any(p % 12 not in pcs for p in sounding):
        return False
    return (len(sounding) == 1 and not alone_too) or sounding[0] % 12 == bass_pc
