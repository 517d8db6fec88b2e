"""
Train GridCoco on the committed splits: from scratch, or on from a checkpoint (init_from).

    python -m engine.train --preset cpu          # the short recipe: <= 60 min on 2 CPU cores
    python -m engine.train --preset gpu          # the shipped checkpoint's recipe (one H100/H200)
    python -m engine.train --preset tiny --out /tmp/t.pt   # a one-minute smoke run
    python -m engine.train --preset cpu --lr 5e-4 --steps 100   # any field can be overridden
    python -m engine.train --preset styles       # the four styles, fine-tuned from the 1.0 checkpoint on CPU
    python -m engine.train --preset styles-2     # tried, not shipped: more folk, on from the kept 1.1 file
    python -m engine.train --preset cpu-styles   # the four styles from scratch: the chorales, then the others: <= 60 min
    python -m engine.train --preset folk-expert  # 1.2: folk weights of their own beside 1.1's (30 min)

Prints a progress bar and, every eval_every steps, a validation row (the
validation curve, also stored in the checkpoint): masked-cell loss on mixed
masks, on 1-bar infills with all 64 cells hidden (one-shot), and an unbiased
estimate of the ordered 1-bar infill NLL (random raster cut, first hidden cell).
"""
from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import math
import os
import platform
import sys
import time
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from engine import __version__
from engine.batches import Batches, collate, fixed_set
from engine import styles as S
from engine.model import GridCoco, ModelConfig
from engine.neural import CHECKPOINT, bf16_is_fast, pick_device
from engine.train_presets import PRESETS


@dataclass
class TrainConfig:
    out: str = CHECKPOINT
    d_model: int = 256
    n_layer: int = 6
    n_head: int = 4
    d_ff: int = 1024
    dropout: float = 0.1
    batch_size: int = 32
    lr: float = 1e-3
    min_lr: float = 5e-5
    warmup: int = 200
    weight_decay: float = 0.05
    grad_clip: float = 1.0
    steps: int = 3000          # the schedule's length in steps ...
    budget_s: float = 0.0      # ... or, when > 0, in seconds of training (for unknown hardware)
    eval_every: int = 250
    n_valid: int = 256         # examples per validation set
    device: str = "auto"
    threads: int = 2
    workers: int = 0
    amp: bool = False          # bf16 autocast where it is fast (a GPU; a CPU with AMX or AVX512-BF16)
    seed: int = 1337
    styles: str = "chorale"    # comma-separated (engine/styles.py); more than one adds a style embedding
    style_share: str = ""      # e.g. "chorale=0.4,folk=0.2": each style's share of the windows (default: by bars)
    init_from: str = ""        # start from this checkpoint's weights (its architecture is kept)
    decoding: str = ""         # JSON merged over init_from's meta "decoding" (settings chosen on the valid splits)
    keep: str = "best"         # which weights are saved: "best" on the mixed valid loss, or the "last"
    expert: str = ""           # train init_from's weights on this style alone and save them beside it
                               # (engine/model.py StyleExperts): the other styles write as before
    then: str = ""             # a preset trained next from this run's weights (a recipe in phases)
    keep_as_expert: str = ""   # init_from's weights, unchanged, become this style's own (an expert), and
                               # this run trains the shared weights on the other styles (those with a share)
    harmonize_share: float = 0.0   # share of windows masked as "harmonize the top voice" (engine/batches.py)


def first_cell_only(examples):
    """Score only the first hidden cell in raster order: with a random prefix
    revealed, its mean loss estimates the ordered (teacher-forced) NLL."""
    out = []
    for inp, tgt, mask, pos in examples:
        m = np.zeros_like(mask)
        i = np.flatnonzero(mask.T)[0]
        m.T.flat[i] = True
        out.append((inp, tgt, m, pos))
    return out


def valid_sets(pieces, n, style=0, suffix=""):
    """{name: (examples, style id)}; with several styles, one group of sets per style."""
    mid = dict(kind="bars", reveal="none", drop_voices=0.0, transpose=False)
    return {
        "mixed" + suffix: (fixed_set(pieces, n, 1), style),
        "infill1" + suffix: (fixed_set(pieces, n, 2, **mid), style),
        "ordered_est" + suffix: (first_cell_only(fixed_set(pieces, 4 * n, 3, kind="bars", reveal="prefix",
                                                           drop_voices=0.0, transpose=False)), style),
        # the same estimate for harmonizing the top voice (for the monophonic folk: random cells)
        "harmonize_est" + suffix: (first_cell_only(fixed_set(pieces, 4 * n, 4, kind="melody", reveal="prefix",
                                                             drop_voices=0.0, transpose=False)), style),
    }


@torch.inference_mode()
def evaluate(model, sets, device, amp, bs=128):
    model.eval()
    out = {}
    for name, (exs, style) in sets.items():
        tot, n = 0.0, 0
        for i in range(0, len(exs), bs):
            inp, tgt, loss, pos, valid = (t.to(device) for t in collate(exs[i:i + bs]))
            with torch.autocast(device.split(":")[0], torch.bfloat16, enabled=amp):
                logits = model(inp, pos, valid, torch.full((len(inp),), style, device=device))
            tot += F.cross_entropy(logits[loss].float(), tgt[loss], reduction="sum").item()
            n += int(loss.sum())
        out[name] = tot / max(n, 1)
    model.train()
    return out


