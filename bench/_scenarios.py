"""The scenarios of bench.load, each run the same way against the studio and the bare relay.

A room scenario opens `rooms x (editors + viewers)` reconnecting clients, drives every room at its
edit rate (editors take turns; viewers only receive), samples the server's memory throughout, and
waits for every edit to be answered and every client to hold its room's head. The storm scenario
opens many clients, cuts all their connections at once and times how long until all are back.
"""
import asyncio
import random
from collections import Counter
from dataclasses import dataclass

from deploy.processes import Server

from ._load import Client, Stats, Target, clock, drive, finish
from ._stats import percentile


@dataclass
class Scenario:
    key: str
    title: str
    rooms: int
    editors: int  # per room, sending in turn
    viewers: int  # per room, only receiving
    rate: float  # edits per second per room
    seconds: float  # measured
    warmup: float = 2.0
    stall: tuple[int, float] = (0, 0.0)  # per room: how many clients stop reading, and for how long
    storm: bool = False  # a reconnect storm instead of edits

    @property
    def clients(self) -> int:
        return self.editors + self.viewers

    @property
    def offered(self) -> float:
        """Deliveries per second the schedule asks for: every edit goes to every client of its room."""
        return self.rooms * self.rate * self.clients


class MemoryWatch:
    """The server's RSS at the start, its peak while sampled, and at the end."""

    def __init__(self, server: Server, every: float = 0.2):
        self.server, self.every = server, every
        self.start = self.peak = server.rss()
        self.end = None
        self.task = asyncio.create_task(self._sample())

    async def _sample(self):
        while True:
            self.peak = max(self.peak, self.server.rss())
            await asyncio.sleep(self.every)

    def stop(self):
        self.task.cancel()
        self.end = self.server.rss()
        self.peak = max(self.peak, self.end)


async def connect_clients(targets: list[Target], scenario: Scenario, batch: int = 50):
    """Every room's clients (reconnecting ones), opened `batch` at a time like a class arriving."""
    wanted = [(r, i) for r in range(len(targets)) for i in range(scenario.clients)]
    stats = [Stats(n=scenario.clients) for _ in targets]
    rooms = [[] for _ in targets]
    for first in range(0, len(wanted), batch):
        chunk = wanted[first:first + batch]
        opened = await asyncio.gather(*(Client.connect(targets[r], i, stats[r], reconnect=True) for r, i in chunk))
        for (r, _), client in zip(chunk, opened):
            rooms[r].append(client)
    return rooms, stats


async def run_rooms(targets: list[Target], server: Server, scenario: Scenario) -> dict:
    memory = MemoryWatch(server)
    rooms, stats = await connect_clients(targets, scenario)
    clients = [c for room in rooms for c in room]
    try:
        await asyncio.sleep(0.5)
        stalled, stall_seconds = scenario.stall
        for room in rooms:
            for client in room[scenario.editors:][:stalled] or room[:stalled]:  # viewers stall first
                asyncio.get_running_loop().call_later(scenario.warmup, client.stall, stall_seconds)
        before = sum(s.deliveries for s in stats)
        started = clock()
        await asyncio.gather(*(
            drive(room[:scenario.editors], target, s, rate=scenario.rate, warmup=scenario.warmup,
                  seconds=scenario.seconds, prefix=f"r{r}e", offset=r / (scenario.rate * len(rooms)))
            for r, (room, target, s) in enumerate(zip(rooms, targets, stats))))
        elapsed = clock() - started
        delivered = sum(s.deliveries for s in stats) - before
        # Stalled clients resume by now; give them and any reconnecting ones time to catch up.
        behind = await asyncio.gather(*(finish(room, s, timeout=10 + stall_seconds)
                                        for room, s in zip(rooms, stats)))
        memory.stop()
    finally:
        await asyncio.gather(*(c.close() for c in clients))
        for client in clients:
            client.task.cancel()
    measured = [(s, cid) for s in stats for cid in s.measured()]
    acks = [s.acks[cid] for s, cid in measured if cid in s.acks]
    bcast = [latency for s in stats for latency in s.broadcast_latencies()]
    total = lambda name: sum(getattr(s, name) for s in stats)  # noqa: E731
    errors, closes = {}, {}
    for s in stats:
        for code, count in s.errors.items():
            errors[code] = errors.get(code, 0) + count
        for code, count in s.closes.items():
            closes[code] = closes.get(code, 0) + count
    return {"name": targets[0].name, "sent": len(measured), "acked": len(acks), "complete": len(bcast),
            "ack_p50": percentile(acks, 50), "ack_p99": percentile(acks, 99),
            "bcast_p50": percentile(bcast, 50), "bcast_p99": percentile(bcast, 99),
            "bcast_max": max(bcast, default=None), "deliveries_per_s": delivered / elapsed,
            # stalled clients are left out of the deliveries and latencies (they measure the others)
            "offered": scenario.rooms * scenario.rate * (scenario.clients - stalled),
            "gaps": total("gaps"), "unrepaired": sum(behind), "retried": total("retried"),
            "reconnects": total("reconnects"), "failed_handshakes": total("failed_handshakes"),
            "closes": closes, "errors": errors, "unanswered": sum(len(c.pending) for c in clients),
            "rss": (memory.start, memory.peak, memory.end)}


async def run_storm(targets: list[Target], server: Server, scenario: Scenario) -> dict:
    """All clients connected, then every connection cut at once (as a network blip would): each client
    reconnects with socket.js's jittered backoff. Time from the cut until the last one has its welcome."""
    memory = MemoryWatch(server)
    rooms, stats = await connect_clients(targets, scenario)
    clients = [c for room in rooms for c in room]
    back_at = {}
    try:
        await asyncio.sleep(1)
        cut = clock()

        async def watch(client):
            while client.online.is_set():  # until the cut is noticed
                await asyncio.sleep(0.01)
            await client.online.wait()
            back_at[client] = clock() - cut
        watchers = [asyncio.create_task(watch(c)) for c in clients]
        random.shuffle(clients)
        for client in clients:
            client.ws.transport.abort()  # no close frame: the server sees the connection drop
        await asyncio.wait(watchers, timeout=30 + scenario.seconds)
        for task in watchers:
            task.cancel()
        await asyncio.sleep(0.5)
        memory.stop()
    finally:
        await asyncio.gather(*(c.close() for c in clients))
        for client in clients:
            client.task.cancel()
    times = list(back_at.values())
    return {"name": targets[0].name, "clients": len(clients), "back": len(times),
            "back_p50": percentile(times, 50), "back_p99": percentile(times, 99), "all_back": max(times, default=None),
            "failed_handshakes": sum(s.failed_handshakes for s in stats),
            "why": sum((s.handshake_errors for s in stats), Counter()), "rss": (memory.start, memory.peak, memory.end)}
