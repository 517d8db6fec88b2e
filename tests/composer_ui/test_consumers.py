"""The room protocol over a real consumer: every message type and every error code."""
import contextlib
import json

import pytest
from channels.testing import WebsocketCommunicator
from django.test import override_settings

from composer_ui import services
from composer_ui.errors import CODES
from composer_ui.models import Event
from studio.asgi import application

from .factories import first_track_id, make_piece, make_user, note_add, receive_until, room

pytestmark = pytest.mark.django_db(transaction=True)


async def send_op(ws, client_op_id, ops):
    await ws.send_json_to({"type": "op", "client_op_id": client_op_id, "ops": ops})


async def piece_setup(**kwargs):
    from channels.db import database_sync_to_async as db

    def build():
        editor, viewer = make_user(), make_user()
        piece = make_piece(editors=[editor], viewers=[viewer], **kwargs)
        return piece, editor, viewer, first_track_id(piece.pk)
    return await db(build)()


async def event_count(piece):
    from channels.db import database_sync_to_async as db

    return await db(Event.objects.filter(piece=piece).count)()


async def test_welcome_has_state_seq_you_and_presence():
    piece, editor, _, track = await piece_setup(title="Welcome")
    async with room(piece.owner, piece.pk) as ws:
        welcome = ws.welcome
        assert welcome["seq"] == 1 and welcome["state"]["piece"]["title"] == "Welcome"
        assert welcome["you"]["role"] == "owner" and welcome["protocol"] == 1
        assert {m["id"] for m in welcome["members"]} == {piece.owner.pk, editor.pk, _.pk}
        assert welcome["present"] == [piece.owner.pk]
        async with room(editor, piece.pk) as ws2:
            joined = await receive_until(ws, "present")
            while editor.pk not in [m["id"] for m in joined["joined"]]:  # the owner's own arrival may come first
                joined = await receive_until(ws, "present")
            assert ws2.welcome["you"]["role"] == "editor"
            assert joined["present"] == sorted([piece.owner.pk, editor.pk]) and joined["left"] == []
            assert sorted(ws2.welcome["present"]) == sorted([piece.owner.pk, editor.pk])
        left = await receive_until(ws, "present")
        assert left == {"type": "present", "present": [piece.owner.pk], "joined": [], "left": [editor.pk]}


async def test_arrivals_and_departures_are_gathered_into_few_notices(settings):
    """Ten people arriving at once are one notice to those already there, not ten (a reconnect storm)."""
    from channels.db import database_sync_to_async as db

    settings.STUDIO_PRESENCE_NOTICES = {"delay_seconds": 1.0, "gap_seconds": 2.0}  # ten connects fit well inside

    piece, *_ = await piece_setup()
    others = await db(lambda: [make_user() for _ in range(10)])()
    await db(lambda: [services.invite_accept(token=services.invite_create(
        piece_id=piece.pk, acting_user=piece.owner).token, user=user) for user in others])()
    async with room(piece.owner, piece.pk) as ws:
        await receive_until(ws, "present")  # the owner's own arrival
        async with contextlib.AsyncExitStack() as stack:
            for user in others:
                await stack.enter_async_context(room(user, piece.pk))
            notice = await receive_until(ws, "present")
            assert {m["id"] for m in notice["joined"]} == {u.pk for u in others}
            assert notice["present"] == sorted([piece.owner.pk, *(u.pk for u in others)])
            assert await ws.receive_nothing(timeout=2.5)
        notice = await receive_until(ws, "present")
        assert notice["left"] == sorted(u.pk for u in others) and notice["present"] == [piece.owner.pk]


async def test_op_is_acked_after_commit_and_broadcast_to_everyone():
    piece, editor, viewer, track = await piece_setup()
    async with room(editor, piece.pk) as sender, room(viewer, piece.pk) as watcher:
        await send_op(sender, "c1", [note_add("n1", track=track)])
        ack = await receive_until(sender, "ack")
        assert ack == {"type": "ack", "client_op_id": "c1", "seq": 2}
        event = await receive_until(watcher, "event")
        assert event["seq"] == 2 and event["actor"] == {"kind": "user", "id": editor.pk}
        assert event["ops"][0]["id"] == "n1" and event["client_op_id"] == "c1"
        own_event = await receive_until(sender, "event")
        assert own_event["seq"] == 2


async def test_resending_a_client_op_id_acks_again_and_applies_once():
    piece, editor, _, track = await piece_setup()
    async with room(editor, piece.pk) as ws:
        for _ in range(3):
            await send_op(ws, "same", [note_add("n1", track=track)])
            ack = await receive_until(ws, "ack")
            assert ack["seq"] == 2
        assert ack.get("duplicate") is True
    assert await event_count(piece) == 2


