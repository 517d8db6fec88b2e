"""
`style: auto`: which of the checkpoint's styles explains the piece around the region best.

A few of the known cells near the region (every fifth, in raster order) are hidden, the model
guesses them once under each style (one batch), and the style with the lowest loss is used. It
is deterministic (no sampling), so a seed still regenerates the same candidates. With too little
written music to judge, the first style (the chorales, what the 1.0 model wrote) is kept.

With the styles' textures (engine/style_texture.py; the checkpoint's decoding.auto_texture) and two or
more written voices, the evidence is added up instead: the probes' log-likelihood under each style
plus the texture's. The model alone reads the shipped checkpoint's Renaissance and quartet windows
right less than half the time, because its styles share weights fine-tuned from chorales only.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

from engine import grid as G, style_texture

PROBE_EVERY = 5
BEFORE, AFTER = 128, 32      # frames of context looked at around the region (8 and 2 bars of 4/4)
MIN_PROBES = 12
# Nats per probed cell added to a style's loss before choosing, chosen on the valid splits (engine.style_eval
# prints how often auto reads each test split right): the guesses of the four-voice styles are close, and a
# chorale misread is the safest (the quartet style, from 31 movements, may leave a written voice resting).
PRIOR = {"chorale": -0.03, "quartet": 0.02}
# The same with the texture weighed too: half of it (on the valid splits chorales 97 %, Renaissance 97 %,
# quartets 90 % read right; none 97 / 97 / 93 %, the whole 100 / 93 / 88 %), leaning to the chorales, the
# safest misread, where the evidence is even.
PRIOR_WITH_TEXTURE = {k: v / 2 for k, v in PRIOR.items()}


@torch.no_grad()        # not inference_mode: autocast's weight casts are cached only outside it (neural.py)
def infer_style(model, grid, free, spb, region, device, allowed=None, names=(), texture=None):
    """grid (4, T) tokens, free (4, T) bool -> (style index, [loss per style] or None). Only the
    `allowed` style indexes (default: all) are chosen from; `names` (the styles, in index order)
    says which PRIOR and which `texture` statistics ({style: mean and spread}) apply to which."""
    n = model.cfg.n_styles
    choices = list(range(n)) if allowed is None else list(allowed)
    if len(choices) < 2:
        return (choices or [0])[0], None
    r0, r1 = region
    w0, w1 = max(0, r0 - BEFORE), min(grid.shape[1], r1 + AFTER)
    g = torch.from_numpy(grid[:, w0:w1]).long()
    known = (g >= G.REST) & ~torch.from_numpy(free[:, w0:w1])
    cells = known.T.flatten().nonzero()[:, 0][::PROBE_EVERY]      # raster order: time, then voice
    if len(cells) < MIN_PROBES:
        return 0, None
    probe = torch.zeros(g.numel(), dtype=torch.bool)
    probe[cells] = True
    probe = probe.view(g.shape[1], 4).T
    k = len(choices)
    x = torch.where(probe, torch.tensor(G.MASK), g).to(device)[None].repeat(k, 1, 1)
    pos = torch.from_numpy(G.positions(w1 - w0, spb, w0)).to(device)[None].expand(k, -1)
    logits = model(x, pos, None, torch.tensor(choices, device=device))     # (k, 4, W, V)
    probe = probe.to(device)
    target = g.to(device)[probe]
    losses = [float("inf")] * n
    for row, s in enumerate(choices):
        losses[s] = F.cross_entropy(logits[row][probe].float(), target).item()
    x = style_texture.features(grid[:, w0:w1], free[:, w0:w1], spb) if texture else None
    if x is not None and all(s < len(names) and names[s] in texture for s in choices):
        ll = style_texture.loglik(texture, x)       # nats, like the probes' summed losses
        return min(choices, key=lambda s: len(cells) * (losses[s] + PRIOR_WITH_TEXTURE.get(names[s], 0.0))
                   - ll[names[s]]), losses
    prior = [PRIOR.get(name, 0.0) for name in names] + [0.0] * (n - len(names))
    return min(choices, key=lambda s: losses[s] + prior[s]), losses
