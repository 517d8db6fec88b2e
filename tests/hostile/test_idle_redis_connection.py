"""Regression: an idle room connection on the Redis layer must outlive the layer's blocking pop.

channels-redis waits in BZPOPMIN for 5 s at a time and redis-py 8 read with a 5 s socket timeout,
so a connection nobody wrote to for 5 s died with `TimeoutError: Timeout reading from ...`
(found by the fuzz test on PostgreSQL + Redis). Runs in `make test-postgres`.
"""
import asyncio

import pytest
from channels.db import database_sync_to_async as db
from django.conf import settings

from tests.composer_ui.factories import make_user, receive_until, room

from .harness import fuzz_piece_build

pytestmark = [pytest.mark.production_path, pytest.mark.django_db(transaction=True)]


async def test_a_room_connection_idle_for_longer_than_a_blocking_pop_stays_up(error_log):
    if not settings.REDIS_URL:
        pytest.skip("needs REDIS_URL (make test-postgres)")
    owner = await db(make_user)()
    piece = await db(fuzz_piece_build)(owner)
    async with room(owner, piece.pk) as ws:
        await asyncio.sleep(12)  # two blocking pops and then some: no traffic at all
        await ws.send_json_to({"type": "ping"})
        assert (await receive_until(ws, "pong", timeout=5))["type"] == "pong"  # after its own `present`
    assert not error_log, [r.getMessage() for r in error_log]
