"""Writes for the co-composition loop's people: ask the AI, cancel, decide on a proposal.

A job is a database row with a state machine. ``generation_request`` checks and records it, then
hands its id to the queue after commit (jobs.py: the run, from the queue to the proposal in the
room). ``proposal_decide`` accepts a candidate as one AI-attributed event, or rejects it.
"""
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .. import engine_bridge, jobs, selectors
from ..errors import StudioError
from ..models import Decision, Event, GenerationJob, Membership
from ..policy import check_may_decide, check_may_request, check_may_use_model
from .pieces import Applied, ops_apply

Job = GenerationJob


def _conf(name):
    return settings.STUDIO_GENERATION[name]


def generation_request(*, piece_id: int, user, operation, tracks, bars, controls=None, candidates=4,
                       seed=None, model=None, request_id: str = "", parent: Job | None = None) -> Job:
    """Check policy, the model's capabilities and admission; record a queued job and enqueue it after commit.
    ``model`` is one of the studio's models by name (None: the default one)."""
    controls = {} if controls is None else controls
    role = Membership.objects.filter(piece_id=piece_id, user=user).values_list("role", flat=True).first()
    if role is None:
        raise StudioError("not_found", "no such piece")
    entry = engine_bridge.find_model(model)
    seq, state = selectors.piece_state(piece_id=piece_id)
    check_may_use_model(state["piece"], model=entry.name)
    engine_bridge.check_request(state, operation=operation, tracks=tracks, bars=bars, controls=controls,
                                candidates=candidates, seed=seed, model=entry)
    check_may_request(state["piece"], role=role, operation=operation,
                      requests_last_hour=_requests_last_hour(piece_id, user),
                      human_edit_since_last_request=_human_edit_since_last_request(piece_id))
    _admit(piece_id, user, entry)
    caps = engine_bridge.capabilities(entry)
    with transaction.atomic():
        job = Job.objects.create(
            piece_id=piece_id, requester=user, request_id=request_id, parent=parent, operation=operation,
            tracks=list(tracks), start_bar=bars[0], end_bar=bars[1], controls=controls, num_candidates=candidates,
            seed=secrets.randbelow(engine_bridge.MAX_SEED) if seed is None else seed, base_seq=seq,
            model_name=caps["name"], model_version=caps["version"], model_checksum=caps["checksum"],
            model_entry=entry.name, model_endpoint=engine_bridge.model_endpoint(entry), enqueued_at=timezone.now())
        transaction.on_commit(lambda: jobs.enqueue(job.pk))
    return job


def generation_regenerate(*, piece_id: int, job_id: int, user, request_id: str = "") -> tuple[Job, Job | None]:
    """The same request again, to the same model, with a fresh seed (against the piece as it is now).

    Asking again sets the old proposal aside: if it is still open it becomes `rejected` (with a Decision),
    in the same transaction as the new job, so it cannot come back for anyone after a reload. Returns the
    new job and the old one when it was set aside (the caller tells the room about both).
    """
    job = _job_for_member(piece_id, job_id, user)
    with transaction.atomic():
        new = generation_request(piece_id=job.piece_id, user=user, operation=job.operation, tracks=job.tracks,
                                 bars=[job.start_bar, job.end_bar], controls=job.controls,
                                 candidates=job.num_candidates, model=job.model_entry or None,
                                 request_id=request_id, parent=job)
        set_aside = Job.objects.filter(pk=job.pk, status=Job.READY).update(status=Job.REJECTED)
        if set_aside:
            Decision.objects.create(job=job, user=user, action=Decision.REJECT, candidate=None, auditioned=[],
                                    stale=selectors.proposal_is_stale(job), forced=False, event_seq=None)
    job.refresh_from_db()
    return new, (job if set_aside else None)


def job_cancel(*, piece_id: int, job_id: int, user) -> Job:
    job = _job_for_member(piece_id, job_id, user)
    if job.requester_id != user.pk and job.piece.owner_id != user.pk:
        raise StudioError("forbidden", "only who asked, or the owner, cancels a job")
    Job.objects.filter(pk=job_id, status__in=Job.ACTIVE).update(status=Job.CANCELLED, finished_at=timezone.now(),
                                                                 reason="cancelled")
    job.refresh_from_db()
    return job


