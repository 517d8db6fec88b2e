"""
The base class of the generation backends, and what every backend's
generate() does around its own sampler: parse and validate the request,
build the grid problem, sample, decode, rank, and record provenance and
timings. engine/api.py holds only the wire format this produces.
"""
from __future__ import annotations

import random
import time

from engine import checks, chord_suggest, meters
from engine.api import (Candidate, Capabilities, GenerateRequest,
                        GenerateResponse, InvalidRequest, Provenance)
from engine.cue_targets import accent as accent_hits
from engine.grid import VOICES
from engine.music import key_name
from engine.model_view import meter_view, model_view
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
    checks.check_meter(caps, req.piece.time_signature)
    if req.operation == "chords" and req.operation in caps.operations:   # symbols, not notes: no grid
        view = meter_view(req, caps)
        return meters.chords_from_model(chord_suggest.generate(gen, view.request, view.caps, t0), req, view.meter)
    checks.check_track_count(caps, len(req.piece.tracks))
    view = model_view(req, caps)              # the piece on the model's meter, four slots, five octaves
    prob = build_problem(view.request, view.caps)
    seed = req.seed if req.seed is not None else random.SystemRandom().randrange(2**31)
    t1 = time.perf_counter()
    filled, scores = gen.sample(prob, req.num_candidates, seed)
    t2 = time.perf_counter()
    cands = [Candidate(notes=accent_hits(view.back(decode(prob, filled[k], view.request.piece)), req),
                       score=round(float(scores[k]), 4))
             for k in range(req.num_candidates)]
    order = sorted(range(len(cands)), key=lambda k: -cands[k].score)   # stable: ties keep chain order
    prov = Provenance(model=caps.name, version=caps.version, checksum=caps.checksum,
                      operation=req.operation, controls=req.controls.to_dict(), seed=seed,
                      num_candidates=req.num_candidates, device=caps.device,
                      voice_map={str(view.request.piece.tracks[i].id): VOICES[v] for i, v in prob.slots.items()},
                      key=key_name(prob.key))
    t3 = time.perf_counter()
    timings = dict(prepare_ms=round((t1 - t0) * 1e3, 2), sample_ms=round((t2 - t1) * 1e3, 2),
                   total_ms=round((t3 - t0) * 1e3, 2))
    return GenerateResponse(candidates=[cands[k] for k in order], provenance=prov,
                            timings=timings, warnings=view.warnings + list(prob.warnings))


class Generator:
    """Base class of the backends. Subclasses implement `capabilities()` and
    `sample(problem, k, seed)`; `generate()` does validation and bookkeeping."""

    def capabilities(self) -> Capabilities:
        raise NotImplementedError

    def generate(self, request) -> GenerateResponse:
        return run_generate(self, request)
