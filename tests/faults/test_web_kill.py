"""F1: `kill -9` a web process during a 30-client edit storm, then start it again.

Its clients lose their sockets mid-edit: some ops were committed but never acknowledged, some
never arrived. They reconnect (to the other process first), resync and re-send under the same
client_op_id; nothing acknowledged may be lost, nothing may be applied twice."""
import asyncio

import pytest
from channels.db import database_sync_to_async as db

from tests.deploy.cluster import piece_with_editors

from .storm import LONG, close_clients, converge, edit_storm, open_clients

pytestmark = [pytest.mark.production_path, pytest.mark.django_db(transaction=True)]
CLIENTS = 30


async def test_killing_a_web_process_mid_storm_loses_no_acknowledged_edit(healthy):
    topology = healthy.topology
    rounds = 5 if LONG else 1
    piece, keys, track = await db(piece_with_editors)(CLIENTS, prefix="f1-")
    clients = await open_clients(topology.urls, piece.pk, keys, prefix="f1c")
    try:
        for round_ in range(rounds):
            victim = topology.web[round_ % len(topology.web)]

            async def kill_and_restart():
                await asyncio.sleep(2)
                victim.kill()
                await asyncio.to_thread(victim.start)  # back as soon as it can listen

            connects, acked = sum(c.connects for c in clients), sum(len(c.acked) for c in clients)
            storm = edit_storm(clients, track, seconds=8 if LONG else 6, per_client_rate=0.7, seed=round_)
            sent, _ = await asyncio.gather(storm, kill_and_restart())
            await converge(clients, piece.pk)
            assert sum(c.connects for c in clients) > connects  # the victim's clients were cut off and came back
            assert sum(len(c.acked) for c in clients) == acked + sent  # every op of the storm answered, once
        acked = sum(len(c.acked) for c in clients)
        assert acked and not any(c.refused for c in clients), [c.refused for c in clients if c.refused]
        print(f"F1: {rounds} kill(s), {acked} acked edits, {sum(c.connects for c in clients) - CLIENTS} reconnects")
    finally:
        await close_clients(clients)
