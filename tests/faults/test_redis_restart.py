"""F3: Redis restarts (our own redis-server, without persistence) during edits and queued jobs.

Redis carries the broadcasts, the channel groups and the Celery queue; it holds nothing that the
database does not. A restart loses the groups, the queued task messages and whatever was in
flight: edits go on being committed (and acknowledged) by PostgreSQL, the web processes join
their rooms' groups again, clients repair their gaps with `sync`, and the sweeper re-sends the
jobs whose messages were lost."""
import asyncio

import pytest
from channels.db import database_sync_to_async as db

from tests.deploy.cluster import satb_room

from .conftest import TIME_LIMIT
from .storm import LONG, RECOVERY_SECONDS, ask_ai, close_clients, converge, edit_storm, jobs_ended, open_clients

pytestmark = [pytest.mark.production_path, pytest.mark.django_db(transaction=True)]
CLIENTS = 10


async def test_a_redis_restart_loses_no_edit_and_no_job(healthy):
    topology, redis = healthy.topology, healthy.redis
    piece, keys, tracks = await db(satb_room)(CLIENTS, prefix="f3-")
    clients = await open_clients(topology.urls, piece.pk, keys, prefix="f3c")
    try:
        for round_ in range(3 if LONG else 1):
            # One job running in the (slow) worker and one queued behind it, in Redis only.
            for i, client in enumerate(clients[:2]):
                await ask_ai(client, {"type": "generate", "request_id": f"r{round_}-{i}", "operation": "harmonize",
                                      "tracks": tracks[1:], "bars": [2 * i, 2 * i + 2], "candidates": 1, "seed": i})
                await clients[0].send_op(f"between-{round_}-{i}", [  # a human edit between two AI requests
                    {"op": "note.add", "id": f"h{round_}-{i}", "track": tracks[3], "start": 480 * i, "duration": 480,
                     "pitch": 45}])

            async def restart_redis():
                await asyncio.sleep(2)
                await asyncio.to_thread(redis.restart, 1)

            await asyncio.gather(edit_storm(clients, tracks[2], seconds=6, per_client_rate=1.0, seed=round_),
                                 restart_redis())
            await converge(clients, piece.pk)
            # Live again, not only repaired: a new edit reaches everyone without anyone asking.
            writer, readers = clients[0], clients[1:]
            await writer.send_op(f"after-{round_}", [{"op": "note.add", "id": f"after-{round_}", "track": tracks[2],
                                                      "start": 7680, "duration": 480, "pitch": 55}])
            await writer.wait_for(lambda: f"after-{round_}" in writer.acked, RECOVERY_SECONDS, "the ack")
            for reader in readers:
                await reader.wait_for(lambda r=reader: f"after-{round_}" in r.state["notes"], RECOVERY_SECONDS,
                                      "the live event")
            statuses = await jobs_ended(piece.pk, within=2 * TIME_LIMIT + 60)
            assert set(statuses) <= {"ready", "failed"}, statuses
    finally:
        await close_clients(clients)
