"""The clients of bench.room: N WebSockets in one asyncio process, so every latency uses one clock.

A room-wide open-loop schedule sends edits at a fixed rate, rotating the writer across clients
(the server limits each connection to 30 ops/s). Each client keeps its last seq like a real one:
an event past a hole triggers `sync`, and the `events` answer fills it in.
"""
import asyncio
import json
import math
import time
from collections import Counter
from dataclasses import dataclass, field

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

clock = time.perf_counter


@dataclass
class Target:
    """Where the clients connect: the url, and per client the headers that log it in."""
    name: str
    url: str
    origin: str
    cookies: list[str]  # one per client, cycled; "" for a server without auth
    track: str


@dataclass
class Stats:
    n: int
    sent: dict = field(default_factory=dict)  # client_op_id -> (send time, measured?)
    acks: dict = field(default_factory=dict)  # client_op_id -> ack latency, seconds
    seen: dict = field(default_factory=dict)  # client_op_id -> [clients that have it, time of the latest]
    errors: Counter = field(default_factory=Counter)
    gaps: int = 0
    head: int = 0

    def acked(self, cid, seq, now):
        self.head = max(self.head, seq)
        if cid in self.sent:
            self.acks[cid] = now - self.sent[cid][0]

    def received(self, cid, now):
        entry = self.seen.setdefault(cid, [0, now])
        entry[0] += 1
        entry[1] = now

    def measured(self):
        return [cid for cid, (_, measured) in self.sent.items() if measured]

    def broadcast_latencies(self):
        """Send to the moment the last of the N clients had the event; events someone never got are left out."""
        return [self.seen[cid][1] - self.sent[cid][0] for cid in self.measured()
                if self.seen.get(cid, (0,))[0] == self.n]


def percentile(values, p):
    """Nearest-rank percentile; None for no samples."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))]


async def open_socket(target: Target, index: int):
    cookie = target.cookies[index % len(target.cookies)]
    # proxy=None: never route through an HTTP(S)_PROXY from the environment; compression=None: daphne
    # does not deflate, so neither side of the comparison does.
    return await connect(target.url, origin=target.origin, proxy=None, compression=None, open_timeout=30,
                         additional_headers={"Cookie": f"sessionid={cookie}"} if cookie else None,
                         max_size=2 ** 24)


class Client:
    def __init__(self, ws, welcome: dict, stats: Stats):
        self.ws, self.stats = ws, stats
        self.last = welcome["seq"]
        self.ahead: set[int] = set()  # seqs seen past a hole, waiting for the hole to fill
        self.syncing = False
        self.task = asyncio.create_task(self.read())

    @classmethod
    async def connect(cls, target: Target, index: int, stats: Stats):
        ws = await open_socket(target, index)
        welcome = json.loads(await ws.recv())
        if welcome.get("type") != "welcome":
            raise RuntimeError(f"{target.name}: first frame was {welcome.get('type')!r}, not welcome")
        return cls(ws, welcome, stats)

    async def read(self):
        try:
            async for text in self.ws:
                now = clock()
                message = json.loads(text)
                kind = message.get("type")
                if kind == "ack":
                    self.stats.acked(message["client_op_id"], message["seq"], now)
                elif kind == "event":
                    await self.on_event(message, now)
                elif kind == "events":
                    self.syncing = False
                    for event in message["events"]:
                        await self.on_event(event, now)
                elif kind == "welcome":  # a sync too far behind is answered with a fresh welcome
                    self.last, self.ahead, self.syncing = message["seq"], set(), False
                elif kind == "error":
                    self.stats.errors[message.get("code", "?")] += 1
        except ConnectionClosed:
            pass

    async def on_event(self, event, now):
        seq = event["seq"]
        if seq <= self.last or seq in self.ahead:
            return  # a duplicate: already counted
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
        await self.ws.send(json.dumps({"type": "sync", "since": self.last}))


def edit_frame(k: int, cid: str, track: str) -> str:
    # Unique note ids, each note inside the default 8 bars of 4/4 (15360 ticks) and the track's range.
    note = {"op": "note.add", "id": f"{cid}-n", "track": track, "start": (k * 120) % 15000, "duration": 240,
            "pitch": 55 + k % 30, "velocity": 90}
    return json.dumps({"type": "op", "client_op_id": cid, "ops": [note]})


async def drive(clients, target: Target, stats: Stats, *, rate: float, warmup: float, seconds: float):
    """Send edits at `rate` per second room-wide for warmup + seconds; only the later ones are measured.

    Open loop: each edit is due at start + k / rate whatever the replies do, so a slow server meets
    the same offered load instead of being waited for.
    """
    start = clock()
    total = int((warmup + seconds) * rate)
    for k in range(total):
        delay = start + k / rate - clock()
        if delay > 0:
            await asyncio.sleep(delay)
        cid = f"e{k}"
        frame = edit_frame(k, cid, target.track)
        stats.sent[cid] = (clock(), k >= warmup * rate)
        try:
            await clients[k % len(clients)].ws.send(frame)
        except ConnectionClosed:
            stats.errors["closed"] += 1


async def settle(clients, stats: Stats, timeout: float) -> None:
    """Wait until every edit is acked and every client holds the head seq, or the timeout passes."""
    deadline = clock() + timeout
    while clock() < deadline:
        if len(stats.acks) + sum(stats.errors.values()) >= len(stats.sent) and \
                all(c.last >= stats.head for c in clients):
            return
        await asyncio.sleep(0.05)


async def finish(clients, stats: Stats, timeout: float) -> int:
    """Let replies arrive; a client still behind lost the room's last events (no later event shows the
    hole), so it syncs, as a real client does on reconnect. Returns how many clients stay behind."""
    await settle(clients, stats, timeout)
    behind = [c for c in clients if c.last < stats.head and not c.syncing]
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
