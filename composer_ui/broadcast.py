"""Sending to a room. The text is serialised once, not once per listener, and
each process fans it out to its own connections (hub.py).

Group delivery is at-most-once (a full channel drops silently), which is why
every `event` carries its `seq` and clients resync on a gap.
"""
import json

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from .hub import room_group


async def to_room(piece_id: int, message: dict, *, exclude: str | None = None) -> None:
    await get_channel_layer().group_send(room_group(piece_id), {
        "type": "room.message", "piece_id": piece_id, "text": json.dumps(message, separators=(",", ":")),
        "exclude": exclude})


async def members_changed(piece_id: int, user_id: int | None = None) -> None:
    """Tell every connection of the room to re-read members (and its own role)."""
    await get_channel_layer().group_send(room_group(piece_id), {
        "type": "members.changed", "piece_id": piece_id, "user_id": user_id})


def to_room_from_sync(piece_id: int, message: dict) -> None:
    async_to_sync(to_room)(piece_id, message)


def members_changed_from_sync(piece_id: int, user_id: int | None = None) -> None:
    async_to_sync(members_changed)(piece_id, user_id)
