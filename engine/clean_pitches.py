"""
Which pitches a re-sampled note may take without being marked again.

Strict voice-leading re-samples the pitch of notes a teacher would mark (engine/metrics.py,
mark_pairs), keeping their rhythm. Left to the model alone, a re-sampled note often landed on
another parallel or crossing, and both notes of a parallel, re-sampled together, often made the
same parallel again: the repair took 4.65 rounds (model passes) on average for the bench's 1-bar
4-voice infill, 16 (the limit) for some seeds. With the checkpoint's `decoding.repair_clean`, one
note of each marked pair is re-sampled (neural.py) among the pitches that this module finds
clean against the other voices as they stand: the same rules as teacher_marks, for this note
only, for every pitch at once, and also for the motion out of the note. One round then almost
always suffices.
"""
from __future__ import annotations

import numpy as np

from engine import grid as G
from engine.leaps import PITCHES


def note_span(row, t):
    """The cells [t, end) that the note starting at cell t holds in its voice's row."""
    end = t + 1
    while end < len(row) and row[end] == G.HOLD:
        end += 1
    return end


def clean_pitches(grid, snd, v, t):
    """(VOCAB,) bool: the pitches the note of voice v starting at cell t may take so that it forms
    no parallel fifth or octave with any voice moving into or out of it, crosses neither
    neighbouring voice, and (soprano, alto, tenor) stays within an octave of its neighbours.
    `snd` is metrics.sounding(grid). Special tokens are False."""
    x = PITCHES
    ok = np.ones(G.VOCAB, bool)
    ok[:G.N_SPECIAL] = False
    end = note_span(grid[v], t)
    changes = np.flatnonzero((grid >= G.N_SPECIAL).any(0))
    before = changes[changes < t]
    after = changes[changes >= end]
    moves = []                    # (a, b, x sounds at a?) for the two motions the note takes part in
    if len(before):
        moves.append((before[-1], t, False))
    if len(after):
        inside = changes[(changes >= t) & (changes < end)]
        moves.append((inside[-1], after[0], True))
    for a, b, leaving in moves:
        mine = snd[v, b] if leaving else snd[v, a]          # the voice's other note in this motion
        if not mine:
            continue
        for j in range(grid.shape[0]):
            q, s = snd[j, a], snd[j, b]
            if j == v or not (q and s) or q == s:
                continue
            p, r = (x, mine) if leaving else (mine, x)
            similar = (r - p) * (s - q) > 0
            sign = 1 if v < j else -1                          # intervals read from the upper voice down
            before_iv, after_iv = (sign * (p - q)) % 12, (sign * (r - s)) % 12
            same = (before_iv == after_iv) & np.isin(before_iv, (0, 7))
            ok &= ~(similar & same)
    for c in changes[(changes >= t) & (changes < end)]:
        if v > 0 and snd[v - 1, c]:
            hi = snd[v - 1, c]
            ok &= (x <= hi) & ((v - 1 >= 2) | (hi - x <= 12))
        if v < grid.shape[0] - 1 and snd[v + 1, c]:
            lo = snd[v + 1, c]
            ok &= (x >= lo) & ((v >= 2) | (x - lo <= 12))
    return ok
