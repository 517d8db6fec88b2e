"""B3: protocol abuse by a member who knows the protocol: floods, revoked rights, other rooms'
ids, replayed client_op_ids and forged fields. Each is refused with a clear error and changes
nothing, and never costs anyone else in the room an edit.
"""
import json

import pytest
from django.conf import settings
from hypothesis import strategies as st
from channels.db import database_sync_to_async as db

from composer_ui import broadcast, services
from composer_ui.models import Event
from tests.composer_ui.factories import make_user, note_add, receive_until, room

from .harness import SENT, HostileRoom, drain_jobs, fuzz_piece_build, generated, head_snapshot
from .strategies import (FIRST_TRACK, ai_message, cancel_message, encode, presence_message, sync_message,
                         valid_op_message)

pytestmark = pytest.mark.django_db(transaction=True)
FLOOD = 1_000


async def people(editors=1, viewers=0):
    def build():
        owner = make_user()
        others = [make_user() for _ in range(editors + viewers)]
        piece = fuzz_piece_build(owner, editors=others[:editors], viewers=others[editors:])
        return piece, owner, others
    return await db(build)()


def op_frame(client_op_id, *ops):
    return {"type": "op", "client_op_id": client_op_id, "ops": list(ops)}


async def test_a_flood_is_rate_limited_and_the_other_editor_loses_nothing(error_log, monkeypatch):
    from composer_ui import hub

    # This is about the per-connection limit. Process-wide overload shedding (hub.busy, which would
    # refuse everyone's edits on a machine slow enough to lag) is tested in test_shedding.py.
    monkeypatch.setattr(hub, "BUSY_LAG_SECONDS", 60)
    piece, _, (flooder, calm) = await people(editors=2)
    async with room(flooder, piece.pk) as loud, room(calm, piece.pk) as quiet:
        for i in range(FLOOD):  # as fast as the socket takes them: no reply is awaited
            await loud.send_json_to(op_frame(f"f{i}", note_add(f"f{i}", track=FIRST_TRACK, start=i % 60 * 240)))
            if i % 50 == 0:
                await quiet.send_json_to(op_frame(f"q{i}", note_add(f"q{i}", track=FIRST_TRACK, pitch=70)))
        SENT["messages"] += FLOOD + FLOOD // 50
        flood_replies, _ = await read(loud, FLOOD)
        calm_replies, seen = await read(quiet, FLOOD // 50)

        limited = [r for r in flood_replies if r["type"] == "error"]
        assert limited, "a flood of 1,000 ops must meet the rate limit"
        assert all(r["code"] == "rate_limited" and r["retry_after"] > 0 and r["message"] for r in limited), \
            [r for r in limited if r["code"] != "rate_limited" or not r["retry_after"] > 0][:3]
        assert all(r["type"] == "ack" for r in calm_replies), [r for r in calm_replies if r["type"] != "ack"]
        acked = sorted(r["seq"] for r in flood_replies + calm_replies if r["type"] == "ack")
        # The calm editor sees every committed event, the flooder's included, without a gap.
        while len(seen) < len(acked):
            seen.append((await receive_until(quiet, "event", timeout=10))["seq"])
        assert sorted(seen) == acked == list(range(acked[0], acked[0] + len(acked)))
        if not settings.REDIS_URL:
            # In one process on the in-memory layer they also arrive in commit order. Through Redis two
            # senders' broadcasts can cross on the way (clients order by seq; docs/protocol.md).
            assert seen == acked
        await loud.send_json_to({"type": "ping"})  # the flooder is slowed down, not cut off
        assert (await receive_until(loud, "pong"))["type"] == "pong"
        SENT["refused"] += len(limited)
        SENT["accepted"] += len(acked)
    seq, _ = await db(head_snapshot)(piece.pk)
    assert seq == acked[-1] and not error_log


async def read(ws, answers: int) -> tuple[list, list]:
    """The next ``answers`` acks or errors, and the seq of each event that came meanwhile."""
    direct, events = [], []
    while len(direct) < answers:
        message = await ws.receive_json_from(timeout=20)
        if message["type"] in ("ack", "error"):
            direct.append(message)
        elif message["type"] == "event":
            events.append(message["seq"])
    return direct, events


async def test_ops_after_demotion_to_viewer_are_forbidden(unthrottled, error_log, fuzz_seed):
    piece, owner, (student,) = await people()
    frames = generated(valid_op_message.map(encode), 200, fuzz_seed)
    frames += generated(ai_message.map(encode), 50, fuzz_seed)
    async with room(student, piece.pk) as ws:
        await db(services.member_role_set)(piece_id=piece.pk, acting_user=owner, user_id=student.pk, role="viewer")
        await broadcast.members_changed(piece.pk, student.pk)
        assert (await receive_until(ws, "members"))["you"]["role"] == "viewer"
        hostile = await HostileRoom(ws, piece.pk, error_log).start()
        for frame in frames:
            error = await hostile.send(frame)
            assert error is not None and error["code"] in ("forbidden", "invalid", "not_found"), (frame, error)
    await db(drain_jobs)(piece.pk)


async def test_ops_after_removal_are_refused_until_the_socket_is_closed(unthrottled, error_log, fuzz_seed):
    piece, owner, (student,) = await people()
    frames = generated(st.one_of(valid_op_message, ai_message, cancel_message, sync_message, presence_message)
                       .map(encode), 200, fuzz_seed)
    async with room(student, piece.pk) as ws:
        # Removed on another process, say, whose broadcast is late: the socket is still open.
        await db(services.member_remove)(piece_id=piece.pk, acting_user=owner, user_id=student.pk)
        hostile = await HostileRoom(ws, piece.pk, error_log).start()
        for frame in frames:
            error = await hostile.send(frame)
            if error is None:  # only presence (relayed, never stored) may still pass, until touch() re-checks
                assert json.loads(frame)["type"] == "presence", frame
            else:
                assert error["code"] in ("not_found", "invalid", "forbidden"), (frame, error)
        await broadcast.members_changed(piece.pk, student.pk)
        assert (await receive_until(ws, "error"))["code"] == "forbidden"
        closed = await ws.receive_output(timeout=5)
        assert closed["type"] == "websocket.close" and closed["code"] == 4403
    await db(drain_jobs)(piece.pk)


def test_a_refusal_never_says_retry_at_once():
    from composer_ui.ratelimit import TokenBucket

    now = [0.0]
    bucket = TokenBucket(rate=30, burst=1, clock=lambda: now[0])
    assert bucket.take() == 0
    now[0] += 1 / 30 - 1e-7  # a hair short of a whole token
    assert 0.001 <= bucket.take() < 0.002


async def test_a_removed_member_whose_broadcast_was_lost_is_closed_at_the_next_recheck(monkeypatch, error_log):
    from composer_ui import consumers

    monkeypatch.setattr(consumers, "RECHECK_EVERY_SECONDS", 0)  # re-check on every message
    piece, owner, (student,) = await people()
    async with room(student, piece.pk) as ws:
        await db(services.member_remove)(piece_id=piece.pk, acting_user=owner, user_id=student.pk)
        # No members broadcast at all: the presence goes out, then touch() finds the membership gone.
        await ws.send_json_to({"type": "presence", "cursor": {"tick": 0, "pitch": 60}})
        assert (await receive_until(ws, "error"))["code"] == "forbidden"
        closed = await ws.receive_output(timeout=5)
        assert closed["type"] == "websocket.close" and closed["code"] == 4403
    assert not error_log


async def test_a_presence_flood_is_rate_limited_and_only_what_passed_is_relayed(error_log):
    piece, _, (mover, watcher) = await people(editors=2)
    async with room(mover, piece.pk) as loud, room(watcher, piece.pk) as quiet:
        for tick in range(200):
            await loud.send_json_to({"type": "presence", "cursor": {"tick": tick, "pitch": 60}})
        await loud.send_json_to({"type": "ping"})
        SENT["messages"] += 200
        refused = 0
        while (message := await loud.receive_json_from(timeout=10))["type"] != "pong":
            if message["type"] == "error":
                assert message["code"] == "rate_limited" and message["retry_after"] > 0, message
                refused += 1
        assert refused, "200 cursor moves at once must meet the presence limit"
        relayed = []
        while len(relayed) < 200 - refused:
            message = await quiet.receive_json_from(timeout=10)
            if message["type"] == "presence":
                relayed.append(message["cursor"]["tick"])
        assert relayed == sorted(relayed)
        while not await quiet.receive_nothing(timeout=0.3):  # nothing more of the mover's cursor
            assert (await quiet.receive_json_from())["type"] == "present"
        SENT["refused"] += refused
    assert not error_log
