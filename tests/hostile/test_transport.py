"""B2 and B4 over a real daphne and the `websockets` client: oversized, binary and fragmented frames,
handshakes with a foreign or missing Origin or no session, and raw handshakes with odd header
bytes. The server answers each with a refusal (an `error`, a dropped socket or an HTTP 403), keeps
serving, and logs no exception.
"""
import asyncio
import json
import socket

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosedError, InvalidStatus

from .daphne_server import Daphne
from .harness import SENT

APP_LIMIT = 64 * 1024  # STUDIO_LIMITS["message_bytes"]: the room answers too_large
TRANSPORT_LIMIT = 128 * 1024  # studio.serve: daphne closes the socket with 1009


@pytest.fixture(scope="module")
def daphne():
    server = Daphne()
    try:
        yield server
    finally:
        server.close()
    log = server.log()
    server.remove()
    assert "Traceback" not in log and "Exception inside application" not in log, log[-3000:]


def ping_of_size(size: int) -> str:
    frame = '{"type":"ping","pad":""}'
    return frame[:-2] + "x" * (size - len(frame)) + '"}'


async def answer(ws) -> dict:
    """The next direct answer (presence and join frames of others are skipped)."""
    while True:
        message = json.loads(await asyncio.wait_for(ws.recv(), 10))
        if message["type"] in ("pong", "error", "ack", "welcome"):
            return message


async def member(daphne, **kwargs):
    ws = await connect(daphne.url, origin=daphne.origin, additional_headers={"Cookie": daphne.cookie},
                       max_size=None, compression=None, **kwargs)
    assert (await answer(ws))["type"] == "welcome"
    return ws


async def closed_for_size(ws):
    """daphne's autobahn fails an over-limit frame by dropping the TCP connection (its failByDrop
    default), so the client sees no close frame; were it sent, its code would be 1009."""
    with pytest.raises(ConnectionClosedError) as closed:
        await answer(ws)
    assert closed.value.rcvd is None or closed.value.rcvd.code == 1009


async def test_frames_at_and_over_the_limits(daphne):
    async with await member(daphne) as ws:
        frames = [(ping_of_size(APP_LIMIT), "pong"), (ping_of_size(APP_LIMIT + 1), "too_large"),
                  (ping_of_size(TRANSPORT_LIMIT - 1), "too_large"), (b"\x00\x01binary", "invalid"),
                  (json.dumps({"type": "ping"}).encode(), "invalid"),  # JSON, but in a binary frame
                  (iter(['{"type"', ':"pi', 'ng"}']), "pong"),  # one message in three fragments
                  ('{"type":"op","x":"\\ud800"}', "invalid")]
        for frame, expected in frames:
            await ws.send(frame)
            reply = await answer(ws)
            SENT["messages"] += 1
            assert expected in (reply["type"], reply.get("code")), (str(frame)[:80], reply)
        await ws.send(ping_of_size(TRANSPORT_LIMIT + 1))  # over the transport's limit: the socket goes
        SENT["messages"] += 1
        await closed_for_size(ws)
    # Fragments that add up past the transport's limit are refused the same way.
    async with await member(daphne) as ws:
        await ws.send(iter(["x" * (64 * 1024)] * 3))
        SENT["messages"] += 1
        await closed_for_size(ws)
    async with await member(daphne) as ws:  # and the server serves on
        await ws.send('{"type":"ping"}')
        assert (await answer(ws))["type"] == "pong"


@pytest.mark.parametrize("origin,cookie", [("https://evil.example", True), (None, True), ("http://evil.127.0.0.1", True),
                                           ("same", False), ("same", "sessionid=forged")])
async def test_refused_handshakes_get_403(daphne, origin, cookie):
    headers = {"Cookie": daphne.cookie if cookie is True else cookie} if cookie else {}
    SENT["messages"] += 1
    with pytest.raises(InvalidStatus) as refused:
        await connect(daphne.url, origin=daphne.origin if origin == "same" else origin, additional_headers=headers)
    assert refused.value.response.status_code == 403


ODD_BYTES = b"\x0b\x0c\x1c\x1d\x1e\x85"


def raw_handshake(daphne, extra: bytes) -> bytes:
    request = (f"GET /ws/pieces/{daphne.piece_id}/ HTTP/1.1\r\nHost: 127.0.0.1:{daphne.port}\r\n"
               "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
               "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n").encode() + extra + b"\r\n"
    with socket.create_connection(("127.0.0.1", daphne.port), timeout=10) as s:
        s.sendall(request)
        try:
            return s.recv(1024)
        except (ConnectionResetError, socket.timeout):
            return b""


# Bytes some parsers take for whitespace or line breaks (str.isspace, str.splitlines): none may smuggle
# our Origin past the check, or hide a foreign one.
SMUGGLED = [
    b"X-Odd: 1" + ODD_BYTES + b"Origin: http://127.0.0.1\r\n",
    b"Origin: https://evil.example\x85Origin: http://127.0.0.1\r\n",
    b"Origin: https://evil.example\x0bhttp://127.0.0.1\r\n",
    b"Origin: http://127.0.0.1\x0b.evil.example\r\n",
    b"Origin: http://127.0.0.1\x1c@evil.example\r\n",
    b"Origin: " + ODD_BYTES + b"\r\n",
    b"Origin: http://[::1\r\n",
    b"Origin: https://evil.example\r\n X-Folded: http://127.0.0.1\r\n",
]
# Odd bytes beside a good Origin: accepted or not, the server must neither fail nor stop serving.
ODD_ELSEWHERE = [
    b"Origin: http://127.0.0.1\r\nX-Odd" + ODD_BYTES + b": 1\r\n",
    b"Origin: http://127.0.0.1\r\nX-Odd: " + ODD_BYTES + b"\r\n",
    b"Origin: http://127.0.0.1\r\nCookie: sessionid=" + ODD_BYTES + b"\r\n",
    b"Origin: http://127.0.0.1\r\nCookie: " + b"a=b; " * 2000 + b"\r\n",
]


@pytest.mark.parametrize("header", SMUGGLED)
def test_odd_header_bytes_never_smuggle_an_origin(daphne, header):
    status = raw_handshake(daphne, header + f"Cookie: {daphne.cookie}\r\n".encode())
    SENT["messages"] += 1
    assert not status.startswith(b"HTTP/1.1 101"), status[:200]
    assert daphne.proc.poll() is None


@pytest.mark.parametrize("header", ODD_ELSEWHERE)
async def test_odd_header_bytes_elsewhere_leave_the_server_serving(daphne, header):
    cookie = b"" if b"Cookie" in header else f"Cookie: {daphne.cookie}\r\n".encode()
    raw_handshake(daphne, header + cookie)
    SENT["messages"] += 1
    async with await member(daphne) as ws:
        await ws.send('{"type":"ping"}')
        assert (await answer(ws))["type"] == "pong"
