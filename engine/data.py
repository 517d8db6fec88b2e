"""
Data pipeline: music21's Bach chorales -> 16th-note voice grids, cached in
engine/data/chorales.npz (committed, ~0.3 MB), with a train/valid/test split
grouped by melody and committed as file lists in engine/data/splits/.

    python -m engine.data            # rebuild the cache (about a minute on 2 cores)
    python -m engine.data --resplit  # also rewrite the split lists

Deterministic: the same music21 version gives the same bytes.
"""
from __future__ import annotations

import argparse
import hashlib
import math
import os
from multiprocessing import Pool

import numpy as np

from engine import grid as G

HERE = os.path.dirname(os.path.abspath(__file__))
CACHE = os.path.join(HERE, "data", "chorales.npz")
SPLITS = os.path.join(HERE, "data", "splits")
SPLIT_NAMES = ("train", "valid", "test")


def corpus_files():
    from music21 import corpus
    root = os.path.dirname(corpus.__file__)
    paths = [p for p in corpus.getComposer("bach") if str(p).endswith((".mxl", ".xml", ".krn"))]
    return sorted(os.path.relpath(str(p), root) for p in paths), root


def parse(args):
    """One corpus file -> (name, grid (4, T) uint8, cells per bar) or (name, None, reason)."""
    name, root = args
    from music21 import converter, meter, note, stream
    try:
        score = converter.parse(os.path.join(root, name))
    except Exception as e:          # a broken file is skipped, not fatal
        return name, None, f"parse error {e}"
    if len(score.parts) != 4:
        return name, None, f"{len(score.parts)} parts"
    sigs = {ts.ratioString for ts in score.recurse().getElementsByClass(meter.TimeSignature)}
    if len(sigs) != 1 or next(iter(sigs)) not in G.METERS:
        return name, None, f"time signatures {sorted(sigs)}"
    spb = G.METERS[next(iter(sigs))]
    measures = score.parts[0].getElementsByClass(stream.Measure)
    pickup = int(round(measures[0].paddingLeft * 4)) if len(measures) else 0
    rows, n_steps = [], 0
    for part in score.parts:
        notes = []
        for n in part.stripTies().flatten().notes:
            if n.quarterLength == 0:
                continue                # grace notes
            pitch = max(p.midi for p in n.pitches)
            start = int(round(float(n.offset) * 4)) + pickup
            dur = max(1, int(round(float(n.quarterLength) * 4)))
            notes.append((start, dur, pitch))
        rows.append(notes)
        n_steps = max([n_steps] + [s + d for s, d, _ in notes])
    T = math.ceil(n_steps / spb) * spb
    grid = np.stack([G.voice_to_cells(r, T)[0] for r in rows]).astype(np.uint8)
    return name, grid, spb


def melody_key(grid):
    """First 24 soprano intervals: chorales on the same tune share it."""
    on = grid[0][grid[0] >= G.N_SPECIAL].astype(int)
    return ",".join(map(str, np.diff(on)[:24]))


def split_of(key):
    h = int(hashlib.md5(key.encode()).hexdigest(), 16) % 100
    return "test" if h < 10 else "valid" if h < 19 else "train"


def build(resplit=False, workers=2):
    names, root = corpus_files()
    with Pool(workers) as pool:
        results = pool.map(parse, [(n, root) for n in names], chunksize=4)
    kept = [(n, g, s) for n, g, s in results if g is not None]
    skipped = [(n, s) for n, g, s in results if g is None]
    cells = np.concatenate([g for _, g, _ in kept], 1)
    lengths = np.array([g.shape[1] for _, g, _ in kept])
    np.savez_compressed(CACHE, cells=cells, lengths=lengths,
                        spb=np.array([s for _, _, s in kept]),
                        names=np.array([n for n, _, _ in kept]))
    print(f"{len(kept)} chorales, {cells.shape[1]} cells per voice, {len(skipped)} skipped -> {CACHE}")
    groups = {}
    for n, g, _ in kept:
        groups.setdefault(melody_key(g), []).append(n)
    shared = sum(len(v) for v in groups.values() if len(v) > 1)
    print(f"{len(groups)} melody groups; {shared} chorales share a melody with another")
    if resplit or not all(os.path.exists(os.path.join(SPLITS, f"{s}.txt")) for s in SPLIT_NAMES):
        os.makedirs(SPLITS, exist_ok=True)
        lists = {s: [] for s in SPLIT_NAMES}
        for key, members in groups.items():
            lists[split_of(key)] += members
        for s, members in lists.items():
            with open(os.path.join(SPLITS, f"{s}.txt"), "w") as f:
                f.write("\n".join(sorted(members)) + "\n")
            print(f"{s}: {len(members)} chorales")


_loaded = None


def load_all():
    global _loaded
    if _loaded is None:
        _loaded = read_cache(CACHE)
    return _loaded


def read_cache(path):
    """A cache written by build() (or engine/style_data.py) -> {name: (grid (4, T) int64, cells per bar)}."""
    with np.load(path) as d:     # each d[key] decompresses the whole array again: read each once
        cells, lengths, names, spb = d["cells"], d["lengths"], d["names"], d["spb"]
    ends = np.cumsum(lengths)
    return {str(n): (cells[:, e - l:e].astype(np.int64), int(s)) for n, l, e, s in zip(names, lengths, ends, spb)}


def split_names(split):
    with open(os.path.join(SPLITS, f"{split}.txt")) as f:
        return [line.strip() for line in f if line.strip()]


def load_split(split):
    """[(grid (4, T) int64, cells per bar)] for one split, in list order."""
    data = load_all()
    return [data[n] for n in split_names(split) if n in data]


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--resplit", action="store_true", help="rewrite the committed split lists")
    ap.add_argument("--workers", type=int, default=2)
    build(**vars(ap.parse_args()))
