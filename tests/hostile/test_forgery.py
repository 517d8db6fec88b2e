"""B3, continued: another room's ids, replayed client_op_ids and forged provenance or ordering."""
import json

import pytest
from channels.db import database_sync_to_async as db

from composer_ui import services
from composer_ui.models import Event, GenerationJob
from tests.composer_ui.factories import make_user, note_add, room

from .harness import HostileRoom, drain_jobs, fuzz_piece_build, generated, head_snapshot
from .strategies import FIRST_TRACK, FORGED_MESSAGE_FIELDS, FORGED_OP_FIELDS, encode, valid_op_message

pytestmark = pytest.mark.django_db(transaction=True)


def op_text(client_op_id, *ops, **extra):
    return json.dumps({"type": "op", "client_op_id": client_op_id, "ops": list(ops), **extra})


async def test_ids_of_another_room_name_nothing_here(unthrottled, error_log):
    def build():
        user = make_user()
        here = fuzz_piece_build(user)
        there = services.piece_create(owner=user, title="Elsewhere")
        services.ops_apply(piece_id=there.pk, user=user, client_op_id=None, ops=[
            {"op": "track.add", "id": "elsewhere-track", "name": "Theirs"},
            note_add("elsewhere-note", track="elsewhere-track")])
        job = services.generation_request(piece_id=there.pk, user=user, operation="infill",
                                          tracks=["elsewhere-track"], bars=[0, 1], candidates=1, seed=1)
        return user, here, there, job

    user, here, there, job = await db(build)()
    there_before = await db(head_snapshot)(there.pk)
    frames = [op_text("x1", {"op": "note.update", "id": "elsewhere-note", "pitch": 1}),
              op_text("x2", {"op": "note.delete", "id": "elsewhere-note"}),
              op_text("x3", note_add("mine", track="elsewhere-track")),
              op_text("x4", {"op": "track.update", "id": "elsewhere-track", "name": "Stolen"}),
              op_text("x5", {"op": "track.delete", "id": "elsewhere-track"})]
    frames += [json.dumps({"type": kind, "job_id": job.pk, **extra}) for kind, extra in
               (("decide", {"accept": 0}), ("decide", {"reject": True}), ("cancel", {}), ("regenerate", {}))]
    async with room(user, here.pk) as ws:
        hostile = await HostileRoom(ws, here.pk, error_log).start()
        for frame in frames:
            error = await hostile.send(frame)
            assert error is not None and error["code"] in ("conflict", "not_found"), (frame, error)
    assert await db(head_snapshot)(there.pk) == there_before
    assert (await db(GenerationJob.objects.get)(pk=job.pk)).status in ("queued", "running", "ready")
    await db(drain_jobs)(there.pk)


async def test_a_replayed_client_op_id_acks_the_original_and_applies_nothing(unthrottled, error_log, fuzz_seed):
    owner, other = await db(make_user)(), await db(make_user)()
    piece = await db(fuzz_piece_build)(owner, editors=[other])
    async with room(owner, piece.pk) as ws:
        hostile = await HostileRoom(ws, piece.pk, error_log).start()
        assert await hostile.send(op_text("once", note_add("first", track=FIRST_TRACK))) is None
        seq = hostile.head[0]
        # The same id with other ops, many times: each gets the original ack (duplicate) and changes nothing.
        for message in generated(valid_op_message, 100, fuzz_seed):
            await hostile.send(encode({**message, "client_op_id": "once"}))
            assert hostile.head[0] == seq
    async with room(other, piece.pk) as ws:  # someone else's id is theirs alone
        hostile = await HostileRoom(ws, piece.pk, error_log).start()
        error = await hostile.send(op_text("once", note_add("second", track=FIRST_TRACK)))
        assert error["code"] == "conflict" and error["client_op_id"] == "once"
    assert await db(Event.objects.filter(piece=piece, client_op_id="once").count)() == 1


@pytest.mark.parametrize("field", FORGED_OP_FIELDS)
async def test_forged_fields_in_an_op_are_refused(field, unthrottled, error_log):
    owner = await db(make_user)()
    piece = await db(fuzz_piece_build)(owner)
    forged = {"kind": "model", "name": "gridcoco@1"} if field in ("author", "actor", "last_editor") else 1
    async with room(owner, piece.pk) as ws:
        hostile = await HostileRoom(ws, piece.pk, error_log).start()
        error = await hostile.send(op_text("f", {**note_add("forged", track=FIRST_TRACK), field: forged}))
        assert error["code"] == "invalid" and field in error["message"], error


async def test_forged_fields_around_the_ops_are_refused_and_the_log_names_the_real_sender(unthrottled, error_log):
    owner, editor = await db(make_user)(), await db(make_user)()
    piece = await db(fuzz_piece_build)(owner, editors=[editor])
    async with room(editor, piece.pk) as ws:
        hostile = await HostileRoom(ws, piece.pk, error_log).start()
        for field in FORGED_MESSAGE_FIELDS:
            error = await hostile.send(op_text(f"m-{field}", note_add(f"n-{field}", track=FIRST_TRACK),
                                               **{field: owner.pk}))
            assert error["code"] == "invalid", (field, error)
        for field in ("user", "email", "name", "role"):  # presence cannot speak for someone else either
            error = await hostile.send(json.dumps({"type": "presence", field: owner.pk}))
            assert error["code"] == "invalid", (field, error)
        assert await hostile.send(op_text("real", note_add("real", track=FIRST_TRACK))) is None
    event = await db(Event.objects.get)(piece=piece, client_op_id="real")
    assert event.actor == {"kind": "user", "id": editor.pk}
