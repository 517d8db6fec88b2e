"""
The texture of the written music around a region, as evidence for `style: auto` (engine/style_infer.py).

Eight rates that tell the four-voice styles apart and do not depend on key or on how much music there
is: how often notes start, how much rests, how many notes start off the beat, how wide the voices
spread, how many notes last half a bar or more, how often the voices start together, and how many
pitch classes are used. Each style's rates on its train split are summed up as a mean and a spread
(`python -m engine.style_texture` writes engine/data/style_texture.json, deterministic), and a window
is scored by its log-likelihood under each style (independent normals). Bach's chorales start
notes together on the beat in quarters and eighths; Palestrina's and Monteverdi's voices hold
longer notes, rest, and enter apart; the quartets spread wide and run in sixteenths.

    python -m engine.style_texture                 # fit on the train splits, print the valid splits' reads
"""
from __future__ import annotations

import argparse
import json
import os

import numpy as np

from engine import grid as G

PATH = os.path.join(os.path.dirname(__file__), "data", "style_texture.json")
NAMES = ("log onsets per bar", "rest share", "sixteenth onsets", "off-beat eighth onsets", "span (semitones)",
         "notes of half a bar or more", "onsets with another voice", "pitch classes")
MIN_SPREAD = 0.05        # a floor under each spread, so no single rate decides alone
N_WINDOWS = 800          # train windows per style for the fit


def note_lengths(row, onsets, known):
    """Cells from each onset to the next onset, rest or unknown cell of its voice."""
    cont = (row == G.HOLD) & known
    out = []
    for a in np.flatnonzero(onsets):
        e = a + 1
        while e < len(row) and cont[e]:
            e += 1
        out.append(e - a)
    return out


def features(grid, free, spb):
    """grid (4, W) tokens, free (4, W) bool (cells to be written, not evidence) -> the rates of NAMES,
    or None where fewer than two voices are written (a lone melody has no texture to read)."""
    known = ~free & (grid != G.PAD) & (grid != G.MASK)
    sounding = np.flatnonzero((known & (grid != G.REST)).any(0))
    if not len(sounding):
        return None
    # Silence before the first note and after the last is music not written yet (the empty bars after
    # a continued melody), not rests of the texture.
    a, b = sounding[0], sounding[-1] + 1
    grid, known = grid[:, a:b], known[:, a:b]
    voices = [v for v in range(grid.shape[0]) if known[v].any()]
    onsets = known & G.is_onset(grid)
    if len(voices) < 2 or onsets.sum() < 4:
        return None
    at = (np.nonzero(onsets)[1] + a) % spb      # only its parity and quarter are read, so a window
                                                # starting 128 cells before a 3/4 bar reads right too
    pitches = grid[onsets]
    lengths = np.array([n for v in voices for n in note_lengths(grid[v], onsets[v], known[v])])
    together = onsets & (onsets.sum(0) >= 2)[None]
    return np.array([
        np.log(onsets.sum() / known.sum() * 16 + 0.1),
        ((grid == G.REST) & known).sum() / known.sum(),
        (at % 2 == 1).mean(),
        (at % 4 == 2).mean(),
        pitches.max() - pitches.min(),
        (lengths >= spb // 2).mean(),
        together.sum() / onsets.sum(),
        len(set((pitches % 12).tolist())),
    ], float)


def loglik(stats, x):
    """{style: log-likelihood of the rates x} for the styles in stats."""
    out = {}
    for style, s in stats.items():
        mu, sd = np.array(s["mean"]), np.array(s["spread"])
        out[style] = float((-0.5 * ((x - mu) / sd) ** 2 - np.log(sd)).sum())
    return out


def most_likely(stats, x):
    ll = loglik(stats, x)
    return max(ll, key=ll.get)


_cache = {}


def load(path=PATH):
    if path not in _cache:
        with open(path) as f:
            _cache[path] = json.load(f)["styles"]
    return _cache[path]


def windows(style, split, n, seed):
    """The rates of up to n 1-bar infill windows of a split (the windows engine.style_eval reads auto on)."""
    from engine.eval_tasks import TASKS, hidden_windows
    from engine.styles import load_split
    rates = (features(grid, free, spb) for grid, free, spb, _ in
             hidden_windows(load_split(style, split), TASKS["infill"], n, seed))
    return np.array([x for x in rates if x is not None])


def fit(styles, n=N_WINDOWS, seed=7):
    stats = {}
    for style in styles:
        x = windows(style, "train", n, seed)
        if len(x):
            stats[style] = dict(mean=x.mean(0).round(4).tolist(),
                                spread=(x.std(0) + MIN_SPREAD).round(4).tolist(), windows=len(x))
    return stats


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--styles", default="chorale,renaissance,quartet")   # folk is one voice: no texture
    ap.add_argument("--out", default=PATH)
    args = ap.parse_args(argv)
    stats = fit(args.styles.split(","))
    with open(args.out, "w") as f:
        json.dump(dict(features=list(NAMES), windows_per_style=N_WINDOWS, seed=7, styles=stats), f, indent=1)
    print(f"wrote {args.out}")
    for style, s in stats.items():
        print(f"{style} ({s['windows']} windows): " + ", ".join(f"{n} {m:.2f} ± {d:.2f}"
                                                             for n, m, d in zip(NAMES, s["mean"], s["spread"])))
    print("\nread from the texture alone, valid splits (40 windows each):")
    for style in stats:
        reads = [most_likely(stats, x) for x in windows(style, "valid", 40, 1)]
        print(f"  {style}: " + ", ".join(f"{s} {reads.count(s) / max(len(reads), 1):.0%}" for s in stats))


if __name__ == "__main__":
    main()
