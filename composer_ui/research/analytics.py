"""Who wrote what, and what became of the AI's proposals: per piece and across pieces.

`piece_facts` reads one piece (a re-fold of its log plus its jobs) into plain counts;
`summarize` turns any number of pieces' facts into the numbers and charts a study reports,
so a piece and a whole study are measured by the same code.
"""
from collections import Counter, defaultdict
from statistics import mean, median

from .. import selectors
from ..attribution import bar_of
from ..models import Event, GenerationJob
from .actors import actor_key, actors_for, user_key
from .timeline import decision_of, jobs_of, proposal_of, seconds_to_decide
from .walk import touched_notes, walk


def piece_facts(piece_id: int) -> dict:
    written, ai_ids, edited, deleted = Counter(), set(), set(), set()
    for step in walk(piece_id):
        event = step.event
        added, _, removed = touched_notes(step)
        for note_id in added:
            author = step.after["notes"][note_id]["author"]
            written[actor_key(author)] += 1
            if event.kind == "accept" and author.get("kind") == Event.MODEL:
                ai_ids.add(note_id)
        if event.actor_kind == Event.USER:
            edited |= {op["id"] for op in event.ops if op["op"] == "note.update"} & ai_ids
            deleted |= removed & ai_ids
    _, final = selectors.piece_state(piece_id=piece_id)
    return {"piece": piece_id, "written": dict(written), "final": dict(_final_counts(final)),
            "bars": dict(_bars_by_author(final)), "ai_accepted": len(ai_ids),
            "ai_surviving": len(ai_ids & final["notes"].keys()), "ai_edited": len(edited),
            "ai_deleted": len(deleted), "jobs": [_job_fact(job) for job in jobs_of(piece_id)]}


def summarize(facts: list[dict], *, piece_id: int | None = None) -> dict:
    written, final, bars = Counter(), Counter(), Counter()
    for f in facts:
        written.update(f["written"]), final.update(f["final"]), bars.update(f["bars"])
    accepted = sum(f["ai_accepted"] for f in facts)
    surviving = sum(f["ai_surviving"] for f in facts)
    jobs = [job for f in facts for job in f["jobs"]]
    keys = set(written) | set(final) | set(bars) | {j["requester"] for j in jobs}
    decided = [j for j in jobs if j["seconds_to_decide"] is not None]
    heard = [j["auditioned"] for j in jobs if j["status"] == GenerationJob.ACCEPTED]
    return {
        "piece": piece_id, "pieces": len(facts),
        "actors": actors_for([f["piece"] for f in facts], keys),
        "notes_by_author": [{"actor": k, "written": written[k], "final": final[k]}
                            for k in sorted(set(written) | set(final))],
        "bars_by_author": [{"actor": k, "bars": n} for k, n in sorted(bars.items())],
        "ai_notes": {"accepted": accepted, "surviving": surviving,
                     "survival_share": round(surviving / accepted, 4) if accepted else None,
                     "edited_by_humans": sum(f["ai_edited"] for f in facts),
                     "deleted_by_humans": sum(f["ai_deleted"] for f in facts)},
        "acceptance": {"by_operation": _rates(jobs, "operation"), "by_controls": _rates(jobs, "controls"),
                       "by_member": _rates(jobs, "requester")},
        "decision_seconds": _spread([j["seconds_to_decide"] for j in decided]),
        "auditioned_before_accept": {"count": len(heard), "mean": round(mean(heard), 3) if heard else None,
                                     "histogram": {str(n): c for n, c in sorted(Counter(heard).items())}},
    }


def controls_label(controls: dict) -> str:
    return ", ".join(f"{k}={controls[k]}" for k in sorted(controls)) if controls else "defaults"


def _job_fact(job) -> dict:
    decision = decision_of(job)
    return {"job": job.pk, "operation": job.operation, "controls": controls_label(job.controls),
            "requester": user_key(job.requester_id), "status": job.status,
            "proposed": proposal_of(job) is not None,
            "seconds_to_decide": seconds_to_decide(decision) if decision else None,
            "auditioned": len(set(decision.auditioned)) if decision else 0}


def _final_counts(state: dict) -> Counter:
    return Counter(actor_key(n["author"]) for n in state["notes"].values())


def _bars_by_author(state: dict) -> Counter:
    """A bar belongs to whoever wrote most of the notes that start in it (ties: the first key)."""
    per_bar = defaultdict(Counter)
    for note in state["notes"].values():
        per_bar[bar_of(note["start"], state["piece"])][actor_key(note["author"])] += 1
    return Counter(min(c, key=lambda k: (-c[k], k)) for c in per_bar.values())


def _rates(jobs: list[dict], field: str) -> list[dict]:
    groups = defaultdict(list)
    for job in jobs:
        if job["proposed"]:
            groups[job[field]].append(job["status"])
    rows = []
    for key, statuses in sorted(groups.items()):
        accepted, rejected = statuses.count(GenerationJob.ACCEPTED), statuses.count(GenerationJob.REJECTED)
        rows.append({"key": key, "proposals": len(statuses), "accepted": accepted, "rejected": rejected,
                     "undecided": len(statuses) - accepted - rejected,
                     "rate": round(accepted / (accepted + rejected), 4) if accepted + rejected else None})
    return rows


def _spread(values: list[float]) -> dict:
    return {"count": len(values), "median": round(median(values), 3) if values else None,
            "mean": round(mean(values), 3) if values else None, "values": values}
