"""
Latency of generate() through the public API, on a real test chorale.

    python -m engine.bench                   # shipped checkpoint, 2 threads, CPU unless STUDIO_DEVICE
    python -m engine.bench --runs 30 --device cuda

For each scenario: p50/p99 wall time of the whole generate() call, the
number of model passes, and a floor: the time of the model's own matrix work
for that call (every Linear and attention product it ran, with the same
shapes, timed alone), with the ratio p50 / floor. Also the process's peak
memory (max RSS) and the n-gram baseline on the same requests.
"""
from __future__ import annotations

import argparse
import resource
import time

import numpy as np
import torch
import torch.nn.functional as F

from engine import grid as G
from engine.api import GenerateRequest, Note, Piece, Region, Track
from engine.data import load_split
from engine.int8 import is_linear, n_params
from engine.model import Block, GridCoco


def chorale_piece(bars=12):
    g, spb = next((g, s) for g, s in load_split("test") if s == 16 and g.shape[1] >= bars * 16)
    g = g[:, :bars * 16]
    notes = [Note(v, s * G.STEP, d * G.STEP, p, 80) for v in range(4) for s, d, p in G.cells_to_voice(g[v])]
    return Piece([Track(v, G.VOICES[v]) for v in range(4)], notes), notes


def eight_tracks(piece, notes):
    """The chorale and four more tracks: a piano playing its alto, tenor and bass as chords on each
    beat (an octave up), a flute doubling the soprano an octave up, a double bass doubling the bass
    an octave down, and a horn holding the bass's first note of each bar."""
    more = []
    for n in notes:
        if n.track in (1, 2, 3):
            beat = n.start - n.start % (4 * G.STEP)
            more.append(Note("piano", beat, 4 * G.STEP, n.pitch + 12, 70))
        if n.track == 0:
            more.append(Note("flute", n.start, n.duration, n.pitch + 12, 70))
        if n.track == 3:
            more.append(Note("contrabass", n.start, n.duration, n.pitch - 12, 70))
            if n.start % (16 * G.STEP) == 0:
                more.append(Note("horn", n.start, 16 * G.STEP, n.pitch + 12, 60))
    more = list({(n.track, n.start, n.pitch): n for n in more}.values())
    tracks = piece.tracks + [Track(t, t) for t in ("piano", "flute", "contrabass", "horn")]
    return Piece(tracks, notes + more)


def scenarios():
    piece, notes = chorale_piece()
    melody = Piece(piece.tracks, [n for n in notes if n.track == 0])
    head = Piece(piece.tracks, [n for n in notes if n.start < 8 * 16 * G.STEP])
    return {
        "infill 1 bar x 4 voices, 4 candidates": GenerateRequest("infill", piece, Region([0, 1, 2, 3], 5, 6), num_candidates=4),
        "infill 1 bar of a chordal piano among 8 tracks, 4 candidates": GenerateRequest(
            "infill", eight_tracks(piece, notes), Region(["piano"], 5, 6), num_candidates=4),
        "harmonize 2 bars (A T B), 4 candidates": GenerateRequest("harmonize", melody, Region([1, 2, 3], 4, 6), num_candidates=4),
        "continue 4 bars x 4 voices, 4 candidates": GenerateRequest("continue", head, Region([0, 1, 2, 3], 8, 12), num_candidates=4),
    }


def timed(gen, req, runs, sync):
    ts = []
    for i in range(runs):
        req.seed = i
        t = time.perf_counter()
        gen.generate(req)
        sync()
        ts.append(time.perf_counter() - t)
    return np.percentile(ts, 50), np.percentile(ts, 99)


def record_matmuls(gen, req):
    """Shapes of every Linear and attention call the model makes for one request."""
    calls = []
    hooks = [m.register_forward_hook(lambda m, a, o: calls.append(("linear", m, a[0].shape)))
             for m in gen.model.modules() if is_linear(m)]
    hooks += [b.register_forward_hook(lambda m, a, o: calls.append(("attn", m, a[0].shape)))
              for b in gen.model.modules() if isinstance(b, Block)]
    req.seed = 0
    gen.generate(req)
    for h in hooks:
        h.remove()
    return calls


@torch.inference_mode()
def floor_time(calls, n_head, device, sync, reps=5, bf16=False):
    xs, inputs = [], {}               # one random input per distinct shape
    for kind, m, shape in calls:
        key = (kind, tuple(shape))
        if key not in inputs:
            B, T, C = shape
            inputs[key] = (torch.randn(shape, device=device) if kind == "linear"
                           else torch.randn(3, B, n_head, T, C // n_head, device=device))
        xs.append((kind, m, inputs[key]))
    best = float("inf")
    with torch.autocast(device.split(":")[0], torch.bfloat16, enabled=bf16):     # as the checkpoint decodes
        for _ in range(reps):
            sync()
            t = time.perf_counter()
            for kind, m, x in xs:
                if kind == "linear":
                    m.forward(x)                # float or int8 (its input quantized as it is served)
                else:
                    F.scaled_dot_product_attention(x[0], x[1], x[2])
            sync()
            best = min(best, time.perf_counter() - t)
    return best


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--checkpoint", default=None)
    ap.add_argument("--device", default=None)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--no-ngram", dest="ngram", action="store_false")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    from engine.neural import NeuralGenerator
    t = time.perf_counter()
    gen = NeuralGenerator(args.checkpoint, device=args.device)
    load_s = time.perf_counter() - t
    dev = gen.device
    sync = torch.cuda.synchronize if dev.startswith("cuda") else (lambda: None)
    nets = [m for m in gen.model.modules() if isinstance(m, GridCoco)]     # more than one: style experts
    heads = {id(m.head) for m in nets}
    print(f"{gen.name} {gen.version} ({n_params(nets[0]) / 1e6:.2f}M params"
          f"{f' x {len(nets)} sets of weights, one a request' if len(nets) > 1 else ''}) on {dev}, "
          f"{torch.get_num_threads()} threads, torch {torch.__version__}; model load {load_s * 1e3:.0f} ms; "
          f"decoding {'int8' if gen.int8 else 'bf16' if gen.bf16 else 'fp32'}, {gen.cells_per_pass} cells a pass\n")
    rows = []
    for name, req in scenarios().items():
        for i in range(3):          # warm up
            req.seed = i
            gen.generate(req)
        p50, p99 = timed(gen, req, args.runs, sync)
        calls = record_matmuls(gen, req)
        passes = sum(1 for k, m, _ in calls if id(m) in heads)
        fl = floor_time(calls, gen.model.cfg.n_head, dev, sync, bf16=gen.bf16)
        rows.append([name, passes, p50, p99, fl, req])
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    ngram = None
    if args.ngram:
        from engine.ngram import NgramGenerator
        ngram = NgramGenerator()
    print("| scenario | passes | p50 ms | p99 ms | floor ms (matrix work) | p50 / floor | n-gram p50 ms |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, passes, p50, p99, fl, req in rows:
        ng = f"{timed(ngram, req, max(3, args.runs // 4), lambda: None)[0] * 1e3:.0f}" if ngram else "-"
        print(f"| {name} | {passes} | {p50 * 1e3:.0f} | {p99 * 1e3:.0f} | {fl * 1e3:.1f} | {p50 / fl:.1f} | {ng} |")
    print(f"\npeak memory (max RSS) of the process serving the neural model: {rss:.0f} MB")
    if dev.startswith("cuda"):
        print(f"peak CUDA memory: {torch.cuda.max_memory_allocated() / 2**20:.0f} MB")


if __name__ == "__main__":
    main()
