"""`python -m engine.serve` as a real process on loopback, for the tests: started (several at once
if asked), waited for until /v1/health answers, and always stopped (the whole process group), as
every child server is (deploy/processes.py)."""
import os
import sys
import time
from pathlib import Path

from deploy.processes import ROOT, Service, free_port
from engine.http_call import Endpoint, call

TOKEN = "test-token-h17"


class ModelServer(Service):
    def __init__(self, backend, log_dir, *, port=None, args=(), env=None, module="engine.serve"):
        self.backend, self.port = backend, port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        argv = [sys.executable, "-m", module, "--port", str(self.port)]
        if backend:
            argv += ["--backend", backend]
        super().__init__(f"model server on port {self.port}", argv + list(args),
                         env={**os.environ, "STUDIO_MODEL_TOKEN": TOKEN, "STUDIO_DEVICE": "cpu", **(env or {})},
                         log_path=Path(log_dir) / f"serve-{self.port}.log", cwd=ROOT)

    def start(self):
        """Start without waiting (`started` waits for several at once)."""
        return super().start(wait=False)

    def wait_ready(self, timeout=90):
        super().wait_ready(timeout)
        return self

    def _is_ready(self) -> bool:
        try:
            return call(Endpoint(self.url), "GET", "/v1/health", deadline=time.monotonic() + 2).status == 200
        except OSError:
            return False

    def signal(self, sig):
        os.killpg(self.proc.pid, sig)

    def stop(self):
        """SIGKILL the process group: a test server holds nothing worth a clean shutdown."""
        if self.alive:
            self.kill()


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
