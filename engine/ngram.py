"""
The baseline: an interpolated Witten-Bell n-gram over the grid read in raster
order (S A T B of one 16th, then the next). It only sees the cells before the
one it predicts, so it cannot use the right-hand context; that is the point of
a baseline. Trained with transposition augmentation and with voice subsets
(melody only, melody + bass, ...) so it can serve the same requests as the
neural model.
"""
from __future__ import annotations

import hashlib

import numpy as np

from engine import grid as G
from engine.api import Capabilities, CONTROL_SCHEMA, OPERATIONS
from engine.generator import Generator
from engine.problem import default_limits

BOS = G.MASK          # marks the cells before a piece starts
P1 = np.uint64(1_000_003)
P2 = np.uint64(0x9E3779B97F4A7C15)
SUBSETS = ((0,), (0, 3), (0, 1, 3), (0, 2, 3))   # voice subsets also counted (S, SB, SAB, STB)


def _ctx_hashes(ctx):
    """ctx (N, m) tokens, most recent last -> (m+1, N) hashes of the last 0..m tokens."""
    N, m = ctx.shape
    h = np.zeros((m + 1, N), np.uint64)
    with np.errstate(over="ignore"):
        for j in range(1, m + 1):
            h[j] = h[j - 1] * P1 + ctx[:, m - j].astype(np.uint64) + np.uint64(1)
    return h


def _pair(h, w):
    with np.errstate(over="ignore"):
        return h * P2 + np.asarray(w, np.uint64) + np.uint64(1)


def _lookup(keys, counts, q):
    i = np.searchsorted(keys, q)
    i = np.minimum(i, len(keys) - 1)
    return np.where(keys[i] == q, counts[i], 0) if len(keys) else np.zeros(q.shape, np.int64)


class NgramModel:
    def __init__(self, order=9):
        self.order = order
        self.tables = []   # per context length m: (ctx keys, ctx counts, ctx types, pair keys, pair counts)

    def fit(self, streams):
        m = self.order - 1
        pad = np.full(m, BOS, np.int64)
        x = np.concatenate([a for s in streams for a in (pad, np.asarray(s, np.int64))])
        is_target = np.concatenate([a for s in streams for a in (np.zeros(m, bool), np.ones(len(s), bool))])
        idx = np.nonzero(is_target)[0]
        w = x[idx]
        h = np.zeros(len(idx), np.uint64)        # hash of the last j tokens before each target
        self.tables = []
        for j in range(m + 1):
            if j:
                with np.errstate(over="ignore"):
                    h = h * P1 + x[idx - j].astype(np.uint64) + np.uint64(1)
            pk, first, pc = np.unique(_pair(h, w), return_index=True, return_counts=True)
            ck, cc = np.unique(h, return_counts=True)
            ct = np.bincount(np.searchsorted(ck, h[first]), minlength=len(ck))  # distinct followers
            self.tables.append((ck, cc, ct, pk, pc))
        return self

    def probs(self, ctx):
        """ctx (N, order-1) tokens, most recent last -> (N, VOCAB) probabilities."""
        h = _ctx_hashes(np.asarray(ctx, np.int64))
        N = h.shape[1]
        p = np.full((N, G.VOCAB), 1.0 / G.VOCAB)
        w = np.arange(G.VOCAB, dtype=np.uint64)
        for j, (ck, cc, ct, pk, pc) in enumerate(self.tables):
            c_h = _lookup(ck, cc, h[j]).astype(np.float64)[:, None]
            t_h = _lookup(ck, ct, h[j]).astype(np.float64)[:, None]
            c_hw = _lookup(pk, pc, _pair(h[j][:, None], w[None, :])).astype(np.float64)
            seen = c_h > 0
            p = np.where(seen, (c_hw + t_h * p) / np.maximum(c_h + t_h, 1), p)
        return p

    def state_dict(self):
        return {f"{k}{j}": a for j, t in enumerate(self.tables) for k, a in zip("abcde", t)} | {"order": np.array(self.order)}

    def load_state_dict(self, d):
        self.order = int(d["order"])
        self.tables = [tuple(d[f"{k}{j}"] for k in "abcde") for j in range(self.order)]
        return self


