"""
The model protocol as a small ASGI app (no Django, no framework): serves one
backend's `capabilities()` and `generate()` over HTTP. engine/serve.py runs it
with daphne; docs/model-protocol.md is the protocol.

- One backend instance, loaded before the app is built and kept for the
  process's life: the model stays warm.
- Bounded concurrency: `workers` generations run at once on a thread pool and
  `queue` more may wait; past that a request is answered `overloaded` with
  retry_after. A slot is freed only when its generation really ends, so a
  timed-out generation still counts until its thread is done.
- The K candidates of a request are one call to the backend, which samples
  them as one batch.
"""
from __future__ import annotations

import asyncio
import hmac
import json
import logging
import math
import os
import statistics
import threading
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor

from engine import protocol as P
from engine.api import InvalidRequest, RequestError, UnsupportedRequest
from engine.schema import HERE as SCHEMA_DIR, errors as schema_errors

log = logging.getLogger("engine.serve")


class Refusal(Exception):
    """Answer with this protocol error (code, message) and HTTP status."""

    def __init__(self, code, message, status=None, retry_after=None):
        super().__init__(message)
        self.code, self.message, self.retry_after = code, message, retry_after
        self.status = status or P.STATUS[code]


class ModelServer:
    def __init__(self, generator, *, token: str, max_request_bytes=P.DEFAULT_MAX_REQUEST_BYTES,
                 timeout_s=P.DEFAULT_TIMEOUT_S, workers=1, queue=4):
        if not token:
            raise ValueError("a model server needs a bearer token")
        self.generator, self.token = generator, token.encode()
        self.max_request_bytes, self.timeout_s = int(max_request_bytes), float(timeout_s)
        self.capacity = workers + queue
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="generate")
        caps = generator.capabilities().to_dict()
        caps["limits"] = {**caps["limits"], "max_request_bytes": self.max_request_bytes, "timeout_s": self.timeout_s}
        self.caps = caps
        self.caps_body = P.dumps(caps)
        self.in_flight = 0                      # admitted and not yet finished
        self.lock = threading.Lock()
        self.recent_s = deque(maxlen=32)        # durations of recent generations, for retry_after
        self.started = time.monotonic()

    async def __call__(self, scope, receive, send):
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        try:
            status, body = await self.route(scope, receive)
            headers = []
        except Refusal as r:
            status, body = r.status, P.error_body(r.code, r.message, r.retry_after)
            headers = [(b"retry-after", str(math.ceil(r.retry_after)).encode())] if r.retry_after is not None else []
        except Exception as e:   # a bug here must still answer in the protocol
            log.exception("unexpected error")
            status, body, headers = 500, P.error_body("internal", f"server error: {type(e).__name__}: {e}"[:500]), []
        data = body if isinstance(body, bytes) else P.dumps(body)
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(data)).encode())] + headers})
        await send({"type": "http.response.body", "body": data})

    async def route(self, scope, receive):
        method, path = scope["method"], scope["path"]
        if path == P.HEALTH:
            _allow(method, "GET")
            return 200, self.health()
        if path.startswith(P.SCHEMA_PREFIX):
            _allow(method, "GET")
            return 200, _schema_file(path[len(P.SCHEMA_PREFIX):])
        self.authorize(scope)
        if path == P.CAPABILITIES:
            _allow(method, "GET")
            return 200, self.caps_body
        if path == P.GENERATE:
            _allow(method, "POST")
            request = await self.read_json(scope, receive)
            return 200, await self.generate(request)
        raise Refusal("invalid", f"no endpoint {path}; endpoints: {P.CAPABILITIES}, {P.GENERATE}, {P.HEALTH}", 404)

    def authorize(self, scope):
        given = dict(scope["headers"]).get(b"authorization", b"")
        scheme, _, token = given.partition(b" ")
        if scheme.lower() != b"bearer" or not hmac.compare_digest(token.strip(), self.token):
            raise Refusal("unauthorized", "missing or wrong bearer token (send 'Authorization: Bearer <token>')")

    async def read_json(self, scope, receive):
        limit = self.max_request_bytes
        too_large = Refusal("invalid", f"request body over {limit} bytes; this server accepts at most {limit}", 413)
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > limit:
            raise too_large
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise Refusal("invalid", "the client went away")
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                raise too_large
            chunks.append(chunk)
            more = message.get("more_body", False)
        try:
            request = json.loads(b"".join(chunks))
        except ValueError as e:
            raise Refusal("invalid", f"the body is not JSON: {e}") from None
        problems = schema_errors("generate-request", request)
        if problems:
            raise Refusal("invalid", "the request does not match generate-request.json: " + "; ".join(problems[:3]))
        return request

    async def generate(self, request):
        with self.lock:
            if self.in_flight >= self.capacity:
                raise Refusal("overloaded", f"all {self.capacity} slots are taken ({self.in_flight} requests in flight)",
                              retry_after=self.retry_after())
            self.in_flight += 1
        admitted = time.perf_counter()
        future = self.pool.submit(self._run, request, admitted)
        future.add_done_callback(self._release)
        try:
            response = await asyncio.wait_for(asyncio.wrap_future(future), self.timeout_s)
        except asyncio.TimeoutError:
            raise Refusal("timeout", f"the generation took longer than this server's timeout of {self.timeout_s:g} s; "
                                     "ask for fewer candidates or a shorter region") from None
        except InvalidRequest as e:
            raise Refusal("invalid", str(e)) from None
        except UnsupportedRequest as e:
            raise Refusal("unsupported", str(e)) from None
        except RequestError as e:   # another refusal, e.g. engine.remote.ModelUnavailable when proxying
            raise Refusal(getattr(e, "protocol_code", "invalid"), str(e)) from None
        except Exception as e:
            log.exception("the backend failed")
            raise Refusal("internal", f"the model failed: {type(e).__name__}: {e}"[:500]) from None
        return response

    def _run(self, request, admitted):
        started = time.perf_counter()
        response = self.generator.generate(request)
        body = response if isinstance(response, dict) else response.to_dict()
        body["timings"] = {**body.get("timings", {}), "queue_ms": round((started - admitted) * 1e3, 2)}
        with self.lock:                  # retry_after() reads it on the event loop's thread
            self.recent_s.append(time.perf_counter() - started)
        return P.dumps(body)

    def _release(self, _future):
        with self.lock:
            self.in_flight -= 1

    def retry_after(self) -> float:
        """Seconds until a slot is likely free: a typical generation (1 s before any has run).
        Called with self.lock held."""
        typical = statistics.median(self.recent_s) if self.recent_s else 1.0
        return round(max(0.05, typical), 2)

    def health(self):
        with self.lock:
            busy = self.in_flight >= self.capacity
            in_flight = self.in_flight
        c = self.caps
        return {"status": "busy" if busy else "ok", "model": c["name"], "version": c["version"],
                "checksum": c["checksum"], "in_flight": in_flight, "capacity": self.capacity,
                "uptime_s": round(time.monotonic() - self.started, 1)}


def _allow(method, allowed):
    if method != allowed:
        raise Refusal("invalid", f"method {method} not allowed here; use {allowed}", 405)


def _schema_file(name):
    path = os.path.join(SCHEMA_DIR, name)
    if "/" in name or not name.endswith(".json") or not os.path.isfile(path):
        raise Refusal("invalid", f"no schema {name!r}; see {P.SCHEMA_PREFIX}capabilities.json and siblings", 404)
    with open(path, "rb") as f:
        return f.read()


async def _lifespan(receive, send):
    """The model is loaded before the app exists, so startup and shutdown have nothing to do."""
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
