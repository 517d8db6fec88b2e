"""The studio as a benchmark target: its environment, its set-up (users, pieces, sessions), the machine.

Shared by bench.room, bench.load and bench.generate, so every benchmark measures the same server
the same way. The set-up runs in the benchmark's own process on the server's settings and closes
its database connections afterwards, so only the server touches the database while it is measured.
"""
import os
import platform
import uuid
from dataclasses import dataclass
from pathlib import Path

from ._stats import cpu_model

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_SWITCHES = ("DATABASE_URL", "REDIS_URL")


# How a server is run for real: DEBUG off (no per-query logging, no debug pages), on loopback without TLS.
SERVED_AS_DEPLOYED = {"DEBUG": "0", "SECURE_HTTPS": "0", "ALLOWED_HOSTS": "127.0.0.1,localhost"}


def studio_env(var_dir: str, *, production: bool = False, as_deployed: bool = False) -> dict:
    """The server's environment. The embedded default (SQLite WAL, in-memory layer) unless `production`,
    which needs DATABASE_URL (PostgreSQL) and REDIS_URL in the environment and keeps them. Benchmarks
    pass `as_deployed`: DEBUG's query logging alone costs ~10 % of a reconnect storm."""
    env = dict(os.environ, STUDIO_VAR_DIR=var_dir, DJANGO_SETTINGS_MODULE="studio.settings")
    if as_deployed:
        env.update(SERVED_AS_DEPLOYED)
    if production:
        missing = [name for name in PRODUCTION_SWITCHES if not env.get(name)]
        if missing:
            raise SystemExit(f"--production needs {' and '.join(missing)} in the environment, e.g.\n"
                             "  DATABASE_URL=postgres://postgres@127.0.0.1:5432/h3bench "
                             "REDIS_URL=redis://127.0.0.1:6379/13")
        # Generation is not measured here: no Celery worker is started, so none is asked for.
        env["STUDIO_USE_CELERY"] = "false"
        if env["DATABASE_URL"].startswith(("postgres://", "postgresql://")):
            from deploy.topology import ensure_database
            ensure_database(env["DATABASE_URL"])  # created when missing; prepare_rooms migrates it
    else:
        # A DATABASE_URL or REDIS_URL in the shell would silently switch the studio to PostgreSQL / Redis.
        for name in PRODUCTION_SWITCHES:
            env.pop(name, None)
    return env


def use_env(env: dict) -> None:
    """Point this process at the server's settings, so the set-up writes where the server reads."""
    os.environ.update(env)
    for name in PRODUCTION_SWITCHES:
        if name not in env:
            os.environ.pop(name, None)


@dataclass
class Room:
    piece_id: int
    track: str


def _setup_django():
    import django
    django.setup()
    from django.core.management import call_command
    call_command("migrate", interactive=False, verbosity=0)


def make_users(count: int, prefix: str):
    from django.contrib.auth import get_user_model
    users = []
    for i in range(count):
        # No password: hashing one is ~0.3 s of CPU per user and the session needs none.
        user = get_user_model()(username=f"{prefix}{i}", first_name=f"Bench {i}")
        user.set_unusable_password()
        user.save()
        users.append(user)
    return users


def session_cookie(user) -> str:
    """A logged-in session for `user`, as the login view would make it; returns its key."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def prepare_rooms(*, rooms: int, editors: int, viewers: int = 0) -> tuple[list[Room], list[str]]:
    """Migrate; `editors + viewers` users, `rooms` pieces that all of them are members of (user 0 owns
    them, users 1..editors-1 edit, the rest view), and a session each. Returns the rooms and one cookie
    per user, editors first. Usernames carry a run id, so a reused database (--production) never clashes.
    """
    _setup_django()
    from django.db import connections

    from composer_ui import selectors, services

    users = make_users(editors + viewers, prefix=f"load-{uuid.uuid4().hex[:6]}-")
    made = []
    for r in range(rooms):
        piece = services.piece_create(owner=users[0], title=f"Load room {r + 1}")
        for role, members in (("editor", users[1:editors]), ("viewer", users[editors:])):
            if members:
                invite = services.invite_create(piece_id=piece.pk, acting_user=users[0], role=role)
                for user in members:
                    services.invite_accept(token=invite.token, user=user)
        made.append(Room(piece.pk, selectors.piece_state(piece_id=piece.pk)[1]["tracks"][0]["id"]))
    cookies = [session_cookie(user) for user in users]
    connections.close_all()
    return made, cookies



def machine_line() -> str:
    return (f"machine: {os.cpu_count()} CPUs, {cpu_model()}; Python {platform.python_version()}; "
            f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
