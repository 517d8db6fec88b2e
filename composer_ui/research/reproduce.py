""""Regenerate exactly": re-run a stored request with its seed and say whether the candidates match.

Reproduction is only promised for the same checkpoint: the installed model's name, version
and checksum are compared with the ones the job recorded before anything runs.
"""
from .. import engine_bridge, selectors
from ..errors import StudioError
from .timeline import proposal_of

NOTE_FIELDS = ("track", "start", "duration", "pitch", "velocity")


def job_reproduce(job) -> dict:
    proposal = proposal_of(job)
    if proposal is None:
        raise StudioError("conflict", f"this job is {job.status} and has no proposal to reproduce")
    caps = engine_bridge.capabilities()
    stored = f"{job.model_name}@{job.model_version}"
    installed = f"{caps['name']}@{caps['version']}"
    result = {"job_id": job.pk, "seed": job.seed, "stored_model": stored, "installed_model": installed,
              "stored_checksum": job.model_checksum, "installed_checksum": caps.get("checksum", ""),
              "match": False, "candidates": [], "reason": ""}
    if (stored, job.model_checksum) != (installed, caps.get("checksum", "")):
        result["reason"] = (f"the installed model is {installed}, the proposal came from {stored} "
                            f"(checksum {job.model_checksum[:12] or 'none'}): install that checkpoint to reproduce it")
        return result
    state = selectors.state_at(piece_id=job.piece_id, seq=job.base_seq)
    response = engine_bridge.run_engine(engine_bridge.engine_request(state, job))
    again = response["candidates"]
    result["candidates"] = [{"index": i, "match": i < len(again) and _notes(c["notes"]) == _notes(again[i]["notes"])}
                            for i, c in enumerate(proposal.candidates)]
    result["match"] = len(again) == len(proposal.candidates) and all(c["match"] for c in result["candidates"])
    if not result["match"]:
        result["reason"] = "the same model and seed gave different candidates (a different device or library?)"
    return result


def _notes(notes) -> list:
    return sorted(tuple(n[f] for f in NOTE_FIELDS) for n in notes)
