"""Who is in which room right now. Presence is not music: it lives outside the event log, and
outside the database too.

A reconnect storm (a class coming back after a network blip or a deploy) is a thousand joins and
leaves in a few seconds. As database rows that was four write transactions per reconnect on the
one thread a Channels process gives the ORM, the largest single cost of the storm (bench.load c4).
So each process keeps its own connections in memory, and where several processes serve the studio
(REDIS_URL set) it mirrors them into one Redis sorted set per piece, each connection scored by when
its process last vouched for it: a process that dies without saying goodbye stops refreshing, and
its connections fall out after STUDIO_PRESENCE_TTL_SECONDS.

Presence is advisory: when Redis fails, the room goes on (errors are logged, the list is this
process's own), and clients heal at the next notice.
"""
import asyncio
import logging
import time

from django.conf import settings

from .per_loop import per_event_loop

log = logging.getLogger(__name__)


class LocalPresence:
    """This process's connections: the whole studio when it runs as one process (the embedded default,
    whose in-memory channel layer cannot span processes anyway)."""

    def __init__(self):
        self.rooms: dict[int, dict[str, int]] = {}  # piece id -> {channel name: user id}

    async def enter(self, piece_id: int, user_id: int, channel_name: str) -> list[int]:
        """Add the connection; returns who is present now, the newcomer included."""
        self.rooms.setdefault(piece_id, {})[channel_name] = user_id
        return await self.present(piece_id)

    async def leave(self, piece_id: int, channel_name: str) -> None:
        room = self.rooms.get(piece_id, {})
        room.pop(channel_name, None)
        if not room:
            self.rooms.pop(piece_id, None)

    async def present(self, piece_id: int) -> list[int]:
        return sorted(set(self.rooms.get(piece_id, {}).values()))


class RedisPresence(LocalPresence):
    """Every process's connections, in Redis: key `<prefix><piece id>`, members `<user id>|<channel>`."""

    def __init__(self, url: str, prefix: str, ttl: float):
        super().__init__()
        import redis.asyncio as redis

        # Short timeouts: a hung Redis must not hold a handshake for long (presence is advisory).
        self.redis = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self.prefix, self.ttl = prefix, ttl
        self.refresher = None

    async def enter(self, piece_id: int, user_id: int, channel_name: str) -> list[int]:
        await super().enter(piece_id, user_id, channel_name)
        if self.refresher is None:
            self.refresher = asyncio.get_running_loop().create_task(self._refresh_forever())
        now, key = time.time(), self._key(piece_id)
        try:
            async with self.redis.pipeline(transaction=False) as pipe:
                pipe.zadd(key, {_member(user_id, channel_name): now})
                pipe.zremrangebyscore(key, "-inf", now - self.ttl)  # connections of processes that died
                pipe.expire(key, int(3 * self.ttl))
                pipe.zrangebyscore(key, now - self.ttl, "+inf")
                *_, members = await pipe.execute()
            return self._user_ids(members)
        except Exception:
            log.warning("presence: Redis failed on enter; using this process's connections", exc_info=True)
            return await super().present(piece_id)

    async def leave(self, piece_id: int, channel_name: str) -> None:
        user_id = self.rooms.get(piece_id, {}).get(channel_name)
        await super().leave(piece_id, channel_name)
        if user_id is not None:
            try:
                await self.redis.zrem(self._key(piece_id), _member(user_id, channel_name))
            except Exception:  # it expires with its score instead
                log.warning("presence: Redis failed on leave", exc_info=True)

    async def present(self, piece_id: int) -> list[int]:
        try:
            members = await self.redis.zrangebyscore(self._key(piece_id), time.time() - self.ttl, "+inf")
            return self._user_ids(members)
        except Exception:
            log.warning("presence: Redis failed; using this process's connections", exc_info=True)
            return await super().present(piece_id)

    async def refresh(self) -> None:
        """Vouch for every connection this process holds (one round trip), so none expires while open."""
        now = time.time()
        async with self.redis.pipeline(transaction=False) as pipe:
            for piece_id, room in self.rooms.items():
                pipe.zadd(self._key(piece_id), {_member(user, channel): now for channel, user in room.items()})
                pipe.expire(self._key(piece_id), int(3 * self.ttl))
            await pipe.execute()

    async def _refresh_forever(self):
        while True:
            await asyncio.sleep(self.ttl / 4)
            try:
                await self.refresh()
            except asyncio.CancelledError:
                raise
            except Exception:  # Redis restarting: the next round puts everyone back
                log.warning("presence: refresh failed", exc_info=True)

    def _key(self, piece_id: int) -> str:
        return f"{self.prefix}{piece_id}"

    @staticmethod
    def _user_ids(members) -> list[int]:
        return sorted({int(member.split(b"|", 1)[0]) for member in members})


def _member(user_id: int, channel_name: str) -> str:
    """A connection in a piece's sorted set; `_user_ids` reads the user back."""
    return f"{user_id}|{channel_name}"


def _make_store() -> LocalPresence:
    url = settings.REDIS_URL
    if not url:
        return LocalPresence()
    return RedisPresence(url, f"studio:{settings.DATABASES['default']['NAME']}:presence:",
                         settings.STUDIO_PRESENCE_TTL_SECONDS)


presence = per_event_loop(_make_store)  # presence(): this process's store


async def close_presence() -> None:
    """Close this loop's store (tests end a loop per test; a server process's loop ends with it)."""
    store = presence(create=False)
    if isinstance(store, RedisPresence):
        if store.refresher is not None:
            store.refresher.cancel()
        await store.redis.aclose()
