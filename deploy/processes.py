"""A child process: started in its own process group, logging to a file, waited for until it is
ready, and stoppable gently (SIGTERM) or brutally (SIGKILL, for the fault tests). Nothing here
knows about Django. The one way the studio starts a child server: the topology launcher
(topology.py), the tests (tests/studio_server.py, tests/engine/model_server.py, tests/faults/) and
the benchmarks (bench/) all use it, so it lives here, in production code that imports neither tests
nor bench."""
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A loopback port nobody listens on now (the race until the child binds it is harmless here)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


class Service:
    """``ready_port``: ready once that port accepts; ``ready_text``: once the log shows that text."""

    def __init__(self, name: str, argv: list[str], *, env: dict, log_path: Path, ready_port: int | None = None,
                 ready_text: str | None = None, cwd: Path = ROOT):
        self.name, self.argv, self.env, self.log_path, self.cwd = name, argv, env, Path(log_path), cwd
        self.ready_port, self.ready_text = ready_port, ready_text
        self.proc: subprocess.Popen | None = None
        self._log_offset = 0

    # -- life cycle ---------------------------------------------------------------------

    def __enter__(self) -> "Service":
        """``with Service(...) as service``: started and ready, and stopped whatever happens."""
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, exc_type, exc, tb) -> None:
        self.stop()
        if exc_type is not None and issubclass(exc_type, Exception):  # its log may go with a temp dir: show it
            print(f"--- last lines of {self.log_path.name} ---\n{self.log_tail()}", file=sys.stderr)

    def start(self, *, wait: bool = True, timeout: float = 60) -> "Service":
        self._log_offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        with open(self.log_path, "ab") as log:  # the child keeps its own copy of the descriptor
            # Its own session: a Ctrl+C at the terminal reaches the launcher only, which then
            # stops the children in order; and a kill of the group takes the worker's pool too.
            self.proc = subprocess.Popen(self.argv, env=self.env, cwd=self.cwd, stdin=subprocess.DEVNULL,
                                         stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        if wait:
            self.wait_ready(timeout)
        return self

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}:\n{self.log_tail()}")
            if self._is_ready():
                return
            time.sleep(0.1)
        raise TimeoutError(f"{self.name} was not ready in {timeout:.0f} s:\n{self.log_tail()}")

    def _is_ready(self) -> bool:
        if self.ready_port is not None and not port_open(self.ready_port):
            return False
        if self.ready_text is not None:
            with open(self.log_path, "rb") as log:
                log.seek(self._log_offset)
                if self.ready_text.encode() not in log.read():
                    return False
        return True

    def kill(self) -> None:
        """SIGKILL the whole group, as a crash or the OOM killer would: no goodbye, no cleanup."""
        self._signal_group(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self, grace: float = 10) -> None:
        """SIGTERM, then SIGKILL whatever is left after ``grace`` seconds."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self._signal_group(signal.SIGTERM)
            try:
                self.proc.wait(grace)
            except subprocess.TimeoutExpired:
                pass
        self._signal_group(signal.SIGKILL)  # also reaps children that outlived their parent
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            pass

    def restart(self, *, timeout: float = 60) -> None:
        self.stop()
        self.start(timeout=timeout)

    def _signal_group(self, sig) -> None:
        try:
            os.killpg(self.proc.pid, sig)
        except ProcessLookupError:
            pass

    # -- looking at it ----------------------------------------------------------------------

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    @property
    def pid(self) -> int:
        return self.proc.pid

    def children(self) -> list[int]:
        """Pids of the processes this one started (a Celery worker's pool), read from /proc."""
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if int(fields[1]) == self.proc.pid:
                    found.append(int(entry.name))
        return found

    def rss(self) -> int:
        """Resident memory in bytes (Linux)."""
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
        return 0

    def cpu_seconds(self) -> float:
        """User + system CPU time the process has used so far (Linux; its children not counted)."""
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


class Server(Service):
    """A child that serves on a loopback ``port``: ready once the port accepts connections."""

    def __init__(self, argv: list[str], *, port: int, env: dict, log_path: Path, cwd: Path = ROOT,
                 name: str | None = None):
        super().__init__(name or f"{Path(argv[0]).name} on port {port}", argv, env=env, log_path=log_path,
                         ready_port=port, cwd=cwd)
        self.port = port


def python_argv(*args: str) -> list[str]:
    return [sys.executable, *args]
