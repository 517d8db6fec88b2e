"""A piece's whole history as one list: the log's events merged with the AI jobs' lifecycle.

Log events carry their own ``seq``. Job entries (a request, a proposal, an audition, a
rejection, a failure) are not events of the music; each is placed at the ``seq`` the piece
had when it happened: a request at its ``base_seq``, the rest by commit time.
"""
from bisect import bisect_right

from django.core.exceptions import ObjectDoesNotExist

from ..models import Decision, GenerationJob, Piece
from .actors import actor_key, actors_for, model_key, user_key
from .summary import describe
from .walk import walk

KINDS = ("create", "edit", "import", "undo", "redo", "policy", "generate", "regenerate", "proposal",
         "audition", "accept", "reject", "failed", "cancelled")


def piece_history(*, piece_id: int, with_ops: bool = False) -> dict:
    """The merged history; ``with_ops`` adds each log event's ops to its details (for exports)."""
    piece = Piece.objects.get(pk=piece_id)
    entries, times, tracks_seen, state = [], [], {}, None
    accepts = {d.event_seq: d for d in Decision.objects.filter(job__piece_id=piece_id, event_seq__isnull=False)
                                   .select_related("job__proposal")}
    for step in walk(piece_id):
        event, state = step.event, step.after
        times.append(event.created_at)
        tracks_seen.update({t["id"]: t["name"] for t in state["tracks"]})
        entry = _entry(f"e{event.seq}", event.seq, event.created_at, actor_key(event.actor), step.kind,
                       describe(step), seq_rank=0)
        decision = accepts.get(event.seq)
        if decision is not None:
            entry["job_id"] = decision.job_id
            entry["details"] = _decision_details(decision)
        if with_ops:
            entry["details"] = {**entry["details"], "ops": event.ops}
        entries.append(entry)
    for job in jobs_of(piece_id):
        entries.extend(job_entries(job, lambda at: _seq_at(times, at), tracks_seen))
    entries.sort(key=lambda e: (e["seq"], e.pop("_rank"), e["at"], e.pop("_order")))
    for entry in entries:
        entry["at"] = entry["at"].isoformat()
    keys = {e["actor"] for e in entries}
    return {"piece": {"id": piece.pk, "title": piece.title, "head_seq": piece.head_seq},
            "actors": actors_for([piece_id], keys), "kinds": list(KINDS), "entries": entries}


def jobs_of(piece_id: int):
    return (GenerationJob.objects.filter(piece_id=piece_id).select_related("proposal", "decision")
            .order_by("created_at", "pk"))


def proposal_of(job):
    return getattr(job, "proposal", None) if _has(job, "proposal") else None


def decision_of(job):
    return getattr(job, "decision", None) if _has(job, "decision") else None


def job_entries(job, seq_at, track_names: dict) -> list[dict]:
    requester, model = user_key(job.requester_id), model_key(job.model_name, job.model_version)
    region = job.region
    names = {"tracks": [{"id": t, "name": track_names.get(t, t)} for t in job.tracks]}
    asked = (f"asked the AI to {job.operation} {region.describe(names)} "
             f"({job.num_candidates} candidates, seed {job.seed})")
    out = [_entry(f"j{job.pk}-request", job.base_seq, job.created_at, requester,
                  "regenerate" if job.parent_id else "generate", asked, job_id=job.pk,
                  details=request_details(job))]
    proposal, decision = proposal_of(job), decision_of(job)
    if proposal is not None:
        out.append(_entry(f"j{job.pk}-proposal", seq_at(proposal.created_at), proposal.created_at, model, "proposal",
                          f"proposed {len(proposal.candidates)} candidates for {region.describe(names)}",
                          job_id=job.pk, details={"candidates": len(proposal.candidates),
                                                  "model": f"{job.model_name}@{job.model_version}",
                                                  "seed": job.seed, "latency_ms": latency_ms(proposal)}))
    if job.status == GenerationJob.FAILED:
        out.append(_entry(f"j{job.pk}-failed", seq_at(job.finished_at or job.created_at),
                          job.finished_at or job.created_at, model, "failed", f"failed: {job.reason}", job_id=job.pk))
    if job.status == GenerationJob.CANCELLED:
        out.append(_entry(f"j{job.pk}-cancelled", seq_at(job.finished_at or job.created_at),
                          job.finished_at or job.created_at, requester, "cancelled", "the request was cancelled",
                          job_id=job.pk))
    if decision is not None:
        out.extend(_decision_entries(decision, seq_at))
    return out


def request_details(job) -> dict:
    return {"operation": job.operation, "tracks": job.tracks, "bars": [job.start_bar, job.end_bar],
            "controls": job.controls, "candidates": job.num_candidates, "seed": job.seed,
            "model": f"{job.model_name}@{job.model_version}", "parent": job.parent_id, "status": job.status}


def latency_ms(proposal) -> float | None:
    total = (proposal.timings or {}).get("total_ms")
    return float(total) if isinstance(total, (int, float)) else None


def seconds_to_decide(decision) -> float | None:
    proposal = proposal_of(decision.job)
    if proposal is None:
        return None
    return round((decision.created_at - proposal.created_at).total_seconds(), 3)


def _decision_details(decision) -> dict:
    return {"action": decision.action, "candidate": decision.candidate, "auditioned": decision.auditioned,
            "stale": decision.stale, "forced": decision.forced, "seconds_to_decide": seconds_to_decide(decision)}


def _decision_entries(decision, seq_at) -> list[dict]:
    who, out = user_key(decision.user_id), []
    # An accept is already in the log (its event); the audition that led to it comes just before.
    seq = decision.event_seq - 1 if decision.event_seq else seq_at(decision.created_at)
    if decision.auditioned:
        heard = ", ".join(str(i + 1) for i in decision.auditioned)
        out.append(_entry(f"j{decision.job_id}-audition", seq, decision.created_at, who, "audition",
                          f"auditioned candidate(s) {heard}", job_id=decision.job_id,
                          details=_decision_details(decision), order=0))
    if decision.action == Decision.REJECT:
        out.append(_entry(f"j{decision.job_id}-reject", seq, decision.created_at, who, "reject",
                          "rejected the proposal", job_id=decision.job_id, details=_decision_details(decision),
                          order=1))
    return out


def _entry(entry_id, seq, at, actor, kind, summary, *, job_id=None, details=None, seq_rank=1, order=0):
    return {"id": entry_id, "seq": seq, "at": at, "actor": actor, "kind": kind, "summary": summary,
            "job_id": job_id, "details": details or {}, "_rank": seq_rank, "_order": order}


def _seq_at(times: list, at) -> int:
    """The piece's seq at time ``at``: how many events had committed by then."""
    return bisect_right(times, at) if at is not None else 0


def _has(obj, name) -> bool:
    try:
        getattr(obj, name)
        return True
    except ObjectDoesNotExist:  # the reverse one-to-one row does not exist
        return False
