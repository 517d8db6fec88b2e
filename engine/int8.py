"""
Int8 decoding on a CPU: every Linear's weights stored as int8 (one scale per output row), each
call's input quantized on the fly (dynamic quantization, FBGEMM's kernels).

Why: on 2 cores the 1-bar infill is matrix work (engine.bench's floor), and int8 products are the
fastest a CPU has without bf16 units (an AVX2-only CPU decoded fp32 at 346 ms); on an EPYC with
AVX512-BF16 they beat bf16 too (89-96 against 112-128 ms). The cost: within 0.002 nats per cell of
the float model on every row of engine.evaluate (engine/MODEL_CARD.md). The int8 sums are exact, so
FBGEMM's AVX2 and AVX-512 kernels write the same candidates; the fp32 norms and softmax around them
still depend on the CPU.
"""
from __future__ import annotations

import contextlib
import warnings

import torch
import torch.nn as nn

ENGINE = "fbgemm"


def available():
    return ENGINE in torch.backends.quantized.supported_engines


@contextlib.contextmanager
def _engine(name):
    was = torch.backends.quantized.engine
    torch.backends.quantized.engine = name
    try:
        yield
    finally:
        torch.backends.quantized.engine = was


def int8_linears(model):
    """A copy of `model` whose nn.Linear layers run in int8 (the packed weights keep FBGEMM as their
    kernels whatever the process's quantized engine is later)."""
    qconfig = torch.ao.quantization.per_channel_dynamic_qconfig
    with _engine(ENGINE), warnings.catch_warnings():
        # torch.ao.quantization's eager API warns that it will move to torchao; torch is pinned (2.13.0).
        warnings.simplefilter("ignore")
        return torch.ao.quantization.quantize_dynamic(model, {nn.Linear: qconfig}, dtype=torch.qint8)


def is_linear(module):
    """A Linear layer, float or int8 (engine.bench times both as matrix work)."""
    return isinstance(module, (nn.Linear, torch.ao.nn.quantized.dynamic.Linear))


def n_params(model):
    """Parameters of a model, float or int8 (int8 Linear weights are packed, not nn.Parameters)."""
    packed = sum(m.weight().numel() + (m.bias().numel() if m.bias() is not None else 0)
                 for m in model.modules() if isinstance(m, torch.ao.nn.quantized.dynamic.Linear))
    return sum(p.numel() for p in model.parameters()) + packed
