"""Sending to a room. The text is serialised once, not once per listener, and
each process fans it out to its own connections (hub.py).

Group delivery is at-most-once (a full channel drops silently), which is why
every `event` carries its `seq` and clients resync on a gap.
"""
import asyncio
import json
import time

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from .hub import room_group


async def to_room(piece_id: int, message: dict, *, exclude: str | None = None) -> None:
    await get_channel_layer().group_send(room_group(piece_id), {
        "type": "room.message", "piece_id": piece_id, "text": json.dumps(message, separators=(",", ":")),
        "exclude": exclude, "sent_at": time.time()})  # the hub measures its delivery lag with it


async def members_changed(piece_id: int, user_id: int | None = None) -> None:
    """Tell every connection of the room to re-read members (and its own role)."""
    await get_channel_layer().group_send(room_group(piece_id), {
        "type": "members.changed", "piece_id": piece_id, "user_id": user_id})


_home_loop = None


def remember_loop() -> None:
    """Note the server's event loop, so threads of this process (the in-process generation
    pool) can hand messages to it: the in-memory layer only works from its own loop."""
    global _home_loop
    _home_loop = asyncio.get_running_loop()


def _run_from_sync(coroutine) -> None:
    loop = _home_loop
    if loop is not None and loop.is_running():
        try:
            asyncio.get_running_loop()
        except RuntimeError:  # a plain thread: schedule on the server's loop and wait
            asyncio.run_coroutine_threadsafe(coroutine, loop).result(timeout=10)
            return
    async_to_sync(_await)(coroutine)


async def _await(coroutine):
    return await coroutine


def to_room_from_sync(piece_id: int, message: dict) -> None:
    _run_from_sync(to_room(piece_id, message))


def members_changed_from_sync(piece_id: int, user_id: int | None = None) -> None:
    _run_from_sync(members_changed(piece_id, user_id))
