"""
Each style's test split: the model's ordered NLL next to an n-gram trained on the same style's
train split, and the statistics of sampled candidates next to the real music on the same bars.

    python -m engine.style_eval                        # the shipped checkpoint, every style it knows
    python -m engine.style_eval --checkpoint /tmp/gridcoco-styles.pt --regions 40
    python -m engine.style_eval --auto-only            # only how often `style: auto` reads each style right

The tasks are engine.evaluate's, on the voices a style has: a one-voice style (folk) has the
melody's 1-bar infill and 1-bar continuation, scored against a melody n-gram (order 9: the eight
cells of the tune before); the four-voice styles have all three tasks against the raster n-gram
of the chorales' baseline. The model is told the style (not auto), so the rows say what each
style's embedding learned. Also printed by engine.evaluate.
"""
from __future__ import annotations

import argparse
import time
from types import SimpleNamespace

import numpy as np
import torch

from engine import grid as G
from engine.api import Controls
from engine.eval_tasks import TASKS, fill, hidden_windows, mean_se, nll_neural, regions, request_for, window
from engine.metrics import piece_key, region_stats, summarize
from engine.ngram import BOS, NgramModel, training_streams
from engine.styles import load_split

MELODY_TASKS = {
    "infill": dict(TASKS["infill"], label="(a) 1-bar infill, the melody", voices=(0,)),
    "continue": dict(TASKS["continue"], label="(c) 1-bar continuation, the melody", voices=(0,)),
}
STATS = ("notes per bar per voice", "notes in key %", "pitch-class entropy (bits)", "parallel 5ths /100 bars",
         "parallel 8ves /100 bars", "cells with voice crossing %")


def one_voice(pieces):
    return all((g[1:] == G.PAD).all() for g, _ in pieces[:50])


def melody_streams(pieces):
    out = []
    for g, _ in pieces:
        lo, hi = G.pitch_bounds(g) or (60, 60)
        out += [G.transpose(g, s)[0] for s in range(-6, 6) if G.PITCH_LO <= lo + s and hi + s <= G.PITCH_HI]
    return out


def nll_ngram_rows(ng, g, r0, r1, voices, mono):
    """The n-gram's NLL of the region's cells: a melody n-gram reads the tune's own row."""
    m = ng.order - 1
    if mono:
        s = np.concatenate([np.full(m, BOS, np.int64), g[0]])
        idx = np.arange(r0, r1) + m
    else:
        s = np.concatenate([np.full(m, BOS, np.int64), G.raster(g)])
        idx = np.array([t * 4 + v for t in range(r0, r1) for v in range(4) if v in voices and g[v, t] != G.PAD]) + m
    p = ng.probs(np.stack([s[idx - m + k] for k in range(m)], 1))
    return -np.log(p[np.arange(len(idx)), s[idx]])


def evaluate_style(neural, style, n_regions, n_samples):
    train, test = load_split(style, "train"), load_split(style, "test")
    mono = one_voice(train)
    t0 = time.time()
    streams = melody_streams(train) if mono else training_streams([g for g, _ in train], subset_shifts=(0,))
    ngram = NgramModel(9).fit(streams)
    built = time.time() - t0
    index = neural.styles.index(style)
    rows = []
    for task in (MELODY_TASKS if mono else TASKS).values():
        per = {"model": [], "ngram": []}
        stats = {"real": [], "model": []}
        for k, (i, b) in enumerate(regions(test, task, n_regions)):
            g, spb = test[i]
            w0, w1, r0, r1 = window(g, spb, b, task)
            per["model"].append(nll_neural(neural.model, g, spb, w0, w1, r0, r1, task["voices"], neural.device,
                                             style=index)[0])
            per["ngram"].append(nll_ngram_rows(ngram, g, r0, r1, task["voices"], mono))
            if k < n_samples:
                key = piece_key(g)
                req = request_for(g, spb, b, task, seed=k)
                req.controls = Controls(style=style)
                if mono:
                    req.piece.tracks, req.piece.notes = req.piece.tracks[:1], [n for n in req.piece.notes if n.track == 0]
                stats["real"].append(region_stats(g, r0, r1, task["voices"], key, spb))
                filled = fill(g, neural.generate(req), r0, r1, task["voices"])
                stats["model"].append(region_stats(filled, r0, r1, task["voices"], key, spb))
        rows.append(dict(task=task["label"], model=mean_se(per["model"]), ngram=mean_se(per["ngram"]),
                         stats={k: summarize(v) for k, v in stats.items() if v}))
    return dict(style=style, pieces=len(test), ngram_s=built, mono=mono, rows=rows)