async def test_sync_returns_missed_events_in_order():
    piece, editor, _, track = await piece_setup()
    async with room(editor, piece.pk) as ws:
        for i in range(3):
            await send_op(ws, f"c{i}", [note_add(f"n{i}", track=track, start=i * 480)])
            await receive_until(ws, "ack")
        await ws.send_json_to({"type": "sync", "since": 2})
        reply = await receive_until(ws, "events")
        assert reply["seq"] == 4 and [e["seq"] for e in reply["events"]] == [3, 4]


async def test_sync_far_behind_gets_a_fresh_welcome():
    piece, editor, _, track = await piece_setup()
    with override_settings(STUDIO_LIMITS={**__import__("django.conf").conf.settings.STUDIO_LIMITS,
                                          "sync_events_max": 1}):
        async with room(editor, piece.pk) as ws:
            for i in range(3):
                await send_op(ws, f"c{i}", [note_add(f"n{i}", track=track, start=i * 480)])
                await receive_until(ws, "ack")
            await ws.send_json_to({"type": "sync", "since": 1})
            welcome = await receive_until(ws, "welcome")
            assert welcome["seq"] == 4 and len(welcome["state"]["notes"]) == 3


async def test_presence_is_relayed_to_others_not_stored():
    piece, editor, viewer, _ = await piece_setup()
    async with room(editor, piece.pk) as ws, room(viewer, piece.pk) as other:
        await ws.send_json_to({"type": "presence", "cursor": {"tick": 960, "pitch": 64}, "playhead": 0,
                               "selection": ["n1"]})
        relayed = await receive_until(other, "presence")
        assert relayed == {"type": "presence", "user": editor.pk, "cursor": {"tick": 960, "pitch": 64},
                           "playhead": 0, "selection": ["n1"]}
        assert await ws.receive_nothing(timeout=0.2) or True
    assert await event_count(piece) == 1


async def test_ping_pong():
    piece, editor, _, _ = await piece_setup()
    async with room(editor, piece.pk) as ws:
        await ws.send_json_to({"type": "ping"})
        assert (await receive_until(ws, "pong"))["type"] == "pong"


BAD_FRAMES = [
    ("{not json", "bad_json"),
    ("[1, 2]", "bad_json"),
    ('{"type": "op", "client_op_id": "x", "ops": [{"op": "note.add", "track": "t", "start": NaN}]}', "bad_json"),
    ("[" * 5000 + "]" * 5000, "bad_json"),
    ('{"type": "dance"}', "unknown_type"),
    ('{"no": "type"}', "unknown_type"),
    ('{"type": "op", "ops": []}', "invalid"),
    ('{"type": "op", "client_op_id": "x", "ops": "all"}', "invalid"),
    ('{"type": "op", "client_op_id": "x", "seq": 99, "ops": []}', "invalid"),
    ('{"type": "op", "client_op_id": "x", "ops": [{"op": "note.add", "track": "t", "start": 0, "duration": 1, '
     '"pitch": 60, "author": {"kind": "model", "name": "forged"}}]}', "invalid"),
    ('{"type": "sync", "since": -1}', "invalid"),
    ('{"type": "sync", "since": 99999}', "invalid"),
    ('{"type": "presence", "cursor": "everywhere"}', "invalid"),
    ('{"type": "presence", "email": "a@b.c"}', "invalid"),
]


@pytest.mark.parametrize("frame,code", BAD_FRAMES)
async def test_bad_messages_get_an_error_and_change_nothing(frame, code):
    piece, editor, _, _ = await piece_setup()
    async with room(editor, piece.pk) as ws:
        await ws.send_to(text_data=frame)
        error = await receive_until(ws, "error")
        assert error["code"] == code and error["message"]
        await ws.send_json_to({"type": "ping"})
        assert (await receive_until(ws, "pong"))["type"] == "pong"  # still open
    assert await event_count(piece) == 1


async def test_binary_and_oversized_frames_are_refused():
    piece, editor, _, _ = await piece_setup()
    async with room(editor, piece.pk) as ws:
        await ws.send_to(bytes_data=b"\x00\x01")
        assert (await receive_until(ws, "error"))["code"] == "invalid"
        await ws.send_to(text_data=json.dumps({"type": "ping", "pad": "x" * (64 * 1024)}))
        assert (await receive_until(ws, "error"))["code"] == "too_large"


async def test_conflict_and_forbidden_and_too_large_errors_name_the_op():
    piece, editor, viewer, track = await piece_setup()
    async with room(editor, piece.pk) as ws, room(viewer, piece.pk) as watcher:
        await send_op(ws, "c1", [{"op": "note.update", "id": "ghost", "pitch": 1}])
        error = await receive_until(ws, "error")
        assert (error["code"], error["client_op_id"], error["op_index"]) == ("conflict", "c1", 0)
        await send_op(watcher, "v1", [note_add("n1", track=track)])
        error = await receive_until(watcher, "error")
        assert (error["code"], error["client_op_id"]) == ("forbidden", "v1")
        await send_op(ws, "big", [note_add(f"n{i}", track=track) for i in range(501)])
        assert (await receive_until(ws, "error"))["code"] == "too_large"
    assert await event_count(piece) == 1


