"""The clients of bench.room and bench.load: WebSockets in one asyncio process, so every latency uses one clock.

A room-wide open-loop schedule sends edits at a fixed rate, rotating the writer across clients
(the server limits each connection to 30 ops/s). Each client keeps its last seq like the browser's
RoomClient: an event past a hole triggers `sync`, and the `events` answer fills it in. A client made
with `reconnect=True` also does what static/js/net/socket.js does when the server closes it (4008
"too slow", a restart, a dropped link): reconnect with jittered backoff, catch up from its last seq
and re-send the ops it has no answer for, with their original ids; a `rate_limited` refusal is
re-sent after `retry_after`.
"""
import asyncio
import json
import random
import time
from collections import Counter
from dataclasses import dataclass, field

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake


clock = time.perf_counter
RETRIED = ("rate_limited", "unavailable")  # refusals the protocol says to re-send later, same client_op_id


@dataclass
class Target:
    """Where the clients connect: the urls (client i takes urls[i % len], as a balancer would), and per
    client the headers that log it in."""
    name: str
    urls: list[str]
    origin: str
    cookies: list[str]  # one per client, cycled; "" for a server without auth
    track: str


@dataclass
class Stats:
    """One room's record. `n` clients are in the room; an event is complete when all n have it."""
    n: int
    sent: dict = field(default_factory=dict)  # client_op_id -> (send time, measured?)
    acks: dict = field(default_factory=dict)  # client_op_id -> ack latency, seconds
    seen: dict = field(default_factory=dict)  # client_op_id -> [clients that have it, time of the latest]
    errors: Counter = field(default_factory=Counter)  # final refusals by code, and sends on a closed socket
    closes: Counter = field(default_factory=Counter)  # server-side closes by code (4008: shed as too slow)
    gaps: int = 0  # holes in seq a client noticed (after an event, or on reconnect) and asked to fill
    retried: int = 0  # rate_limited / unavailable answers, each re-sent later with the same client_op_id
    reconnects: int = 0
    failed_handshakes: int = 0
    handshake_errors: Counter = field(default_factory=Counter)  # why they failed, by exception
    deliveries: int = 0  # events received, all clients together
    head: int = 0

    def acked(self, cid, seq, now):
        self.head = max(self.head, seq)
        if cid in self.sent and cid not in self.acks:
            self.acks[cid] = now - self.sent[cid][0]

    def received(self, cid, now):
        self.deliveries += 1
        entry = self.seen.setdefault(cid, [0, now])
        entry[0] += 1
        entry[1] = now

    def measured(self):
        return [cid for cid, (_, measured) in self.sent.items() if measured]

    def broadcast_latencies(self):
        """Send to the moment the last of the n clients had the event; events someone never got are left out."""
        return [self.seen[cid][1] - self.sent[cid][0] for cid in self.measured()
                if self.seen.get(cid, (0,))[0] == self.n]



async def open_socket(target: Target, index: int, open_timeout: float = 30):
    cookie = target.cookies[index % len(target.cookies)]
    # proxy=None: never route through an HTTP(S)_PROXY from the environment; compression=None: daphne
    # does not deflate, so neither side of the comparison does.
    url = target.urls[index % len(target.urls)]
    return await connect(url, origin=target.origin, proxy=None, compression=None, open_timeout=open_timeout,
                         additional_headers={"Cookie": f"sessionid={cookie}"} if cookie else None,
                         max_size=2 ** 24)


