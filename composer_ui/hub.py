"""Per-process fan-out for rooms.

Each server process subscribes ONE channel to a room's group, however many of
its connections are in that room, and hands each message to its local
connections itself. A room of 30 then costs the channel layer one delivery
per process instead of 30 (channels' group_send copies the message and starts
a task per member; channels-redis does a Redis round trip per member).

Delivery stays at-most-once: a message lost between processes shows up as a
gap in `seq` and the clients resync, exactly as before.

The hub also notices overload: each room message carries the time it was sent
(broadcast.py), so the hub knows how long messages wait before it hands them
out. While that lag is high, `busy()` tells the consumers to refuse new edits
with `rate_limited` (the sender re-sends after `retry_after`), which sheds load
at its source instead of letting the queues, and every edit's latency, grow.
"""
import asyncio
import logging
import time
import uuid

from channels.layers import get_channel_layer

from .per_loop import per_event_loop

log = logging.getLogger(__name__)
REFRESH_SECONDS = 600  # re-join groups well inside channels-redis' group_expiry
BUSY_LAG_SECONDS = 0.25  # room messages waiting longer than this to be handed out: the process is overloaded
BUSY_MEMORY_SECONDS = 1.0  # how long a lag reading counts when no newer message comes to replace it


def room_group(piece_id: int) -> str:
    return f"piece-{piece_id}"


class RoomHub:
    def __init__(self):
        self.layer = get_channel_layer()
        self.rooms: dict[int, set] = {}
        self.channel = None
        self.task = None
        self.lag, self.lag_seen = 0.0, 0.0  # the latest delivery lag and when (monotonic) it was seen

    async def join(self, piece_id: int, consumer) -> None:
        if self.channel is None:
            # A plain (not process-local "!") channel: channels-redis then pops it directly,
            # outside the shared receive loop that the connections' own channels use.
            self.channel = f"studio-hub.{uuid.uuid4().hex}"
            self.task = asyncio.get_running_loop().create_task(self._receive_forever())
        if piece_id not in self.rooms:
            self.rooms[piece_id] = set()
            await self.layer.group_add(room_group(piece_id), self.channel)
        self.rooms[piece_id].add(consumer)

    async def leave(self, piece_id: int, consumer) -> None:
        members = self.rooms.get(piece_id)
        if members is None:
            return
        members.discard(consumer)
        if not members:
            del self.rooms[piece_id]
            await self.layer.group_discard(room_group(piece_id), self.channel)

    async def _receive_forever(self):
        rejoin = False
        while True:
            try:
                if rejoin:  # periodically, and after a failure: a restarted Redis has forgotten our groups
                    await self._refresh()
                    rejoin = False
                message = await asyncio.wait_for(self.layer.receive(self.channel), REFRESH_SECONDS)
            except asyncio.TimeoutError:
                rejoin = True
                continue
            except asyncio.CancelledError:
                raise
            except Exception:  # the layer is down (Redis restarting): clients resync on the gap
                log.exception("room hub: receive failed; retrying")
                rejoin = True
                await asyncio.sleep(1)
                continue
            await self.deliver(message)

    def busy(self) -> float:
        """Seconds a sender should wait while this process is overloaded, else 0."""
        if self.lag > BUSY_LAG_SECONDS and time.monotonic() - self.lag_seen < BUSY_MEMORY_SECONDS:
            return round(min(self.lag, 2.0), 3)
        return 0.0

    def note_lag(self, sent_at) -> None:
        """The latest reading wins: one message handed out promptly ends a busy spell, so a single
        pause (a GC, a burst) refuses little; under sustained overload every reading is high."""
        if isinstance(sent_at, (int, float)):
            self.lag, self.lag_seen = time.time() - sent_at, time.monotonic()

    async def deliver(self, message: dict) -> None:
        self.note_lag(message.get("sent_at"))
        text, exclude = message.get("text"), message.get("exclude")
        for consumer in list(self.rooms.get(message.get("piece_id"), ())):
            if consumer.channel_name == exclude:
                continue
            try:
                if text is not None:
                    await consumer.deliver(text)
                else:
                    await consumer.dispatch(message)
            except Exception:  # one broken connection must not starve the others
                log.exception("room hub: delivery to %s failed", consumer.channel_name)

    async def _refresh(self):
        for piece_id in list(self.rooms):
            await self.layer.group_add(room_group(piece_id), self.channel)


# hub(): this process's hub; a test that swapped the channel layer gets a new one.
hub = per_event_loop(RoomHub, still_good=lambda found: found.layer is get_channel_layer())