def auto_confusion(neural, n_regions=40, split="test"):
    """How often `auto` reads each style's test music as that style: a 1-bar infill of every voice
    the style has, the rest of an 8-bar window as context. {true style: {read style: share}}."""
    out = {}
    for index, style in enumerate(neural.styles):
        test = load_split(style, split)
        task = MELODY_TASKS["infill"] if one_voice(test) else TASKS["infill"]
        counts = dict.fromkeys(neural.styles, 0)
        for grid, free, spb, region in hidden_windows(test, task, n_regions, seed=1):
            prob = SimpleNamespace(grid=grid, free=free, spb=spb, region=region, style="auto", warnings=[])
            read = neural.style_of(prob)            # what a request with style auto would write in
            counts[neural.styles[read]] += 1
        out[style] = {k: v / max(sum(counts.values()), 1) for k, v in counts.items()}
    return out


def report(neural, n_regions=60, n_samples=30):
    results = [evaluate_style(neural, s, n_regions, n_samples) for s in neural.styles]
    print(f"\n### Each style's test split: NLL in nats per cell (ordered, teacher-forced), up to {n_regions} regions "
          f"per task; n-gram of order 9 trained on the same style's train split\n")
    print("| style | test pieces | task | cells | GridCoco | n-gram | GridCoco better by |")
    print("|---|---:|---|---:|---:|---:|---:|")
    for r in results:
        for row in r["rows"]:
            (a, sa, n), (c, sc, _) = row["model"], row["ngram"]
            print(f"| {r['style']} | {r['pieces']} | {row['task']} | {n} | {a:.3f} ± {sa:.3f} | {c:.3f} ± {sc:.3f} "
                  f"| {100 * (c - a) / c:.0f} % |")
    print(f"\n### Each style: one sampled candidate per region (up to {n_samples}, the style asked for) vs the real "
          f"music on the same bars\n")
    print("| style | task | " + " | ".join(STATS) + " |")
    print("|---|---|" + "---:|" * len(STATS))
    for r in results:
        for row in r["rows"]:
            for who in ("real", "model"):
                st = row["stats"].get(who)
                if st:
                    cells = " | ".join(f"{st[k]:.2f}" if k in st else "-" for k in STATS)
                    print(f"| {r['style']} ({'real' if who == 'real' else 'GridCoco'}) | {row['task']} | {cells} |")
    if len(neural.styles) > 1:
        print_auto(neural)
    return results


def print_auto(neural):
    confusion = auto_confusion(neural)
    print("\n### `style: auto` on each style's test split (1-bar infills, 8-bar windows): share read as\n")
    print("| the music is | " + " | ".join(neural.styles) + " |")
    print("|---|" + "---:|" * len(neural.styles))
    for style, row in confusion.items():
        print(f"| {style} | " + " | ".join(f"{100 * row[s]:.0f} %" for s in neural.styles) + " |")


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--checkpoint", default=None)
    ap.add_argument("--regions", type=int, default=60)
    ap.add_argument("--samples", type=int, default=30)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--auto-only", action="store_true", help="only how often auto reads each style right")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    from engine.neural import NeuralGenerator
    neural = NeuralGenerator(a.checkpoint)
    if a.auto_only:
        print_auto(neural)
    else:
        report(neural, a.regions, a.samples)
