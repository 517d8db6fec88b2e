"""The production topology on one machine, on loopback: ``python -m deploy.topology`` (``make up``).

PostgreSQL and Redis are the machine's own (DATABASE_URL, REDIS_URL). This starts:
  - ``manage.py migrate`` (creating the database first when it does not exist),
  - N daphne processes (``python -m studio.serve``) on consecutive ports: any of them serves any
    room, since rooms meet in the Redis channel layer and the database orders the edits,
  - M Celery workers on the ``generation`` queue (prefork, one process each: one model per worker),
  - one job sweeper (``manage.py sweep_jobs``), which re-queues jobs whose worker died,
prints the URLs, restarts a child that dies, and stops everything on Ctrl+C.

Settings come from the environment, with defaults read from an env file (``--env-file``;
deploy/loopback.env for ``make up``; see docs/deploy.md). The same class starts the topology
for the distributed and fault tests (tests/deploy, tests/faults).
"""
import argparse
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

from .processes import ROOT, Service, free_port, python_argv

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/studio"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


def read_env_file(path: Path) -> dict:
    """KEY=VALUE lines; blank lines and # comments skipped; no shell expansion."""
    values = {}
    for line in Path(path).read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            values[key.strip()] = value.strip().strip('"').strip("'")
    return values


def topology_env(base: dict, *, var_dir: Path, web_ports: list[int]) -> dict:
    """The environment every child gets: production switches on, loopback-friendly defaults."""
    env = dict(base)
    env.setdefault("DJANGO_SETTINGS_MODULE", "studio.settings")
    env.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    env.setdefault("REDIS_URL", DEFAULT_REDIS_URL)
    env.setdefault("DEBUG", "0")
    env.setdefault("STUDIO_USE_CELERY", "1")
    env.setdefault("STUDIO_SWEEP_IN_PROCESS", "0")  # the sweeper process does it
    env.setdefault("STUDIO_VAR_DIR", str(var_dir))
    env.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
    env.setdefault("CSRF_TRUSTED_ORIGINS", ",".join(f"http://{host}:{port}" for port in web_ports
                                                    for host in ("127.0.0.1", "localhost")))
    env.setdefault("PYTHONUNBUFFERED", "1")
    if not env.get("SECRET_KEY"):
        env["SECRET_KEY"] = _local_secret_key(var_dir)
    return env


def _local_secret_key(var_dir: Path) -> str:
    """One key for every process (sessions work on any of them), kept across restarts."""
    path = Path(var_dir) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


def ensure_database(database_url: str) -> None:
    """CREATE DATABASE when it is missing (PostgreSQL; the server itself must be running)."""
    import psycopg

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    admin_url = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
            conn.execute(f'CREATE DATABASE "{name}"')


class Topology:
    """``with Topology(env, web=2, workers=1) as topo:`` — every process started, then stopped."""

    def __init__(self, env: dict, *, web: int = 2, workers: int = 1, sweeper: bool = True, first_port: int | None = None,
                 web_ports: list[int] | None = None, var_dir: Path | None = None, host: str = "127.0.0.1",
                 migrate: bool = True, worker_args: tuple = ()):
        self.host = host
        self.web_ports = web_ports or ([first_port + i for i in range(web)] if first_port else
                                       [free_port() for _ in range(web)])
        self.var_dir = Path(var_dir or ROOT / "var" / "topology")
        self.var_dir.mkdir(parents=True, exist_ok=True)
        self.env = topology_env(env, var_dir=self.var_dir, web_ports=self.web_ports)
        self.migrate = migrate
        self.web = [self._web_service(i, port) for i, port in enumerate(self.web_ports)]
        self.workers = [self._worker_service(i, worker_args) for i in range(workers)]
        self.sweepers = [self._service("sweeper", python_argv("manage.py", "sweep_jobs"),
                                       ready_text="sweeping generation jobs")] if sweeper else []

    # -- the processes ------------------------------------------------------------------

    def _service(self, name, argv, **ready) -> Service:
        return Service(name, argv, env=self.env, log_path=self.var_dir / f"{name}.log", **ready)

    def _web_service(self, index: int, port: int) -> Service:
        return self._service(f"web{index + 1}", python_argv("-m", "studio.serve", "--host", self.host, "--port",
                                                            str(port)), ready_port=port)

    def _worker_service(self, index: int, extra: tuple) -> Service:
        name = f"worker{index + 1}"
        # One pool process: a generation uses every core it gets, and a GPU holds one model.
        # prefork (not solo) so the hard time limit can kill a stuck generation.
        argv = python_argv("-m", "celery", "-A", "studio", "worker", "-Q", "generation", "-n", f"{name}@%h",
                           "--concurrency", "1", "--prefetch-multiplier", "1", "--max-tasks-per-child", "50",
                           "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "info", *extra)
        return self._service(name, argv, ready_text=" ready.")

    @property
    def services(self) -> list[Service]:
        return self.web + self.workers + self.sweepers

    @property
    def urls(self) -> list[str]:
        return [f"http://{self.host}:{port}" for port in self.web_ports]

    # -- life cycle -----------------------------------------------------------------------

    def start(self, timeout: float = 90) -> "Topology":
        if self.migrate:
            if urlsplit(self.env["DATABASE_URL"]).scheme.startswith("postgres"):
                ensure_database(self.env["DATABASE_URL"])
            subprocess.run(python_argv("manage.py", "migrate", "--noinput", "-v0"), cwd=ROOT, env=self.env,
                           check=True)
        try:
            for service in self.services:  # all at once: their start-ups overlap
                service.start(wait=False)
            for service in self.services:
                service.wait_ready(timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        # Web first, so no new work arrives; then the workers finish or give back their job.
        for service in self.web + self.sweepers + self.workers:
            service.stop()

    def __enter__(self) -> "Topology":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def supervise(self, poll: float = 1.0) -> None:
        """Until Ctrl+C: restart any child that exits, as a process manager would."""
        while True:
            time.sleep(poll)
            for service in self.services:
                if not service.alive:
                    print(f"  {service.name} exited ({service.proc.returncode}); restarting it. "
                          f"Log: {service.log_path}", flush=True)
                    service.start(wait=False)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--web", type=int, default=2, help="daphne processes (default 2)")
    parser.add_argument("--workers", type=int, default=1, help="Celery worker processes (default 1)")
    parser.add_argument("--port", type=int, default=8001, help="first web port (default 8001)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--env-file", type=Path, help="KEY=VALUE defaults; the environment wins")
    args = parser.parse_args(argv)
    base = {**(read_env_file(args.env_file) if args.env_file else {}), **os.environ}
    topology = Topology(base, web=args.web, workers=args.workers, first_port=args.port, host=args.host)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # a process manager's stop: same as Ctrl+C
    print(f"starting {args.web} web, {args.workers} worker(s) and the sweeper; logs in {topology.var_dir}", flush=True)
    try:
        topology.start()
        print("\n  The studio is served by every one of:")
        for url in topology.urls:
            print(f"    {url}/")
        print(f"  database {_safe(topology.env['DATABASE_URL'])}, Redis {_safe(topology.env['REDIS_URL'])}")
        print("  Ctrl+C stops everything.\n", flush=True)
        topology.supervise()
    except KeyboardInterrupt:
        pass
    finally:
        print("stopping ...", flush=True)
        topology.stop()


def _safe(url: str) -> str:
    """The URL without its password, for printing."""
    parts = urlsplit(url)
    if parts.password:
        parts = parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@"))
    return parts.geturl()


if __name__ == "__main__":
    main()
