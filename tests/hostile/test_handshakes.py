"""B4: handshakes through the real ASGI stack (studio.asgi: Origin validator, then session auth,
then the room): a foreign, missing or malformed Origin, no session, a forged or expired session
and a non-member are all refused before anything joins the room.
"""
from datetime import timedelta

import pytest
from channels.db import database_sync_to_async as db
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone

from composer_ui.presence import presence
from studio.asgi import application
from tests.composer_ui.factories import make_user, receive_until, room

from .harness import SENT, fuzz_piece_build

pytestmark = pytest.mark.django_db(transaction=True)
GOOD_ORIGIN = b"http://127.0.0.1:8000"
BAD_ORIGINS = [b"https://evil.example", b"http://127.0.0.1.evil.example", b"http://evil.example#127.0.0.1",
               b"http://127.0.0.1@evil.example", b"http://sub.localhost", b"null", b"", b"127.0.0.1",
               b"file://", b"http://[::1", b"http://127.0.0.1:99999", b"http://127.0.0.1\x0b", b"\x85\x1c\x1d\x1e",
               b"http://localhost\r\nX-Injected: 1", "http://\u0131ocalhost".encode()]


def session_cookie(user, *, expired=False) -> bytes:
    session = SessionStore()
    session[SESSION_KEY], session[BACKEND_SESSION_KEY] = str(user.pk), settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    if expired:
        type(session).get_model_class().objects.filter(session_key=session.session_key).update(
            expire_date=timezone.now() - timedelta(seconds=1))
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}".encode()


async def handshake(piece_id, headers) -> bool:
    communicator = WebsocketCommunicator(application, f"/ws/pieces/{piece_id}/", headers=headers)
    connected, _ = await communicator.connect(timeout=5)
    SENT["messages"] += 1
    await communicator.disconnect()
    return connected


async def setup():
    def build():
        owner, outsider = make_user(), make_user()
        piece = fuzz_piece_build(owner)
        return piece, owner, outsider, session_cookie(owner), session_cookie(outsider)
    return await db(build)()


async def test_a_member_with_a_session_and_our_origin_gets_in():
    piece, owner, _, cookie, _ = await setup()
    assert await handshake(piece.pk, [(b"origin", GOOD_ORIGIN), (b"host", b"127.0.0.1"), (b"cookie", cookie)])


@pytest.mark.parametrize("origin", BAD_ORIGINS)
async def test_a_foreign_or_malformed_origin_is_refused_even_with_a_session(origin, error_log):
    piece, _, _, cookie, _ = await setup()
    assert not await handshake(piece.pk, [(b"origin", origin), (b"cookie", cookie)])
    assert not error_log


async def test_refused_handshakes_join_nothing_and_tell_the_room_nothing(error_log):
    piece, owner, outsider, cookie, outsider_cookie = await setup()
    expired = await db(session_cookie)(owner, expired=True)
    attempts = [
        [(b"cookie", cookie)],  # no Origin at all
        [(b"origin", b"https://evil.example"), (b"cookie", cookie)],
        [(b"origin", GOOD_ORIGIN)],  # no session
        [(b"origin", GOOD_ORIGIN), (b"cookie", b"sessionid=forged0123456789abcdefghijklmnopq")],
        [(b"origin", GOOD_ORIGIN), (b"cookie", expired)],
        [(b"origin", GOOD_ORIGIN), (b"cookie", outsider_cookie)],  # a session, but not a member
        [(b"origin", GOOD_ORIGIN), (b"cookie", b"sessionid=" + b"\xff" * 40)],
        [(b"origin", GOOD_ORIGIN), (b"cookie", b"=;=;;" * 500)],
    ]
    async with room(owner, piece.pk) as watcher:
        await receive_until(watcher, "present")  # the watcher's own arrival
        for headers in attempts:
            assert not await handshake(piece.pk, headers), headers
        assert await watcher.receive_nothing(timeout=1.5), "a refused handshake must not announce a join"
        assert await presence().present(piece.pk) == [owner.pk]
    # A piece that does not exist reads the same as one you are not in: no way to probe for ids.
    assert not await handshake(10**12, [(b"origin", GOOD_ORIGIN), (b"cookie", outsider_cookie)])
    assert not error_log
