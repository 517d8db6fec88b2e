"""Overload shedding (composer_ui/backpressure.py, hub.busy): slow readers are closed with 4008 and
resync, while the others keep receiving; an overloaded process refuses edits with `rate_limited`."""
import time

import pytest
from channels.db import database_sync_to_async as db
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.conf import settings

from composer_ui.backpressure import SCOPE_KEY, TOO_SLOW, SlowGuard
from composer_ui.hub import hub
from composer_ui.models import Event
from composer_ui.routing import websocket_urlpatterns

from .factories import first_track_id, make_piece, make_user, note_add, receive_until, room

LIMIT = settings.STUDIO_LIMITS["send_backlog_bytes"]


class Backlog:
    """A stand-in for daphne's transport probe: the test says how many bytes are unsent."""

    def __init__(self):
        self.bytes = 0

    def __call__(self):
        return self.bytes


# -- the guard alone ----------------------------------------------------------------


def test_guard_lets_a_connection_within_the_limit_be():
    backlog = Backlog()
    guard = SlowGuard(backlog, limit=1000)
    for value in (0, 500, 1000):
        backlog.bytes = value
        assert not guard.too_slow()
    backlog.bytes = 1001
    assert guard.too_slow()


def test_guard_without_a_probe_never_sheds():
    assert not SlowGuard(None, limit=0).too_slow()


def test_a_big_welcome_is_not_falling_behind_but_growth_past_it_is():
    backlog = Backlog()
    guard = SlowGuard(backlog, limit=1000)
    backlog.bytes = 5000  # a large piece's welcome, still in the buffer
    guard.after_bulk_send()
    backlog.bytes = 5500
    assert not guard.too_slow()
    backlog.bytes = 6001
    assert guard.too_slow()


def test_the_allowance_ends_once_the_client_has_caught_up():
    backlog = Backlog()
    guard = SlowGuard(backlog, limit=1000)
    backlog.bytes = 5000
    guard.after_bulk_send()
    backlog.bytes = 200  # the client read its welcome
    assert not guard.too_slow()
    backlog.bytes = 1500
    assert guard.too_slow()


# -- the room ---------------------------------------------------------------------------

pytestmark_db = pytest.mark.django_db(transaction=True)


async def piece_setup():
    def build():
        editor, viewer = make_user(), make_user()
        piece = make_piece(editors=[editor], viewers=[viewer])
        return piece, editor, viewer, first_track_id(piece.pk)
    return await db(build)()


async def connect_with_backlog(user, piece_id, backlog):
    communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), f"/ws/pieces/{piece_id}/")
    communicator.scope["user"] = user
    communicator.scope[SCOPE_KEY] = backlog
    connected, _ = await communicator.connect(timeout=5)
    assert connected
    communicator.welcome = await communicator.receive_json_from(timeout=5)
    return communicator


async def closed_with(communicator, timeout=3):
    """Skip frames until the server closes the socket; return the close code."""
    while True:
        output = await communicator.receive_output(timeout=timeout)
        if output["type"] == "websocket.close":
            return output.get("code")


@pytestmark_db
async def test_a_slow_reader_is_closed_with_4008_and_the_others_keep_receiving():
    piece, editor, viewer, track = await piece_setup()
    backlog = Backlog()
    slow = await connect_with_backlog(viewer, piece.pk, backlog)
    async with room(editor, piece.pk) as sender, room(piece.owner, piece.pk) as listener:
        await sender.send_json_to({"type": "op", "client_op_id": "c1", "ops": [note_add("n1", track=track)]})
        assert (await receive_until(listener, "event"))["seq"] == 2
        assert (await receive_until(sender, "ack"))["client_op_id"] == "c1"
        backlog.bytes = LIMIT + 1  # the viewer stopped reading: its unsent bytes pass the limit
        await sender.send_json_to({"type": "op", "client_op_id": "c2",
                                   "ops": [note_add("n2", track=track, start=480)]})
        assert await closed_with(slow) == TOO_SLOW
        assert (await receive_until(listener, "event"))["seq"] == 3
        await sender.send_json_to({"type": "op", "client_op_id": "c3",
                                   "ops": [note_add("n3", track=track, start=960)]})
        assert (await receive_until(listener, "event"))["seq"] == 4
        assert [(await receive_until(sender, "ack"))["client_op_id"] for _ in range(2)] == ["c2", "c3"]
        assert not [o for o in await drain(slow) if o["type"] == "websocket.send"], "nothing after the close"
        # The viewer comes back and catches up from the last seq it had.
        async with room(viewer, piece.pk) as back:
            await back.send_json_to({"type": "sync", "since": 2})
            events = await receive_until(back, "events")
            assert [e["seq"] for e in events["events"]] == [3, 4]
            assert {op["id"] for e in events["events"] for op in e["ops"]} == {"n2", "n3"}


async def drain(communicator):
    outputs = []
    while not await communicator.receive_nothing(timeout=0.2):
        outputs.append(await communicator.receive_output())
    return outputs


@pytestmark_db
async def test_an_overloaded_process_refuses_edits_with_retry_after_and_applies_nothing():
    piece, editor, _, track = await piece_setup()
    async with room(editor, piece.pk) as sender:
        before = await db(Event.objects.filter(piece=piece).count)()
        # Let the connect finish first: its own `join` notice, handed out promptly, ends a busy spell.
        await sender.send_json_to({"type": "ping"})
        await receive_until(sender, "pong")
        hub().note_lag(time.time() - 1.0)  # room messages waited a second to be handed out
        await sender.send_json_to({"type": "op", "client_op_id": "c1", "ops": [note_add("n1", track=track)]})
        refused = await receive_until(sender, "error")
        assert refused["code"] == "rate_limited" and refused["client_op_id"] == "c1"
        assert 0 < refused["retry_after"] <= 2
        assert await db(Event.objects.filter(piece=piece).count)() == before
        hub().lag_seen = time.monotonic() - 60  # the lag reading is old: the process has caught up
        await sender.send_json_to({"type": "op", "client_op_id": "c1", "ops": [note_add("n1", track=track)]})
        assert (await receive_until(sender, "ack"))["seq"] == before + 1


@pytestmark_db
async def test_one_prompt_delivery_ends_a_busy_spell():
    piece, editor, _, track = await piece_setup()
    async with room(editor, piece.pk) as sender:
        hub().note_lag(time.time() - 1.0)
        assert hub().busy() > 0
        hub().note_lag(time.time())  # the next room message was handed out at once
        assert hub().busy() == 0
        await sender.send_json_to({"type": "op", "client_op_id": "c1", "ops": [note_add("n1", track=track)]})
        assert (await receive_until(sender, "ack"))["client_op_id"] == "c1"


@pytestmark_db
async def test_a_short_lag_does_not_make_the_process_busy():
    piece, editor, _, track = await piece_setup()
    async with room(editor, piece.pk) as sender:
        hub().note_lag(time.time() - 0.05)
        assert hub().busy() == 0
        await sender.send_json_to({"type": "op", "client_op_id": "c1", "ops": [note_add("n1", track=track)]})
        assert (await receive_until(sender, "ack"))["client_op_id"] == "c1"

