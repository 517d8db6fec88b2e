"""A committed change is answered even when the channel layer refuses the broadcast (Redis
restarting): the sender gets its `ack` / `job`, never an `unavailable` saying nothing was applied.
tests/faults/test_redis_restart.py does the same with a real Redis restarted under the room."""
from contextlib import asynccontextmanager

import pytest
from channels.db import database_sync_to_async as db

from composer_ui import broadcast
from composer_ui.models import Event, GenerationJob

from .factories import first_track_id, make_piece, make_user, note_add, receive_until, room
from .generation_helpers import satb_piece, track_ids

pytestmark = pytest.mark.django_db(transaction=True)


async def layer_down(*args, **kwargs):
    raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


async def take_the_layer_down(ws, monkeypatch):
    """Once the connection is fully in (its `join` went out after the welcome), the layer fails."""
    await ws.send_json_to({"type": "ping"})
    await receive_until(ws, "pong")
    monkeypatch.setattr(broadcast, "to_room", layer_down)


@asynccontextmanager
async def leaving_quietly(monkeypatch):
    """The layer is back before the test's socket closes (its `leave` would fail otherwise)."""
    yield
    monkeypatch.undo()


async def test_an_edit_committed_while_the_layer_is_down_is_acknowledged(monkeypatch):
    def build():
        editor = make_user()
        piece = make_piece(editors=[editor])
        return piece, editor, first_track_id(piece.pk)

    piece, editor, track = await db(build)()
    async with room(editor, piece.pk) as ws, leaving_quietly(monkeypatch):
        await take_the_layer_down(ws, monkeypatch)
        await ws.send_json_to({"type": "op", "client_op_id": "down-1", "ops": [note_add("n1", track=track)]})
        answer = await ws.receive_json_from(timeout=5)
        assert answer == {"type": "ack", "client_op_id": "down-1", "seq": 2}
        assert await db(Event.objects.filter(piece=piece, client_op_id="down-1").count)() == 1


async def test_a_generate_committed_while_the_layer_is_down_is_not_refused(monkeypatch):
    def build():
        piece = satb_piece()
        return piece, track_ids(piece)

    piece, tracks = await db(build)()
    async with room(piece.owner, piece.pk) as ws, leaving_quietly(monkeypatch):
        await take_the_layer_down(ws, monkeypatch)
        await ws.send_json_to({"type": "generate", "operation": "infill", "tracks": tracks, "bars": [1, 2],
                               "candidates": 1, "seed": 1})
        await ws.send_json_to({"type": "ping"})
        answers = [await ws.receive_json_from(timeout=10)]
        while answers[-1]["type"] != "pong":
            answers.append(await ws.receive_json_from(timeout=10))
        assert [a for a in answers if a["type"] == "error"] == []
        assert await db(GenerationJob.objects.filter(piece=piece).count)() == 1
