"""Small builders for tests: users, pieces with members, room connections."""
import itertools
from contextlib import asynccontextmanager

from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.contrib.auth import get_user_model

from composer_ui import services
from composer_ui.routing import websocket_urlpatterns

_numbers = itertools.count(1)


def make_user(name=None):
    name = name or f"user{next(_numbers)}"
    return get_user_model().objects.create_user(username=name, first_name=name.title(), password="pw-for-tests-1")


def make_piece(owner=None, *, editors=(), viewers=(), **fields):
    owner = owner or make_user()
    piece = services.piece_create(owner=owner, **fields)
    for role, users in (("editor", editors), ("viewer", viewers)):
        for user in users:
            invite = services.invite_create(piece_id=piece.pk, acting_user=owner, role=role)
            services.invite_accept(token=invite.token, user=user)
    return piece


def note_add(note_id, *, track, start=0, duration=480, pitch=60, velocity=90):
    return {"op": "note.add", "id": note_id, "track": track, "start": start, "duration": duration,
            "pitch": pitch, "velocity": velocity}


def first_track_id(piece_id):
    from composer_ui import selectors

    return selectors.piece_state(piece_id=piece_id)[1]["tracks"][0]["id"]


@asynccontextmanager
async def room(user, piece_id, *, application=None):
    """A connected WebSocket for ``user`` in the piece's room; its welcome is already read."""
    communicator = WebsocketCommunicator(application or URLRouter(websocket_urlpatterns), f"/ws/pieces/{piece_id}/")
    communicator.scope["user"] = user
    connected, _ = await communicator.connect(timeout=5)
    assert connected, "the room refused the connection"
    welcome = await communicator.receive_json_from(timeout=5)
    assert welcome["type"] == "welcome", welcome
    communicator.welcome = welcome
    try:
        yield communicator
    finally:
        await communicator.disconnect()


async def receive_until(communicator, kind, timeout=3):
    """Read frames until one of type ``kind`` arrives; return it (others are skipped)."""
    while True:
        message = await communicator.receive_json_from(timeout=timeout)
        if message["type"] == kind:
            return message
