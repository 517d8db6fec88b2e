"""F2: `kill -9` a Celery worker in the middle of a generation.

Either the whole worker dies (its machine is lost: the task's message stays unacknowledged in
Redis until the visibility timeout) or only its pool process (the OOM killer: Celery re-queues
the message at once, but the job's lease still names the dead run). In both, the sweeper takes
the job back when its lease expires and another run finishes it: the job ends (re-run, or failed
with a reason after max_attempts), with at most one proposal, which reaches every client."""
import asyncio
import os
import signal

import pytest
from channels.db import database_sync_to_async as db

from composer_ui.models import GenerationJob
from tests.deploy.cluster import satb_room

from .conftest import TIME_LIMIT
from .storm import LONG, ask_ai, close_clients, converge, jobs_ended, open_clients

pytestmark = [pytest.mark.production_path, pytest.mark.django_db(transaction=True)]
LEASE = 2 * TIME_LIMIT


def kill_worker(worker):
    worker.kill()
    worker.start()


def kill_pool_process(worker):
    children = worker.children()
    assert children, "the worker has no pool process"
    for pid in children:
        os.kill(pid, signal.SIGKILL)


@pytest.mark.parametrize("kill", [kill_worker, kill_pool_process], ids=["whole-worker", "pool-process"])
async def test_a_worker_killed_mid_generation_leaves_no_job_behind(healthy, kill):
    topology = healthy.topology
    piece, keys, tracks = await db(satb_room)(2, prefix="f2-")
    a, b = await open_clients(topology.urls, piece.pk, keys, prefix="f2c")
    try:
        for attempt in range(3 if LONG else 1):
            job_id = await ask_ai(a, {"type": "generate", "request_id": f"r{attempt}", "operation": "harmonize",
                                      "tracks": tracks[1:], "bars": [0, 2], "candidates": 2, "seed": attempt})
            await a.wait_message("job", 60, job_id=job_id, status="running")
            await asyncio.sleep(0.5)  # inside the (slow) generation
            await asyncio.to_thread(kill, topology.workers[0])
            await jobs_ended(piece.pk, within=LEASE + 60)
            job = await db(GenerationJob.objects.get)(pk=job_id)
            assert job.attempts == 2, "the job was run again after its lease expired"
            if job.status == "ready":
                for client in (a, b):
                    await client.wait_message("proposal", 10, job_id=job_id)
            else:
                assert job.status == "failed" and job.reason
            # A human edit between requests, then the next round.
            await a.send_op(f"a-{attempt}", [{"op": "note.add", "id": f"x{attempt}", "track": tracks[1],
                                              "start": 3840 + 480 * attempt, "duration": 480, "pitch": 62}])
        await converge([a, b], piece.pk)
    finally:
        await close_clients([a, b])
