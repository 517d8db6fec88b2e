"""
The piano's range (MIDI 21-108) on a model that spans five octaves.

The model knows 60 pitches at once (engine/grid.py; the problem shifts the whole piece by octaves
to fit them). When no such shift fits a request's tracks, this picks the five-octave window that holds the
most of them, the tracks to write counting most, and moves each track lying outside it by whole
octaves into it: a bass line an octave up, a piccolo an octave down keep their pitch classes, so
the harmony the model hears is the same. The notes written on a moved track are moved back.
Notes that fit no octave of the window are left out of what the model hears, with a warning.
"""
from __future__ import annotations

import dataclasses
from collections import defaultdict

from engine import grid as G
from engine.api import UnsupportedRequest

SPAN = G.PITCH_HI - G.PITCH_LO        # 59: the widest interval the model holds
# The windows the problem can shift the piece into by whole octaves (engine/problem.py _octave_shift).
WINDOWS = [G.PITCH_LO + 12 * j for j in range(-3, 4)]


def fold(req):
    """(the request with tracks moved by octaves into one window, {track id: semitones}, warnings)."""
    pitches = defaultdict(list)
    for n in req.piece.notes + req.keep:
        pitches[str(n.track)].append(n.pitch)
    every = [p for ps in pitches.values() for p in ps]
    if not every or any(w <= min(every) and max(every) <= w + SPAN for w in WINDOWS):
        return req, {}, []
    written = {str(t) for t in req.region.tracks}
    weight = lambda t: 10 if t in written else 1
    lo = max(WINDOWS, key=lambda w: sum(weight(t) * sum(w <= p <= w + SPAN for p in ps) for t, ps in pitches.items()))
    moves, warnings = {}, []
    for t, ps in pitches.items():
        best = max(range(-48, 49, 12), key=lambda k: (sum(lo <= p + k <= lo + SPAN for p in ps), -abs(k)))
        if best:
            moves[t] = best
            warnings.append(f"track {t!r} was heard {_octaves(best)} (the model spans five octaves at once)")
    inside = lambda n: lo <= n.pitch + moves.get(str(n.track), 0) <= lo + SPAN
    dropped = sum(not inside(n) for n in req.piece.notes)
    if dropped:
        warnings.append(f"{dropped} note(s) too far from the others were left out of what the model hears")
    far = [n for n in req.keep if not inside(n)]
    if far:
        raise UnsupportedRequest(f"kept note {far[0]} is too far from the other notes: the model spans "
                                 "five octaves at once")
    moved = lambda n: dataclasses.replace(n, pitch=n.pitch + moves.get(str(n.track), 0))
    ranges = {t: [r[0] + moves.get(str(t), 0), r[1] + moves.get(str(t), 0)]
              for t, r in req.controls.pitch_range.items()}
    ranges = {t: [max(0, a), min(127, b)] for t, (a, b) in ranges.items()}
    piece = dataclasses.replace(req.piece, notes=[moved(n) for n in req.piece.notes if inside(n)])
    controls = dataclasses.replace(req.controls, pitch_range=ranges)
    return (dataclasses.replace(req, piece=piece, keep=[moved(n) for n in req.keep],
                                controls=controls), moves, warnings)


def unfold(notes, moves):
    """Candidate notes back at their tracks' own octaves."""
    if not moves:
        return notes
    return [dataclasses.replace(n, pitch=n.pitch - moves.get(str(n.track), 0)) for n in notes]


def _octaves(k):
    n = abs(k) // 12
    return f"{n} octave{'s' if n > 1 else ''} {'higher' if k > 0 else 'lower'}"
