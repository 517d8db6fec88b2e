"""
The evaluation's tasks and how a region is scored, shared by engine.evaluate (the chorales) and
engine.style_eval (each style): the regions picked, the ordered NLL of the model and of the
n-gram, and a region filled with a candidate for its statistics.
"""
from __future__ import annotations

import numpy as np
import torch

from engine import grid as G
from engine.api import GenerateRequest, Note, Piece, Region, Track
from engine.ngram import BOS

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


def hidden_windows(pieces, task, n, seed):
    """The regions' windows with the task's voices hidden in the region, as a request sees them:
    (grid (4, W) with MASK there, free (4, W), spb, (r0, r1) inside the window)."""
    for i, b in regions(pieces, task, n, seed):
        g, spb = pieces[i]
        w0, w1, r0, r1 = window(g, spb, b, task)
        free = np.zeros(g.shape, bool)
        free[list(task["voices"]), r0:r1] = True
        yield np.where(free, G.MASK, g)[:, w0:w1], free[:, w0:w1], spb, (r0 - w0, r1 - w0)


@torch.inference_mode()
def nll_neural(model, g, spb, w0, w1, r0, r1, voices, device, bs=128, style=None):
    x = g[:, w0:w1]
    region = np.zeros(x.shape, bool)
    region[list(voices), r0 - w0:r1 - w0] = True
    region &= x != G.PAD                                   # a voice the piece does not have is not scored
    cells = np.flatnonzero(region.T)                       # raster order
    M = len(cells)
    flat = np.repeat(x.T.reshape(1, -1), M, 0)            # (M, W*4) raster
    hide = np.triu(np.ones((M, M), bool))                 # row j hides cells j..M-1
    flat[:, cells] = np.where(hide, G.MASK, flat[:, cells])
    inp = torch.from_numpy(flat.reshape(M, -1, 4).transpose(0, 2, 1).copy()).to(device)
    pos = torch.from_numpy(G.positions(x.shape[1], spb, w0)).to(device)
    out = []
    for i in range(0, M, bs):
        b = len(inp[i:i + bs])
        styles = None if style is None else torch.full((b,), style, device=device)
        logp = model(inp[i:i + bs], pos[None].expand(b, -1), None, styles).float().log_softmax(-1)
        j = np.arange(i, min(i + bs, M))
        t, v = cells[j] // 4, cells[j] % 4
        out.append(-logp[torch.arange(len(j)), torch.from_numpy(v), torch.from_numpy(t),
                         torch.from_numpy(x[v, t])].cpu().numpy())
    return np.concatenate(out), x[cells % 4, cells // 4]


def nll_ngram(ng, g, r0, r1, voices):
    m = ng.order - 1
    s = np.concatenate([np.full(m, BOS, np.int64), G.raster(g)])
    idx = np.array([t * 4 + v for t in range(r0, r1) for v in range(4) if v in voices and g[v, t] != G.PAD]) + m
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


def mean_se(arrs):
    tot = np.concatenate(arrs)
    means = np.array([a.mean() for a in arrs])
    return tot.mean(), means.std(ddof=1) / np.sqrt(len(arrs)), len(tot)
