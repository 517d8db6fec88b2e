"""
The styles beyond the chorales, from music21's own corpus (nothing is downloaded):

    folk         Essen folk songs, O'Neill's 1850 and Ryan's Mammoth (jigs, reels, hornpipes): one voice
    renaissance  Palestrina's masses, Monteverdi's madrigals, Josquin: four of their voices
    quartet      the string quartets of Haydn, Mozart and Beethoven in the corpus

    python -m engine.style_data              # rebuild every cache (about 10 minutes on 2 cores)
    python -m engine.style_data folk         # one style
    python -m engine.style_data --resplit    # also rewrite the split lists

Each piece is written on the model's grid through the same meter mappings that serve requests
(engine/meters.py), so a 6/8 jig is learned exactly as a 6/8 request is written: two bars of 3/4
at double time. Meters the mappings only pad (5/4, 7/8), meter changes and unparsable files are
skipped and counted. Notes are placed on the nearest 16th of the mapped grid (triplets are
quantized, as they are when served). Pitches outside the model's MIDI 30-89 are moved by octaves.

Caches: engine/data/styles/<style>.npz (committed). Splits: engine/data/splits/<style>/*.txt,
grouped (a tune by its first 24 intervals, a mass or a quartet by its work), so no tune or work
is in two splits. Deterministic: the same music21 version gives the same bytes.
"""
from __future__ import annotations

import argparse
import hashlib
import math
import os
import re
from multiprocessing import Pool

import numpy as np

from engine import grid as G
from engine.api import UnsupportedRequest
from engine.meters import mapping
from engine.styles import CACHE_DIR, SPLITS



def _corpus_root():
    from music21 import corpus
    return os.path.dirname(corpus.__file__)


def sources(style):
    """[(file relative to the corpus, how to read it)] for one style, sorted."""
    root = _corpus_root()

    def files(folder, exts):
        out = []
        for dirpath, _, names in os.walk(os.path.join(root, folder)):
            out += [os.path.relpath(os.path.join(dirpath, n), root) for n in names if n.endswith(exts)]
        return sorted(out)
    if style == "folk":
        return files("essenFolksong", ".abc") + files("oneills1850", ".abc") + files("ryansMammoth", ".abc")
    if style == "renaissance":
        return files("palestrina", ".krn") + files("monteverdi", ".mxl") + files("josquin", ".abc")
    if style == "quartet":
        quartets = ("haydn", "mozart/k155", "mozart/k156", "mozart/k458", "mozart/k80", "beethoven")
        return [f for q in quartets for f in files(q, ".mxl")]
    raise ValueError(f"unknown style {style!r}")


def work_of(style, name):
    """The group a piece is split with: its mass, its quartet (all movements together)."""
    if style == "renaissance" and name.startswith("palestrina/"):
        m = re.search(r"_(\d+)\.krn$", name)
        return "palestrina mass " + (m.group(1) if m else name)
    if style == "quartet":
        return os.path.splitext(name)[0].rsplit("/movement", 1)[0]
    return name.split("#")[0]


def fit_pitch(p):
    while p < G.PITCH_LO:
        p += 12
    while p > G.PITCH_HI:
        p -= 12
    return p


def score_to_grid(score, voices):
    """A music21 score -> (grid (4, T), cells per bar, None) or (None, None, why it was skipped).
    `voices`: 1 (the top part as a melody) or 4 (the outer parts and the two below the top)."""
    from music21 import meter, stream
    parts = list(score.parts) if hasattr(score, "parts") and len(score.parts) else [score]
    if voices == 4 and len(parts) < 3:
        return None, None, f"{len(parts)} parts"
    sigs = {ts.ratioString for ts in score.recurse().getElementsByClass(meter.TimeSignature)}
    if len(sigs) != 1:
        return None, None, f"time signatures {sorted(sigs)}"
    try:
        m = mapping(next(iter(sigs)))
    except UnsupportedRequest:
        return None, None, f"meter {next(iter(sigs))}"
    if m.span != m.bar * m.scale:
        return None, None, f"meter {m.meter} (only padded)"
    measures = parts[0].getElementsByClass(stream.Measure)
    pickup = float(measures[0].paddingLeft) if len(measures) else 0.0
    if voices == 1:
        chosen = {0: parts[0]}
    elif len(parts) == 3:
        chosen = {0: parts[0], 1: parts[1], 3: parts[2]}
    else:
        chosen = {0: parts[0], 1: parts[1], 2: parts[-2], 3: parts[-1]}
    spb = G.METERS[m.model_meter]
    rows, n_steps = {}, 0
    for slot, part in chosen.items():
        notes = []
        for n in part.stripTies().flatten().notes:
            if n.quarterLength == 0:
                continue                                    # grace notes
            t0 = round((float(n.offset) + pickup) * G.PPQ)
            t1 = t0 + round(float(n.quarterLength) * G.PPQ)
            c0, c1 = round(m.to_model(t0) / G.STEP), round(m.to_model(t1) / G.STEP)
            notes.append((c0, max(1, c1 - c0), fit_pitch(max(p.midi for p in n.pitches))))
        rows[slot] = notes
        n_steps = max([n_steps] + [s + d for s, d, _ in notes])
    if not any(rows.values()):
        return None, None, "no notes"
    T = math.ceil(n_steps / spb) * spb
    grid = np.full((4, T), G.PAD, np.uint8)
    for slot, notes in rows.items():
        grid[slot] = G.voice_to_cells(notes, T)[0]
    return grid, spb, None


