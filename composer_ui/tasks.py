"""Celery tasks: ids in, the job's run called (jobs.py). `celery -A studio worker -B` runs them."""
from celery import shared_task

from . import jobs


@shared_task(name=jobs.RUN_TASK, acks_late=True, reject_on_worker_lost=True)
def generation_run_task(job_id: int) -> None:
    jobs.run_job(job_id)


@shared_task
def jobs_sweep_task() -> list[int]:
    return jobs.jobs_sweep()