class Client:
    def __init__(self, target: Target, index: int, stats: Stats, *, reconnect: bool = False):
        self.target, self.index, self.stats, self.reconnect = target, index, stats, reconnect
        self.ws = None
        self.last = 0
        self.ahead: set[int] = set()  # seqs seen past a hole, waiting for the hole to fill
        self.syncing = False
        self.pending: dict[str, str] = {}  # client_op_id -> frame: sent, no ack or final refusal yet
        self.flowing = asyncio.Event()  # cleared while the client stalls (stops reading)
        self.flowing.set()
        self.online = asyncio.Event()
        self.stopping = False
        self.counted = True  # False: left out of the room's latency figures (a client told to stall)
        self.task = None

    @classmethod
    async def connect(cls, target: Target, index: int, stats: Stats, **options):
        client = cls(target, index, stats, **options)
        welcome = await client.open()
        client.last = welcome["seq"]
        client.task = asyncio.create_task(client.run())
        return client

    async def open(self, open_timeout: float = 30) -> dict:
        ws = await open_socket(self.target, self.index, open_timeout)
        welcome = json.loads(await ws.recv())
        if welcome.get("type") != "welcome":
            raise RuntimeError(f"{self.target.name}: first frame was {welcome.get('type')!r}, not welcome")
        self.ws = ws
        self.online.set()
        return welcome

    async def run(self):
        while True:
            await self.read()
            self.online.clear()
            if self.stopping or not self.reconnect:
                return
            self.stats.closes[self.ws.close_code] += 1
            await self.come_back()

    async def read(self):
        try:
            while True:
                await self.flowing.wait()
                text = await self.ws.recv()
                await self.on_message(json.loads(text), clock())
        except ConnectionClosed:
            pass

    async def on_message(self, message, now):
        kind = message.get("type")
        if kind == "ack":
            self.pending.pop(message["client_op_id"], None)
            self.stats.acked(message["client_op_id"], message["seq"], now)
        elif kind == "event":
            await self.on_event(message, now)
        elif kind == "events":
            self.syncing = False
            for event in message["events"]:
                await self.on_event(event, now)
        elif kind == "welcome":  # a sync too far behind is answered with a fresh welcome: state, not events
            self.last, self.ahead, self.syncing = max(self.last, message["seq"]), set(), False
        elif kind == "error":
            await self.on_error(message)

    async def on_error(self, message):
        code, cid = message.get("code", "?"), message.get("client_op_id")
        if code in RETRIED:
            self.stats.retried += 1
            wait = float(message.get("retry_after") or 0.5)
            if cid in self.pending:
                asyncio.get_running_loop().call_later(wait, self.resend, cid)
            elif cid is None and self.syncing:  # our sync was refused: ask again later
                asyncio.get_running_loop().call_later(wait, lambda: asyncio.ensure_future(self.sync()))
            return
        if cid is not None:
            self.pending.pop(cid, None)
        self.stats.errors[code] += 1

    async def on_event(self, event, now):
        seq = event["seq"]
        if seq <= self.last or seq in self.ahead:
            return  # a duplicate: already counted
        if self.counted:
            self.stats.received(event.get("client_op_id"), now)
        if seq == self.last + 1:
            self.last = seq
            while self.last + 1 in self.ahead:
                self.ahead.remove(self.last + 1)
                self.last += 1
        else:
            self.ahead.add(seq)
            if not self.syncing:
                self.stats.gaps += 1
                await self.sync()

    async def sync(self):
        self.syncing = True
        try:
            await self.ws.send(json.dumps({"type": "sync", "since": self.last}))
        except ConnectionClosed:
            pass  # the reconnect catches up instead

    async def send_op(self, cid: str, frame: str):
        self.pending[cid] = frame
        try:
            await self.ws.send(frame)
        except ConnectionClosed:
            if not self.reconnect:
                self.pending.pop(cid, None)
                self.stats.errors["closed"] += 1
            # else: it stays pending and goes out again after the reconnect

    def resend(self, cid: str):
        frame = self.pending.get(cid)
        if frame is not None and self.online.is_set():
            asyncio.ensure_future(self.send_op(cid, frame))

    async def come_back(self, first_delay: float = 0.5):
        """Reconnect as socket.js does (0.5 s, doubling to 8 s, each x0.5-1.5 jitter), then catch up."""
        delay = first_delay
        while not self.stopping:
            await asyncio.sleep(delay * (0.5 + random.random()))
            try:
                welcome = await self.open()
                break
            except (OSError, InvalidHandshake, asyncio.TimeoutError, ConnectionClosed, RuntimeError) as error:
                self.stats.failed_handshakes += 1
                self.stats.handshake_errors[str(error)[:60] or type(error).__name__] += 1
                delay = min(delay * 2, 8)
        else:
            return
        self.stats.reconnects += 1
        self.ahead, self.syncing = set(), False
        if welcome["seq"] > self.last:  # events went out while we were away: a gap, filled by `sync`
            self.stats.gaps += 1
            await self.sync()
        for cid in list(self.pending):
            self.resend(cid)

    def stall(self, seconds: float):
        """Stop reading for `seconds`: the socket's buffers fill and the server sees a slow client.
        Its (late) receipts are left out of the room's latency figures: they measure the others."""
        if self.counted:
            self.counted = False
            self.stats.n -= 1
        self.flowing.clear()
        asyncio.get_running_loop().call_later(seconds, self.flowing.set)

    async def close(self):
        self.stopping = True
        self.flowing.set()
        if self.ws is not None:
            try:
                await self.ws.close()
            except Exception:  # already gone: nothing to close
                pass


