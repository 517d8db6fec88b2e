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
"""
from __future__ import annotations

import argparse
import json
import time

import numpy as np
import torch

from engine import chord_eval, continuation_eval, cue_eval, grid as G, reach, voice_leading_eval
from engine.api import GenerateRequest, Note, Piece, Region, Track
from engine.data import load_split
from engine.metrics import piece_key, region_stats, summarize
from engine.ngram import BOS, NgramGenerator

TASKS = {
    "infill": dict(label="(a) 1-bar infill, all voices", bars=1, voices=(0, 1, 2, 3), left=3, right=3, op="infill"),
    "harmonize": dict(label="(b) harmonize: A T B given S, 2 bars", bars=2, voices=(1, 2, 3), left=3, right=3, op="harmonize"),
    "continue": dict(label="(c) 1-bar continuation, all voices", bars=1, voices=(0, 1, 2, 3), left=7, right=0, op="continue"),
}


def regions(pieces, task, n, seed=0):
    """Deterministic (piece, first bar) pairs: interior bars for infill and
    harmonize, bars with at least 2 bars before them for continuation."""
    cands = []
    for i, (g, spb) in enumerate(pieces):
        nb = g.shape[1] // spb
        lo, hi = (2, nb - task["bars"]) if task["right"] == 0 else (1, nb - task["bars"] - 1)
        cands += [(i, b) for b in range(lo, hi + 1)]
    rng = np.random.default_rng(seed)
    return [cands[j] for j in sorted(rng.choice(len(cands), min(n, len(cands)), replace=False))]


def window(g, spb, b, task):
    nb = g.shape[1] // spb
    w0, w1 = max(0, b - task["left"]), min(nb, b + task["bars"] + task["right"])
    return w0 * spb, w1 * spb, b * spb, (b + task["bars"]) * spb


@torch.inference_mode()
def nll_neural(model, g, spb, w0, w1, r0, r1, voices, device, bs=128):
    x = g[:, w0:w1]
    region = np.zeros(x.shape, bool)
    region[list(voices), r0 - w0:r1 - w0] = True
    cells = np.flatnonzero(region.T)                       # raster order
    M = len(cells)
    flat = np.repeat(x.T.reshape(1, -1), M, 0)            # (M, W*4) raster
    hide = np.triu(np.ones((M, M), bool))                 # row j hides cells j..M-1
    flat[:, cells] = np.where(hide, G.MASK, flat[:, cells])
    inp = torch.from_numpy(flat.reshape(M, -1, 4).transpose(0, 2, 1).copy()).to(device)
    pos = torch.from_numpy(G.positions(x.shape[1], spb, w0)).to(device)
    out = []
    for i in range(0, M, bs):
        logp = model(inp[i:i + bs], pos[None].expand(len(inp[i:i + bs]), -1)).float().log_softmax(-1)
        j = np.arange(i, min(i + bs, M))
        t, v = cells[j] // 4, cells[j] % 4
        out.append(-logp[torch.arange(len(j)), torch.from_numpy(v), torch.from_numpy(t),
                         torch.from_numpy(x[v, t])].cpu().numpy())
    return np.concatenate(out), x[cells % 4, cells // 4]


def nll_ngram(ng, g, r0, r1, voices):
    m = ng.order - 1
    s = np.concatenate([np.full(m, BOS, np.int64), G.raster(g)])
    idx = np.array([t * 4 + v for t in range(r0, r1) for v in range(4) if v in voices]) + m
    p = ng.probs(np.stack([s[idx - m + k] for k in range(m)], 1))
    return -np.log(p[np.arange(len(idx)), s[idx]]), s[idx]


def request_for(g, spb, b, task, seed):
    w0, w1, r0, r1 = window(g, spb, b, task)
    end = r0 if task["op"] == "continue" else w1
    notes = [Note(v, s * G.STEP, d * G.STEP, p, 80) for v in range(4)
             for s, d, p in G.cells_to_voice(g[v, :end]) if s + d > w0 or task["op"] == "continue"]
    tracks = [Track(v, G.VOICES[v], voice=G.VOICES[v]) for v in range(4)]
    ts = "4/4" if spb == 16 else "3/4"
    return GenerateRequest(task["op"], Piece(tracks, notes, ts), Region(list(task["voices"]), b, b + task["bars"]),
                           num_candidates=1, seed=seed)


def fill(g, res, r0, r1, voices):
    out = g.copy()
    out[list(voices), r0:r1] = G.REST
    for n in res.candidates[0].notes:
        s, d = n.start // G.STEP, n.duration // G.STEP
        out[n.track, s] = G.pitch_token(n.pitch)
        out[n.track, s + 1:s + d] = G.HOLD
    return out


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


def mean_se(arrs):
    tot = np.concatenate(arrs)
    means = np.array([a.mean() for a in arrs])
    return tot.mean(), means.std(ddof=1) / np.sqrt(len(arrs)), len(tot)


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
    run(ap.parse_args())
