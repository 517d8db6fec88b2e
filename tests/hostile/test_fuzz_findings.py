"""Regressions: each frame here once crashed a message (an exception the consumer logged, answered
`unavailable`) on SQLite or on PostgreSQL, before the schema learned to refuse it. Found by the fuzz
test; now each is one clear `invalid` that changes nothing, on both databases.
"""
import json

import pytest
from channels.db import database_sync_to_async as db

from tests.composer_ui.factories import make_user, room

from .harness import HostileRoom, drain_jobs, fuzz_piece_build
from .strategies import FIRST_TRACK

pytestmark = pytest.mark.django_db(transaction=True)


def op(*ops):
    return json.dumps({"type": "op", "client_op_id": "finding", "ops": list(ops)})


FINDINGS = [
    # SQLite: OverflowError "Python int too large to convert to SQLite INTEGER" checking the owner.
    op({"op": "track.add", "name": "Bass", "owner": 2**63}),
    op({"op": "track.update", "id": FIRST_TRACK, "owner": 2**70}),
    # PostgreSQL: DataError, NUL and lone surrogates are not allowed in text or jsonb.
    op({"op": "piece.update", "title": "a\x00b"}),
    op({"op": "track.add", "name": "\x00"}),
    op({"op": "track.update", "id": FIRST_TRACK, "name": "x\ud800"}),
    # PostgreSQL: DataError, a title of 301 characters "was" 1 once stripped, but the column holds 200.
    op({"op": "piece.update", "title": " " * 300 + "t"}),
    # PostgreSQL: DataError storing the job's controls (their keys were never checked).
    json.dumps({"type": "generate", "operation": "infill", "tracks": [FIRST_TRACK], "bars": [0, 1],
                "controls": {"pitch_range": {"\x00": [40, 80]}}}),
    json.dumps({"type": "decide", "job_id": 2**70, "reject": True}),
]


@pytest.mark.parametrize("frame", FINDINGS, ids=range(len(FINDINGS)))
async def test_a_frame_that_once_crashed_is_now_refused_cleanly(frame, unthrottled, error_log):
    owner = await db(make_user)()
    piece = await db(fuzz_piece_build)(owner)
    async with room(owner, piece.pk) as ws:
        hostile = await HostileRoom(ws, piece.pk, error_log).start()
        error = await hostile.send(frame)
    await db(drain_jobs)(piece.pk)  # a job the frame may have queued must not outlive the test
    assert error is not None and error["code"] == "invalid", error


async def test_names_may_still_be_any_printable_text(unthrottled, error_log):
    owner = await db(make_user)()
    piece = await db(fuzz_piece_build)(owner)
    async with room(owner, piece.pk) as ws:
        hostile = await HostileRoom(ws, piece.pk, error_log).start()
        assert await hostile.send(op({"op": "piece.update", "title": "  Étude № 3 — 𝄞 ♯ 日本  "})) is None
        assert await hostile.send(op({"op": "track.add", "id": "viola", "name": "Viola\u3000(alto)"})) is None
