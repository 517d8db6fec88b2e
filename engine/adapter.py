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

from engine.api import (Candidate, GenerateResponse, InvalidRequest, Note, Provenance,
                        UnsupportedRequest)
from engine.cue_targets import check as check_cue_targets
from engine.probes import bar_ticks


def region_ticks(req) -> tuple[int, int]:
    bar = bar_ticks(req.piece.time_signature)
    return req.region.start_bar * bar, req.region.end_bar * bar


def check_request(req, caps) -> None:
    """Raise UnsupportedRequest (the model cannot) or InvalidRequest (the request is wrong),
    naming what the model supports, for everything its capabilities declare."""
    lim = caps.limits
    if req.operation not in caps.operations:
        raise UnsupportedRequest(f"operation {req.operation!r} is not supported; supported: {', '.join(caps.operations)}")
    if req.piece.time_signature not in lim["time_signatures"]:
        raise UnsupportedRequest(f"time signature {req.piece.time_signature!r} is not supported; "
                                 f"supported: {', '.join(lim['time_signatures'])}")
    ids = [str(t.id) for t in req.piece.tracks]
    if not 1 <= len(ids) <= lim["max_tracks"]:
        raise UnsupportedRequest(f"{len(ids)} tracks; this model takes 1 to {lim['max_tracks']}")
    if len(set(ids)) != len(ids):
        raise InvalidRequest(f"track ids must be unique: {ids}")
    r = req.region
    if not r.tracks or any(str(t) not in ids for t in r.tracks):
        raise InvalidRequest(f"region.tracks must name tracks of the piece: {ids}")
    if not 0 <= r.start_bar < r.end_bar:
        raise InvalidRequest("region needs 0 <= start_bar < end_bar")
    if r.end_bar - r.start_bar > lim["max_region_bars"]:
        raise UnsupportedRequest(f"at most {lim['max_region_bars']} bars per request")
    if not 1 <= req.num_candidates <= lim["max_candidates"]:
        raise InvalidRequest(f"num_candidates must be 1..{lim['max_candidates']}")
    for n in req.piece.notes + req.keep:
        if str(n.track) not in ids:
            raise InvalidRequest(f"note on unknown track {n.track!r}; tracks are {ids}")
    lo, hi = region_ticks(req)
    for n in req.keep:
        if str(n.track) not in map(str, r.tracks) or n.start < lo or n.start + n.duration > hi:
            raise InvalidRequest(f"kept note {n} must lie inside the region's tracks and bars")
    for name, spec in caps.controls.items():
        _check_control(name, spec, getattr(req.controls, name, spec["default"]))
        if spec["type"] == "cue_targets":     # the same words as the shipped backends
            check_cue_targets(getattr(req.controls, name, []), bar_ticks(req.piece.time_signature), (lo, hi))


def _check_control(name, spec, value):
    kind = spec["type"]
    if kind == "float" and not (isinstance(value, (int, float)) and not isinstance(value, bool)
                                and spec["min"] <= value <= spec["max"]):
        raise InvalidRequest(f"control {name} must be a number in [{spec['min']}, {spec['max']}], got {value!r}")
    if kind == "bool" and not isinstance(value, bool):
        raise InvalidRequest(f"control {name} must be true or false, got {value!r}")
    if kind == "choice" and value not in spec["options"]:
        raise InvalidRequest(f"control {name} must be one of {', '.join(spec['options'])}, got {value!r}")
    if kind == "pitch_range_per_track":
        for track, r in (value or {}).items():
            if not (isinstance(r, (list, tuple)) and len(r) == 2 and spec["min"] <= r[0] <= r[1] <= spec["max"]):
                raise InvalidRequest(f"control {name} for track {track!r} must be [lo, hi] with "
                                     f"{spec['min']} <= lo <= hi <= {spec['max']}")


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
