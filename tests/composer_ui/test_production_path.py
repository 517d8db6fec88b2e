"""The production path for real: PostgreSQL row locks and the channels-redis layer.

`make test-postgres` runs these with DATABASE_URL (PostgreSQL) and REDIS_URL set.
"""
import threading

import pytest
from django.conf import settings
from django.db import connection, connections

from composer_ui import services
from composer_ui.models import Event

from .factories import first_track_id, make_piece, make_user, note_add, receive_until, room

pytestmark = [pytest.mark.production_path, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _needs_the_real_services():
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        pytest.skip("needs DATABASE_URL=postgres://... and REDIS_URL (make test-postgres)")


def test_concurrent_writers_get_contiguous_seq_and_lose_nothing():
    editors = [make_user() for _ in range(4)]
    piece = make_piece(editors=editors)
    track = first_track_id(piece.pk)
    acks, errors = [], []

    def write(user, index):
        try:
            for i in range(10):
                applied = services.ops_apply(piece_id=piece.pk, user=user, client_op_id=f"w{index}-{i}",
                                             ops=[note_add(f"n{index}-{i}", track=track, start=i * 120)])
                acks.append((applied.seq, f"w{index}-{i}"))
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(user, i)) for i, user in enumerate(editors)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    log = dict(Event.objects.filter(piece=piece).exclude(client_op_id=None).values_list("client_op_id", "seq"))
    assert len(acks) == 40 and all(log[client_op_id] == seq for seq, client_op_id in acks)
    seqs = list(Event.objects.filter(piece=piece).values_list("seq", flat=True))
    assert seqs == list(range(1, 42))


async def test_broadcast_goes_through_the_redis_layer():
    from channels.db import database_sync_to_async as db
    from channels.layers import get_channel_layer

    assert type(get_channel_layer()).__name__ == "RedisChannelLayer"

    def setup():
        editor = make_user()
        piece = make_piece(editors=[editor])
        return piece, editor, first_track_id(piece.pk)

    piece, editor, track = await db(setup)()
    async with room(piece.owner, piece.pk) as owner_ws, room(editor, piece.pk) as editor_ws:
        await editor_ws.send_json_to({"type": "op", "client_op_id": "r1", "ops": [note_add("n1", track=track)]})
        assert (await receive_until(editor_ws, "ack"))["seq"] == 2
        event = await receive_until(owner_ws, "event", timeout=5)
        assert event["seq"] == 2 and event["actor"]["id"] == editor.pk
