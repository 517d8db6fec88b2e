"""
The neural backend: GridCoco filled by confidence-ordered unmasking
(MaskGIT-style). K candidates are K chains in one batch. Each pass samples
every still-masked cell under the controls (logit masks and biases), then
commits the most confident ones on a cosine schedule. Long regions are done
in chunks of bars, left to right, each seeing a few bars on both sides.
"""
from __future__ import annotations

import hashlib
import math
import os

import numpy as np
import torch

from engine import grid as G, int8, style_texture
from engine.api import Capabilities, CONTROL_SCHEMA, OPERATIONS
from engine.generator import Generator
from engine.leaps import leap_cost
from engine.clean_pitches import clean_pitches
from engine.metrics import mark_pairs, sounding, teacher_marks
from engine.problem import HOLD_BIAS, chunks, default_limits
from engine.style_infer import infer_style
from engine.styles import ONE_VOICE, STYLES

HERE = os.path.dirname(os.path.abspath(__file__))
CHECKPOINT = os.path.join(HERE, "checkpoints", "gridcoco.pt")
# How the 1.0 checkpoints are decoded: cells committed per pass, bars of context left and right of a chunk.
# hold_bias: a logit added to HOLD everywhere (< 0: notes start more often), calibrating what confidence-ordered
# unmasking does to density (it commits the confident HOLDs first, so written notes come out long).
# bf16: run the model under bfloat16 autocast (faster where the CPU or GPU has bf16 matrix units).
# dense_rests: a note_density above 0 also takes the HOLD bias off REST, so "more notes" means more
# onsets, not notes cut short by rests (1.0 only biased HOLD: a lone melody at +1 got more rests).
# repair_leap_cost and repair_clean: how strict voice-leading re-samples a marked note (engine/leaps.py,
# engine/clean_pitches.py).
# order_noise: how far the order cells are committed in strays from most-confident-first (the Gumbel noise
# on each cell's confidence, annealed to 0 by the last pass, is scaled by it): most confident first is
# mode-seeking, so a voice written with others settles on few pitches; very large is a random order.
# auto_texture: `style: auto` also weighs the written texture against each style's (engine/style_texture.py).
# int8_cpu: on a CPU, run the Linear layers in int8 (engine/int8.py; bf16 then applies to a GPU only).
DECODING_1_0 = dict(cells_per_pass=8, left=3, right=1, hold_bias=0.0, bf16=False, dense_rests=False,
                    repair_leap_cost=0.0, repair_clean=False, order_noise=1.0, auto_texture=False,
                    int8_cpu=False)


def pick_device(device=None):
    device = device or os.environ.get("STUDIO_DEVICE") or "auto"
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise RuntimeError(f"device {device!r} asked for, but CUDA is not available")
    return device


def bf16_is_fast(device, cpuinfo="/proc/cpuinfo"):
    """bf16 autocast pays only on a GPU or a CPU with bf16 matrix units (AMX, AVX512-BF16). Elsewhere
    it is emulated: 1-bar infills took 2.0 s instead of about 0.15 s on an AVX2-only CPU. Read from the
    CPU's flags, not timed, so the same machine always decodes the same way (a seed's candidates)."""
    if not device.startswith("cpu"):
        return True
    try:
        with open(cpuinfo) as f:
            flags = set(f.read().split())
    except OSError:
        return False
    return bool(flags & {"amx_bf16", "avx512_bf16"})


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def kept_checkpoint(checksum):
    """The checkpoint in engine/checkpoints/ whose sha256 is `checksum` (earlier versions are kept
    there, so their jobs can be regenerated exactly), or None."""
    folder = os.path.dirname(CHECKPOINT)
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        if checksum and name.endswith(".pt") and sha256_file(path) == checksum:
            return path
    return None


def top_p_filter(logits, p):
    """Set to -inf the tail of each row outside the nucleus of mass p."""
    if p >= 1.0:
        return logits
    srt, idx = logits.sort(-1, descending=True)
    probs = srt.softmax(-1)
    drop = (probs.cumsum(-1) - probs) > p
    return logits.masked_fill(drop.scatter(-1, idx, drop), float("-inf"))


