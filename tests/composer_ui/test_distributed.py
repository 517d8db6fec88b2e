"""The real distributed path: a Celery worker process on the Redis broker runs the job and
pushes the proposal through the channels-redis layer to a client in the room."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
from channels.db import database_sync_to_async as db
from django.conf import settings
from django.db import connection

from .factories import make_user, receive_until, room
from .generation_helpers import satb_piece, track_ids

pytestmark = [pytest.mark.production_path, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def celery_worker(tmp_path):
    if connection.vendor != "postgresql" or not settings.REDIS_URL or not settings.STUDIO_USE_CELERY:
        pytest.skip("needs PostgreSQL, Redis and Celery (make test-postgres)")
    db_settings = connection.settings_dict
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "STUDIO_USE_CELERY": "1", "REDIS_URL": settings.REDIS_URL,
           "DATABASE_URL": f"postgres://{db_settings['USER']}@{db_settings['HOST']}:{db_settings['PORT']}/"
                           f"{db_settings['NAME']}",
           "STUDIO_GENERATOR": "tests.composer_ui.tiny_engine.TinyGenerator"}
    log = open(tmp_path / "worker.log", "w")
    worker = subprocess.Popen([sys.executable, "-m", "celery", "-A", "studio", "worker", "-Q", "generation",
                               "--pool", "solo", "--without-gossip", "--without-mingle", "-l", "info"],
                              cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    yield worker
    worker.terminate()
    try:
        worker.wait(15)
    except subprocess.TimeoutExpired:
        worker.kill()
    log.close()
    print((tmp_path / "worker.log").read_text()[-3000:])


async def test_a_worker_process_delivers_the_proposal_to_the_room(celery_worker):
    def build():
        editor = make_user()
        piece = satb_piece(editors=[editor])
        return piece, editor, track_ids(piece)

    piece, editor, tracks = await db(build)()
    async with room(piece.owner, piece.pk) as owner_ws, room(editor, piece.pk) as editor_ws:
        await editor_ws.send_json_to({"type": "generate", "operation": "infill", "tracks": tracks,
                                      "bars": [1, 2], "candidates": 2, "seed": 3})
        queued = await receive_until(editor_ws, "job", timeout=10)
        assert queued["status"] == "queued"
        proposal = await receive_until(owner_ws, "proposal", timeout=90)
        assert proposal["job_id"] == queued["job_id"] and len(proposal["candidates"]) == 2
        assert celery_worker.poll() is None
