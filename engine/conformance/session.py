"""The kit's connection to one server, and what a check returns."""
from __future__ import annotations

import http.client
import time
from collections import defaultdict
from dataclasses import dataclass

from engine import protocol as P
from engine.http_call import Endpoint, call
from engine.schema import errors as schema_errors

DEFAULT_TOKEN = object()
TRANSPORT = (OSError, http.client.HTTPException)    # no answer at all


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

    def post(self, request, what):
        """POST a request (a GenerateRequest, or raw bytes) to /v1/generate; returns (reply, data, problems)."""
        body = request if isinstance(request, bytes) else P.dumps(request.to_dict())
        reply = self.ask("POST", P.GENERATE, body)
        data, problems = self.validated(reply, "generate-response", what)
        return reply, data, problems

    def validated(self, reply, message, what):
        """The answer's JSON after checking it against `message` (for a 200) or error.json (otherwise);
        returns (data, problems)."""
        data = reply.json()
        expected = message if reply.status == 200 else "error"
        problems = ["not JSON"] if data is None else schema_errors(expected, data)
        self.answers += 1
        self.schema_problems += [f"{what} (HTTP {reply.status}, {expected}.json): {p}" for p in problems[:3]]
        return data, problems
