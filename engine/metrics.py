"""
Musical statistics of a (4, T) grid over a span of cells, the same for real
chorales and generated bars, so they can sit side by side.

Parallels are counted at every change of sonority (passing tones included),
as in model-anchors.md section 3.2: two voices that both move, in the same
direction, from a perfect fifth (or octave/unison, modulo octaves) to
another one.
"""
from __future__ import annotations

import math

import numpy as np

from engine import grid as G
from engine.music import estimate_key, scale_pcs


def sounding(grid):
    """(4, T) tokens -> (4, T) MIDI pitch sounding in each cell, 0 for none."""
    out = np.zeros(grid.shape, np.int64)
    for v in range(grid.shape[0]):
        cur = 0
        for t, tok in enumerate(grid[v].tolist()):
            if tok >= G.N_SPECIAL:
                cur = G.token_pitch(tok)
            elif tok != G.HOLD:
                cur = 0
            out[v, t] = cur
    return out


def onset_cells(grid):
    """(4, T): the cell where the note sounding in each cell started."""
    on = grid >= G.N_SPECIAL
    start = np.zeros(grid.shape, np.int64)
    for v in range(grid.shape[0]):
        cur = 0
        for t in range(grid.shape[1]):
            cur = t if on[v, t] else cur
            start[v, t] = cur
    return start


def parallel_motions(grid, t0, t1, snd=None, start=None):
    """[(kind, (voice, cell), (voice, cell))] for each parallel fifth ('5') or
    octave/unison ('8') moving into a sonority that starts in [t0, t1); the
    cells are where the two arriving notes start. `snd` and `start` may be passed
    when the caller has them (sounding(grid), onset_cells(grid))."""
    snd = sounding(grid) if snd is None else snd
    start = onset_cells(grid) if start is None else start
    changes = np.flatnonzero((grid >= G.N_SPECIAL).any(0)[:t1])
    out = []
    for a, b in zip(changes, changes[1:]):
        if b < t0:
            continue
        for i in range(4):
            for j in range(i + 1, 4):
                p, q, r, s = snd[i, a], snd[j, a], snd[i, b], snd[j, b]
                if not (p and q and r and s) or p == r or q == s or (r - p) * (s - q) <= 0:
                    continue
                iv1, iv2 = (p - q) % 12, (r - s) % 12
                if iv1 == iv2 and iv1 in (0, 7):
                    out.append(("5" if iv1 == 7 else "8", (i, int(start[i, b])), (j, int(start[j, b]))))
    return out


def mark_pairs(grid, t0, t1, snd=None):
    """{((voice, onset cell), (voice, onset cell))}: the pairs of notes a teacher would mark at
    sonorities starting in [t0, t1), upper voice first: a parallel fifth or octave, a crossing (a
    voice below the one beneath it), a gap wider than an octave between soprano and alto or alto
    and tenor. `snd`: sounding(grid) when the caller has it."""
    snd, start = sounding(grid) if snd is None else snd, onset_cells(grid)
    pairs = {(a, b) for _, a, b in parallel_motions(grid, t0, t1, snd, start)}
    for t in np.flatnonzero((grid >= G.N_SPECIAL).any(0)[:t1]):
        if t < t0:
            continue
        for v in range(3):
            hi, lo = snd[v, t], snd[v + 1, t]
            if hi and lo and (hi < lo or (v < 2 and hi - lo > 12)):
                pairs.add(((v, int(start[v, t])), (v + 1, int(start[v + 1, t]))))
    return pairs


def teacher_marks(grid, t0, t1):
    """{(voice, onset cell)} of the notes a teacher would mark at sonorities starting in [t0, t1):
    both notes of each of mark_pairs."""
    return {cell for pair in mark_pairs(grid, t0, t1) for cell in pair}


def parallels(grid, t0, t1):
    """(fifths, octaves) moving into sonorities that start in [t0, t1)."""
    kinds = [k for k, _, _ in parallel_motions(grid, t0, t1)]
    return kinds.count("5"), kinds.count("8")


def region_stats(grid, t0, t1, voices, key, spb):
    """Statistics of the notes starting in [t0, t1) in `voices`."""
    snd = sounding(grid)
    notes = [(v, t, G.token_pitch(grid[v, t])) for v in voices for t in range(t0, t1) if grid[v, t] >= G.N_SPECIAL]
    pcs = np.bincount([p % 12 for _, _, p in notes], minlength=12).astype(float)
    ent = -sum(x * math.log2(x) for x in pcs / max(pcs.sum(), 1) if x > 0)
    scale = scale_pcs(key)
    out_of_range = sum(not (G.BACH_RANGES[G.VOICES[v]][0] <= p <= G.BACH_RANGES[G.VOICES[v]][1]) for v, _, p in notes)
    crossings = 0
    for t in range(t0, t1):
        s = [snd[v, t] for v in range(4)]
        crossings += any(s[v] and s[v + 1] and s[v] < s[v + 1] for v in range(3))
    f, o = parallels(grid, t0, t1)
    return dict(notes=len(notes), in_key=sum(p % 12 in scale for _, _, p in notes), pc_entropy=ent,
                range_violations=out_of_range, crossing_cells=crossings, cells=t1 - t0,
                fifths=f, octaves=o, bars=(t1 - t0) / spb, voice_bars=len(voices) * (t1 - t0) / spb)


def summarize(rows):
    """Pool per-region statistics into the table's columns."""
    s = {k: sum(r[k] for r in rows) for k in rows[0]}
    n = max(s["notes"], 1)
    return {
        "parallel 5ths /100 bars": 100 * s["fifths"] / s["bars"],
        "parallel 8ves /100 bars": 100 * s["octaves"] / s["bars"],
        "notes in key %": 100 * s["in_key"] / n,
        "pitch-class entropy (bits)": float(np.mean([r["pc_entropy"] for r in rows])),
        "range violations /100 notes": 100 * s["range_violations"] / n,
        "cells with voice crossing %": 100 * s["crossing_cells"] / s["cells"],
        "notes per bar per voice": s["notes"] / s["voice_bars"],
    }


def piece_key(grid):
    snd = grid[grid >= G.N_SPECIAL]
    return estimate_key([(int(G.token_pitch(t)), 1) for t in snd])