def edit_frame(k: int, cid: str, track: str) -> str:
    # Unique note ids, each note inside the default 8 bars of 4/4 (15360 ticks) and the track's range.
    note = {"op": "note.add", "id": f"{cid}-n", "track": track, "start": (k * 120) % 15000, "duration": 240,
            "pitch": 55 + k % 30, "velocity": 90}
    return json.dumps({"type": "op", "client_op_id": cid, "ops": [note]})


async def drive(clients, target: Target, stats: Stats, *, rate: float, warmup: float, seconds: float,
                prefix: str = "e", offset: float = 0.0):
    """Send edits at `rate` per second room-wide for warmup + seconds; only the later ones are measured.

    Open loop: each edit is due at start + k / rate whatever the replies do, so a slow server meets
    the same offered load instead of being waited for. `offset` delays this room's schedule, so many
    rooms do not all send at the same instant.
    """
    start = clock() + offset
    total = int((warmup + seconds) * rate)
    for k in range(total):
        delay = start + k / rate - clock()
        if delay > 0:
            await asyncio.sleep(delay)
        cid = f"{prefix}{k}"
        frame = edit_frame(k, cid, target.track)
        stats.sent[cid] = (clock(), k >= warmup * rate)
        await clients[k % len(clients)].send_op(cid, frame)


def answered(clients, stats: Stats) -> bool:
    return not any(c.pending for c in clients) and len(stats.acks) + sum(stats.errors.values()) >= len(stats.sent)


async def settle(clients, stats: Stats, timeout: float) -> None:
    """Wait until every edit is answered and every client holds the head seq, or the timeout passes."""
    deadline = clock() + timeout
    while clock() < deadline:
        if answered(clients, stats) and all(c.last >= stats.head for c in clients):
            return
        await asyncio.sleep(0.05)


async def finish(clients, stats: Stats, timeout: float) -> int:
    """Let replies arrive; a client still behind lost the room's last events (no later event shows the
    hole), so it syncs, as a real client does on reconnect. Returns how many clients stay behind."""
    await settle(clients, stats, timeout)
    behind = [c for c in clients if c.last < stats.head and not c.syncing and c.online.is_set()]
    for client in behind:
        stats.gaps += 1
        await client.sync()
    if behind:
        await settle(clients, stats, timeout)
    return sum(1 for c in clients if c.last < stats.head)


async def close_all(sockets, timeout: float = 10):
    async def close(ws):
        try:
            await ws.close()
        except Exception:  # already gone: nothing to close
            pass
    try:
        await asyncio.wait_for(asyncio.gather(*(close(ws) for ws in sockets)), timeout)
    except asyncio.TimeoutError:
        pass  # the server is stopped next anyway
