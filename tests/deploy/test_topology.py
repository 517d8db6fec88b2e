"""The production topology for real: two daphne processes and a Celery worker process, on
PostgreSQL and Redis. Clients on different web processes edit one piece and see each other;
a generation asked on one is run by the worker and its proposal reaches both."""
import pytest
from channels.db import database_sync_to_async as db

from composer_ui.models import GenerationJob
from tests.composer_ui.generation_helpers import MELODY, SATB

from .cluster import as_json, check_jobs, check_log, piece_with_editors, replayed_state
from .room_client import RoomClient

pytestmark = [pytest.mark.production_path, pytest.mark.django_db(transaction=True)]


def note(note_id, track, start, pitch):
    return {"op": "note.add", "id": note_id, "track": track, "start": start, "duration": 480, "pitch": pitch}


async def test_clients_on_two_processes_share_a_piece_and_the_worker_answers_both(topology):
    piece, (key_a, key_b), soprano = await db(piece_with_editors)(2, prefix="topo", tracks=SATB, key="G major")
    a = await RoomClient("A", [topology.urls[0]], piece.pk, key_a).start()
    b = await RoomClient("B", [topology.urls[1]], piece.pk, key_b).start()
    try:
        # Each edits; each sees the other's edit, carried between the processes by Redis.
        await a.send_op("a-1", [note("a1", soprano, 0, MELODY[0])])
        await b.send_op("b-1", [note("b1", soprano, 480, MELODY[1])])
        for client in (a, b):
            await client.wait_for(lambda c=client: {"a1", "b1"} <= set(c.state["notes"]), 10, "both edits")
        assert a.acked.keys() == {"a-1"} and b.acked.keys() == {"b-1"}
        assert a.connects == b.connects == 1  # live broadcast, not a reconnect
        # A melody to harmonize, then A asks the AI; neither web process runs jobs (STUDIO_USE_CELERY).
        await a.send_op("a-2", [note(f"m{i}", soprano, i * 480, p) for i, p in enumerate(MELODY) if i > 1])
        await b.wait_for(lambda: "a-2" in a.acked and b.seq >= a.acked["a-2"], 10, "the melody")
        tracks = [t["id"] for t in a.state["tracks"]][1:]
        await a.send({"type": "generate", "request_id": "r1", "operation": "harmonize", "tracks": tracks,
                      "bars": [0, 2], "candidates": 2, "seed": 11})
        queued = await a.wait_message("job", 15, status="queued")
        proposals = [await client.wait_message("proposal", 120, job_id=queued["job_id"]) for client in (a, b)]
        assert proposals[0] == proposals[1] and len(proposals[0]["candidates"]) == 2
        await b.wait_message("job", 10, job_id=queued["job_id"], status="ready")
        # It was the worker process that ran it.
        assert "generation_run_task" in topology.workers[0].log_path.read_text()
        job = await db(GenerationJob.objects.get)(pk=queued["job_id"])
        assert job.status == "ready" and job.attempts == 1
        # Both end where the log says the piece is.
        head = await db(check_log)(piece.pk, [a, b])
        for client in (a, b):
            await client.catch_up(head, 5)
        expected = await db(replayed_state)(piece.pk)
        assert as_json(a.state) == as_json(b.state) == expected
        assert await db(check_jobs)(piece.pk) == {"ready": 1}
    finally:
        await a.close()
        await b.close()


def big_piece():
    """A piece whose welcome is far over the transport's 128 KiB frame limit (which only binds what clients send)."""
    from composer_ui import services

    piece, keys, track = piece_with_editors(2, prefix="big", bars=128)
    for first in range(0, 2000, 500):
        services.ops_apply(piece_id=piece.pk, user=piece.owner, client_op_id=None, ops=[
            note(f"n{i}", track, 120 * i, 60 + i % 12) for i in range(first, first + 500)])
    return piece, keys


async def test_a_piece_bigger_than_a_client_frame_can_be_opened_and_edited(topology):
    from studio.serve import TRANSPORT_MAX_BYTES

    piece, (key_a, key_b) = await db(big_piece)()
    a = await RoomClient("A", [topology.urls[0]], piece.pk, key_a).start()
    b = await RoomClient("B", [topology.urls[1]], piece.pk, key_b).start()
    try:
        assert a.bytes_received > TRANSPORT_MAX_BYTES and len(a.state["notes"]) == 2000
        await a.send_op("a-1", [note("a1", a.state["tracks"][0]["id"], 0, 72)])
        await b.wait_for(lambda: "a1" in b.state["notes"], 10, "A's edit")
        assert a.connects == b.connects == 1
    finally:
        await a.close()
        await b.close()


async def test_who_is_present_spans_the_web_processes(topology):
    """Presence lives in Redis (presence.py): someone on the other process is in your chips, and leaves them."""
    piece, (key_a, key_b), _ = await db(piece_with_editors)(2, prefix="here", tracks=None)
    id_a, id_b = await db(lambda: list(piece.memberships.order_by("joined_at", "id").values_list("user_id", flat=True)))()
    a = await RoomClient("A", [topology.urls[0]], piece.pk, key_a).start()
    b = await RoomClient("B", [topology.urls[1]], piece.pk, key_b).start()
    try:
        def notice(**fields):
            return next((m for m in a.messages if m.get("type") == "present"
                         and all(m.get(k) == v for k, v in fields.items())), None)
        await a.wait_for(lambda: notice(present=sorted([id_a, id_b])), 10, "a notice with both present")
        await b.close()
        await a.wait_for(lambda: notice(left=[id_b]), 10, "B's departure")
        assert notice(left=[id_b])["present"] == [id_a]
    finally:
        await a.close()
        await b.close()
