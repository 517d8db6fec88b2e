"""
Training examples: random windows of the chorales, transposed, with some
voices removed and masks that match the product's operations.

Mask mixture (which cells the model must predict):
  cells     random cells at a random rate (Coconet)
  bars      1-2 whole bars, all voices or some (infill, vary)
  voices    some voices over a span or the whole window (harmonize)
  tail      the last 1-4 bars, window ends there (continue)
  melody    every voice but the top one, over a span or the whole window (harmonize
            a given melody: drawn with probability harmonize_share, off by default,
            because among the voices masks that exact task is 1 draw in 14)
Inside the region some cells may be revealed again: none, a raster-order
prefix (what the ordered NLL evaluation and left-to-right decoding see) or a
random subset (what confidence decoding sees).
"""
from __future__ import annotations

import numpy as np
import torch

from engine import grid as G

KINDS = ("cells", "bars", "voices", "tail")
KIND_P = (0.3, 0.25, 0.25, 0.2)
SUBSETS = [(0,), (0, 3), (0, 1, 3), (0, 2, 3), (0, 1), (3,), (1, 2, 3), (0, 1, 2)]
SUBSET_P = np.array([0.3, 0.3, 0.1, 0.1, 0.05, 0.05, 0.05, 0.05])
MAX_BARS = {16: 8, 12: 10}        # window: 128 cells of 4/4, 120 of 3/4


def random_subset(rng, items, allow_all=True):
    items = list(items)
    while True:
        s = [i for i in items if rng.random() < 0.5]
        if s and (allow_all or len(s) < len(items)):
            return s


def example(rng, grid, spb, kind=None, reveal=None, drop_voices=0.25, transpose=True, bars=None, start=None,
            harmonize_share=0.0):
    """One training example. Returns (inp (4, W), tgt (4, W), loss mask (4, W), pos (W,))."""
    nb = grid.shape[1] // spb
    wb = bars or min(nb, MAX_BARS[spb] if rng.random() < 0.5 else rng.integers(3, MAX_BARS[spb] + 1))
    b0 = start if start is not None else rng.integers(0, nb - wb + 1)
    tgt = grid[:, b0 * spb:(b0 + wb) * spb].copy()
    if transpose:
        lo, hi = G.pitch_bounds(tgt) or (60, 60)
        shifts = [s for s in range(-6, 6) if G.PITCH_LO <= lo + s and hi + s <= G.PITCH_HI]
        tgt = G.transpose(tgt, int(rng.choice(shifts)))
    has = [v for v in range(4) if (tgt[v] != G.PAD).any()] or [0]   # a folk tune has one voice
    present = has
    if rng.random() < drop_voices:
        subset = [v for v in SUBSETS[rng.choice(len(SUBSETS), p=SUBSET_P)] if v in has]
        present = subset or has
        tgt[[v for v in range(4) if v not in present]] = G.PAD
    W = tgt.shape[1]
    if kind is None and harmonize_share and len(present) > 1 and rng.random() < harmonize_share:
        kind = "melody"       # drawn only when asked, so the default stream of examples is unchanged
    kind = kind or KINDS[rng.choice(4, p=KIND_P)]
    if kind in ("voices", "melody") and len(present) == 1:
        kind = "cells"
    region = np.zeros((4, W), bool)
    pv = np.array(present)
    if kind == "cells":
        region[pv] = rng.random((len(pv), W)) < rng.random()
    elif kind == "bars":
        n = int(rng.integers(1, min(2, wb) + 1))
        s = int(rng.integers(0, wb - n + 1))
        vs = pv if rng.random() < 0.7 else random_subset(rng, present)
        region[np.ix_(vs, np.arange(s * spb, (s + n) * spb))] = True
    elif kind in ("voices", "melody"):
        vs = random_subset(rng, present, allow_all=False) if kind == "voices" else present[1:]
        if rng.random() < 0.5:
            region[vs] = True
        else:
            n = int(rng.integers(1, min(4, wb) + 1))
            s = int(rng.integers(0, wb - n + 1))
            region[np.ix_(vs, np.arange(s * spb, (s + n) * spb))] = True
    else:  # tail: the window ends with the region
        n = int(rng.integers(1, min(4, wb - 1) + 1)) if wb > 1 else 1
        vs = pv if rng.random() < 0.8 else random_subset(rng, present)
        region[np.ix_(vs, np.arange((wb - n) * spb, W))] = True
    region &= tgt != G.PAD
    if not region.any():
        region[pv[0], int(rng.integers(0, W))] = True
    reveal = reveal or ("none", "prefix", "random")[rng.choice(3, p=(0.4, 0.3, 0.3))]
    cells = np.flatnonzero(region.T)            # raster order: time-major, then voice
    if reveal == "prefix":
        shown = cells[:rng.integers(0, len(cells))]
    elif reveal == "random":
        shown = cells[rng.random(len(cells)) < rng.random()][:len(cells) - 1]
    else:
        shown = cells[:0]
    rt = region.T.copy()
    rt.flat[shown] = False
    mask = rt.T
    inp = np.where(mask, G.MASK, tgt)
    return inp, tgt, mask, G.positions(W, spb)


