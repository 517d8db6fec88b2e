"""
The one home of the checks a request must pass against a model's declared capabilities.

The shipped backends (engine/problem.py), an outside model's adapter (engine/adapter.py) and the
studio, before it queues a job (composer_ui/engine_bridge.py), all call these, so a refusal reads
the same wherever it happens. Each raises UnsupportedRequest (the model cannot) or InvalidRequest
(the request is wrong), naming what the model supports. `caps` is a Capabilities or its dict.
"""
from __future__ import annotations

from engine import cue_targets
from engine.api import InvalidRequest, UnsupportedRequest
from engine.probes import bar_ticks


def _get(caps, name):
    return caps[name] if isinstance(caps, dict) else getattr(caps, name)


def check_operation(caps, operation):
    ops = _get(caps, "operations")
    if operation not in ops:
        raise UnsupportedRequest(f"operation {operation!r} is not supported; supported: {', '.join(ops)}")


def check_meter(caps, meter):
    served = _get(caps, "limits")["time_signatures"]
    if meter not in served:
        raise UnsupportedRequest(f"time signature {meter!r} is not supported; supported: {', '.join(served)}")


def check_track_count(caps, n_tracks):
    most = _get(caps, "limits")["max_tracks"]
    if not 1 <= n_tracks <= most:
        raise UnsupportedRequest(f"{n_tracks} tracks; this model takes 1 to {most}")


def check_bars(caps, start_bar, end_bar):
    if not (isinstance(start_bar, int) and isinstance(end_bar, int) and 0 <= start_bar < end_bar):
        raise InvalidRequest("region needs integer bars with 0 <= start_bar < end_bar")
    most = _get(caps, "limits")["max_region_bars"]
    if end_bar - start_bar > most:
        raise UnsupportedRequest(f"region of {end_bar - start_bar} bars; at most {most} bars per request")


def check_candidates(caps, num_candidates, seed):
    most = _get(caps, "limits")["max_candidates"]
    if not (isinstance(num_candidates, int) and not isinstance(num_candidates, bool)
            and 1 <= num_candidates <= most):
        raise InvalidRequest(f"num_candidates must be 1..{most}")
    if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool)):
        raise InvalidRequest("seed must be an integer or null")


def check_controls(values: dict, schema: dict, *, refuse_unknown=True):
    """The controls a request sets, each against its declared spec (left out: the default
    applies). Names the model does not declare are refused unless `refuse_unknown` is off (a
    whole Controls object carries every control the shipped backends know)."""
    if not isinstance(values, dict):
        raise InvalidRequest("controls must be an object")
    unknown = [str(k)[:40] for k in values if k not in schema]
    if unknown and refuse_unknown:
        raise InvalidRequest(f"unknown control {unknown[0]!r}; known: {', '.join(schema)}")
    for name, spec in schema.items():
        if name in values:
            check_control(name, spec, values[name])


def check_control(name, spec, value):
    kind, label = spec["type"], spec.get("label", name)
    if kind == "float" and not (isinstance(value, (int, float)) and not isinstance(value, bool)
                                and spec["min"] <= value <= spec["max"]):
        raise InvalidRequest(f"{label}: control {name} must be a number in [{spec['min']}, {spec['max']}], "
                             f"got {value!r}")
    if kind == "bool" and not isinstance(value, bool):
        raise InvalidRequest(f"{label}: control {name} must be true or false, got {value!r}")
    if kind == "choice" and value not in spec["options"]:
        raise InvalidRequest(f"{label}: control {name} must be one of {', '.join(spec['options'])}, got {value!r}")
    if kind == "pitch_range_per_track":
        if not isinstance(value, dict):
            raise InvalidRequest(f"{label}: control {name} must map track ids to [lo, hi] pitches")
        for track, r in value.items():
            if not (isinstance(r, (list, tuple)) and len(r) == 2
                    and all(isinstance(p, int) and not isinstance(p, bool) for p in r)
                    and spec["min"] <= r[0] <= r[1] <= spec["max"]):
                raise InvalidRequest(f"{label}: control {name} for track {track!r} must be [lo, hi] with "
                                     f"{spec['min']} <= lo <= hi <= {spec['max']}")


def check_request(req, caps) -> None:
    """A whole GenerateRequest against everything the capabilities declare."""
    check_operation(caps, req.operation)
    check_meter(caps, req.piece.time_signature)
    ids = [str(t.id) for t in req.piece.tracks]
    check_track_count(caps, len(ids))
    if len(set(ids)) != len(ids):
        raise InvalidRequest(f"track ids must be unique: {ids}")
    r = req.region
    if not r.tracks or any(str(t) not in ids for t in r.tracks):
        raise InvalidRequest(f"region.tracks must name tracks of the piece: {ids}")
    check_bars(caps, r.start_bar, r.end_bar)
    check_candidates(caps, req.num_candidates, req.seed)
    for n in req.piece.notes + req.keep:
        if str(n.track) not in ids:
            raise InvalidRequest(f"note on unknown track {n.track!r}; tracks are {ids}")
    bar = bar_ticks(req.piece.time_signature)
    for n in req.keep:
        if (str(n.track) not in map(str, r.tracks) or n.start < r.start_bar * bar
                or n.start + n.duration > r.end_bar * bar):
            raise InvalidRequest(f"kept note {n} must lie inside the region's tracks and bars")
    check_controls(req.controls.to_dict(), _get(caps, "controls"), refuse_unknown=False)
    if "cue_targets" in _get(caps, "controls"):       # against the region: the shipped backends' words
        beat = 1920 // int(req.piece.time_signature.split("/")[1])
        cue_targets.check(req.controls.cue_targets, bar, (r.start_bar * bar, r.end_bar * bar), beat)
