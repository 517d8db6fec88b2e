"""Between the studio and the engine: the studio's models, requests checked against a model's
`capabilities()`, the piece turned into an engine request, and a candidate turned into ops.

The engine has one interface (engine/api.py). The studio's models are the STUDIO_MODELS registry, or
the one STUDIO_GENERATOR backend (a dotted path), each loaded on first use (model_registry.py does the
bookkeeping; this module is its only user). Whatever talks to a model takes ``model``, a registry name
(None: the default model).
"""
from django.conf import settings

from . import model_registry as registry
from .errors import StudioError
from .regions import Region

MAX_SEED = 2**31 - 1


def generator(model=None):
    return _built(_entry(model))


def capabilities(model=None) -> dict:
    """The model's capabilities (cached; re-read after a while and when its version changes)."""
    entry = _entry(model)
    try:
        return registry.capabilities(entry)
    except registry.Unavailable as error:
        raise StudioError("unavailable", str(error)) from error


def check_request(state: dict, *, operation, tracks, bars, controls, candidates, seed, model=None) -> Region:
    """Refuse, with a clear message, anything the model says it cannot do."""
    caps = capabilities(model)
    limits = caps["limits"]
    if operation not in caps["operations"]:
        raise StudioError("invalid", f"operation must be one of {', '.join(caps['operations'])}")
    track_ids = [t["id"] for t in state["tracks"]]
    if (not isinstance(tracks, list) or not tracks or len(set(map(str, tracks))) != len(tracks)
            or any(t not in track_ids for t in tracks)):
        raise StudioError("invalid", "tracks must list distinct track ids of this piece")
    if len(tracks) > limits["max_tracks"]:
        raise StudioError("invalid", f"{caps['name']} writes at most {limits['max_tracks']} tracks at once")
    if (not isinstance(bars, list) or len(bars) != 2 or any(type(b) is not int for b in bars)
            or not 0 <= bars[0] < bars[1] or bars[1] - bars[0] > limits["max_region_bars"]):
        raise StudioError("invalid", f"bars must be [first, after_last] (0-based), at most "
                                     f"{limits['max_region_bars']} bars")
    if bars[0] > state["piece"]["bars"] or (operation != "continue" and bars[1] > state["piece"]["bars"]):
        raise StudioError("invalid", "the region must lie inside the piece (only 'continue' writes past its end)")
    meter = "{}/{}".format(*state["piece"]["time_signature"])
    if meter not in limits["time_signatures"]:
        raise StudioError("invalid", f"{caps['name']} writes in {', '.join(limits['time_signatures'])}, not {meter}")
    if type(candidates) is not int or not 1 <= candidates <= limits["max_candidates"]:
        raise StudioError("invalid", f"candidates must be 1 to {limits['max_candidates']}")
    if seed is not None and (type(seed) is not int or not 0 <= seed <= MAX_SEED):
        raise StudioError("invalid", f"seed must be an integer from 0 to {MAX_SEED}")
    _check_controls(controls, caps["controls"])
    if "cue_targets" in controls:
        _check_cue_targets(controls["cue_targets"], state, bars)
    if not set(controls.get("pitch_range", {})) <= set(track_ids):  # keys are stored with the job: no junk
        raise StudioError("invalid", "pitch_range maps track ids of this piece to [low, high] pitches")
    return Region(tuple(tracks), bars[0], bars[1])


def _check_controls(controls, schema):
    if not isinstance(controls, dict):
        raise StudioError("invalid", "controls must be an object")
    for name, value in controls.items():
        spec = schema.get(name)
        if spec is None:
            raise StudioError("invalid", f"unknown control {str(name)[:40]!r}; known: {', '.join(schema)}")
        if spec["type"] == "float":
            if type(value) not in (int, float) or not spec["min"] <= value <= spec["max"]:
                raise StudioError("invalid", f"{spec['label']} must be a number from {spec['min']} to {spec['max']}")
        elif spec["type"] == "bool":
            if type(value) is not bool:
                raise StudioError("invalid", f"{spec['label']} must be true or false")
        elif spec["type"] == "cue_targets":
            continue                    # checked against the region (_check_cue_targets)
        elif not isinstance(value, dict) or any(
                not isinstance(r, list) or len(r) != 2 or any(type(p) is not int for p in r)
                or not spec["min"] <= r[0] <= r[1] <= spec["max"] for r in value.values()):
            raise StudioError("invalid", f"{spec['label']} must map track ids to [low, high] pitches")


