"""Who is connected to which room. Presence is not music: it lives outside the event log."""
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from ..models import RoomConnection


def room_join(*, piece_id: int, user, channel_name: str) -> None:
    RoomConnection.objects.update_or_create(channel_name=channel_name, defaults={
        "piece_id": piece_id, "user": user, "last_seen": timezone.now()})
    # Connections of processes that died without saying goodbye expire here.
    stale = timezone.now() - timedelta(seconds=3 * settings.STUDIO_PRESENCE_TTL_SECONDS)
    RoomConnection.objects.filter(piece_id=piece_id, last_seen__lt=stale).delete()


def room_touch(*, channel_name: str) -> None:
    RoomConnection.objects.filter(channel_name=channel_name).update(last_seen=timezone.now())


def room_leave(*, channel_name: str) -> None:
    RoomConnection.objects.filter(channel_name=channel_name).delete()
