"""Where generation jobs run.

With STUDIO_USE_CELERY (on when REDIS_URL is set) a job id goes to the Celery
broker and any worker, on this machine or a GPU machine, runs it. Without it
(the embedded default) the same function runs in an in-process pool, so
`make run` needs no broker. Either way: run_job(job_id), then announce.
"""
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.db import close_old_connections

log = logging.getLogger(__name__)
_pool = None
_pool_lock = threading.Lock()


def enqueue(job_id: int) -> None:
    if settings.STUDIO_USE_CELERY:
        from .tasks import generation_run_task

        generation_run_task.delay(job_id)
    else:
        _embedded_pool().submit(run_job, job_id)


def run_job(job_id: int) -> None:
    """Run one job and tell its room what happened. Safe to call twice for one job."""
    from . import announce, services
    from .models import GenerationJob

    close_old_connections()
    try:
        if GenerationJob.objects.filter(pk=job_id, status=GenerationJob.QUEUED).exists():
            announce.job_status_running(job_id)
        job = services.generation_run(job_id=job_id)
        if job is not None:
            announce.job_finished(job)
    except Exception:
        log.exception("generation job %s failed to run", job_id)
    finally:
        close_old_connections()


def _embedded_pool() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            # One worker: the model already uses every core for one request.
            _pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="generation")
            if settings.STUDIO_GENERATION["sweep_in_process"]:
                threading.Thread(target=_sweep_forever, name="generation-sweeper", daemon=True).start()
    return _pool


def _sweep_forever():
    from . import services

    while True:
        time.sleep(settings.STUDIO_GENERATION["sweep_every"])
        try:
            close_old_connections()
            services.jobs_sweep()
        except Exception:
            log.exception("sweeping generation jobs failed")