def _check_cue_targets(targets, state, bars):
    """The engine's own check (engine/cue_targets.py), before the job is queued: a cadence on a
    downbeat, a hit on a beat, each inside the region."""
    from engine.api import InvalidRequest
    from engine.cue_targets import check

    num, den = state["piece"]["time_signature"]
    bar = num * 1920 // den
    try:
        check(targets, bar, (bars[0] * bar, bars[1] * bar))
    except InvalidRequest as error:
        raise StudioError("invalid", str(error)) from error


def engine_request(state: dict, job) -> dict:
    """The engine's request for ``job``, built from the piece as it was at the job's base seq."""
    piece = state["piece"]
    pitch_range = {t["id"]: t["pitch_range"] for t in state["tracks"]
                   if t["id"] in job.tracks and t.get("pitch_range") != [0, 127]}
    controls = {**job.controls, "pitch_range": {**pitch_range, **job.controls.get("pitch_range", {})}}
    return {
        "operation": job.operation,
        "piece": {"tracks": [{"id": t["id"], "name": t["name"]} for t in state["tracks"]],
                  "notes": [{k: n[k] for k in ("track", "start", "duration", "pitch", "velocity")}
                            for n in state["notes"].values()],
                  "time_signature": "{}/{}".format(*piece["time_signature"]), "key": piece["key"],
                  "tempo": piece["tempo"], "bars": max(piece["bars"], job.end_bar)},
        "region": {"tracks": list(job.tracks), "start_bar": job.start_bar, "end_bar": job.end_bar},
        "controls": controls,
        "num_candidates": job.num_candidates,
        "seed": job.seed,
    }


def run_engine(request: dict, model=None) -> dict:
    """Generate, returning the response as JSON-able dicts; engine refusals become StudioError, and a
    model server that does not answer a clear "the model X at URL is not answering (why)"."""
    from engine.api import RequestError
    from engine.remote import ModelUnavailable

    entry = _entry(model)
    built = _built(entry)
    try:
        response = built.generate(request).to_dict()
    except ModelUnavailable as error:
        raise StudioError("unavailable", registry.not_answering(entry, built, error)) from error
    except RequestError as error:
        raise StudioError("invalid", f"the model cannot do this: {error}") from error
    registry.noticed(entry, response["provenance"])
    return response


def accept_ops(state: dict, job, index: int, *, accepted_by: int) -> list:
    """Replace the region's notes with the candidate's, attributed to the model."""
    region = job.region
    ops = [{"op": "note.delete", "id": n["id"]} for n in state["notes"].values() if region.holds(n, state["piece"])]
    if job.end_bar > state["piece"]["bars"]:
        ops.append({"op": "piece.update", "bars": job.end_bar})
    author = {"kind": "model", "name": f"{job.model_name}@{job.model_version}"}
    for i, note in enumerate(job.proposal.candidates[index]["notes"]):
        ops.append({"op": "note.add", "id": f"j{job.pk}-{index}-{i}", "track": note["track"], "start": note["start"],
                    "duration": note["duration"], "pitch": note["pitch"], "velocity": note["velocity"],
                    "provenance": {"author": author, "job": job.pk, "candidate": index,
                                   "accepted_by": {"kind": "user", "id": accepted_by}}})
    return ops


# -- the models ---------------------------------------------------------------------------------

def models() -> tuple:
    """The studio's models (registry entries), the default first."""
    return registry.entries(settings.STUDIO_MODELS, settings.STUDIO_GENERATOR)


def find_model(name=None):
    """The registry entry called ``name`` (None or "": the default), or a refusal naming the known ones."""
    known = models()
    if name is None or name == "":
        return known[0]
    found = next((m for m in known if m.name == name), None)
    if found is None:
        raise StudioError("invalid", f"there is no model {str(name)[:40]!r} here; the models are "
                                     f"{', '.join(m.name for m in known)}")
    return found


def model_endpoint(model=None) -> str:
    """Where the model runs: its server's URL, or "in-process <backend>"."""
    entry = _entry(model)
    return registry.endpoint(entry, _built(entry))


def models_listing() -> list[dict]:
    """Each model with its capabilities, or why it is unavailable (for the AI panel's choice)."""
    listing = []
    for index, entry in enumerate(models()):
        item = {"name": entry.name, "default": index == 0, "available": True, "reason": "", "capabilities": None}
        try:
            item["capabilities"] = capabilities(entry.name)
        except StudioError as error:
            item.update(available=False, reason=error.message)
        listing.append(item)
    return listing


def _entry(model):
    return model if isinstance(model, registry.ModelEntry) else find_model(model)


def _built(entry):
    try:
        return registry.generator(entry)
    except registry.Unavailable as error:
        raise StudioError("unavailable", str(error)) from error
