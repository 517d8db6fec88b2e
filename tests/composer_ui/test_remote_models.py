"""The studio with models on model servers: real `python -m engine.serve` processes on loopback, reached
through RemoteGenerator. A room asks two of them, accepts, and each model is credited in the event and in
the MIDI export; a server killed mid-job fails the job with a reason naming it; the piece's policy refuses
a forbidden model; a wrong token and a dead server are refused at once, clearly."""
import io
import json
import threading
import time
from unittest import mock

import mido
import pytest
from channels.db import database_sync_to_async as db

from composer_ui import jobs, services
from composer_ui.errors import StudioError
from composer_ui.interop.services import export_piece
from composer_ui.models import GenerationJob
from deploy.processes import free_port
from engine.http_call import Endpoint, call
from tests.engine.model_server import TOKEN, ModelServer, started

from .factories import make_user, receive_until, room
from .generation_helpers import ask, satb_piece, track_ids

pytestmark = pytest.mark.django_db(transaction=True)
WALK = "engine.examples.midi_adapter.MidiAdapter"  # the worked adapter: a "MIDI in, MIDI out" model
NGRAM = "tests.engine.served_backends.SmallNgram"


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    logs = tmp_path_factory.mktemp("model-servers")
    ngram, walk = started(ModelServer(NGRAM, logs), ModelServer(WALK, logs))
    yield ngram, walk
    ngram.stop()
    walk.stop()


@pytest.fixture
def registry(settings, servers):
    ngram, walk = servers
    settings.STUDIO_USE_CELERY = False
    settings.STUDIO_MODELS = [{"name": "ngram", "url": ngram.url, "token": TOKEN, "timeout": 20},
                              {"name": "walk", "url": walk.url, "token": TOKEN, "timeout": 20}]
    return ngram, walk


async def until_status(ws, status, timeout=60):
    while True:
        message = await receive_until(ws, "job", timeout=timeout)
        if message["status"] == status:
            return message


async def ask_and_accept(ws, request):
    await ws.send_json_to({"type": "generate", "candidates": 2, "seed": 5, **request})
    queued = await until_status(ws, "queued")
    proposal = await receive_until(ws, "proposal", timeout=60)
    assert proposal["job_id"] == queued["job_id"] and any(c["notes"] for c in proposal["candidates"])
    index = next(i for i, c in enumerate(proposal["candidates"]) if c["notes"])
    await ws.send_json_to({"type": "decide", "job_id": queued["job_id"], "accept": index})
    event = await receive_until(ws, "event")
    await until_status(ws, "accepted")
    return queued, proposal, event


async def test_a_room_asks_two_model_servers_and_each_is_credited_in_the_event_and_the_midi(registry):
    ngram, walk = registry
    piece, tracks = await db(lambda: (lambda p: (p, track_ids(p)))(satb_piece()))()
    async with room(piece.owner, piece.pk) as ws:
        by_ngram = await ask_and_accept(ws, {"operation": "harmonize", "tracks": tracks[1:], "bars": [0, 2],
                                             "model": "ngram"})
        by_walk = await ask_and_accept(ws, {"operation": "infill", "tracks": tracks[:1], "bars": [4, 6],
                                            "model": "walk"})
    for (queued, proposal, event), entry, name, server in ((by_ngram, "ngram", "ngram-baseline@1.0", ngram),
                                                           (by_walk, "walk", "midi-walk@0.1", walk)):
        assert queued["model_entry"] == entry
        assert (proposal["provenance"]["model_entry"], proposal["provenance"]["endpoint"]) == (entry, server.url)
        added = [op for op in event["ops"] if op["op"] == "note.add"]
        assert added and {op["provenance"]["author"]["name"] for op in added} == {name}
        assert {op["provenance"]["job"] for op in added} == {queued["job_id"]}

    def export():
        return export_piece(piece_id=piece.pk, user=piece.owner, fmt="midi").content
    midi = mido.MidiFile(file=io.BytesIO(await db(export)()))
    texts = [m.text for m in midi.tracks[0] if m.type in ("text", "marker")]
    credit = next(t for t in texts if t.startswith("Contributors: "))
    assert "ngram-baseline@1.0" in credit and "midi-walk@0.1" in credit
    for (queued, *_), name, server in ((by_ngram, "ngram-baseline@1.0", ngram), (by_walk, "midi-walk@0.1", walk)):
        assert any(t.startswith(f"AI {name} job {queued['job_id']} accepted by") for t in texts), texts
        line = next(t for t in texts if t.startswith(f"AI model {name.replace('@', ' ')} (checksum "))
        assert f"run at {server.url}" in line and f"chosen as {queued['model_entry']}" in line