def proposal_decide(*, piece_id: int, job_id: int, user, accept: int | None = None, reject: bool = False, force: bool = False,
                    auditioned=()) -> tuple[Job, Applied | None]:
    """Accept candidate ``accept`` (one atomic, AI-attributed event) or reject the proposal."""
    if (accept is None) == (not reject):
        raise StudioError("invalid", "decide needs either accept: <candidate index> or reject: true")
    if not isinstance(auditioned, (list, tuple)) or len(auditioned) > 64 or any(type(a) is not int for a in auditioned):
        raise StudioError("invalid", "auditioned must be a list of candidate indexes")
    job = _job_for_member(piece_id, job_id, user)
    role = Membership.objects.get(piece_id=job.piece_id, user=user).role
    seq, state = selectors.piece_state(piece_id=job.piece_id)
    check_may_decide(state["piece"], role=role, accept=accept is not None)
    if job.status != Job.READY:
        raise StudioError("conflict", f"this job is {job.status}; only a ready proposal can be decided")
    if accept is not None and (type(accept) is not int or not 0 <= accept < len(job.proposal.candidates)):
        raise StudioError("invalid", f"accept must be a candidate index from 0 to {len(job.proposal.candidates) - 1}")
    stale = selectors.proposal_is_stale(job)
    if accept is not None and stale and force is not True:
        raise StudioError("conflict", "the region changed since the AI was asked: accept with force: true to "
                                      "overwrite it, or regenerate", stale=True)
    with transaction.atomic():
        if not Job.objects.filter(pk=job_id, status=Job.READY).update(
                status=Job.ACCEPTED if accept is not None else Job.REJECTED):
            raise StudioError("conflict", "someone else decided on this proposal first")
        applied = None
        if accept is not None:
            ops = engine_bridge.accept_ops(state, job, accept, accepted_by=user.pk)
            applied = ops_apply(piece_id=job.piece_id, user=user, ops=ops, client_op_id=None, kind="accept",
                                trusted=True)
        Decision.objects.create(job=job, user=user, action=Decision.ACCEPT if accept is not None else Decision.REJECT,
                                candidate=accept, auditioned=list(auditioned), stale=stale,
                                forced=bool(stale and force), event_seq=applied.seq if applied else None)
    job.refresh_from_db()
    return job, applied


# -- helpers ---------------------------------------------------------------------------

def _job_for_member(piece_id, job_id, user) -> Job:
    """The job, if it belongs to this piece and the user is a member of it."""
    job = (Job.objects.select_related("piece")
           .filter(pk=job_id, piece_id=piece_id, piece__memberships__user=user).first())
    if job is None:
        raise StudioError("not_found", "no such job")
    return job


def _requests_last_hour(piece_id, user) -> int:
    return Job.objects.filter(piece_id=piece_id, requester=user,
                              created_at__gte=timezone.now() - timedelta(hours=1)).count()


def _human_edit_since_last_request(piece_id) -> bool:
    last = Job.objects.filter(piece_id=piece_id).order_by("-created_at").values_list("base_seq", flat=True).first()
    if last is None:
        return True
    return Event.objects.filter(piece_id=piece_id, seq__gt=last, actor_kind=Event.USER, kind="edit").exists()


def _admit(piece_id, user, entry):
    """Bounded queues: refuse at once, with a retry-after, rather than queue without end."""
    active = Job.objects.filter(status__in=Job.ACTIVE)
    most = entry.max_active or _conf("per_model_active")
    if active.filter(model_entry=entry.name).count() >= most:
        raise StudioError("rate_limited", f"the model {entry.name} is busy ({most} requests queued or running); "
                                          "try again shortly, or ask another model", retry_after=10)
    if active.filter(requester=user).count() >= _conf("per_user_active"):
        raise StudioError("rate_limited", "you already have AI requests running; wait for one", retry_after=5)
    if active.filter(piece_id=piece_id).count() >= _conf("per_room_active"):
        raise StudioError("rate_limited", "this piece already has AI requests running", retry_after=5)
    if active.filter(status=Job.QUEUED).count() >= _conf("queue_max"):
        raise StudioError("rate_limited", "the AI is busy right now; try again shortly", retry_after=10)