def collate(examples):
    """Pad to the longest window; padded frames are marked invalid."""
    W = max(e[0].shape[1] for e in examples)
    B = len(examples)
    inp = np.full((B, 4, W), G.PAD, np.int64)
    tgt = np.full((B, 4, W), G.PAD, np.int64)
    loss = np.zeros((B, 4, W), bool)
    pos = np.zeros((B, W), np.int64)
    valid = np.zeros((B, W), bool)
    for i, (a, b, m, p) in enumerate(examples):
        w = a.shape[1]
        inp[i, :, :w], tgt[i, :, :w], loss[i, :, :w], pos[i, :w], valid[i, :w] = a, b, m, p, True
    return tuple(torch.from_numpy(x) for x in (inp, tgt, loss, pos, valid))


def piece_weights(pieces, styles=None, style_share=None):
    """Sampling weights: by bars within a style; each style's total is its share (by default
    its share of the bars)."""
    bars = np.array([g.shape[1] // spb for g, spb in pieces], float)
    if styles is not None and style_share:
        styles = np.asarray(styles)
        for s, share in style_share.items():
            bars[styles == s] *= share / bars[styles == s].sum()
    return bars / bars.sum()


class Batches(torch.utils.data.IterableDataset):
    """Endless random batches, each with the style id of every window (`styles`: one per piece,
    all 0 when None); each DataLoader worker gets its own seed."""

    def __init__(self, pieces, batch_size, seed, styles=None, style_share=None, harmonize_share=0.0):
        self.pieces, self.batch_size, self.seed = pieces, batch_size, seed
        self.harmonize_share = harmonize_share
        self.styles = np.zeros(len(pieces), np.int64) if styles is None else np.asarray(styles, np.int64)
        self.p = piece_weights(pieces, self.styles, style_share)

    def __iter__(self):
        info = torch.utils.data.get_worker_info()
        rng = np.random.default_rng([self.seed, info.id if info else 0])
        while True:
            idx = rng.choice(len(self.pieces), self.batch_size, p=self.p)
            batch = [example(rng, *self.pieces[i], harmonize_share=self.harmonize_share) for i in idx]
            yield (*collate(batch), torch.from_numpy(self.styles[idx]))


def fixed_set(pieces, n, seed, **kw):
    """A fixed list of examples for validation curves."""
    rng = np.random.default_rng(seed)
    bars = np.array([g.shape[1] // spb for g, spb in pieces], float)
    idx = rng.choice(len(pieces), n, p=bars / bars.sum())
    return [example(rng, *pieces[i], **kw) for i in idx]
