"""`python -m engine.serve` as a real process on loopback, for the tests: started (several at once
if asked), waited for until /v1/health answers, and always stopped (the whole process group)."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from bench._server import free_port
from engine.http_call import Endpoint, call

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "test-token-h17"


class ModelServer:
    def __init__(self, backend, log_dir, *, port=None, args=(), env=None, module="engine.serve"):
        self.backend, self.port = backend, port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = Path(log_dir) / f"serve-{self.port}.log"
        argv = [sys.executable, "-m", module, "--port", str(self.port)]
        if backend:
            argv += ["--backend", backend]
        self.argv = argv + list(args)
        self.env = {**os.environ, "STUDIO_MODEL_TOKEN": TOKEN, "STUDIO_DEVICE": "cpu", **(env or {})}
        self.proc = None

    def start(self):
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(self.argv, cwd=ROOT, env=self.env, stdin=subprocess.DEVNULL, stdout=log,
                                         stderr=subprocess.STDOUT, start_new_session=True)
        return self

    def wait_ready(self, timeout=90):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.argv} exited with {self.proc.returncode}:\n{self.log()}")
            try:
                if call(Endpoint(self.url), "GET", "/v1/health", deadline=time.monotonic() + 2).status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"{self.argv} not ready in {timeout} s:\n{self.log()}")

    def log(self):
        return self.log_path.read_text(errors="replace")[-3000:] if self.log_path.exists() else ""

    def signal(self, sig):
        os.killpg(self.proc.pid, sig)

    def stop(self):
        """SIGKILL the process group: a test server holds nothing worth a clean shutdown."""
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait(timeout=10)


def started(*servers):
    """Start every server, then wait for each: their start-ups overlap."""
    for s in servers:
        s.start()
    try:
        for s in servers:
            s.wait_ready()
    except BaseException:
        for s in servers:
            s.stop()
        raise
    return servers


def wait_idle(url, timeout=30):
    """Until the server has no request in flight (a timed-out generation still holds its slot)."""
    import json
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        health = json.loads(call(Endpoint(url), "GET", "/v1/health", deadline=time.monotonic() + 2).body)
        if health["in_flight"] == 0:
            return
        time.sleep(0.05)
    raise RuntimeError(f"{url} still busy after {timeout} s")
