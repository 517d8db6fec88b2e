"""A generation job's run: from the queue to its proposal in the room.

services/generation.py writes a queued GenerationJob and, after commit, calls ``enqueue``; from
there the job is this module's. With STUDIO_USE_CELERY (on when REDIS_URL is set) its id goes to
the Celery broker and any worker, on this machine or a GPU machine, takes it (tasks.py); without
it (the embedded default) an in-process pool of one thread runs it, so `make run` needs no
broker. Either way ``run_job``: claim the job with one conditional UPDATE (a task delivered twice
runs once), tell the room it is running, run the engine on the piece as it was at ``base_seq``,
store at most one Proposal (a one-to-one row), then tell the room: the proposal first, then the
status, so `ready` always has candidates. ``jobs_sweep`` re-queues jobs whose worker vanished
and fails them after ``max_attempts``.
"""
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from celery import current_app
from django.conf import settings
from django.db import close_old_connections, transaction
from django.db.models import F, Q
from django.utils import timezone

from . import broadcast, engine_bridge, selectors
from .errors import StudioError
from .models import GenerationJob, Proposal

Job = GenerationJob
log = logging.getLogger(__name__)
_pool = None
_pool_lock = threading.Lock()

# tasks.py registers the Celery task under this name. The job is sent by name, not through the
# task object, because tasks.py (the workers' entry) imports this module: importing it back
# would close a cycle. The beat schedule in settings names the sweep task the same way.
RUN_TASK = "composer_ui.tasks.generation_run_task"


def _conf(name):
    return settings.STUDIO_GENERATION[name]


# -- the queue --------------------------------------------------------------------------

def enqueue(job_id: int) -> None:
    if settings.STUDIO_USE_CELERY:
        current_app.send_task(RUN_TASK, args=(job_id,))
    else:
        model = Job.objects.filter(pk=job_id).values_list("model_entry", flat=True).first() or ""
        _embedded_pool(model).submit(run_job, job_id)


def _embedded_pool(model: str = "") -> ThreadPoolExecutor:
    """One thread per model: an in-process model already uses every core for one request, and a model
    on a server of its own must not hold up the others while it answers."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = {}
            if _conf("sweep_in_process"):
                threading.Thread(target=_sweep_forever, name="generation-sweeper", daemon=True).start()
        if model not in _pool:
            _pool[model] = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"generation-{model or 'default'}")
        return _pool[model]


def embedded_pools_drained(timeout: float) -> None:
    """Wait until every in-process pool has run what was submitted before (tests that end mid-job)."""
    with _pool_lock:
        pools = list((_pool or {}).values())
    for pool in pools:
        pool.submit(lambda: None).result(timeout=timeout)


# -- the run ----------------------------------------------------------------------------

def run_job(job_id: int) -> None:
    """Run one job and tell its room what happened. Safe to call twice for one job."""
    close_old_connections()
    try:
        if Job.objects.filter(pk=job_id, status=Job.QUEUED).exists():
            job = Job.objects.get(pk=job_id)
            broadcast.to_room_from_sync(job.piece_id, {**selectors.job_as_message(job), "status": Job.RUNNING})
        job = generation_run(job_id=job_id)
        if job is not None:
            if job.status == Job.READY:
                broadcast.to_room_from_sync(job.piece_id, selectors.proposal_as_message(job))
            broadcast.to_room_from_sync(job.piece_id, selectors.job_as_message(job))
    except Exception:
        log.exception("generation job %s failed to run", job_id)
    finally:
        close_old_connections()


def generation_run(*, job_id: int) -> Job | None:
    """Run a queued job once. Returns the job, or None when it was not ours to run."""
    if not _claim(job_id):
        return None  # already running elsewhere, finished, or cancelled: a duplicate delivery
    job = Job.objects.get(pk=job_id)
    base_state = selectors.state_at(piece_id=job.piece_id, seq=job.base_seq)
    try:
        response = engine_bridge.run_engine(engine_bridge.engine_request(base_state, job), model=job.model_entry)
    except Exception as error:  # the model failed: the job ends with the reason, never hangs
        reason = error.message if isinstance(error, StudioError) else f"the model failed: {type(error).__name__}"
        return _finish(job_id, Job.FAILED, reason=reason)
    return _finish(job_id, Job.READY, response=response)


def _claim(job_id: int) -> bool:
    now = timezone.now()
    lease = now + timedelta(seconds=2 * _conf("time_limit"))
    claimable = Q(status=Job.QUEUED) | Q(status=Job.RUNNING, lease_expires_at__lt=now)
    with transaction.atomic():
        claimed = Job.objects.filter(claimable, pk=job_id).update(status=Job.RUNNING, started_at=now,
                                                                  lease_expires_at=lease)
        if claimed:
            Job.objects.filter(pk=job_id).update(attempts=F("attempts") + 1)
    return bool(claimed)


def _finish(job_id: int, status: str, *, reason: str = "", response: dict | None = None) -> Job | None:
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job_id)
        if job.status != Job.RUNNING:
            return None  # cancelled or swept meanwhile: the result is dropped
        if response is not None:
            _, created = Proposal.objects.get_or_create(job=job, defaults={
                "candidates": [{"notes": c["notes"], "score": c["score"],
                                **({"chords": c["chords"]} if c.get("chords") else {})}  # operation chords
                               for c in response["candidates"]],
                "provenance": {**response["provenance"], "model_entry": job.model_entry,
                               "endpoint": job.model_endpoint,   # the model's own notes to the people asking:
                               "warnings": list(response.get("warnings", []))[:10]},  # a meter read, quantizing
                "timings": response["timings"]})
            if not created:
                return None
        job.status, job.reason, job.finished_at, job.lease_expires_at = status, reason[:500], timezone.now(), None
        fields = ["status", "reason", "finished_at", "lease_expires_at"]
        if response is not None:  # the model that answered: a server may have been upgraded since the request
            made = response["provenance"]
            job.model_name, job.model_version = made["model"][:120], made["version"][:60]
            job.model_checksum = (made.get("checksum") or "")[:64]
            fields += ["model_name", "model_version", "model_checksum"]
        job.save(update_fields=fields)
    return job


# -- the sweeper ------------------------------------------------------------------------

def jobs_sweep() -> list[int]:
    """Re-queue or fail jobs whose worker vanished (lease expired) or that were never picked up."""
    now = timezone.now()
    lost = Q(status=Job.RUNNING, lease_expires_at__lt=now)
    forgotten = Q(status=Job.QUEUED, enqueued_at__lt=now - timedelta(seconds=2 * _conf("time_limit")))
    swept = []
    for job in Job.objects.filter(lost | forgotten):
        if job.attempts >= _conf("max_attempts"):
            done = Job.objects.filter(pk=job.pk, status=job.status).update(
                status=Job.FAILED, finished_at=now, reason=f"no worker finished it after {job.attempts} tries")
        else:
            done = Job.objects.filter(pk=job.pk, status=job.status).update(status=Job.QUEUED, enqueued_at=now,
                                                                          lease_expires_at=None)
            if done:
                transaction.on_commit(lambda pk=job.pk: enqueue(pk))
        if done:
            swept.append(job.pk)
    return swept


def _sweep_forever():
    while True:
        time.sleep(_conf("sweep_every"))
        try:
            close_old_connections()
            jobs_sweep()
        except Exception:
            log.exception("sweeping generation jobs failed")
