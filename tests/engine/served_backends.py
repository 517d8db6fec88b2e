"""Backends the tests serve with `python -m engine.serve --backend tests.engine.served_backends.<Name>`.

SmallNgram and TinyNeural are the shipped backend classes, built small so a server starts in a
few seconds; Slow takes a set time per candidate before a real generation (a slow model, for timeouts, overload and
a server killed mid-request); Broken breaks the protocol on purpose, so the kit has something to catch.
"""
import os
import random
import time

from engine.api import Controls, GenerateRequest, Note
from engine.generator import Generator, parse_request
from engine.ngram import NgramGenerator


class SmallNgram(NgramGenerator):
    def __init__(self):
        from engine.data import load_split
        super().__init__(pieces=[g for g, _ in load_split("train")[:12]], order=5)


def TinyNeural():
    """The neural backend with a tiny random model (a function, so the n-gram servers need not import torch)."""
    import torch
    from engine.model import GridCoco, ModelConfig
    from engine.neural import NeuralGenerator
    torch.manual_seed(0)
    model = GridCoco(ModelConfig(d_model=32, n_layer=1, n_head=2, d_ff=64, dropout=0.0))
    return NeuralGenerator(model=model, device="cpu", passes=2)


class Slow(SmallNgram):
    """A slow model: STUDIO_TEST_DELAY seconds (default 0.5) per candidate, then a real generation."""

    def generate(self, request):
        time.sleep(float(os.environ.get("STUDIO_TEST_DELAY", "0.5")) * parse_request(request).num_candidates)
        return super().generate(request)


class Broken(Generator):
    """Wraps SmallNgram and gets the protocol wrong in the ways the kit must catch."""

    def __init__(self):
        self.inner = SmallNgram()

    def capabilities(self):
        return self.inner.capabilities()

    def generate(self, request):
        req = parse_request(request)
        caps = self.capabilities()
        if req.piece.time_signature not in caps.limits["time_signatures"]:
            raise KeyError(req.piece.time_signature)          # a crash, not `unsupported`
        controls = Controls(**{**req.controls.to_dict(), "temperature": min(max(req.controls.temperature, 0.1), 2.0),
                               "top_p": min(max(req.controls.top_p, 0.5), 1.0),
                               "note_density": min(max(req.controls.note_density, -1.0), 1.0),
                               "keep_close": min(max(req.controls.keep_close, 0.0), 1.0)})   # clamps, never refuses
        inner = GenerateRequest(req.operation, req.piece, req.region, keep=[], controls=controls,
                                num_candidates=req.num_candidates, seed=random.randrange(2**31))  # ignores the seed
        res = self.inner.generate(inner)
        bar = 1920
        for c in res.candidates:
            c.notes.append(Note(req.region.tracks[0], req.region.end_bar * bar + 480, 480, 60))   # outside the region
            c.score = "high"                                   # not a number: fails the schema
        return res
