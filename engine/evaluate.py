"""
Held-out evaluation of the neural model and the n-gram baseline, side by side.

    python -m engine.evaluate                       # shipped checkpoint, test split
    python -m engine.evaluate --checkpoint engine/checkpoints/gridcoco-cpu.pt --regions 50

1. Exact NLL in nats per grid cell (16th-note grid, one cell per voice):
   the region's cells are scored one at a time in raster order (time, then
   S A T B), each given the true values of the cells before it and of the
   context (teacher forcing). The neural model sees the context on both
   sides; the n-gram sees the 8 cells before.
     (a) infill: 1 bar, all voices, up to 3 bars of context each side
     (b) harmonize: A, T, B of 2 bars given S, 3 bars of context each side
     (c) continue: 1 bar, all voices, up to 7 bars of left context only
2. Musical statistics of one sampled candidate per region (through the
   public generate() API, default controls), next to the real chorales'
   values on the same bars.
3. Melodies written for the check, harmonized and then continued alone and
   with all voices, next to the given bars (engine/continuation_eval.py).
4. Chord agreement with Bach's harmonisation per beat and per bar: the chord
   model next to the commonest-diatonic-chord baseline (engine/chord_eval.py).
5. Cue targets: the share of candidates that land their cadences and hits,
   with the targets on and off (engine/cue_eval.py).
6. Voice-leading on Bach's test split and on 22 melodies written for the check,
   raw decoding next to strict_voice_leading (engine/voice_leading_eval.py).
7. The reach table: every meter x four textures x four operations, served or
   refused and why (engine/reach.py).
8. Each style the checkpoint knows, on its own test split: NLL next to an
   n-gram trained on that style, and sampled statistics next to the real
   music (engine/style_eval.py).
"""
from __future__ import annotations

import argparse
import json
import time

import numpy as np
import torch

from engine import chord_eval, continuation_eval, cue_eval, grid as G, reach, style_eval, voice_leading_eval
from engine.data import load_split
from engine.eval_tasks import TASKS, fill, mean_se, nll_neural, nll_ngram, regions, request_for, window
from engine.metrics import piece_key, region_stats, summarize
from engine.ngram import NgramGenerator

def run(args):
    torch.set_num_threads(args.threads)
    from engine.neural import NeuralGenerator
    neural = NeuralGenerator(args.checkpoint, device=args.device)
    model, device = neural.model, neural.device
    t0 = time.time()
    ngram = NgramGenerator(order=9)
    print(f"n-gram baseline built in {time.time() - t0:.1f} s; neural: {neural.capabilities().name} "
          f"{neural.version} sha256 {neural.checksum[:12]} on {device}")
    pieces = load_split(args.split)
    results = {}
    for name, task in TASKS.items():
        t0 = time.time()
        rs = regions(pieces, task, args.regions)
        per = {"neural": [], "ngram": []}
        onset = []
        stats = {"Bach": [], "GridCoco": [], "n-gram": []}
        for k, (i, b) in enumerate(rs):
            g, spb = pieces[i]
            w0, w1, r0, r1 = window(g, spb, b, task)
            a, truth = nll_neural(model, g, spb, w0, w1, r0, r1, task["voices"], device)
            c, _ = nll_ngram(ngram.model, g, r0, r1, task["voices"])
            per["neural"].append(a)
            per["ngram"].append(c)
            onset.append(truth >= G.N_SPECIAL)
            if k < args.samples:
                key = piece_key(g)
                stats["Bach"].append(region_stats(g, r0, r1, task["voices"], key, spb))
                req = request_for(g, spb, b, task, seed=k)
                for label, gen in (("GridCoco", neural), ("n-gram", ngram)):
                    filled = fill(g, gen.generate(req), r0, r1, task["voices"])
                    stats[label].append(region_stats(filled, r0, r1, task["voices"], key, spb))
        results[name] = dict(task=task, per=per, onset=onset, stats={k: summarize(v) for k, v in stats.items() if v},
                             seconds=time.time() - t0)
    report(results, args, len(pieces))
    continuation_eval.report(neural)
    chord_eval.report(args.split)        # 4. chord agreement: chord model vs baseline (engine/chord_eval.py)
    cue_eval.report([("GridCoco", neural), ("n-gram", ngram)])   # 5. landing on the picture's cues
    voice_leading_eval.report(neural)                           # 6. what a teacher would mark
    reach.report(neural)                                        # 7. every meter x texture x operation
    if args.style_regions:
        style_eval.report(neural, args.style_regions)           # 8. each style against its own n-gram


def report(results, args, n_pieces):
    print(f"\n### NLL, nats per cell (ordered, teacher-forced), {args.split} split: {n_pieces} chorales, "
          f"up to {args.regions} regions per task\n")
    print("| task | regions | cells | GridCoco | n-gram | GridCoco better by | GridCoco onset / hold cells |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    summary = {}
    for name, r in results.items():
        (a, sa, n), (c, sc, _) = mean_se(r["per"]["neural"]), mean_se(r["per"]["ngram"])
        on = np.concatenate(r["onset"])
        allv = np.concatenate(r["per"]["neural"])
        print(f"| {r['task']['label']} | {len(r['per']['neural'])} | {n} | {a:.3f} ± {sa:.3f} | {c:.3f} ± {sc:.3f} "
              f"| {100 * (c - a) / c:.0f} % | {allv[on].mean():.2f} / {allv[~on].mean():.3f} |")
        summary[name] = dict(neural=float(a), ngram=float(c), neural_se=float(sa), ngram_se=float(sc), cells=int(n))
    for name, r in results.items():
        st = r["stats"]
        if not st:
            continue
        n = min(args.samples, len(r["per"]["neural"]))
        print(f"\n### {r['task']['label']}: one sampled candidate per region ({n} regions, default controls) "
              f"vs the real chorale on the same bars\n")
        print("| statistic | Bach (real) | GridCoco | n-gram |")
        print("|---|---:|---:|---:|")
        for k in st["Bach"]:
            print(f"| {k} | {st['Bach'][k]:.2f} | {st['GridCoco'][k]:.2f} | {st['n-gram'][k]:.2f} |")
        summary[name]["stats"] = {b: {k: float(v) for k, v in d.items()} for b, d in st.items()}
    if args.json:
        with open(args.json, "w") as f:
            json.dump(summary, f, indent=1)


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--checkpoint", default=None, help="default: the shipped engine/checkpoints/gridcoco.pt")
    ap.add_argument("--split", default="test", choices=("train", "valid", "test"))
    ap.add_argument("--regions", type=int, default=100, help="regions per task")
    ap.add_argument("--samples", type=int, default=100, help="regions per task that are also sampled for statistics")
    ap.add_argument("--device", default=None)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--json", default=None, help="also write the numbers to this file")
    ap.add_argument("--style-regions", dest="style_regions", type=int, default=60, help="regions per style and task (0: leave section 8 to engine.style_eval)")
    run(ap.parse_args())
