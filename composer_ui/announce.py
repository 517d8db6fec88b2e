"""Telling a room about generation jobs, from wherever the job ran (sync code)."""
from . import broadcast, selectors
from .models import GenerationJob


def job_status(job: GenerationJob) -> None:
    broadcast.to_room_from_sync(job.piece_id, selectors.job_as_message(job))


def job_status_running(job_id: int) -> None:
    job = GenerationJob.objects.get(pk=job_id)
    message = selectors.job_as_message(job)
    broadcast.to_room_from_sync(job.piece_id, {**message, "status": GenerationJob.RUNNING})


def job_finished(job: GenerationJob) -> None:
    """A job ended: its proposal (if any) first, then its status, so 'ready' always has candidates."""
    from .services import proposal_is_stale

    if job.status == GenerationJob.READY:
        broadcast.to_room_from_sync(job.piece_id, selectors.proposal_as_message(job, stale=proposal_is_stale(job)))
    job_status(job)
