"""
What every backend's generate() does around its own sampler: parse and
validate the request, build the grid problem, sample, decode, rank, and
record provenance and timings.
"""
from __future__ import annotations

import random
import time

import numpy as np

from engine.api import (Candidate, GenerateRequest, GenerateResponse,
                        InvalidRequest, Provenance)
from engine.grid import PAD, REST, VOICES
from engine.music import key_name
from engine.problem import build_problem, decode


def parse_request(request):
    if isinstance(request, GenerateRequest):
        return request
    if not isinstance(request, dict):
        raise InvalidRequest("a request is a GenerateRequest or a dict")
    try:
        return GenerateRequest.from_dict(request)
    except InvalidRequest:
        raise
    except (TypeError, AttributeError, KeyError, ValueError) as e:
        raise InvalidRequest(f"malformed request: {e}") from e


def run_generate(gen, request):
    t0 = time.perf_counter()
    req = parse_request(request)
    caps = gen.capabilities()
    prob = build_problem(req, caps)
    seed = req.seed if req.seed is not None else random.SystemRandom().randrange(2**31)
    t1 = time.perf_counter()
    filled, scores = gen.sample(prob, req.num_candidates, seed)
    t2 = time.perf_counter()
    cands = [Candidate(notes=decode(prob, filled[k], req.piece), score=round(float(scores[k]), 4))
             for k in range(req.num_candidates)]
    order = sorted(range(len(cands)), key=lambda k: -cands[k].score)   # stable: ties keep chain order
    prov = Provenance(model=caps.name, version=caps.version, checksum=caps.checksum,
                      operation=req.operation, controls=req.controls.to_dict(), seed=seed,
                      num_candidates=req.num_candidates, device=caps.device,
                      voice_map={str(req.piece.tracks[i].id): VOICES[v] for i, v in prob.slots.items()},
                      key=key_name(prob.key))
    t3 = time.perf_counter()
    timings = dict(prepare_ms=round((t1 - t0) * 1e3, 2), sample_ms=round((t2 - t1) * 1e3, 2),
                   total_ms=round((t3 - t0) * 1e3, 2))
    return GenerateResponse(candidates=[cands[k] for k in order], provenance=prov,
                            timings=timings, warnings=list(prob.warnings))


def hold_ok(prev):
    """HOLD may only follow an onset or another HOLD (prev: tokens of the cell before)."""
    return (prev != REST) & (prev != PAD)


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
