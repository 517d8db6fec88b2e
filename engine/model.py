"""
GridCoco: a bidirectional Transformer over the 16th-note voice grid, trained
Coconet-style to fill masked cells (Huang et al. 2017, "Counterpoint by
Convolution", with a Transformer backbone as in model-anchors.md section 6).

One position per 16th note. Its input is the sum of the four voice cells'
embeddings (one table per voice) and a position-in-bar embedding that also
encodes the meter; positions along time are relative (rotary embeddings), so
windows can slide. The head predicts a token for each of the four voices.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

from engine import grid as G


@dataclass
class ModelConfig:
    vocab: int = G.VOCAB
    n_pos: int = G.N_POS      # position-in-bar embeddings (4/4 and 3/4)
    d_model: int = 256
    n_layer: int = 6
    n_head: int = 4
    d_ff: int = 1024
    dropout: float = 0.1
    n_styles: int = 0         # 0: one style (the 1.0 chorale checkpoints); else a style embedding per style


def rotary(T, dim, device):
    """Rotation of each (even, odd) pair of head dims, as unit complex numbers (T, dim/2)."""
    inv = 1.0 / (10000 ** (torch.arange(0, dim, 2, device=device).float() / dim))
    ang = torch.arange(T, device=device).float()[:, None] * inv[None]
    return torch.polar(torch.ones_like(ang), ang)


def apply_rotary(x, rot):
    xc = torch.view_as_complex(x.float().reshape(*x.shape[:-1], -1, 2))
    return torch.view_as_real(xc * rot).flatten(-2).type_as(x)


class Block(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.n_head = cfg.n_head
        self.ln1 = nn.LayerNorm(cfg.d_model)
        self.qkv = nn.Linear(cfg.d_model, 3 * cfg.d_model)
        self.proj = nn.Linear(cfg.d_model, cfg.d_model)
        self.ln2 = nn.LayerNorm(cfg.d_model)
        self.fc = nn.Linear(cfg.d_model, cfg.d_ff)
        self.out = nn.Linear(cfg.d_ff, cfg.d_model)
        self.drop = nn.Dropout(cfg.dropout)
        self.p = cfg.dropout

    def forward(self, x, rot, mask, keep=None):
        """keep: a slice of positions, the only ones whose output is computed (every position is
        still attended to); the others are left out of the result."""
        B, T, C = x.shape
        q, k, v = self.qkv(self.ln1(x)).view(B, T, 3, self.n_head, C // self.n_head).permute(2, 0, 3, 1, 4)
        q, k = apply_rotary(q, rot), apply_rotary(k, rot)
        if keep is not None:
            q, x = q[:, :, keep], x[:, keep]
        y = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, dropout_p=self.p if self.training else 0.0)
        x = x + self.drop(self.proj(y.transpose(1, 2).reshape(B, -1, C)))
        return x + self.drop(self.out(F.gelu(self.fc(self.ln2(x)))))


class GridCoco(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.cfg = cfg
        self.tok = nn.Embedding(4 * cfg.vocab, cfg.d_model)   # one table per voice
        self.pos = nn.Embedding(cfg.n_pos, cfg.d_model)
        # The style a window is written in (chorale, folk, ...), added to every position like the meter.
        self.style = nn.Embedding(cfg.n_styles, cfg.d_model) if cfg.n_styles else None
        self.drop = nn.Dropout(cfg.dropout)
        self.blocks = nn.ModuleList(Block(cfg) for _ in range(cfg.n_layer))
        self.ln_f = nn.LayerNorm(cfg.d_model)
        self.head = nn.Linear(cfg.d_model, 4 * cfg.vocab)
        self.register_buffer("voice_offset", torch.arange(4) * cfg.vocab, persistent=False)
        self.apply(self._init)
        for name, p in self.named_parameters():    # scaled init of residual projections (GPT-2)
            if name.endswith(("proj.weight", "out.weight")):
                nn.init.normal_(p, 0.0, 0.02 / math.sqrt(2 * cfg.n_layer))

    @staticmethod
    def _init(m):
        if isinstance(m, (nn.Linear, nn.Embedding)):
            nn.init.normal_(m.weight, 0.0, 0.02)
        if isinstance(m, nn.Linear) and m.bias is not None:
            nn.init.zeros_(m.bias)

    def n_params(self):
        return sum(p.numel() for p in self.parameters())

    def forward(self, tokens, pos, valid=None, style=None, keep=None):
        """tokens (B, 4, T) long, pos (B, T) or (T,) position-in-bar index,
        valid (B, T) bool or None (False = padding frame), style (B,) long or None
        (a model with styles then reads the first, the chorales) -> logits (B, 4, T, V).
        keep: a slice of positions; only their logits are returned (B, 4, len, V). Decoding needs
        only the frames it writes, so the last block and the head skip the others."""
        B, _, T = tokens.shape
        x = self.tok(tokens + self.voice_offset[None, :, None]).sum(1) + self.pos(pos)
        if self.style is not None:
            s = torch.zeros(B, dtype=torch.long, device=tokens.device) if style is None else style
            x = x + self.style(s)[:, None, :]
        x = self.drop(x)
        rot = rotary(T, self.cfg.d_model // self.cfg.n_head, tokens.device)
        mask = None if valid is None else valid[:, None, None, :]
        for i, blk in enumerate(self.blocks):
            x = blk(x, rot, mask, keep if i == len(self.blocks) - 1 else None)
        logits = self.head(self.ln_f(x))                       # (B, T or len(keep), 4V)
        return logits.view(B, x.shape[1], 4, self.cfg.vocab).permute(0, 2, 1, 3)


class StyleExperts(nn.Module):
    """A GridCoco and, for some styles, its weights trained on further on that style alone (an
    expert): windows in such a style are run by its expert, the others by the shared weights. So a
    style that the shared model learned least (the folk tunes) can be trained on without moving
    what the other styles write. Same call as GridCoco; a batch of mixed styles is split by style."""

    def __init__(self, base: GridCoco, experts: dict):
        super().__init__()
        self.base, self.cfg = base, base.cfg
        self.experts = nn.ModuleDict({str(i): m for i, m in experts.items()})   # style index -> GridCoco

    def n_params(self):
        return sum(p.numel() for p in self.parameters())

    def forward(self, tokens, pos, valid=None, style=None, keep=None):
        if style is None or not len(self.experts):
            return self.base(tokens, pos, valid, style, keep)
        # One call per set of weights, not per style: the styles without an expert share the base's
        # (auto's style probe asks for three of them at once).
        nets = {}                                             # weights -> the styles they write
        for s in style.unique().tolist():
            nets.setdefault(self.experts[str(s)] if str(s) in self.experts else self.base, []).append(s)
        if len(nets) == 1:
            return next(iter(nets))(tokens, pos, valid, style, keep)
        out = None
        for net, kinds in nets.items():
            rows = torch.isin(style, torch.tensor(kinds, device=style.device)).nonzero(as_tuple=True)[0]
            part = net(tokens[rows], pos[rows] if pos.dim() == 2 else pos,
                       None if valid is None else valid[rows], style[rows], keep)
            out = part.new_empty((len(tokens), *part.shape[1:])) if out is None else out
            out[rows] = part
        return out


def load_checkpoint(path, device="cpu"):
    """(model, checkpoint dict): a GridCoco, or StyleExperts when the checkpoint holds experts
    ({style name: weights}, trained with engine.train's `expert`)."""
    ck = torch.load(path, map_location="cpu", weights_only=True)

    def build(state):
        model = GridCoco(ModelConfig(**ck["model_args"]))
        model.load_state_dict({k: v.float() for k, v in state.items()})
        return model

    model = build(ck["model"])
    if ck.get("experts"):
        styles = ck["meta"]["styles"]
        model = StyleExperts(model, {styles.index(name): build(state) for name, state in ck["experts"].items()})
    return model.to(device).eval(), ck
