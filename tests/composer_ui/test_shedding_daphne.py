"""A reader that stops reading, against the real server (daphne over loopback): the server closes it once
its unsent bytes pass the limit, instead of buffering without bound (django/daphne#170); the other
clients get every event; the stalled client reconnects and catches up with `sync`."""
import asyncio
import json
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from deploy.processes import Server, free_port
from bench._studio import ROOT, studio_env
from composer_ui.backpressure import TOO_SLOW

LIMIT = 256 * 1024  # small, so the test needs a few MB of events, not hundreds
NOTES = 400  # per op: about 20 KB per event, under the 64 KiB message limit


def prepare(env) -> dict:
    """Users, a piece and sessions in the server's own database (a temp SQLite), made in a subprocess."""
    script = ("import json; from bench._studio import prepare_rooms; (room,), cookies = prepare_rooms(rooms=1, "
              "editors=3); print(json.dumps({'piece': room.piece_id, 'track': room.track, 'cookies': cookies}))")
    out = subprocess.run([sys.executable, "-c", script], env=env, cwd=ROOT, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


async def open_ws(port, piece, cookie, **options):
    return await connect(f"ws://127.0.0.1:{port}/ws/pieces/{piece}/", origin=f"http://127.0.0.1:{port}",
                         additional_headers={"Cookie": f"sessionid={cookie}"}, proxy=None, compression=None,
                         **options)


async def stalled_socket(port, piece, cookie):
    """A client that takes its welcome and then reads nothing: a small receive buffer, one queued message."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect(("127.0.0.1", port))
    sock.setblocking(False)
    ws = await open_ws(port, piece, cookie, sock=sock, max_queue=1)
    welcome = json.loads(await ws.recv())
    return ws, welcome["seq"]


async def read_all(ws, seqs):
    async for text in ws:
        message = json.loads(text)
        if message.get("type") == "event":
            seqs.append(message["seq"])


async def scenario(port, setup, log_path: Path):
    piece, track, (writer_cookie, reader_cookie, stalled_cookie) = setup["piece"], setup["track"], setup["cookies"]
    writer = await open_ws(port, piece, writer_cookie)
    reader = await open_ws(port, piece, reader_cookie)
    stalled, stalled_seq = await stalled_socket(port, piece, stalled_cookie)
    welcome = json.loads(await writer.recv())
    json.loads(await reader.recv())
    seqs = []
    reading = asyncio.create_task(read_all(reader, seqs))

    async def op(cid, ops):
        await writer.send(json.dumps({"type": "op", "client_op_id": cid, "ops": ops}))
        while True:
            message = json.loads(await writer.recv())
            if message.get("client_op_id") != cid:
                continue
            if message["type"] == "ack":
                return message["seq"]
            assert message["code"] == "rate_limited", message
            await asyncio.sleep(message["retry_after"])
            await writer.send(json.dumps({"type": "op", "client_op_id": cid, "ops": ops}))

    head = await op("add", [{"op": "note.add", "id": f"n{i}", "track": track, "start": i * 30, "duration": 30,
                             "pitch": 55 + i % 30, "velocity": 90} for i in range(NOTES)])
    shed = False
    for k in range(300):  # up to ~6 MB of events; the limit is passed long before
        head = await op(f"u{k}", [{"op": "note.update", "id": f"n{i}", "velocity": 1 + (i + k) % 127}
                                  for i in range(NOTES)])
        if "too slow" in log_path.read_text(errors="replace"):
            shed = True
            break
    assert shed, "the stalled client was never closed"
    # It read nothing since its welcome; now it does: what the kernel held, then the end.
    code = None
    try:
        async with asyncio.timeout(30):
            async for _ in stalled:
                pass
    except ConnectionClosed:
        pass
    code = stalled.close_code
    assert code in (TOO_SLOW, 1006), code  # 1006: the close frame was stuck behind the unread bytes
    # The others got every event, in order.
    async with asyncio.timeout(10):
        while not seqs or seqs[-1] < head:
            await asyncio.sleep(0.05)
    assert seqs == list(range(welcome["seq"] + 1, head + 1))
    # The stalled client comes back and catches up from the seq it had.
    back = await open_ws(port, piece, stalled_cookie, max_size=2 ** 24)  # its catch-up is a few MB
    assert json.loads(await back.recv())["seq"] == head
    await back.send(json.dumps({"type": "sync", "since": stalled_seq}))
    while True:
        message = json.loads(await back.recv())
        if message["type"] in ("events", "welcome"):
            break
    assert message["seq"] == head
    if message["type"] == "events":
        assert [e["seq"] for e in message["events"]] == list(range(stalled_seq + 1, head + 1))
    reading.cancel()
    for ws in (writer, reader, back):
        await ws.close()
    return log_path.read_text(errors="replace")


def test_a_stalled_reader_is_closed_and_the_server_backlog_stays_bounded():
    with tempfile.TemporaryDirectory(prefix="shedding-") as tmp:
        env = studio_env(tmp)
        env.update(STUDIO_SEND_BACKLOG_BYTES=str(LIMIT), LOG_LEVEL="WARNING")
        setup = prepare(env)
        port = free_port()
        log_path = Path(tmp) / "daphne.log"
        with Server([sys.executable, "-m", "studio.serve", "--port", str(port)], port=port, env=env,
                    log_path=log_path, cwd=ROOT):
            log = asyncio.run(asyncio.wait_for(scenario(port, setup, log_path), 120))  # fail, never hang
    shed_lines = [line for line in log.splitlines() if "too slow" in line]
    assert len(shed_lines) == 1, shed_lines
    unsent = int(shed_lines[0].split(", ")[1].split(" bytes")[0])
    # Bounded: the limit plus, at most, one event that went out just before the check.
    assert LIMIT < unsent <= LIMIT + 64 * 1024
