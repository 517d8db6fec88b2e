"""Between the studio and the engine: the studio's models, requests checked against a model's
`capabilities()`, the piece turned into an engine request, and a candidate turned into ops.

The engine has one interface (engine/api.py). The studio's models are the STUDIO_MODELS registry, or
the one STUDIO_GENERATOR backend (a dotted path), each loaded on first use (model_registry.py does the
bookkeeping; this module is its only user). Whatever talks to a model takes ``model``, a registry name
(None: the default model).
"""
import os

from django.conf import settings

from engine import checks, cue_targets
from engine.api import RequestError

from . import model_registry as registry
from .errors import StudioError
from .fold_common import bar_ticks
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
    """Refuse, with a clear message, anything the model says it cannot do (the engine's own
    checks, engine/checks.py, against this model's capabilities) or this piece does not have."""
    caps = capabilities(model)
    limits = caps["limits"]
    track_ids = [t["id"] for t in state["tracks"]]
    if (not isinstance(tracks, list) or not tracks or len(set(map(str, tracks))) != len(tracks)
            or any(t not in track_ids for t in tracks)):
        raise StudioError("invalid", "tracks must list distinct track ids of this piece")
    drums = [t["name"] for t in state["tracks"] if t["id"] in tracks and t.get("channel") == 9]
    if drums and not limits.get("writes_drums"):
        raise StudioError("invalid", f"{caps['name']} does not write drum tracks ({drums[0]}): it has no drum "
                                     "data; the drums stay as they are and the other tracks can be asked for")
    if len(tracks) > limits["max_tracks"]:
        raise StudioError("invalid", f"{caps['name']} writes at most {limits['max_tracks']} tracks at once")
    if not isinstance(bars, list) or len(bars) != 2 or any(type(b) is not int for b in bars):
        raise StudioError("invalid", "bars must be [first, after_last] (0-based)")
    if seed is not None and (type(seed) is not int or not 0 <= seed <= MAX_SEED):
        raise StudioError("invalid", f"seed must be an integer from 0 to {MAX_SEED}")
    try:
        checks.check_operation(caps, operation)
        checks.check_bars(caps, *bars)
        checks.check_meter(caps, "{}/{}".format(*state["piece"]["time_signature"]))
        checks.check_candidates(caps, candidates, seed)
        checks.check_controls(controls, caps["controls"])
        if "cue_targets" in controls:        # against the region: the engine's own check
            bar = bar_ticks(state["piece"])
            beat = bar // state["piece"]["time_signature"][0]
            cue_targets.check(controls["cue_targets"], bar, (bars[0] * bar, bars[1] * bar), beat)
    except RequestError as error:
        raise StudioError("invalid", str(error)) from error
    if bars[0] > state["piece"]["bars"] or (operation != "continue" and bars[1] > state["piece"]["bars"]):
        raise StudioError("invalid", "the region must lie inside the piece (only 'continue' writes past its end)")
    if not set(controls.get("pitch_range", {})) <= set(track_ids):  # keys are stored with the job: no junk
        raise StudioError("invalid", "pitch_range maps track ids of this piece to [low, high] pitches")
    return Region(tuple(tracks), bars[0], bars[1])


def engine_request(state: dict, job) -> dict:
    """The engine's request for ``job``, built from the piece as it was at the job's base seq."""
    piece = state["piece"]
    pitch_range = {t["id"]: t["pitch_range"] for t in state["tracks"]
                   if t["id"] in job.tracks and t.get("pitch_range") != [0, 127]}
    controls = {**job.controls, "pitch_range": {**pitch_range, **job.controls.get("pitch_range", {})}}
    return {
        "operation": job.operation,
        "piece": {"tracks": [_engine_track(t) for t in state["tracks"]],
                  "notes": [{k: n[k] for k in ("track", "start", "duration", "pitch", "velocity")}
                            for n in state["notes"].values()],
                  "time_signature": "{}/{}".format(*piece["time_signature"]), "key": piece["key"],
                  "tempo": piece["tempo"], "bars": max(piece["bars"], job.end_bar),
                  **_chord_track(state)},
        "region": {"tracks": list(job.tracks), "start_bar": job.start_bar, "end_bar": job.end_bar},
        "controls": controls,
        "num_candidates": job.num_candidates,
        "seed": job.seed,
    }


def _engine_track(track: dict) -> dict:
    # A drum track (General MIDI channel 10) is flagged, so no model reads its notes as pitches;
    # the flag is sent only when set, so servers on an older schema keep working.
    return {"id": track["id"], "name": track["name"], **({"drums": True} if track.get("channel") == 9 else {})}


def _chord_track(state: dict) -> dict:
    """The piece's chord symbols (sent only when there are some: a model server of an older protocol
    version still reads a piece without chords)."""
    chords = sorted(state.get("chords", {}).values(), key=lambda c: c["start"])
    return {"chords": [{k: c[k] for k in ("start", "duration", "symbol")} for c in chords]} if chords else {}


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


_kept = {}


def run_kept(request: dict, name: str, checksum: str):
    """(file, response) from a kept earlier checkpoint of the neural model whose checksum is
    ``checksum`` (engine/checkpoints/), run in this process; None when no such file is kept."""
    from engine.neural import NeuralGenerator, kept_checkpoint

    if name != NeuralGenerator.name or not checksum:
        return None
    if checksum not in _kept:
        path = kept_checkpoint(checksum)
        _kept[checksum] = path and (os.path.basename(path), NeuralGenerator(path))
    if not _kept[checksum]:
        return None
    file, gen = _kept[checksum]
    return file, gen.generate(request).to_dict()


def accept_ops(state: dict, job, index: int, *, accepted_by: int) -> list:
    """Replace the region's notes with the candidate's, attributed to the model (for a `chords` job:
    the region's chord symbols, see chord_ops)."""
    if job.operation == "chords":
        return chord_ops(state, job, index, accepted_by=accepted_by)
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


def chord_ops(state: dict, job, index: int, *, accepted_by: int) -> list:
    """Replace the chords of the region's bars with the candidate's: a chord starting inside is deleted, one
    held into the region from before is cut at its start, and each new one is a chord.add by the model."""
    start, end = job.region.ticks(state["piece"])
    ops = []
    for chord in sorted(state["chords"].values(), key=lambda c: c["start"]):
        if start <= chord["start"] < end:
            ops.append({"op": "chord.delete", "id": chord["id"]})
        elif chord["start"] < start < chord["start"] + chord["duration"]:
            ops.append({"op": "chord.update", "id": chord["id"], "duration": start - chord["start"]})
    author = {"kind": "model", "name": f"{job.model_name}@{job.model_version}"}
    for i, chord in enumerate(job.proposal.candidates[index].get("chords", [])):
        ops.append({"op": "chord.add", "id": f"j{job.pk}-{index}-c{i}", "start": chord["start"],
                    "duration": min(chord["duration"], end - chord["start"]), "symbol": chord["symbol"],
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
