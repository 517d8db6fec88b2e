"""A server under test as a subprocess: started on loopback, waited for, measured, always stopped."""
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil


def free_port() -> int:
    """A port nobody listens on right now (the OS picks; the tiny race until the server binds is harmless here)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """``with Server(...) as server``: the process runs in its own process group, so a Ctrl+C meant for
    the benchmark does not race our shutdown, and on exit the whole group is terminated, then killed."""

    def __init__(self, argv: list[str], *, port: int, env: dict, log_path: Path, cwd: Path):
        self.argv, self.port, self.env, self.log_path, self.cwd = argv, port, env, log_path, cwd
        self.proc: subprocess.Popen | None = None

    def __enter__(self):
        with open(self.log_path, "wb") as log:  # the child keeps its own copy of the descriptor
            self.proc = subprocess.Popen(self.argv, env=self.env, cwd=self.cwd, stdin=subprocess.DEVNULL,
                                         stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            self._wait_ready(timeout=60)
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, exc_type, exc, tb):
        self.stop()
        if exc_type is not None and issubclass(exc_type, Exception):  # its log goes with the temp dir: show it now
            print(f"--- last lines of {self.log_path.name} ---\n{self.log_tail()}", file=sys.stderr)

    def _wait_ready(self, timeout: float):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.argv[0]} exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"{self.argv[0]} did not listen on port {self.port} in {timeout:.0f} s:\n"
                           f"{self.log_tail()}")

    def rss(self) -> int:
        """Resident memory of the server process, in bytes."""
        return psutil.Process(self.proc.pid).memory_info().rss

    def cpu_seconds(self) -> float:
        """User + system CPU time the server process has used so far."""
        times = psutil.Process(self.proc.pid).cpu_times()
        return times.user + times.system

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def stop(self):
        if self.proc is None or self.proc.poll() is not None:
            return
        for sig, grace in ((signal.SIGTERM, 5), (signal.SIGKILL, 5)):
            try:
                os.killpg(self.proc.pid, sig)  # the group we created: the server and anything it spawned
            except ProcessLookupError:
                return
            try:
                self.proc.wait(timeout=grace)
                return
            except subprocess.TimeoutExpired:
                continue
