"""
Helpers for serving an outside model over the model protocol: what the shipped
backends get from engine/problem.py, for a model that has its own idea of music.

    check_request(req, caps)        # refuse what the model does not declare, with clear messages
    clip_to_region(notes, req)      # keep only notes on the region's tracks, cut to its bars
    response(caps, req, [notes, ...], seed, started)   # a GenerateResponse with provenance and timings

engine/examples/midi_adapter.py uses them to wrap a "MIDI in, MIDI out" function.
"""
from __future__ import annotations

import time

from engine.api import Candidate, GenerateResponse, Note, Provenance
from engine.checks import check_request  # noqa: F401  (re-exported: an adapter's first call)
from engine.probes import bar_ticks


def region_ticks(req) -> tuple[int, int]:
    bar = bar_ticks(req.piece.time_signature)
    return req.region.start_bar * bar, req.region.end_bar * bar


def clip_to_region(notes, req) -> list[Note]:
    """The notes on the region's tracks, cut to its bars (a note starting before it is dropped)."""
    lo, hi = region_ticks(req)
    tracks = {str(t): t for t in req.region.tracks}
    out = []
    for n in notes:
        if str(n.track) in tracks and lo <= n.start < hi:
            out.append(Note(tracks[str(n.track)], n.start, min(n.duration, hi - n.start), n.pitch, n.velocity))
    return out


def response(caps, req, candidates, seed, started, scores=None) -> GenerateResponse:
    """Package K lists of notes (kept notes are added, duplicates of them dropped) as the protocol's answer."""
    kept = {(str(n.track), n.start, n.pitch) for n in req.keep}
    out = []
    for k, notes in enumerate(candidates):
        notes = [n for n in notes if (str(n.track), n.start, n.pitch) not in kept] + [Note(**n.to_dict()) for n in req.keep]
        out.append(Candidate(sorted(notes, key=lambda n: (str(n.track), n.start, n.pitch)),
                             0.0 if scores is None else float(scores[k])))
    prov = Provenance(model=caps.name, version=caps.version, checksum=caps.checksum, operation=req.operation,
                      controls=req.controls.to_dict(), seed=seed, num_candidates=req.num_candidates,
                      device=caps.device, voice_map={}, key=req.piece.key or "")
    total = round((time.perf_counter() - started) * 1e3, 2)
    return GenerateResponse(candidates=out, provenance=prov, timings={"total_ms": total})
