"""
One HTTP request with the standard library, under a deadline: used by the
remote backend and the conformance kit. A new connection per request (on
loopback or a LAN it costs well under a millisecond, and a dead keep-alive
connection can never be picked up by mistake).
"""
from __future__ import annotations

import http.client
import json
import time
from urllib.parse import urlsplit

MAX_RESPONSE_BYTES = 64 * 1024 * 1024


class Endpoint:
    """A model server's base URL, e.g. http://gpu1:8765 or https://models.example.org/harmony."""

    def __init__(self, url: str):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"model server URL must be http(s)://host[:port][/prefix], got {url!r}")
        self.url = url.rstrip("/")
        self.https = parts.scheme == "https"
        self.host, self.port = parts.hostname, parts.port or (443 if self.https else 80)
        self.prefix = parts.path.rstrip("/")

    def __str__(self):
        return self.url


class Reply:
    def __init__(self, status, headers, body, elapsed_ms):
        self.status, self.headers, self.body, self.elapsed_ms = status, headers, body, elapsed_ms

    def json(self):
        """The body as JSON, or None when it is not JSON."""
        try:
            return json.loads(self.body)
        except ValueError:
            return None


def call(endpoint: Endpoint, method: str, path: str, *, body: bytes | None = None, token: str | None = None,
         deadline: float, headers: dict | None = None) -> Reply:
    """Send one request; the whole exchange must end by `deadline` (time.monotonic()).
    Raises OSError (refused, reset, TimeoutError) or http.client.HTTPException (a broken answer)."""
    started = time.monotonic()
    remaining = deadline - started
    if remaining <= 0:
        raise TimeoutError("no time left")
    cls = http.client.HTTPSConnection if endpoint.https else http.client.HTTPConnection
    conn = cls(endpoint.host, endpoint.port, timeout=remaining)
    try:
        sent = {"Accept": "application/json", **(headers or {})}
        if token:
            sent["Authorization"] = f"Bearer {token}"
        if body is not None:
            sent["Content-Type"] = "application/json"
        conn.request(method, endpoint.prefix + path, body=body, headers=sent)
        conn.sock.settimeout(max(0.001, deadline - time.monotonic()))
        resp = conn.getresponse()
        chunks, size = [], 0
        while True:       # read in pieces so a server that trickles bytes still meets the deadline
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("the answer did not arrive in time")
            conn.sock.settimeout(left)
            chunk = resp.read1(65536)
            if not chunk:
                break
            size += len(chunk)
            if size > MAX_RESPONSE_BYTES:
                raise http.client.HTTPException(f"answer over {MAX_RESPONSE_BYTES} bytes")
            chunks.append(chunk)
        if resp.length not in (None, 0):
            raise http.client.IncompleteRead(b"".join(chunks), resp.length)
        return Reply(resp.status, {k.lower(): v for k, v in resp.getheaders()}, b"".join(chunks),
                     (time.monotonic() - started) * 1e3)
    finally:
        conn.close()
