"""A real studio server for tests: `python -m studio.serve` (daphne, with the transport limits) on a
free loopback port, with its own SQLite database under a temporary folder. It can be killed and
restarted, and its log read after it stops. Started and stopped as every child server is
(deploy/processes.py)."""
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from deploy.processes import ROOT, Server, free_port

__all__ = ("ROOT", "StudioServer")


class StudioServer(Server):
    def __init__(self, prefix: str = "studio-test-"):
        self.var = Path(tempfile.mkdtemp(prefix=prefix))
        # The embedded default: a DATABASE_URL or REDIS_URL from the test run must not leak in.
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
        env.update(STUDIO_VAR_DIR=str(self.var), DJANGO_SETTINGS_MODULE="studio.settings", PYTHONUNBUFFERED="1")
        port = free_port()
        super().__init__([sys.executable, "-m", "studio.serve", "--port", str(port)], port=port, env=env,
                         log_path=self.var / "daphne.log", name="daphne")
        self.url = f"http://127.0.0.1:{self.port}"
        self.manage("migrate", "--noinput", "-v0")
        self.start()

    def manage(self, *args) -> str:
        """Run a manage.py command against this server's database; returns its output."""
        return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, check=True,
                              capture_output=True, text=True).stdout

    def restart(self, *, timeout: float = 60):
        self.kill()
        self.start(timeout=timeout)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def remove(self):
        shutil.rmtree(self.var, ignore_errors=True)

    def close(self):
        self.stop()
        self.remove()
