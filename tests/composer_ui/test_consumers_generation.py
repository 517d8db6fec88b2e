"""Asking the AI over the room: job statuses, the proposal pushed to everyone, decide."""
from unittest import mock

import pytest
from channels.db import database_sync_to_async as db

from composer_ui.models import Decision, GenerationJob

from .factories import make_user, receive_until, room
from .generation_helpers import satb_piece, track_ids

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _in_process_pool(settings):
    """These tests run jobs in the embedded pool, also when Redis is configured (test_distributed
    covers the Celery worker)."""
    settings.STUDIO_USE_CELERY = False


async def setup():
    def build():
        editor, viewer = make_user(), make_user()
        piece = satb_piece(editors=[editor], viewers=[viewer])
        return piece, editor, viewer, track_ids(piece)
    return await db(build)()


async def until_status(ws, status, timeout=30):
    while True:
        message = await receive_until(ws, "job", timeout=timeout)
        if message["status"] == status:
            return message


async def test_generate_runs_in_process_and_everyone_sees_the_proposal():
    piece, editor, viewer, tracks = await setup()
    async with room(editor, piece.pk) as asker, room(viewer, piece.pk) as watcher:
        await asker.send_json_to({"type": "generate", "request_id": "r1", "operation": "harmonize",
                                  "tracks": tracks[1:], "bars": [0, 2], "candidates": 3, "seed": 5,
                                  "controls": {"temperature": 0.8}})
        queued = await until_status(asker, "queued")
        assert queued["request_id"] == "r1" and queued["description"].startswith("AI is writing bars 1-2 of Alto")
        running = await until_status(watcher, "running")
        proposal = await receive_until(watcher, "proposal", timeout=60)
        assert proposal["job_id"] == queued["job_id"] and len(proposal["candidates"]) == 3
        assert proposal["stale"] is False and proposal["provenance"]["seed"] == 5
        assert (await until_status(watcher, "ready"))["job_id"] == running["job_id"]

        await asker.send_json_to({"type": "decide", "job_id": queued["job_id"], "accept": 2, "auditioned": [0, 2]})
        event = await receive_until(watcher, "event")
        assert event["kind"] == "accept" and event["actor"] == {"kind": "user", "id": editor.pk}
        added = [op for op in event["ops"] if op["op"] == "note.add"]
        assert added and all(op["provenance"]["job"] == queued["job_id"] for op in added)
        assert (await until_status(watcher, "accepted"))["job_id"] == queued["job_id"]
        decided = await receive_until(asker, "decided")
        assert decided["status"] == "accepted" and decided["seq"] == event["seq"]


async def test_regenerate_cancel_and_refusals_over_the_room():
    piece, editor, viewer, tracks = await setup()
    async with room(editor, piece.pk) as ws, room(viewer, piece.pk) as watcher:
        await watcher.send_json_to({"type": "generate", "operation": "infill", "tracks": tracks, "bars": [1, 2]})
        assert (await receive_until(watcher, "error"))["code"] == "forbidden"
        await ws.send_json_to({"type": "generate", "operation": "infill", "tracks": tracks, "bars": [1, 2],
                               "owner": 1})
        assert (await receive_until(ws, "error"))["code"] == "invalid"
        await ws.send_json_to({"type": "generate", "operation": "infill", "tracks": tracks, "bars": [1, 2],
                               "candidates": 1})
        first = await until_status(ws, "ready", timeout=60)
        await ws.send_json_to({"type": "regenerate", "job_id": first["job_id"], "request_id": "again"})
        set_aside = await until_status(watcher, "rejected")  # everyone closes the proposal it replaces
        assert set_aside["job_id"] == first["job_id"]
        again = await until_status(ws, "queued")
        assert again["parent"] == first["job_id"] and again["request_id"] == "again"
        await ws.send_json_to({"type": "decide", "job_id": 999999, "reject": True})
        assert (await receive_until(ws, "error"))["code"] == "not_found"
        await until_status(ws, "ready", timeout=60)
    jobs = await db(lambda: dict(GenerationJob.objects.filter(piece=piece).values_list("pk", "status")))()
    # Regenerate -> the first proposal was set aside, not left open to come back after a reload.
    assert jobs == {first["job_id"]: "rejected", again["job_id"]: "ready"}
    decisions = await db(lambda: list(Decision.objects.filter(job_id=first["job_id"]).values_list("action", "user_id")))()
    assert decisions == [(Decision.REJECT, editor.pk)]


async def test_a_client_joining_later_is_shown_the_open_proposals():
    from .generation_helpers import ask, ask_and_run

    def build():
        piece = satb_piece()
        ready = ask_and_run(piece, bars=(1, 2), candidates=2)
        with mock.patch("composer_ui.jobs.enqueue"):  # it stays queued: no worker or pool picks it up
            queued = ask(piece, bars=(3, 4), candidates=2)
        return piece, ready, queued

    piece, ready, queued = await db(build)()
    async with room(piece.owner, piece.pk) as ws:
        got = [await ws.receive_json_from(timeout=5) for _ in range(3)]
    assert [(m["type"], m["job_id"]) for m in got] == [("job", ready.pk), ("proposal", ready.pk), ("job", queued.pk)]
    assert got[1]["stale"] is False and len(got[1]["candidates"]) == 2 and got[2]["status"] == "queued"
