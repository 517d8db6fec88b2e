"""Shared by the distributed and fault tests: the topology's environment on the test database,
people with sessions in a piece, and the checks every run ends with (§3.4 of the anchors):
every acknowledged edit in the log exactly once, `seq` contiguous, every client's state equal
to the log replayed, every job ended, at most one proposal per job."""
import json
import os
from collections import Counter

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection

from bench._studio import session_cookie as session_key  # one way to make a logged-in session
from composer_ui import selectors, services
from composer_ui.models import Event, GenerationJob, Proposal
from composer_ui.state import replay

TINY_GENERATOR = "tests.composer_ui.tiny_engine.TinyGenerator"


def skip_without_production_services():
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        pytest.skip("needs DATABASE_URL=postgres://... and REDIS_URL (make test-postgres)")


def database_url(*, host=None, port=None) -> str:
    """The test database (pytest-django's), optionally through another host:port (a proxy)."""
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{host or db['HOST'] or '127.0.0.1'}:{port or db['PORT'] or 5432}/{db['NAME']}"


def topology_env(**overrides) -> dict:
    """Production switches on, on the test database; the test process's SECRET_KEY, so the
    sessions it makes are valid on every web process."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(DATABASE_URL=database_url(), REDIS_URL=settings.REDIS_URL, SECRET_KEY=settings.SECRET_KEY,
               DEBUG="0", SECURE_HTTPS="0", ALLOWED_HOSTS="127.0.0.1", STUDIO_USE_CELERY="1",
               STUDIO_SWEEP_IN_PROCESS="0", CONN_MAX_AGE="60", STUDIO_GENERATOR=TINY_GENERATOR,
               STUDIO_DEVICE="cpu", LOG_LEVEL="WARNING")
    env.update(overrides)
    return env


def piece_with_editors(count: int, *, prefix: str, tracks=None, **fields):
    """A piece, its owner and ``count - 1`` editors; returns (piece, [session keys], first track id)."""
    users = []
    for i in range(count):
        user = get_user_model()(username=f"{prefix}{i}-{os.urandom(3).hex()}", first_name=f"{prefix} {i}")
        user.set_unusable_password()  # hashing a password costs CPU and a session needs none
        user.save()
        users.append(user)
    piece = services.piece_create(owner=users[0], tracks=tracks, **fields)
    for user in users[1:]:
        invite = services.invite_create(piece_id=piece.pk, acting_user=users[0], role="editor")
        services.invite_accept(token=invite.token, user=user)
    track = selectors.piece_state(piece_id=piece.pk)[1]["tracks"][0]["id"]
    return piece, [session_key(user) for user in users], track


def check_log(piece_id: int, clients) -> int:
    """Acked edits in the log exactly once at their acked seq; seq 1..head with no hole. Returns head."""
    rows = list(Event.objects.filter(piece_id=piece_id).order_by("seq").values_list("seq", "client_op_id"))
    seqs = [seq for seq, _ in rows]
    assert seqs == list(range(1, len(seqs) + 1)), "seq is not contiguous"
    twice = [cid for cid, n in Counter(cid for _, cid in rows if cid).items() if n > 1]
    assert twice == [], f"client_op_ids in the log more than once: {twice}"
    logged = {cid: seq for seq, cid in rows if cid}
    for client in clients:
        lost = {cid: seq for cid, seq in client.acked.items() if logged.get(cid) != seq}
        assert lost == {}, f"{client.name}: acknowledged but not in the log at that seq: {lost}"
    return seqs[-1]


def replayed_state(piece_id: int) -> dict:
    """The piece folded from its whole log (no snapshot, no cache), as JSON would carry it."""
    events = Event.objects.filter(piece_id=piece_id).order_by("seq")
    return as_json(replay((event.ops, event.actor) for event in events))


def as_json(value):
    return json.loads(json.dumps(value))


def check_jobs(piece_id: int) -> dict:
    """Every job ended (a failure with its reason); at most one proposal per job. Returns {status: n}."""
    jobs = list(GenerationJob.objects.filter(piece_id=piece_id))
    open_jobs = [(job.pk, job.status) for job in jobs if job.status in GenerationJob.ACTIVE]
    assert open_jobs == [], f"jobs that never ended: {open_jobs}"
    assert all(job.reason for job in jobs if job.status == GenerationJob.FAILED), "a failed job without a reason"
    proposals = Counter(Proposal.objects.filter(job__piece_id=piece_id).values_list("job_id", flat=True))
    assert all(n == 1 for n in proposals.values())
    return dict(Counter(job.status for job in jobs))


def satb_room(count: int, *, prefix: str):
    """A four-voice piece in G major with a two-bar melody, for generation; returns (piece, keys, track ids)."""
    from tests.composer_ui.generation_helpers import MELODY, SATB

    piece, keys, soprano = piece_with_editors(count, prefix=prefix, tracks=SATB, key="G major")
    services.ops_apply(piece_id=piece.pk, user=piece.owner, client_op_id=None, ops=[
        {"op": "note.add", "id": f"m{i}", "track": soprano, "start": i * 480, "duration": 480, "pitch": pitch}
        for i, pitch in enumerate(MELODY)])
    return piece, keys, [track["id"] for track in selectors.piece_state(piece_id=piece.pk)[1]["tracks"]]
