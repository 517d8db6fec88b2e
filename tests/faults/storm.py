"""Clients editing one piece while a fault strikes, and the checks every fault test ends with."""
import asyncio
import os
import random
from dataclasses import dataclass

from channels.db import database_sync_to_async as db

from deploy.topology import Topology
from tests.deploy.cluster import as_json, check_jobs, check_log, replayed_state
from tests.deploy.room_client import RoomClient

from .nemesis import RedisServer, TcpProxy

LONG = os.environ.get("STUDIO_FAULTS_LONG") == "1"  # the nightly form: longer storms, longer faults
RECOVERY_SECONDS = 5  # every client converges this soon after the fault is over


@dataclass
class Cluster:
    topology: Topology
    redis: RedisServer
    proxy: TcpProxy


async def open_clients(urls, piece_id, keys, *, prefix: str, batch: int = 10, **kwargs) -> list[RoomClient]:
    """One client per session key, spread over the web processes (each tries the next one on a drop)."""
    clients = [RoomClient(f"{prefix}{i}", urls[i % len(urls):] + urls[:i % len(urls)], piece_id, key, **kwargs)
               for i, key in enumerate(keys)]
    for first in range(0, len(clients), batch):  # in batches: a handshake storm is another test's business
        await asyncio.gather(*(client.start() for client in clients[first:first + batch]))
    return clients


async def close_clients(clients) -> None:
    await asyncio.gather(*(client.close() for client in clients), return_exceptions=True)


async def edit_storm(clients, track: str, *, seconds: float, per_client_rate: float, seed: int = 0) -> int:
    """Every client adds notes (ids of its own) and now and then moves one it added, at
    ``per_client_rate`` ops/s each, for ``seconds``; returns how many ops were sent."""
    rng = random.Random(seed)
    sent = 0

    async def one(client):
        nonlocal sent
        await asyncio.sleep(rng.random() / per_client_rate)  # spread the clients' clocks
        loop = asyncio.get_running_loop()
        end, i = loop.time() + seconds, 0
        while loop.time() < end:
            i += 1
            cid = f"{client.name}-{seed}-{i}"  # fresh ids every storm: a re-used id is a duplicate, not an edit
            mine = [c for c in client.acked if c.startswith(client.name + "-") and f"{c}" in client.state["notes"]]
            if mine and i % 3 == 0:
                ops = [{"op": "note.update", "id": rng.choice(mine), "pitch": rng.randint(60, 72)}]
            else:
                ops = [{"op": "note.add", "id": cid, "track": track, "start": rng.randrange(0, 14400, 120),
                        "duration": 240, "pitch": rng.randint(60, 72)}]
            await client.send_op(cid, ops)
            sent += 1
            await asyncio.sleep(rng.uniform(0.5, 1.5) / per_client_rate)

    await asyncio.gather(*(one(client) for client in clients))
    return sent


async def converge(clients, piece_id: int, *, within: float = RECOVERY_SECONDS) -> int:
    """Within ``within`` seconds: no client has an op without an answer, every acked op is in the
    log exactly once at its seq, seq is contiguous, and every client's piece equals the log replayed."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    for client in clients:
        await client.wait_for(lambda c=client: not c.pending and c.welcomed.is_set(), deadline - loop.time(),
                              "answer to every op")
    head = await db(check_log)(piece_id, clients)
    await asyncio.gather(*(client.catch_up(head, max(0.5, deadline - loop.time())) for client in clients))
    expected = await db(replayed_state)(piece_id)
    diverged = [client.name for client in clients if as_json(client.state) != expected]
    assert diverged == [], f"clients whose piece differs from the replayed log: {diverged}"
    return head


async def jobs_ended(piece_id: int, *, within: float) -> dict:
    """Wait until every job of the piece ended; then check them (reasons, at most one proposal each)."""
    from composer_ui.models import GenerationJob

    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while await db(GenerationJob.objects.filter(piece_id=piece_id, status__in=GenerationJob.ACTIVE).exists)():
        assert loop.time() < deadline, f"a job of piece {piece_id} has not ended after {within} s"
        await asyncio.sleep(0.5)
    return await db(check_jobs)(piece_id)


async def ask_ai(client, request: dict, *, timeout: float = 20) -> int:
    """Send `generate` until the room answers; returns the job id. A message sent while the client is
    between two connections is lost (as in the browser), so it is sent again, but only while no job
    with its request_id exists: a lost answer must not become a second job."""
    from composer_ui.models import GenerationJob

    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    jobs = GenerationJob.objects.filter(piece_id=client.piece_id, request_id=request["request_id"])
    while True:
        await client.wait_for(client.welcomed.is_set, max(0.1, deadline - loop.time()), "a connection")
        if not await db(jobs.exists)():
            await client.send(request)
        try:
            return (await client.wait_message("job", 3, request_id=request["request_id"], status="queued"))["job_id"]
        except AssertionError:
            refusals = [m for m in client.messages if m.get("type") == "error"]
            assert refusals == [], f"{client.name}: generate refused: {refusals}"
            job_id = await db(jobs.values_list("pk", flat=True).first)()
            if job_id is not None:
                return job_id  # asked and queued; only the room's answer was lost
            if loop.time() > deadline:
                raise