def progress(step, total, frac, t0, loss, width=30):
    done = int(width * frac)
    el = time.time() - t0
    eta = el / max(frac, 1e-9) - el
    sys.stdout.write(f"\r[{'#' * done}{'.' * (width - done)}] step {step}{'/' + str(total) if total else ''} "
                     f"loss {loss:.3f} {el / 60:5.1f} min, eta {eta / 60:5.1f} min ")
    sys.stdout.flush()


def train(cfg: TrainConfig):
    torch.manual_seed(cfg.seed)
    torch.set_num_threads(cfg.threads)
    device = pick_device(cfg.device)
    amp = cfg.amp and bf16_is_fast(device)        # bf16 autocast: a GPU, or a CPU with bf16 units
    names = cfg.styles.split(",")
    share = {names.index(k): float(v) for k, v in (kv.split("=") for kv in cfg.style_share.split(",") if kv)}
    if cfg.expert:
        share = {i: float(name == cfg.expert) for i, name in enumerate(names)}
    train_p, train_s, sets = [], [], {}
    for i, name in enumerate(names):
        pieces = S.load_split(name, "train")
        train_p += pieces
        train_s += [i] * len(pieces)
        if share.get(i, 1.0) > 0:            # validated on the styles it trains
            sets.update(valid_sets(S.load_split(name, "valid"), cfg.n_valid, i, f"_{name}" if len(names) > 1 else ""))
        print(f"{name}: {len(pieces)} train pieces")
    model, mcfg = build_model(cfg, len(names) if len(names) > 1 else 0)
    model = model.to(device)
    print(f"GridCoco {model.n_params() / 1e6:.2f}M params on {device}; styles {names}")
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    other = [p for n, p in model.named_parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([dict(params=decay, weight_decay=cfg.weight_decay), dict(params=other, weight_decay=0.0)],
                            lr=cfg.lr, betas=(0.9, 0.98), fused=device.startswith("cuda"))
    loader = torch.utils.data.DataLoader(Batches(train_p, cfg.batch_size, cfg.seed, train_s, share, cfg.harmonize_share), batch_size=None,
                                         num_workers=cfg.workers, persistent_workers=cfg.workers > 0,
                                         prefetch_factor=4 if cfg.workers else None)
    history, best, best_state = [], float("inf"), None
    t0, step, train_s = time.time(), 0, 0.0
    ema = None

    def frac():
        return step / cfg.steps if cfg.steps else (time.time() - t0) / cfg.budget_s

    def log_eval():
        nonlocal best, best_state
        row = dict(step=step, train_s=round(time.time() - t0, 1), train_loss=round(ema or 0, 4),
                   **{k: round(v, 4) for k, v in evaluate(model, sets, device, amp).items()})
        mixed = [v for k, v in row.items() if k.startswith("mixed")]
        row["mixed_mean"] = round(sum(mixed) / len(mixed), 4)
        history.append(row)
        print("\nvalid " + "  ".join(f"{k} {v}" for k, v in row.items()), flush=True)
        if row["mixed_mean"] < best or cfg.keep == "last":
            best = row["mixed_mean"]
            best_state = {k: v.detach().to("cpu", torch.float16, copy=True) for k, v in model.state_dict().items()}

    log_eval()
    for inp, tgt, loss, pos, valid, style in loader:
        if frac() >= 1.0:
            break
        lr = cfg.min_lr + (cfg.lr - cfg.min_lr) * 0.5 * (1 + math.cos(math.pi * min(frac(), 1.0)))
        lr *= min(1.0, (step + 1) / cfg.warmup)
        for g in opt.param_groups:
            g["lr"] = lr
        inp, tgt, loss, pos, valid, style = (t.to(device, non_blocking=True) for t in (inp, tgt, loss, pos, valid, style))
        with torch.autocast(device.split(":")[0], torch.bfloat16, enabled=amp):
            logits = model(inp, pos, valid, style)
        l = F.cross_entropy(logits[loss].float(), tgt[loss])
        opt.zero_grad(set_to_none=True)
        l.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), cfg.grad_clip)
        opt.step()
        step += 1
        ema = l.item() if ema is None else 0.98 * ema + 0.02 * l.item()
        if step % 10 == 0:
            progress(step, cfg.steps, min(frac(), 1.0), t0, ema)
        if step % cfg.eval_every == 0:
            log_eval()
    train_s = time.time() - t0
    if history[-1]["step"] != step:
        log_eval()
    save(cfg, mcfg, best_state, history, step, train_s, device, names)


