"""Telling a room who arrived and who left, a few notices at a time rather than one per connection.

One `join` per connection meant a reconnect storm sent every arrival to everyone already back:
for 20 rooms of 50 that is some 25,000 messages while the server is busiest (bench.load c4). People
do not need to see a classmate's chip appear within a millisecond, so each process gathers its own
connections' arrivals and departures per room and sends one `present` notice per room after
`delay` seconds, and then at most one every `gap` seconds. The notice carries the whole present
list, so a client that missed one heals at the next (docs/protocol.md).
"""
import asyncio
import logging
import time

from django.conf import settings

from . import broadcast, protocol
from .per_loop import per_event_loop
from .presence import presence

log = logging.getLogger(__name__)


class Arrivals:
    def __init__(self, delay: float, gap: float):
        self.delay, self.gap = delay, gap
        self.joined: dict[int, dict[int, dict]] = {}  # piece id -> {user id: member as sent to clients}
        self.left: dict[int, set[int]] = {}  # piece id -> user ids whose connection closed
        self.last_sent: dict[int, float] = {}  # piece id -> monotonic time of its latest notice
        self.timers: dict[int, asyncio.TimerHandle] = {}

    def arrived(self, piece_id: int, member: dict) -> None:
        self.joined.setdefault(piece_id, {})[member["id"]] = member
        self.left.get(piece_id, set()).discard(member["id"])
        self._schedule(piece_id)

    def departed(self, piece_id: int, user_id: int) -> None:
        self.left.setdefault(piece_id, set()).add(user_id)
        self.joined.get(piece_id, {}).pop(user_id, None)
        self._schedule(piece_id)

    def _schedule(self, piece_id: int) -> None:
        if piece_id in self.timers:
            return  # the notice already due will carry this change too
        since_last = time.monotonic() - self.last_sent.get(piece_id, float("-inf"))
        wait = max(self.delay, self.gap - since_last)
        loop = asyncio.get_running_loop()
        self.timers[piece_id] = loop.call_later(wait, lambda: loop.create_task(self.send(piece_id)))

    async def send(self, piece_id: int) -> None:
        self.timers.pop(piece_id, None)
        joined, left = self.joined.pop(piece_id, {}), self.left.pop(piece_id, set())
        now = time.monotonic()
        # Forget rooms whose last notice is older than the gap: it no longer holds their next one back.
        self.last_sent = {pid: at for pid, at in self.last_sent.items() if now - at < self.gap}
        self.last_sent[piece_id] = now
        try:
            present = await presence().present(piece_id)
            # Someone who left one tab but still has another open has not left.
            notice = protocol.present_message(
                present=present, joined=[member for user_id, member in sorted(joined.items()) if user_id in present],
                left=sorted(set(left) - set(present)))
            if notice["joined"] or notice["left"]:
                await broadcast.to_room(piece_id, notice)
        except Exception:  # the layer is down: clients learn who is here from the next notice or welcome
            log.exception("room %s: presence notice failed", piece_id)


def _make_arrivals() -> Arrivals:
    timing = settings.STUDIO_PRESENCE_NOTICES
    return Arrivals(timing["delay_seconds"], timing["gap_seconds"])


arrivals = per_event_loop(_make_arrivals)  # arrivals(): this process's notices
