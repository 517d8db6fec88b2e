"""A room client over a real WebSocket (the `websockets` library), doing what the browser does.

It logs in with a session cookie and an Origin header, folds the piece with the server's own
pure `apply_ops` (the browser runs its port of it), resyncs with `sync since` on a gap, and on a
dropped connection reconnects with jittered backoff (trying the next web process), resyncs and
re-sends every op it has no answer for under its original `client_op_id`. `unavailable` and
`rate_limited` refusals are re-sent later, as docs/protocol.md says; other refusals are final.
"""
import asyncio
import json
import random
import socket
from urllib.parse import urlsplit

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus

from composer_ui.state import apply_ops

RETRIED = ("unavailable", "rate_limited")


class RoomClient:
    def __init__(self, name: str, urls: list[str], piece_id: int, session_key: str, *, backoff_max: float = 1.0,
                 read: bool = True, rcvbuf: int | None = None):
        self.name, self.urls, self.piece_id, self.session_key = name, list(urls), piece_id, session_key
        self.backoff_max = backoff_max
        self.read = read  # False: a client that stops reading its socket (a stalled reader)
        self.rcvbuf = rcvbuf  # a small kernel receive buffer: a stalled reader's backlog stays in the server
        self.url_index = 0
        self.seq, self.state = 0, None
        self.pending: dict[str, dict] = {}  # client_op_id -> the op message, until acked or refused
        self.acked: dict[str, int] = {}  # client_op_id -> seq
        self.refused: dict[str, str] = {}  # client_op_id -> error code (final refusals)
        self.retried = 0
        self.messages: list[dict] = []  # every non-event message, for the tests to look at
        self.closes: list[int] = []  # close codes the server sent
        self.connects = 0
        self.bytes_received = 0
        self.ws = None
        self.welcomed = asyncio.Event()
        self._sync_asked = False
        self._closing = False
        self._task = None

    # -- life cycle --------------------------------------------------------------------------

    async def start(self, timeout: float = 15) -> "RoomClient":
        self._task = asyncio.create_task(self._run())
        await asyncio.wait_for(self.welcomed.wait(), timeout)
        return self

    async def close(self) -> None:
        self._closing = True
        if self.ws is not None:
            await self.ws.close()
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except (asyncio.CancelledError, Exception):
                pass

    async def _run(self) -> None:
        backoff = 0.05
        while not self._closing:
            url = self.urls[self.url_index % len(self.urls)]
            try:
                await self._session(url)
                backoff = 0.05
            except (OSError, ConnectionClosed, InvalidHandshake, InvalidStatus, asyncio.TimeoutError):
                pass
            self.ws = None
            self.welcomed.clear()
            if self._closing:
                return
            self.url_index += 1  # the next web process: this one may be down
            await asyncio.sleep(backoff * (0.5 + random.random()))
            backoff = min(self.backoff_max, backoff * 2)

    async def _session(self, url: str) -> None:
        parts = urlsplit(url)
        sock = None
        if self.rcvbuf:  # set before connecting, so the TCP window is small from the start
            sock = socket.socket()
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, self.rcvbuf)
            sock.setblocking(False)
            await asyncio.get_running_loop().sock_connect(sock, (parts.hostname, parts.port))
        async with connect(f"ws://{parts.netloc}/ws/pieces/{self.piece_id}/", origin=f"http://{parts.netloc}",
                           additional_headers={"Cookie": f"sessionid={self.session_key}"}, open_timeout=5,
                           max_size=2**24, ping_interval=None, sock=sock,
                           max_queue=None if self.read else 1) as ws:
            self.ws = ws
            self.connects += 1
            self._sync_asked = False
            try:
                async for text in ws:
                    self.bytes_received += len(text)
                    await self._handle(json.loads(text))
                    while not self.read and not self._closing:
                        await asyncio.sleep(0.1)  # stalled: the socket's buffers fill, the server must cope
            except ConnectionClosed as closed:
                self.closes.append(closed.rcvd.code if closed.rcvd is not None else 1006)  # 1006: no close frame
                raise
            if ws.close_code is not None:
                self.closes.append(ws.close_code)

    # -- what the server sends ------------------------------------------------------------------

    async def _handle(self, message: dict) -> None:
        kind = message.get("type")
        if kind == "welcome":
            self.seq, self.state = message["seq"], message["state"]
            self.welcomed.set()
            for cid in list(self.pending):  # answers may have been lost with the last connection
                await self._send(self.pending[cid])
        elif kind == "event":
            await self._on_event(message)
        elif kind == "events":
            self._sync_asked = False
            for event in message["events"]:
                if event["seq"] == self.seq + 1:
                    self._apply(event)
            if message["seq"] > self.seq:  # the answer was capped: ask for the rest
                await self.sync()
        elif kind == "ack":
            self.acked[message["client_op_id"]] = message["seq"]
            self.pending.pop(message["client_op_id"], None)
        elif kind == "error" and message.get("client_op_id") in self.pending:
            cid = message["client_op_id"]
            if message["code"] in RETRIED:
                self.retried += 1
                asyncio.get_running_loop().call_later(float(message.get("retry_after") or 0.3), self._resend, cid)
            else:
                self.refused[cid] = message["code"]
                self.pending.pop(cid)
        else:
            self.messages.append(message)

    async def _on_event(self, event: dict) -> None:
        if event["seq"] <= self.seq:
            return  # already have it (held during the welcome, or re-sent by a sync)
        if event["seq"] == self.seq + 1:
            self._apply(event)
        elif not self._sync_asked:
            await self.sync()

    def _apply(self, event: dict) -> None:
        self.state = apply_ops(self.state, event["ops"], event["actor"],
                               limits={"notes_per_piece": float("inf"), "tracks_per_piece": float("inf")})
        self.seq = event["seq"]

    # -- what the client sends -----------------------------------------------------------------

    async def send_op(self, client_op_id: str, ops: list) -> None:
        message = {"type": "op", "client_op_id": client_op_id, "ops": ops}
        self.pending[client_op_id] = message
        await self._send(message)

    async def send(self, message: dict) -> None:
        await self._send(message)

    async def sync(self) -> None:
        self._sync_asked = True
        await self._send({"type": "sync", "since": self.seq})

    def _resend(self, cid: str) -> None:
        if cid in self.pending and not self._closing:
            asyncio.ensure_future(self._send(self.pending[cid]))

    async def _send(self, message: dict) -> None:
        ws = self.ws
        if ws is None or not self.welcomed.is_set():
            return  # re-sent after the next welcome
        try:
            await ws.send(json.dumps(message))
        except ConnectionClosed:
            pass  # the reconnect re-sends it

    # -- waiting -----------------------------------------------------------------------------------

    async def wait_for(self, predicate, timeout: float, what: str = "a condition"):
        deadline = asyncio.get_running_loop().time() + timeout
        while not predicate():
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"{self.name}: no {what} within {timeout} s (seq {self.seq}, "
                                     f"{len(self.pending)} pending, {self.connects} connects)")
            await asyncio.sleep(0.05)

    async def wait_message(self, kind: str, timeout: float, **fields) -> dict:
        def found():
            return next((m for m in self.messages if m.get("type") == kind
                         and all(m.get(k) == v for k, v in fields.items())), None)
        await self.wait_for(lambda: found() is not None, timeout, f"{kind} {fields or ''}")
        return found()

    async def catch_up(self, head_seq: int, timeout: float) -> None:
        """Ask `sync since` until this client holds every event up to ``head_seq`` and no op is pending."""
        deadline = asyncio.get_running_loop().time() + timeout
        while self.seq < head_seq or self.pending:
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"{self.name}: at seq {self.seq} of {head_seq}, {len(self.pending)} pending, "
                                     f"{timeout} s after recovery")
            if self.welcomed.is_set() and self.seq < head_seq:
                await self.sync()
            await asyncio.sleep(0.2)