def test_a_model_server_killed_mid_job_fails_the_job_naming_it_within_its_timeout_and_the_lease(settings, tmp_path):
    slow, = started(ModelServer("tests.engine.served_backends.Slow", tmp_path, env={"STUDIO_TEST_DELAY": "4"}))
    timeout = 10
    settings.STUDIO_MODELS = [{"name": "slow", "url": slow.url, "token": TOKEN, "timeout": timeout}]
    try:
        with mock.patch("composer_ui.jobs.enqueue"):  # this test runs the job itself, in a thread
            job = ask(satb_piece(), model="slow", candidates=2)
        runner = threading.Thread(target=jobs.generation_run, kwargs={"job_id": job.pk})
        runner.start()
        _wait_for_a_request_in_flight(slow)
        slow.kill()  # SIGKILL mid-generation, as a crash would
        runner.join(timeout + 2 * settings.STUDIO_GENERATION["time_limit"])
        assert not runner.is_alive(), "the job hung"
    finally:
        slow.stop()
    job.refresh_from_db()
    assert job.status == "failed" and job.lease_expires_at is None
    assert job.reason.startswith(f"the model slow at {slow.url} is not answering ("), job.reason


def test_the_pieces_policy_refuses_a_forbidden_model_before_asking_it(registry):
    editor = make_user()
    piece = satb_piece(editors=[editor])
    services.ops_apply(piece_id=piece.pk, user=piece.owner, ops=[{"op": "piece.update", "ai_models": ["walk"]}],
                       client_op_id="policy")
    with pytest.raises(StudioError, match="the model 'ngram' is not allowed in this piece \\(allowed: walk\\)"):
        ask(piece, editor, model="ngram")
    with mock.patch("composer_ui.jobs.enqueue"):
        allowed = ask(piece, editor, model="walk", operation="infill", tracks=track_ids(piece)[:1], bars=(4, 5))
    assert allowed.status == "queued"
    assert list(GenerationJob.objects.values_list("model_entry", flat=True)) == ["walk"]


def test_a_wrong_token_and_a_dead_server_are_clear_refusals(settings, servers, client):
    ngram, _ = servers
    dead = f"http://127.0.0.1:{free_port()}"
    settings.STUDIO_MODELS = [{"name": "ngram", "url": ngram.url, "token": "not-the-token"},
                              {"name": "gone", "url": dead, "token": TOKEN, "timeout": 5}]
    piece = satb_piece()
    with pytest.raises(StudioError, match=f"the model ngram at {ngram.url} refused our token \\(401\\)") as error:
        ask(piece, model="ngram")
    assert error.value.code == "unavailable"
    with pytest.raises(StudioError, match=f"the model gone at {dead} is not answering \\(is unreachable "
                                          "\\(connection refused\\)"):
        ask(piece, model="gone")
    assert not GenerationJob.objects.exists()
    client.force_login(piece.owner)
    listed = {m["name"]: m for m in client.get("/api/engine/").json()["models"]}
    assert not listed["ngram"]["available"] and "refused our token" in listed["ngram"]["reason"]
    assert not listed["gone"]["available"] and listed["gone"]["capabilities"] is None


def _wait_for_a_request_in_flight(server, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        health = json.loads(call(Endpoint(server.url), "GET", "/v1/health", deadline=time.monotonic() + 2).body)
        if health["in_flight"]:
            return
        time.sleep(0.05)
    raise AssertionError(f"{server.url} never started the request")
