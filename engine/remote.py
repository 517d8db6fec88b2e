"""
A backend that asks a model server over the model protocol
(docs/model-protocol.md): `capabilities()` and `generate()` return the same
dataclasses as the in-process backends.

    gen = RemoteGenerator("http://gpu1:8765", token="...", timeout=40)
    STUDIO_GENERATOR=engine.remote.RemoteGenerator STUDIO_MODEL_URL=http://gpu1:8765 STUDIO_MODEL_TOKEN=...

- Capabilities are read at start and again whenever a response's provenance
  names another model, version or checksum (the server was given a new model).
- One call never takes longer than `timeout` seconds, retries included.
  Transient failures (refused or dropped connection, `overloaded`, a proxy's
  502/503/504) are retried with exponential backoff, or after the server's
  retry_after, while time is left.
- A circuit breaker: after `failures_to_open` failed calls in a row, calls fail
  at once for `open_seconds`, then one trial call decides. A dead server is a
  clear, immediate ModelUnavailable naming the endpoint, never a hung job.
"""
from __future__ import annotations

import dataclasses
import http.client
import os
import threading
import time

from engine import protocol as P
from engine.api import Capabilities, GenerateResponse, InvalidRequest, RequestError, UnsupportedRequest
from engine.generator import Generator, parse_request
from engine.http_call import Endpoint, call
from engine.schema import errors as schema_errors

DEFAULT_TIMEOUT_S = 40.0   # the server's default 30 s plus the way there and back; below the studio's 60 s jobs


class ModelUnavailable(RequestError):
    """The model server cannot serve the request now: unreachable, too slow, overloaded, refusing the
    token, answering outside the protocol, or cut off by the circuit breaker. The message names the
    endpoint and the reason."""
    protocol_code = "internal"


class CircuitBreaker:
    """closed -> (n failures in a row) -> open for `open_seconds` -> one trial call -> closed or open again."""

    def __init__(self, failures_to_open=3, open_seconds=30.0):
        self.failures_to_open, self.open_seconds = failures_to_open, open_seconds
        self.failures, self.open_until, self.trial, self.last_error = 0, None, None, ""
        self.lock = threading.Lock()

    def before_call(self, endpoint):
        with self.lock:
            if self.open_until is None:
                return
            now = time.monotonic()
            wait = self.open_until - now
            # Half open: this call is the trial, the others still fail fast. A trial that never
            # reported back (its thread died) is replaced after another pause.
            if wait <= 0 and (self.trial is None or now - self.trial > self.open_seconds):
                self.trial = now
                return
            raise ModelUnavailable(f"model server {endpoint} is not answering ({self.failures} failed calls in a row, "
                                   f"the last: {self.last_error}); next try in {max(wait, 0):.0f} s")

    def succeeded(self):
        with self.lock:
            self.failures, self.open_until, self.trial = 0, None, None

    def failed(self, reason):
        with self.lock:
            self.failures += 1
            self.last_error = reason
            if self.trial is not None or self.failures >= self.failures_to_open:
                self.open_until, self.trial = time.monotonic() + self.open_seconds, None

    @property
    def is_open(self):
        with self.lock:
            return self.open_until is not None