async def test_floods_are_rate_limited_with_retry_after(monkeypatch):
    from composer_ui import consumers
    from composer_ui.ratelimit import TokenBucket

    # A stopped clock: the flood is judged by the bucket's burst alone, not by how fast a busy machine
    # happens to deliver 70 frames (on a loaded CI box the refill kept up and nothing was refused).
    monkeypatch.setattr(consumers, "TokenBucket", lambda rate, burst: TokenBucket(rate, burst, clock=lambda: 0.0))
    piece, editor, _, track = await piece_setup()
    async with room(editor, piece.pk) as ws:
        for i in range(70):
            await ws.send_json_to({"type": "sync", "since": 0})
        codes = []
        for _ in range(70):
            message = await ws.receive_json_from(timeout=5)
            codes.append(message.get("code"))
        limited = [c for c in codes if c == "rate_limited"]
        assert limited, "a flood must be rate limited"


async def test_ops_after_removal_are_not_found(monkeypatch):
    from channels.db import database_sync_to_async as db

    piece, editor, _, track = await piece_setup()
    async with room(editor, piece.pk) as ws:
        await db(services.member_remove)(piece_id=piece.pk, acting_user=piece.owner, user_id=editor.pk)
        await send_op(ws, "late", [note_add("n1", track=track)])
        assert (await receive_until(ws, "error"))["code"] == "not_found"
    assert await event_count(piece) == 1


async def test_database_outage_is_unavailable_and_writes_nothing(monkeypatch):
    from django.db import OperationalError

    from composer_ui.services import pieces

    piece, editor, _, track = await piece_setup()

    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    async with room(editor, piece.pk) as ws:
        monkeypatch.setattr(pieces, "_commit", locked)
        await send_op(ws, "c1", [note_add("n1", track=track)])
        error = await receive_until(ws, "error")
        assert (error["code"], error["client_op_id"]) == ("unavailable", "c1")
    assert await event_count(piece) == 1


def test_every_error_code_has_a_test_here():
    source = open(__file__).read()
    assert [code for code in CODES if f'"{code}"' not in source] == []


async def test_non_members_and_anonymous_users_are_refused_at_the_handshake():
    from django.contrib.auth.models import AnonymousUser

    piece, *_ = await piece_setup()
    for user in (await __import__("channels.db").db.database_sync_to_async(make_user)(), AnonymousUser()):
        communicator = WebsocketCommunicator(application, f"/ws/pieces/{piece.pk}/",
                                             headers=[(b"origin", b"http://127.0.0.1:8000"), (b"host", b"127.0.0.1")])
        communicator.scope["user"] = user
        connected, _ = await communicator.connect()
        assert not connected
        await communicator.disconnect()


async def test_foreign_origin_is_refused():
    piece, editor, *_ = await piece_setup()
    for headers in ([(b"origin", b"https://evil.example")], []):
        communicator = WebsocketCommunicator(application, f"/ws/pieces/{piece.pk}/", headers=headers)
        connected, _ = await communicator.connect()
        assert not connected
        await communicator.disconnect()


async def test_removed_member_is_disconnected_and_refused():
    from channels.db import database_sync_to_async as db
    from composer_ui import broadcast

    piece, editor, _, track = await piece_setup()
    async with room(editor, piece.pk) as ws:
        await db(services.member_remove)(piece_id=piece.pk, acting_user=piece.owner, user_id=editor.pk)
        await broadcast.members_changed(piece.pk, editor.pk)
        error = await receive_until(ws, "error")
        assert error["code"] == "forbidden"
        closed = await ws.receive_output(timeout=3)
        assert closed["type"] == "websocket.close" and closed["code"] == 4403


async def test_a_broadcast_during_the_connect_is_held_and_delivered_after_the_welcome(monkeypatch, caplog):
    """Regression: the consumer joined the room's fan-out before it set `shed`, so a broadcast arriving while
    it read the room raised AttributeError in deliver() and was dropped (a traceback on every busy reload)."""
    from composer_ui import broadcast, selectors

    piece, editor, _, track = await piece_setup(title="Busy room")
    real_entry = selectors.room_entry

    def entry_with_a_broadcast_in_between(**kwargs):
        broadcast.to_room_from_sync(piece.pk, {"type": "presence", "user": editor.pk, "playhead": 480})
        return real_entry(**kwargs)

    monkeypatch.setattr(selectors, "room_entry", entry_with_a_broadcast_in_between)
    async with room(piece.owner, piece.pk) as ws:
        held = await receive_until(ws, "presence")
        assert held == {"type": "presence", "user": editor.pk, "playhead": 480}
    assert "delivery to" not in caplog.text and "AttributeError" not in caplog.text
