"""F4: the database is unreachable for 10 s while clients edit.

The web processes reach PostgreSQL through a loopback proxy that the test cuts (every connection
reset, new ones refused) and restores; the shared server itself never stops. During the outage
every op is refused with `unavailable` (nothing applied) or waits: none is acknowledged and then
lost, no write is half done, and once the database is back the clients' re-sent ops go through
and everyone converges."""
import asyncio

import pytest
from channels.db import database_sync_to_async as db
from django.db.models import Max

from composer_ui.models import Event, Piece
from tests.deploy.cluster import piece_with_editors

from .storm import LONG, close_clients, converge, edit_storm, open_clients

pytestmark = [pytest.mark.production_path, pytest.mark.django_db(transaction=True)]
CLIENTS = 10
OUTAGE_SECONDS = 10


def head_matches_log(piece_id):
    """No partial write: the piece's head is exactly its last event."""
    head = Piece.objects.values_list("head_seq", flat=True).get(pk=piece_id)
    return head == Event.objects.filter(piece_id=piece_id).aggregate(Max("seq"))["seq__max"]


async def test_a_database_outage_refuses_or_delays_edits_and_loses_none(healthy):
    topology, proxy = healthy.topology, healthy.proxy
    piece, keys, track = await db(piece_with_editors)(CLIENTS, prefix="f4-")
    clients = await open_clients(topology.urls, piece.pk, keys, prefix="f4c")
    try:
        for round_ in range(2 if LONG else 1):
            acked_before = sum(len(c.acked) for c in clients)
            retried_before = sum(c.retried for c in clients)
            during = {}

            async def outage():
                await asyncio.sleep(2)
                proxy.cut()
                during["acked_at_cut"] = sum(len(c.acked) for c in clients)
                await asyncio.sleep(OUTAGE_SECONDS)
                during["acked_at_restore"] = sum(len(c.acked) for c in clients)
                proxy.restore()

            await asyncio.gather(edit_storm(clients, track, seconds=OUTAGE_SECONDS + 5, per_client_rate=1.0,
                                            seed=round_), outage())
            await converge(clients, piece.pk)
            assert sum(c.retried for c in clients) > retried_before, "no op met the outage"
            # Nothing can be committed without the database: at most the acks already on their way at the cut.
            assert during["acked_at_restore"] - during["acked_at_cut"] <= CLIENTS
            assert sum(len(c.acked) for c in clients) > during["acked_at_restore"] > acked_before
            assert await db(head_matches_log)(piece.pk)
        assert not any(c.refused for c in clients), [c.refused for c in clients if c.refused]
    finally:
        await close_clients(clients)