def build_model(cfg, n_styles):
    """A new model, or the init_from checkpoint's: a chorale-only one gets a style embedding (started
    at zero, so every style begins as the checkpoint's one), a styled one keeps its own."""
    if not cfg.init_from:
        mcfg = ModelConfig(d_model=cfg.d_model, n_layer=cfg.n_layer, n_head=cfg.n_head, d_ff=cfg.d_ff,
                           dropout=cfg.dropout, n_styles=n_styles)
        return GridCoco(mcfg), mcfg
    ck = torch.load(cfg.init_from, map_location="cpu", weights_only=True)
    mcfg = ModelConfig(**{**ck["model_args"], "n_styles": n_styles, "dropout": cfg.dropout})
    model = GridCoco(mcfg)
    missing, unexpected = model.load_state_dict({k: v.float() for k, v in ck["model"].items()}, strict=False)
    assert not unexpected and set(missing) <= {"style.weight"}, (missing, unexpected)
    if "style.weight" in missing:
        nn.init.zeros_(model.style.weight)
    else:                                  # a styled checkpoint goes on with the same styles in the same order
        assert ck["meta"]["styles"] == cfg.styles.split(","), (ck["meta"]["styles"], cfg.styles)
    print(f"started from {cfg.init_from} ({ck.get('meta', {}).get('version', '?')})")
    return model, mcfg


def data_sha256(names):
    h = hashlib.sha256()
    for name in names:
        path = S.chorale_data.CACHE if name == "chorale" else os.path.join(S.CACHE_DIR, f"{name}.npz")
        with open(path, "rb") as f:
            h.update(f.read())
    return h.hexdigest()


def save(cfg, mcfg, state, history, step, train_s, device, names=("chorale",)):
    hw = torch.cuda.get_device_name() if device.startswith("cuda") else f"{platform.processor() or platform.machine()} CPU, {cfg.threads} threads"
    what = {"chorale": "Bach chorales (4/4 and 3/4, four parts)", "folk": "folk and dance tunes (Essen, O'Neill's, Ryan's)",
            "renaissance": "Palestrina masses and Monteverdi madrigals", "quartet": "Haydn, Mozart and Beethoven string quartets"}
    init = torch.load(cfg.init_from, map_location="cpu", weights_only=True) if cfg.init_from else {}
    decoding = {**init.get("meta", {}).get("decoding", {}), **json.loads(cfg.decoding or "{}")}
    meta = dict(version=f"{__version__}+{time.strftime('%Y%m%d')}", hardware=hw, train_seconds=round(train_s),
                steps=step, data_sha256=data_sha256(names), styles=list(names),
                licence="Weights: trained by this project. Data: music21 corpus (BSD-3-Clause package; some "
                        "encodings restrict commercial use): " + "; ".join(S.LICENCES[n] for n in names) + ".",
                training_data="; ".join(what[n] for n in names) + " from the music21 10.5.1 corpus "
                              "(engine/data/splits/), transposed by -6..+5 semitones"
                              + (f"; fine-tuned from {os.path.basename(cfg.init_from)}" if cfg.init_from else ""),
                **({"decoding": decoding} if decoding else {}))
    os.makedirs(os.path.dirname(os.path.abspath(cfg.out)), exist_ok=True)
    experts = {}
    if cfg.expert:       # the shared weights stay init_from's; this run's are the style's own
        state, experts = init["model"], {**init.get("experts", {}), cfg.expert: state}
        meta["training_data"] += f"; {cfg.expert} expert: {cfg.expert} windows only, {step} steps"
    if cfg.keep_as_expert:   # the reverse: init_from's weights are the style's own, this run's are shared
        experts = {**init.get("experts", {}), cfg.keep_as_expert: init["model"]}
        meta["training_data"] += (f"; {cfg.keep_as_expert} weights: {os.path.basename(cfg.init_from)}'s; the shared "
                                  f"weights trained on from them for the other styles, {step} steps")
    torch.save(dict(model_args=dataclasses.asdict(mcfg), model=state, config=dataclasses.asdict(cfg),
                    history=history, meta=meta, **({"experts": experts} if experts else {})), cfg.out)
    print(f"saved best-on-valid weights (fp16) to {cfg.out}: {os.path.getsize(cfg.out) / 1e6:.1f} MB, "
          f"{step} steps in {train_s / 60:.1f} min on {hw}")
    with open(cfg.out + ".history.json", "w") as f:
        json.dump(dict(meta=meta, history=history), f, indent=1)


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--preset", choices=sorted(PRESETS), default="cpu")
    for f in dataclasses.fields(TrainConfig):      # every config field can be overridden
        typ = {"int": int, "float": float, "str": str,
               "bool": lambda v: v.lower() in ("1", "true", "yes")}[str(f.type)]
        ap.add_argument(f"--{f.name}", type=typ, default=None)
    args = ap.parse_args(argv)
    cfg = TrainConfig(**PRESETS[args.preset])
    for f in dataclasses.fields(TrainConfig):
        if getattr(args, f.name) is not None:
            setattr(cfg, f.name, getattr(args, f.name))
    return cfg


def run(cfg: TrainConfig):
    """Train, then each phase the preset names next, from the weights just saved."""
    train(cfg)
    if cfg.then:
        run(TrainConfig(**{**PRESETS[cfg.then], "init_from": cfg.out, "threads": cfg.threads, "device": cfg.device}))


if __name__ == "__main__":
    run(parse_args())
