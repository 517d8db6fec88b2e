"""
The conformance kit: checks a model server against the model protocol.

    python -m engine.conformance http://127.0.0.1:8765 --token T

    from engine.conformance import run_kit
    checks = run_kit(url, token)          # [Check(name, status, reason)], status "pass", "fail" or "skip"

What each check asks and expects is in engine/conformance/checks.py and
docs/model-protocol.md. The kit only speaks HTTP to the server, so it checks
any implementation, not only engine.serve.
"""
from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass

from engine.http_call import Endpoint, call
from engine.schema import errors as schema_errors

DEFAULT_TOKEN = object()


@dataclass
class Check:
    name: str
    status: str          # "pass", "fail" or "skip"
    reason: str

    @property
    def passed(self):
        return self.status != "fail"


class Session:
    """Talks to one server and remembers every answer: whether it matched its schema, and the latencies."""

    def __init__(self, url, token=None, timeout=60.0):
        self.endpoint, self.token, self.timeout = Endpoint(url), token, timeout
        self.answers = 0
        self.schema_problems = []               # "what: problem"
        self.latency_ms = defaultdict(list)     # operation -> round-trip ms
        self.caps = None

    def ask(self, method, path, body=None, *, token=DEFAULT_TOKEN, headers=None):
        token = self.token if token is DEFAULT_TOKEN else token
        return call(self.endpoint, method, path, body=body, token=token, headers=headers,
                    deadline=time.monotonic() + self.timeout)

    def validated(self, reply, message, what):
        """The answer's JSON after checking it against `message` (for a 200) or error.json (otherwise);
        returns (data, problems)."""
        data = reply.json()
        expected = message if reply.status == 200 else "error"
        problems = ["not JSON"] if data is None else schema_errors(expected, data)
        self.answers += 1
        self.schema_problems += [f"{what} (HTTP {reply.status}, {expected}.json): {p}" for p in problems[:3]]
        return data, problems


def run_kit(url, token=None, *, timeout=60.0, repeat=3) -> list[Check]:
    from engine.conformance.checks import run_all
    return run_all(Session(url, token, timeout), repeat=repeat)


def table(checks) -> str:
    width = max(len(c.name) for c in checks)
    lines = [f"{'check'.ljust(width)}  result  reason", f"{'-' * width}  ------  ------"]
    lines += [f"{c.name.ljust(width)}  {c.status.upper().ljust(6)}  {c.reason}" for c in checks]
    failed = sum(1 for c in checks if not c.passed)
    lines.append(f"{len(checks) - failed}/{len(checks)} checks passed" + (f", {failed} FAILED" if failed else ""))
    return "\n".join(lines)
