"""A real studio server for tests: `python -m studio.serve` (daphne, with the transport limits) on a
free loopback port, with its own SQLite database under a temporary folder. It can be killed and
restarted, and its log read after it stops."""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, proc, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError("the server did not start")


class StudioServer:
    def __init__(self, prefix: str = "studio-test-"):
        self.var = Path(tempfile.mkdtemp(prefix=prefix))
        # The embedded default: a DATABASE_URL or REDIS_URL from the test run must not leak in.
        self.env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
        self.env.update(STUDIO_VAR_DIR=str(self.var), DJANGO_SETTINGS_MODULE="studio.settings",
                        PYTHONUNBUFFERED="1")
        self.manage("migrate", "--noinput", "-v0")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = self.var / "daphne.log"
        self.proc = None
        self.start()

    def manage(self, *args) -> str:
        """Run a manage.py command against this server's database; returns its output."""
        return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, check=True,
                              capture_output=True, text=True).stdout

    def start(self):
        log = open(self.log_path, "a")
        self.proc = subprocess.Popen([sys.executable, "-m", "studio.serve", "--port", str(self.port)], cwd=ROOT,
                                     env=self.env, stdout=log, stderr=subprocess.STDOUT)
        wait_for_port(self.port, self.proc)

    def kill(self):
        self.proc.kill()
        self.proc.wait(10)

    def restart(self):
        self.kill()
        self.start()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)

    def remove(self):
        shutil.rmtree(self.var, ignore_errors=True)

    def close(self):
        self.stop()
        self.remove()
