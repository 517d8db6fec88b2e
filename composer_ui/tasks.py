"""Celery tasks: ids in, services called. `celery -A studio worker -B` runs them."""
from celery import shared_task


@shared_task(acks_late=True, reject_on_worker_lost=True)
def generation_run_task(job_id: int) -> None:
    from .jobs import run_job

    run_job(job_id)


@shared_task
def jobs_sweep_task() -> list[int]:
    from .services import jobs_sweep

    return jobs_sweep()
