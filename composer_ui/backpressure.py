"""Overload shedding: a slow reader is closed, not buffered for without bound.

daphne writes every message straight into its Twisted transport; when a client reads slower than
the room talks, the bytes pile up in the server's memory with no limit (django/daphne#170), and
ASGI gives the application no backpressure to notice it. So the outermost ASGI layer
(SendBacklogMiddleware) hands each WebSocket scope a probe that reads how many bytes the transport
holds for that connection, and the consumer asks SlowGuard before each room message: past the limit,
the connection is closed with 4008 ("too slow, resync") and the client reconnects and catches up
with `sync`, which costs the server one query instead of an ever-growing buffer. Room messages are
at-most-once anyway (every event has its `seq`), so dropping a slow listener loses nothing.

Under other servers (or TLS, where the transport differs) there is no probe and nothing is shed.
"""
import functools
from typing import Callable

TOO_SLOW = 4008  # WebSocket close code: the client fell too far behind; reconnect and resync
SCOPE_KEY = "studio.send_backlog"


def daphne_backlog_probe(send) -> Callable[[], int] | None:
    """daphne passes `partial(server.handle_reply, protocol)` as `send`; the protocol's Twisted transport
    keeps what the kernel has not taken yet in `dataBuffer` (from `offset`) plus `_tempDataBuffer`."""
    if not (isinstance(send, functools.partial) and getattr(send.func, "__name__", "") == "handle_reply"
            and send.args):
        return None
    protocol = send.args[0]

    def backlog() -> int:
        transport = getattr(protocol, "transport", None)
        try:
            return len(transport.dataBuffer) - transport.offset + transport._tempDataLen
        except (AttributeError, TypeError):  # a transport of another kind (TLS): unknown, so never shed
            return 0
    return backlog


class SendBacklogMiddleware:
    """ASGI middleware, outermost, so it sees the server's own `send` before any wrapper."""

    def __init__(self, inner):
        self.inner = inner

    async def __call__(self, scope, receive, send):
        if scope["type"] == "websocket":
            probe = daphne_backlog_probe(send)
            if probe is not None:
                scope = dict(scope, **{SCOPE_KEY: probe})
        return await self.inner(scope, receive, send)


class SlowGuard:
    """Says when a connection's unsent backlog is past `limit` bytes.

    A welcome or a sync answer can be large by itself (a big piece); what it leaves in the buffer right
    after it is queued is the connection's allowance, so a client is not shed for the size of what it
    asked for, only for falling behind beyond it. The allowance ends once the backlog is under the limit.
    """

    def __init__(self, probe: Callable[[], int] | None, limit: int):
        self.probe, self.limit = probe, limit
        self.allowance = 0

    def backlog(self) -> int:
        return self.probe() if self.probe else 0

    def after_bulk_send(self) -> None:
        self.allowance = max(self.allowance, self.backlog())

    def too_slow(self) -> bool:
        backlog = self.backlog()
        if backlog <= self.limit:
            self.allowance = 0
            return False
        return backlog > self.limit + self.allowance

