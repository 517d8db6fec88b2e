"""
Train GridCoco from scratch on the committed chorale split.

    python -m engine.train --preset cpu          # the short recipe: <= 60 min on 2 CPU cores
    python -m engine.train --preset gpu          # the shipped checkpoint's recipe (one H100/H200)
    python -m engine.train --preset tiny --out /tmp/t.pt   # a one-minute smoke run
    python -m engine.train --preset cpu --lr 5e-4 --steps 100   # any field can be overridden

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
import torch.nn.functional as F

from engine import __version__
from engine.batches import Batches, collate, fixed_set
from engine.data import CACHE, load_split
from engine.model import GridCoco, ModelConfig
from engine.neural import CHECKPOINT, pick_device


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
    amp: bool = False          # bf16 autocast (CUDA)
    seed: int = 1337


PRESETS = {
    "cpu": dict(d_model=192, n_layer=4, d_ff=768, lr=1.5e-3, steps=6000, batch_size=32,
                eval_every=1000, n_valid=256, threads=2),   # 0.43 s/step on 2 idle cores: ~45 min
    "gpu": dict(steps=0, budget_s=420, batch_size=128, lr=1e-3, warmup=300, eval_every=1500,
                n_valid=1024, workers=6, amp=True, threads=4),
    "tiny": dict(d_model=64, n_layer=2, n_head=2, d_ff=128, steps=60, batch_size=16, eval_every=30,
                 n_valid=64, warmup=10),
}


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


def valid_sets(pieces, n):
    mid = dict(kind="bars", reveal="none", drop_voices=0.0, transpose=False)
    return {
        "mixed": fixed_set(pieces, n, 1),
        "infill1": fixed_set(pieces, n, 2, **mid),
        "ordered_est": first_cell_only(fixed_set(pieces, 4 * n, 3, kind="bars", reveal="prefix",
                                                 drop_voices=0.0, transpose=False)),
    }


@torch.inference_mode()
def evaluate(model, sets, device, amp, bs=128):
    model.eval()
    out = {}
    for name, exs in sets.items():
        tot, n = 0.0, 0
        for i in range(0, len(exs), bs):
            inp, tgt, loss, pos, valid = (t.to(device) for t in collate(exs[i:i + bs]))
            with torch.autocast(device.split(":")[0], torch.bfloat16, enabled=amp):
                logits = model(inp, pos, valid)
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
    amp = cfg.amp and device.startswith("cuda")
    train_p, valid_p = load_split("train"), load_split("valid")
    mcfg = ModelConfig(d_model=cfg.d_model, n_layer=cfg.n_layer, n_head=cfg.n_head, d_ff=cfg.d_ff, dropout=cfg.dropout)
    model = GridCoco(mcfg).to(device)
    print(f"GridCoco {model.n_params() / 1e6:.2f}M params on {device}; {len(train_p)} train / {len(valid_p)} valid chorales")
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    other = [p for n, p in model.named_parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([dict(params=decay, weight_decay=cfg.weight_decay), dict(params=other, weight_decay=0.0)],
                            lr=cfg.lr, betas=(0.9, 0.98), fused=device.startswith("cuda"))
    loader = torch.utils.data.DataLoader(Batches(train_p, cfg.batch_size, cfg.seed), batch_size=None,
                                         num_workers=cfg.workers, persistent_workers=cfg.workers > 0,
                                         prefetch_factor=4 if cfg.workers else None)
    sets = valid_sets(valid_p, cfg.n_valid)
    history, best, best_state = [], float("inf"), None
    t0, step, train_s = time.time(), 0, 0.0
    ema = None

    def frac():
        return step / cfg.steps if cfg.steps else (time.time() - t0) / cfg.budget_s

    def log_eval():
        nonlocal best, best_state
        row = dict(step=step, train_s=round(time.time() - t0, 1), train_loss=round(ema or 0, 4),
                   **{k: round(v, 4) for k, v in evaluate(model, sets, device, amp).items()})
        history.append(row)
        print("\nvalid " + "  ".join(f"{k} {v}" for k, v in row.items()), flush=True)
        if row["mixed"] < best:
            best = row["mixed"]
            best_state = {k: v.detach().to("cpu", torch.float16, copy=True) for k, v in model.state_dict().items()}

    log_eval()
    for inp, tgt, loss, pos, valid in loader:
        if frac() >= 1.0:
            break
        lr = cfg.min_lr + (cfg.lr - cfg.min_lr) * 0.5 * (1 + math.cos(math.pi * min(frac(), 1.0)))
        lr *= min(1.0, (step + 1) / cfg.warmup)
        for g in opt.param_groups:
            g["lr"] = lr
        inp, tgt, loss, pos, valid = (t.to(device, non_blocking=True) for t in (inp, tgt, loss, pos, valid))
        with torch.autocast(device.split(":")[0], torch.bfloat16, enabled=amp):
            logits = model(inp, pos, valid)
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
    save(cfg, mcfg, best_state, history, step, train_s, device)


def save(cfg, mcfg, state, history, step, train_s, device):
    with open(CACHE, "rb") as f:
        data_sha = hashlib.sha256(f.read()).hexdigest()
    hw = torch.cuda.get_device_name() if device.startswith("cuda") else f"{platform.processor() or platform.machine()} CPU, {cfg.threads} threads"
    meta = dict(version=f"{__version__}+{time.strftime('%Y%m%d')}", hardware=hw, train_seconds=round(train_s),
                steps=step, data_sha256=data_sha,
                training_data="Bach chorales from the music21 10.5.1 corpus, 4/4 and 3/4, four parts "
                              "(engine/data/splits/train.txt), transposed by -6..+5 semitones")
    os.makedirs(os.path.dirname(os.path.abspath(cfg.out)), exist_ok=True)
    torch.save(dict(model_args=dataclasses.asdict(mcfg), model=state, config=dataclasses.asdict(cfg),
                    history=history, meta=meta), cfg.out)
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


if __name__ == "__main__":
    train(parse_args())