def parse(args):
    """One corpus file -> [(name, grid, spb)] and [(name, why skipped)]."""
    style, name, root = args
    from music21 import converter, stream
    try:
        parsed = converter.parse(os.path.join(root, name))
    except Exception as e:          # a broken file is skipped, not fatal
        return [], [(name, f"parse error {type(e).__name__}")]
    scores = list(parsed.scores) if isinstance(parsed, stream.Opus) else [parsed]
    kept, skipped = [], []
    for i, score in enumerate(scores):
        piece = f"{name}#{i}" if len(scores) > 1 else name
        try:
            grid, spb, why = score_to_grid(score, 1 if style == "folk" else 4)
        except Exception as e:      # music21 trips on some encodings; counted, not fatal
            grid, why = None, f"read error {type(e).__name__}"
        if grid is None:
            skipped.append((piece, why))
        else:
            kept.append((piece, grid, spb))
    return kept, skipped


def group_key(style, name, grid):
    if style == "folk":             # the same tune in two collections is one group
        on = grid[0][grid[0] >= G.N_SPECIAL].astype(int)
        return ",".join(map(str, np.diff(on)[:24]))
    return work_of(style, name)


def assign_splits(groups):
    """Deterministic, grouped: groups ordered by their md5; the first 10 % test, the next 9 % valid
    (at least one group each), the rest train."""
    keys = sorted(groups, key=lambda k: hashlib.md5(k.encode()).hexdigest())
    n_test, n_valid = max(1, round(0.10 * len(keys))), max(1, round(0.09 * len(keys)))
    split = {k: "test" if i < n_test else "valid" if i < n_test + n_valid else "train" for i, k in enumerate(keys)}
    lists = {"train": [], "valid": [], "test": []}
    for k, members in groups.items():
        lists[split[k]] += members
    return {s: sorted(v) for s, v in lists.items()}


def build(style, resplit=False, workers=2):
    root = _corpus_root()
    with Pool(workers) as pool:
        results = pool.map(parse, [(style, n, root) for n in sources(style)], chunksize=1)
    kept = [k for ks, _ in results for k in ks]
    skipped = [s for _, ss in results for s in ss]
    os.makedirs(CACHE_DIR, exist_ok=True)
    cells = np.concatenate([g for _, g, _ in kept], 1)
    np.savez_compressed(os.path.join(CACHE_DIR, f"{style}.npz"), cells=cells,
                        lengths=np.array([g.shape[1] for _, g, _ in kept]),
                        spb=np.array([s for _, _, s in kept]), names=np.array([n for n, _, _ in kept]))
    reasons = {}
    for _, why in skipped:
        reasons[why.split(" [")[0]] = reasons.get(why.split(" [")[0], 0) + 1
    print(f"{style}: {len(kept)} pieces kept, {cells.shape[1]} positions; {len(skipped)} skipped: "
          + ", ".join(f"{n} {w}" for w, n in sorted(reasons.items(), key=lambda x: -x[1])[:8]))
    folder = os.path.join(SPLITS, style)
    if resplit or not os.path.exists(os.path.join(folder, "test.txt")):
        groups = {}
        for n, g, _ in kept:
            groups.setdefault(group_key(style, n, g), []).append(n)
        os.makedirs(folder, exist_ok=True)
        for s, members in assign_splits(groups).items():
            with open(os.path.join(folder, f"{s}.txt"), "w") as f:
                f.write("\n".join(members) + "\n")
            print(f"  {s}: {len(members)} pieces")


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("styles", nargs="*", default=["folk", "renaissance", "quartet"])
    ap.add_argument("--resplit", action="store_true", help="rewrite the committed split lists")
    ap.add_argument("--workers", type=int, default=2)
    a = ap.parse_args()
    for s in a.styles:
        build(s, a.resplit, a.workers)
