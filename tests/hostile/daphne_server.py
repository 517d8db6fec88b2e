"""A real daphne (python -m studio.serve, the transport limits included) with its own SQLite, and a
member with a logged-in session, for the tests that need real frames and real handshakes."""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MEMBER_SCRIPT = """
import json
from django.conf import settings
from django.test import Client
from tests.composer_ui.factories import make_user
from tests.hostile.harness import fuzz_piece_build
owner = make_user("hostile-owner")
piece = fuzz_piece_build(owner)
client = Client()
client.force_login(owner)
print(json.dumps({"piece": piece.pk, "cookie": f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"}))
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Daphne:
    def __init__(self):
        self.var = Path(tempfile.mkdtemp(prefix="studio-hostile-"))
        self.env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
        self.env.update(STUDIO_VAR_DIR=str(self.var), DJANGO_SETTINGS_MODULE="studio.settings", PYTHONUNBUFFERED="1")
        self._manage("migrate", "--noinput", "-v0")
        made = json.loads(self._manage("shell", "-c", MEMBER_SCRIPT).strip().splitlines()[-1])
        self.piece_id, self.cookie = made["piece"], made["cookie"]
        self.port = _free_port()
        self.origin = f"http://127.0.0.1:{self.port}"
        self.url = f"ws://127.0.0.1:{self.port}/ws/pieces/{self.piece_id}/"
        self.log_path = self.var / "daphne.log"
        self.proc = subprocess.Popen([sys.executable, "-m", "studio.serve", "--port", str(self.port)], cwd=ROOT,
                                     env=self.env, stdout=open(self.log_path, "w"), stderr=subprocess.STDOUT)
        self._wait()

    def _manage(self, *args) -> str:
        return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, check=True,
                              capture_output=True, text=True).stdout

    def _wait(self, seconds=60):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"daphne exited with {self.proc.returncode}: {self.log()}")
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.1)
        raise TimeoutError("daphne did not start")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def remove(self):
        shutil.rmtree(self.var, ignore_errors=True)

    def close(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