class NeuralGenerator(Generator):
    name = "gridcoco"

    def __init__(self, checkpoint=None, model=None, device=None, passes=None, left=None, right=None,
                 chunk_bars=4, repair=16, threads=None, styles=None, decoding=None):
        from engine.model import load_checkpoint
        self.device = pick_device(device)
        if threads:
            torch.set_num_threads(threads)
        if model is None:
            path = checkpoint or os.environ.get("STUDIO_CHECKPOINT") or CHECKPOINT
            if not os.path.exists(path):
                raise FileNotFoundError(f"no checkpoint at {path}; train one with python -m engine.train")
            model, ck = load_checkpoint(path, self.device)
            self.checksum, self.meta = sha256_file(path), ck.get("meta", {})
        else:
            model = model.to(self.device).eval()
            h = hashlib.sha256()
            for v in model.state_dict().values():
                h.update(v.detach().cpu().numpy().tobytes())
            self.checksum, self.meta = h.hexdigest(), {}
        # How this checkpoint is decoded is part of it (meta "decoding"), so a kept checkpoint's jobs
        # regenerate exactly after the defaults move on; arguments override it.
        decoding = {**DECODING_1_0, **self.meta.get("decoding", {}), **(decoding or {})}
        self.int8 = decoding["int8_cpu"] and self.device == "cpu" and int8.available()
        self.model = int8.int8_linears(model) if self.int8 else model
        self.cells_per_pass, self.hold_bias = decoding["cells_per_pass"], decoding["hold_bias"]
        self.bf16 = decoding["bf16"] and not self.int8 and bf16_is_fast(self.device)
        self.dense_rests = decoding["dense_rests"]
        self.repair_leap_cost = decoding["repair_leap_cost"]      # engine/leaps.py
        self.repair_clean = decoding["repair_clean"]              # engine/clean_pitches.py
        self.order_noise = decoding["order_noise"]
        self.texture = style_texture.load() if decoding["auto_texture"] else None
        self.left = decoding["left"] if left is None else left
        self.right = decoding["right"] if right is None else right
        self.passes, self.chunk_bars = passes, chunk_bars
        self.repair = repair          # strict voice-leading: at most this many rounds of re-sampling
        self.version = self.meta.get("version", "untrained")
        # The styles the checkpoint knows, in its embedding order (a 1.0 checkpoint: the chorales only).
        self.styles = list(styles or self.meta.get("styles") or list(STYLES)[:model.cfg.n_styles] or ["chorale"])

    def capabilities(self):
        return Capabilities(
            name=self.name, version=self.version, checksum=self.checksum,
            training_data=self.meta.get("training_data", "none (randomly initialised)"),
            licence=self.meta.get("licence", "Weights: trained by this project. Data: music21 corpus (BSD-3-Clause "
                                             "package; the Bach chorale encodings are public domain)."),
            operations=list(OPERATIONS), controls=self.controls(), limits={**default_limits(), "styles": self.styles},
            device=self.device)

    def controls(self):
        style = dict(CONTROL_SCHEMA["style"], options=["auto"] + self.styles)
        return {**CONTROL_SCHEMA, "style": style}

    def style_of(self, prob):
        """The style index to write in: the one asked for, or the one the context reads as."""
        if prob.style != "auto":
            return self.styles.index(prob.style)
        several = prob.free[1:].any()          # a one-voice style (folk) never learned to write under a tune
        lone = not several and (prob.grid[1:] == G.PAD).all()
        tune = [i for i, s in enumerate(self.styles) if s in ONE_VOICE]
        if lone and tune:                      # a melody alone, written alone: the style of lone melodies
            prob.warnings.append(f"style: auto read the piece as {self.styles[tune[0]]} (a melody alone)")
            return tune[0]
        allowed = [i for i, s in enumerate(self.styles) if not (several and s in ONE_VOICE)] or [0]
        index, losses = infer_style(self.model, prob.grid, prob.free, prob.spb, prob.region, self.device, allowed,
                                    self.styles, self.texture)
        if losses is not None:
            prob.warnings.append(f"style: auto read the piece as {self.styles[index]}")
        return index

    def n_passes(self, n_cells):
        return self.passes or int(min(16, max(4, math.ceil(n_cells / self.cells_per_pass))))

    # no_grad, not inference_mode: under inference_mode autocast casts every weight to bf16 again on
    # each pass (its cast cache is off there); under no_grad once a request, the same values.
    @torch.no_grad()
    def sample(self, prob, k, seed):
        with torch.autocast(self.device.split(":")[0], torch.bfloat16, enabled=self.bf16):
            return self._sample(prob, k, seed)

    def _sample(self, prob, k, seed):
        gen = torch.Generator().manual_seed(seed)
        dev = self.device
        x = torch.from_numpy(prob.grid).to(dev)[None].repeat(k, 1, 1)       # (K, 4, T)
        free = torch.from_numpy(prob.free).to(dev)
        allowed = torch.ones((4, prob.n_frames, G.VOCAB), dtype=torch.bool, device=dev)
        bias = torch.zeros((4, prob.n_frames, G.VOCAB), device=dev)
        f1 = prob.f0 + prob.allowed.shape[1]
        allowed[:, prob.f0:f1] = torch.from_numpy(prob.allowed).to(dev)
        bias[:, prob.f0:f1] = torch.from_numpy(prob.bias).to(dev)
        bias[..., G.HOLD] += self.hold_bias
        if self.dense_rests and prob.note_density > 0:
            bias[..., G.REST] -= HOLD_BIAS * prob.note_density
        pos_all = torch.from_numpy(G.positions(prob.n_frames, prob.spb)).to(dev)
        score, count = torch.zeros(k, device=dev), 0
        style = torch.full((k,), self.style_of(prob), dtype=torch.long, device=dev)
        for w0, w1, c0, c1 in chunks(prob, self.chunk_bars, self.left, self.right):
            todo = free[:, w0:w1].clone()
            todo[:, :c0 - w0] = False
            todo[:, c1 - w0:] = False
            n = int(todo.sum())
            if n == 0:
                continue
            xw = x[:, :, w0:w1]                                   # a view: commits land in x
            prev0 = x[:, :, w0 - 1] if w0 > 0 else torch.full((k, 4), G.PAD, device=dev)
            cols = todo.any(0).nonzero()[:, 0]
            keep = slice(int(cols[0]), int(cols[-1]) + 1)        # the frames written: the only logits needed
            s = self._unmask(xw, pos_all[w0:w1], todo, keep, allowed[:, w0:w1], bias[:, w0:w1],
                             prev0, prob.temperature, prob.top_p, gen, style)
            for _ in range(self.repair if prob.strict else 0):
                if not self._repair(xw, pos_all[w0:w1], todo, keep, allowed[:, w0:w1], bias[:, w0:w1],
                                    prob.temperature, prob.top_p, gen, style):
                    break
            score += s
            count += n
        return x.cpu().numpy(), (score / max(count, 1)).cpu().numpy()

    def _unmask(self, x, pos, todo, keep, allowed, bias, prev0, temp, top_p, gen, style):
        K, _, W = x.shape
        n = int(todo.sum())
        P = min(self.n_passes(n), n)
        remaining = todo[None].repeat(K, 1, 1)
        score = torch.zeros(K, device=x.device)
        for p in range(P):
            left_after = int(math.floor(n * math.cos(math.pi / 2 * (p + 1) / P)))
            m = int(remaining[0].sum())                    # the same for every chain
            if m - left_after <= 0:
                continue
            # While every chain is still the same (the first pass of a chunk), one row stands for all.
            n_run = 1 if K > 1 and bool((x == x[:1]).all()) else K
            logp = self.model(x[:n_run], pos[None].expand(n_run, W), None, style[:n_run], keep)
            logp = logp.float().log_softmax(-1).expand(K, -1, -1, -1)      # (K, 4, frames kept, V)
            k, v, t = remaining.nonzero(as_tuple=True)     # grouped by chain, m cells each
            prev = torch.where(t > 0, x[k, v, (t - 1).clamp(min=0)], prev0[k, v])
            ok = allowed[v, t].clone()
            ok[:, G.HOLD] &= (prev != G.REST) & (prev != G.PAD)
            lp = logp[k, v, t - keep.start]                 # (K*m, V)
            z = top_p_filter((lp / temp + bias[v, t]).masked_fill(~ok, float("-inf")), top_p)
            u = torch.rand(z.shape, generator=gen).clamp_(1e-9, 1 - 1e-9).to(x.device)
            tok = (z - torch.log(-torch.log(u))).argmax(-1)  # Gumbel-max sample
            q = z.log_softmax(-1).gather(-1, tok[:, None])[:, 0]
            g = torch.rand(q.shape, generator=gen).clamp_(1e-9, 1 - 1e-9).to(x.device)
            noise = torch.log(-torch.log(g)) * temp * self.order_noise * (1 - (p + 1) / P)   # annealed
            conf = (q - noise).view(K, m)
            pick = conf.topk(m - left_after, -1).indices + torch.arange(K, device=x.device)[:, None] * m
            pick = pick.view(-1)
            x[k[pick], v[pick], t[pick]] = tok[pick]
            remaining[k[pick], v[pick], t[pick]] = False
            score += torch.zeros(K, device=x.device).index_add_(0, k[pick], lp[pick, tok[pick]])
        return score

    @staticmethod
    def _one_of_each(grid, free, snd=None):
        """One written note of each marked pair, the lower voice's where both are written (the tune on
        top stays): re-sampling both notes of a parallel at once, each clean against the other's old
        pitch, often made the same parallel again, round after round."""
        out = set()
        for a, b in sorted(mark_pairs(grid, 0, grid.shape[1], snd)):
            mine = [c for c in (b, a) if free[c]]
            if mine and not ({a, b} & out):
                out.add(mine[0])
        return out

    def _repair(self, x, pos, todo, keep, allowed, bias, temp, top_p, gen, style):
        """Re-sample the pitch of generated notes a teacher would mark (parallel fifths or octaves,
        crossings, upper voices more than an octave apart), given everything else (one pass).
        Returns False when none is left."""
        K, _, W = x.shape
        xs, free = x.cpu().numpy(), todo.cpu().numpy()
        redo = np.zeros((K, 4, W), bool)
        leaps = np.zeros((K, 4, W, G.VOCAB), np.float32) if self.repair_leap_cost else None
        clean = np.ones((K, 4, W, G.VOCAB), bool) if self.repair_clean else None
        inside = allowed.cpu().numpy() if self.repair_clean else None
        for k in range(K):
            snd = sounding(xs[k]) if self.repair_clean else None
            for v, t in (self._one_of_each(xs[k], free, snd) if self.repair_clean else teacher_marks(xs[k], 0, W)):
                redo[k, v, t] |= free[v, t]
                if free[v, t] and leaps is not None:
                    leaps[k, v, t] = leap_cost(xs[k, v], t, self.repair_leap_cost)
                if free[v, t] and clean is not None:
                    ok = clean_pitches(xs[k], snd, v, t)
                    if (ok & inside[v, t]).any():       # else the model chooses among all the pitches
                        clean[k, v, t] = ok
        if not redo.any():
            return False
        redo = torch.from_numpy(redo).to(x.device)
        bias = bias[None] if leaps is None else bias[None] - torch.from_numpy(leaps).to(x.device)
        old = x.clone()
        x[redo] = G.MASK
        rows = redo.flatten(1).any(1)             # only the candidates with a note to redo are run
        logp = torch.zeros((K, 4, W, G.VOCAB), device=x.device)
        logp[rows, :, keep] = self.model(x[rows], pos[None].expand(int(rows.sum()), W), None, style[rows],
                                         keep).float().log_softmax(-1)
        ok = allowed[None].expand(K, -1, -1, -1).clone()
        ok[..., :G.N_SPECIAL] = False                       # keep the rhythm: pitches only
        ok.scatter_(-1, old[..., None], False)              # and a different one
        if clean is not None:
            ok &= torch.from_numpy(clean).to(x.device)
        z = top_p_filter((logp / temp + bias).masked_fill(~ok, float("-inf")), top_p)
        u = torch.rand(z.shape, generator=gen).clamp_(1e-9, 1 - 1e-9).to(x.device)
        tok = (z - torch.log(-torch.log(u))).argmax(-1)
        tok = torch.where(torch.isinf(z.max(-1).values), old, tok)
        x[redo] = tok[redo]
        return True