def training_streams(pieces, shifts=range(-6, 6), subset_shifts=(-3, 0, 2, 5)):
    """Raster streams of (4, T) grids: every in-range transposition of the full
    texture, plus a few transpositions of each voice subset (absent = PAD)."""
    out = []
    for g in pieces:
        g = np.asarray(g, np.int64)
        lo, hi = G.pitch_bounds(g) or (60, 60)
        for s in shifts:
            if G.PITCH_LO <= lo + s and hi + s <= G.PITCH_HI:
                out.append(G.raster(G.transpose(g, s)))
        for sub in SUBSETS:
            for s in subset_shifts:
                if G.PITCH_LO <= lo + s and hi + s <= G.PITCH_HI:
                    x = G.transpose(g, s)
                    x[[v for v in range(4) if v not in sub]] = G.PAD
                    out.append(G.raster(x))
    return out


class NgramGenerator(Generator):
    name = "ngram-baseline"
    version = "1.0"

    def __init__(self, pieces=None, order=9, device=None):
        if pieces is None:
            from engine.data import load_split
            pieces = [g for g, _ in load_split("train")]
        self.model = NgramModel(order).fit(training_streams(pieces))
        digest = hashlib.sha256()
        for a in self.model.state_dict().values():
            digest.update(np.ascontiguousarray(a).tobytes())
        self.checksum = digest.hexdigest()

    def capabilities(self):
        return Capabilities(
            name=self.name, version=self.version, checksum=self.checksum,
            training_data="Bach chorales from the music21 corpus (train split, engine/data/splits), "
                          "all transpositions within range",
            licence="Data: music21 corpus (BSD-3-Clause package; the chorale encodings are public domain).",
            operations=list(OPERATIONS), controls=CONTROL_SCHEMA,
            limits=default_limits(), device="cpu")

    def sample(self, prob, k, seed):
        """Fill free cells left to right in raster order, K chains at once."""
        rng = np.random.default_rng(seed)
        m = self.model.order - 1
        x = np.repeat(G.raster(prob.grid)[None], k, 0)               # (K, 4T)
        x = np.concatenate([np.full((k, m), BOS, np.int64), x], 1)   # BOS padding
        free = G.raster(prob.free)
        logp_sum, n = np.zeros(k), 0
        temp, top_p = prob.temperature, prob.top_p
        for i in np.nonzero(free)[0]:
            t, v = divmod(int(i), 4)
            j = i + m
            p = self.model.probs(x[:, j - m:j])
            logp = np.log(np.maximum(p, 1e-12))
            allowed = np.repeat(prob.allowed[v, t - prob.f0][None], k, 0)
            prev = x[:, j - 4] if t > 0 else np.full(k, G.PAD)
            allowed[:, G.HOLD] &= hold_ok(prev)
            z = constrain_logits_np(logp, allowed, prob.bias[v, t - prob.f0], temp)
            q = top_p_np(np.exp(z - z.max(-1, keepdims=True)), top_p)
            tok = np.array([rng.choice(G.VOCAB, p=q[r]) for r in range(k)])
            x[:, j] = tok
            logp_sum += logp[np.arange(k), tok]
            n += 1
        out = x[:, m:].reshape(k, -1, 4).transpose(0, 2, 1)
        return out, logp_sum / max(n, 1)


# -- sampling helpers (numpy; the neural backend has its own in torch) ----------------

def hold_ok(prev):
    """HOLD may only follow an onset or another HOLD (prev: tokens of the cell before)."""
    return (prev != G.REST) & (prev != G.PAD)


def top_p_np(probs, p):
    """Nucleus filter on rows of probabilities (numpy); renormalised."""
    if p >= 1.0:
        return probs / probs.sum(-1, keepdims=True)
    order = np.argsort(-probs, axis=-1, kind="stable")
    sorted_p = np.take_along_axis(probs, order, -1)
    cum = np.cumsum(sorted_p, -1)
    drop_sorted = (cum - sorted_p) > p * cum[..., -1:]
    drop = np.zeros_like(drop_sorted)
    np.put_along_axis(drop, order, drop_sorted, -1)
    out = np.where(drop, 0.0, probs)
    return out / out.sum(-1, keepdims=True)


def constrain_logits_np(logp, allowed, bias, temperature):
    """logp (N, V) model log-probs -> sampling log-weights with the controls."""
    z = logp / temperature + bias
    return np.where(allowed, z, -np.inf)