class RemoteGenerator(Generator):
    def __init__(self, url=None, token=None, timeout=None, *, retries=2, backoff=0.25, failures_to_open=3,
                 open_seconds=30.0):
        url = url or os.environ.get("STUDIO_MODEL_URL")
        if not url:
            raise ValueError("RemoteGenerator needs the model server's URL (url= or STUDIO_MODEL_URL)")
        self.endpoint = Endpoint(url)
        self.url = self.endpoint.url
        self.token = token if token is not None else os.environ.get(P.TOKEN_ENV, "")
        self.timeout = float(timeout or os.environ.get("STUDIO_MODEL_TIMEOUT") or DEFAULT_TIMEOUT_S)
        self.retries, self.backoff = retries, backoff
        self.breaker = CircuitBreaker(failures_to_open, open_seconds)
        self._caps = None
        try:
            self.refresh()
        except ModelUnavailable:
            pass            # reported by the first call that needs the server; the breaker has counted it

    def refresh(self) -> Capabilities:
        """Read the server's capabilities now."""
        data = self._call("GET", P.CAPABILITIES)
        self._caps = Capabilities.from_dict(self._checked("capabilities", data))
        return self._caps

    def capabilities(self) -> Capabilities:
        return self._caps or self.refresh()

    def generate(self, request) -> GenerateResponse:
        started = time.perf_counter()
        req = parse_request(request)
        data = self._call("POST", P.GENERATE, P.dumps(wire_request(req, self._caps)))
        res = GenerateResponse.from_dict(self._checked("generate-response", data))
        p, caps = res.provenance, self._caps
        if caps is None or (p.model, p.version, p.checksum) != (caps.name, caps.version, caps.checksum):
            try:
                self.refresh()      # the server has another model now: its controls and limits may differ
            except ModelUnavailable:
                pass
        res.timings["roundtrip_ms"] = round((time.perf_counter() - started) * 1e3, 2)
        return res

    def health(self) -> dict:
        return self._checked("health", self._call("GET", P.HEALTH))

    def _checked(self, message, data):
        problems = schema_errors(message, data)
        if problems:
            reason = f"answered outside the protocol ({message}.json: {'; '.join(problems[:3])})"
            self.breaker.failed(reason)
            raise ModelUnavailable(f"model server {self.url} {reason}")
        return data

    def _call(self, method, path, body=None):
        """One protocol call with retries under the deadline; returns the JSON of a 200 answer."""
        self.breaker.before_call(self.url)
        deadline = time.monotonic() + self.timeout
        attempt = 0
        while True:
            wait, reason = None, None
            try:
                reply = call(self.endpoint, method, path, body=body, token=self.token, deadline=deadline)
            except TimeoutError:
                reason = f"did not answer within {self.timeout:g} s"
            except (OSError, http.client.HTTPException) as e:
                reason, wait = f"is unreachable ({_describe(e)})", self.backoff * 2 ** attempt
            else:
                data = reply.json()
                if reply.status == 200 and data is not None:
                    self.breaker.succeeded()
                    return data
                wait, reason = self._refusal(reply, data, attempt)
            if wait is not None and attempt < self.retries and time.monotonic() + wait < deadline:
                time.sleep(wait)
                attempt += 1
                continue
            tries = f" after {attempt + 1} tries" if attempt else ""
            self.breaker.failed(reason)
            raise ModelUnavailable(f"model server {self.url} {reason}{tries}")

    def _refusal(self, reply, data, attempt):
        """(seconds to wait before a retry or None, reason) for an answer that is not a 200;
        raises InvalidRequest/UnsupportedRequest for the requests the model refuses."""
        if not schema_errors("error", data):
            code, message = data["code"], data["message"]
            if code in ("invalid", "unsupported"):
                self.breaker.succeeded()     # the server is fine; the request is not
                raise (InvalidRequest if code == "invalid" else UnsupportedRequest)(message)
            if code == "overloaded":
                return max(float(data["retry_after"]), self.backoff * 2 ** attempt), f"is overloaded ({message})"
            if code == "unauthorized":
                return None, "refused our token (401): check the token configured for it"
            return None, f"failed ({code}: {message})"
        if reply.status in (502, 503, 504):   # a proxy in front of a server that is down or restarting
            return self.backoff * 2 ** attempt, f"answered HTTP {reply.status} without a protocol error"
        return None, f"answered HTTP {reply.status} outside the protocol: {reply.body[:200]!r}"


def wire_request(req, caps=None) -> dict:
    """The request as sent: fields at their defaults left out, and controls the server does not declare
    (it would ignore them). So a server keeps working with a client that knows newer optional fields,
    for as long as the request does not use them."""
    body = _compact(req)
    if caps is not None:
        body["controls"] = {k: v for k, v in body.get("controls", {}).items() if k in caps.controls}
    return body


def _compact(value):
    if dataclasses.is_dataclass(value):
        out = {}
        for f in dataclasses.fields(value):
            v = getattr(value, f.name)
            has_default = f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING
            default = f.default if f.default is not dataclasses.MISSING else (
                f.default_factory() if has_default else None)
            if not has_default or v != default or type(v) is not type(default):
                out[f.name] = _compact(v)
        return out
    if isinstance(value, (list, tuple)):
        return [_compact(v) for v in value]
    if isinstance(value, dict):
        return {k: _compact(v) for k, v in value.items()}
    return value


def _describe(error):
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    if isinstance(error, (ConnectionResetError, http.client.RemoteDisconnected, http.client.IncompleteRead)):
        return "the connection was dropped mid-request"
    return f"{type(error).__name__}: {error}"
