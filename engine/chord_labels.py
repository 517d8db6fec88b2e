"""
Chord labels of a chorale grid, per beat, half bar or bar: a template matcher
over the sounding pitch classes (Pardo & Birmingham style). This is how the
training labels of the chord model and the reference labels of the
evaluation are made, from Bach's own four voices.

A segment's score for a chord = the weight of its sounding pitch classes that
are chord tones - the weight of those that are not - a penalty per chord tone
that does not sound, + a small bonus when the lowest sounding note is the root.
Weights are cells of sounding (all voices), normalised to 1 per segment.
"""
from __future__ import annotations

import numpy as np

from engine import grid as G

# the labels' qualities (canonical spellings of engine/chord_symbols.py)
TRIADS = ("", "m", "dim", "aug")
SEVENTHS = ("7", "maj7", "m7", "m7b5", "dim7")
TEMPLATES = {"": (0, 4, 7), "m": (0, 3, 7), "dim": (0, 3, 6), "aug": (0, 4, 8), "7": (0, 4, 7, 10),
             "maj7": (0, 4, 7, 11), "m7": (0, 3, 7, 10), "m7b5": (0, 3, 6, 10), "dim7": (0, 3, 6, 9)}
TO_TRIAD = {"": "", "m": "m", "dim": "dim", "aug": "aug", "7": "", "maj7": "", "m7": "m", "m7b5": "dim", "dim7": "dim"}
MISSING = 0.12     # per chord tone that does not sound
BASS_BONUS = 0.06  # the root in the bass
SEVENTH_COST = 0.02  # a tie goes to the triad
UNITS = ("beat", "half", "bar")


def unit_cells(unit, spb):
    """Cells per segment for a harmonic rhythm: a beat (quarter), half a bar or a bar."""
    return {"beat": 4, "half": spb // 2, "bar": spb}[unit]


def sounding(grid):
    """(V, T) tokens -> (V, T) MIDI pitch sounding in each cell, 0 for none."""
    out = np.zeros(grid.shape, np.int64)
    for v in range(grid.shape[0]):
        cur = 0
        for t, tok in enumerate(grid[v].tolist()):
            cur = G.token_pitch(tok) if tok >= G.N_SPECIAL else (cur if tok == G.HOLD else 0)
            out[v, t] = cur
    return out


def label_segment(snd, a, b, qualities=TRIADS + SEVENTHS):
    """Best (root pc, quality) for the sounding pitches snd (V, T) in cells [a, b); None if silent."""
    w = np.zeros(12)
    for p in snd[:, a:b].ravel():
        if p:
            w[p % 12] += 1
    if w.sum() == 0:
        return None
    w /= w.sum()
    low = snd[:, a:b][snd[:, a:b] > 0]
    bass = int(low.min()) % 12           # the lowest note sounding in the segment
    best, best_score = None, -1e9
    for q in qualities:
        for root in range(12):
            tones = [(root + s) % 12 for s in TEMPLATES[q]]
            inside = w[tones].sum()
            score = inside - (1 - inside) - MISSING * sum(w[t] == 0 for t in tones)
            score += BASS_BONUS * (bass == root) - SEVENTH_COST * (len(tones) > 3)
            if score > best_score + 1e-9:
                best, best_score = (root, q), score
    return best


def label_grid(grid, spb, unit, triads_only=False):
    """[label or None] for each segment of the grid (its length is whole bars)."""
    snd = sounding(grid)
    n = unit_cells(unit, spb)
    qualities = TRIADS if triads_only else TRIADS + SEVENTHS
    return [label_segment(snd, a, min(a + n, grid.shape[1]), qualities) for a in range(0, grid.shape[1], n)]


def to_triad(label):
    return None if label is None else (label[0], TO_TRIAD[label[1]])
