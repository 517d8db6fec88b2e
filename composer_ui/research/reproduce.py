""""Regenerate exactly": re-run a stored request with its seed, on the same model, and say whether the
candidates match.

The job names the studio's model that made it (``model_entry``; "" for jobs from before several models:
the default one). Reproduction is only promised for the same weights: that model's name, version and
checksum now are compared with the ones the job recorded before anything runs, and when the model is
gone, not answering or changed, the answer says so and names both.
"""
from .. import engine_bridge, selectors
from ..errors import StudioError
from .timeline import proposal_of

NOTE_FIELDS = ("track", "start", "duration", "pitch", "velocity")


def job_reproduce(job) -> dict:
    proposal = proposal_of(job)
    if proposal is None:
        raise StudioError("conflict", f"this job is {job.status} and has no proposal to reproduce")
    stored = f"{job.model_name}@{job.model_version}"
    made_by = f"{stored} (checksum {job.model_checksum[:12] or 'none'})"
    result = {"job_id": job.pk, "seed": job.seed, "model_entry": job.model_entry, "stored_model": stored,
              "installed_model": "", "stored_checksum": job.model_checksum, "installed_checksum": "",
              "stored_endpoint": job.model_endpoint, "installed_endpoint": "", "match": False, "candidates": [],
              "reason": ""}
    try:
        entry = engine_bridge.find_model(job.model_entry or None)
        caps = engine_bridge.capabilities(entry)
    except StudioError as error:
        names = ", ".join(m.name for m in engine_bridge.models())
        gone = error.code == "invalid"
        result["reason"] = (f"the model {job.model_entry or 'default'} is gone (the studio's models are now {names}); "
                            f"the proposal came from {made_by}" if gone else
                            f"{error.message}; the proposal came from {made_by}")
        return result
    installed = f"{caps['name']}@{caps['version']}"
    result.update(model_entry=entry.name, installed_model=installed, installed_checksum=caps.get("checksum", ""),
                  installed_endpoint=engine_bridge.model_endpoint(entry))
    state = selectors.state_at(piece_id=job.piece_id, seq=job.base_seq)
    request = engine_bridge.engine_request(state, job)
    if (stored, job.model_checksum) != (installed, result["installed_checksum"]):
        kept = engine_bridge.run_kept(request, job.model_name, job.model_checksum)
        if kept is None:
            result["reason"] = (f"the model {entry.name} is now {installed} (checksum "
                                f"{result['installed_checksum'][:12] or 'none'}), the proposal came from {made_by}: "
                                "install that checkpoint to reproduce it")
            return result
        file, response = kept            # the earlier checkpoint is kept in engine/checkpoints/
        result.update(installed_model=f"{stored} (kept as {file})", installed_checksum=job.model_checksum)
    else:
        response = engine_bridge.run_engine(request, model=entry)
    again = response["candidates"]
    result["candidates"] = [{"index": i, "match": i < len(again) and _notes(c["notes"]) == _notes(again[i]["notes"])}
                            for i, c in enumerate(proposal.candidates)]
    result["match"] = len(again) == len(proposal.candidates) and all(c["match"] for c in result["candidates"])
    if not result["match"]:
        result["reason"] = "the same model and seed gave different candidates (a different device or library?)"
    return result


def _notes(notes) -> list:
    return sorted(tuple(n[f] for f in NOTE_FIELDS) for n in notes)
