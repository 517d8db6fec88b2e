"""F6: one client stops reading its socket while the room keeps editing (60 s nightly, less in CI).

Its kernel buffers fill, then whatever the server still holds for it is server memory. That must
stay bounded: the server closes the stalled connection ("too slow", composer_ui/backpressure.py)
or holds little enough; the others' edits and broadcasts go on unaffected; and when the stalled
client reads again it catches up (reconnect + welcome, or `sync`) with the same piece as everyone."""
import asyncio

import pytest
from channels.db import database_sync_to_async as db

from composer_ui import services
from tests.deploy.cluster import piece_with_editors

from .storm import LONG, close_clients, converge, open_clients

pytestmark = [pytest.mark.production_path, pytest.mark.django_db(transaction=True)]
WRITERS = 4
NOTES = 500  # every edit moves all of them: ~45 KB per event, so the stalled reader falls behind fast
# 2 edits a second per writer (8 of 45 KB, to 5 clients): 4 a second outran what a slower 2-core machine
# (an AVX2-only EPYC) fans out, so the writers themselves were still 38 events behind when the check began,
# stalled reader or not. 20 s leaves as much unread as 12 s did at 4 a second.
STALL_SECONDS = 60 if LONG else 20
MIB = 1024 * 1024


def crowded_piece():
    piece, keys, track = piece_with_editors(WRITERS + 1, prefix="f6-")
    services.ops_apply(piece_id=piece.pk, user=piece.owner, client_op_id=None, ops=[
        {"op": "note.add", "id": f"n{i}", "track": track, "start": 120 * (i % 120), "duration": 120, "pitch": 60 + i % 12}
        for i in range(NOTES)])
    return piece, keys


async def move_everything(writers, *, seconds: float, per_writer_rate: float) -> int:
    """Each writer transposes all the notes now and then: big events for every listener."""
    sent = 0

    async def one(index, client):
        nonlocal sent
        loop = asyncio.get_running_loop()
        end, i = loop.time() + seconds, 0
        while loop.time() < end:
            i += 1
            shift = (index * 7 + i) % 24
            await client.send_op(f"{client.name}-{i}", [
                {"op": "note.update", "id": f"n{n}", "start": 120 * (n % 120), "duration": 120,
                 "pitch": 48 + (n + shift) % 36, "velocity": 64 + shift} for n in range(NOTES)])
            sent += 1
            await asyncio.sleep(1 / per_writer_rate)

    await asyncio.gather(*(one(i, c) for i, c in enumerate(writers)))
    return sent


async def test_a_stalled_reader_costs_bounded_memory_and_slows_no_one(healthy):
    topology = healthy.topology
    web = topology.web[0]
    piece, keys = await db(crowded_piece)()
    stalled, = await open_clients(topology.urls[:1], piece.pk, keys[:1], prefix="f6-stalled", read=False, rcvbuf=4096)
    writers = await open_clients(topology.urls, piece.pk, keys[1:], prefix="f6w")
    try:
        rss_before, peak = web.rss(), 0

        async def watch_memory():
            nonlocal peak
            while True:
                peak = max(peak, web.rss())
                await asyncio.sleep(0.25)

        watcher = asyncio.create_task(watch_memory())
        sent = await move_everything(writers, seconds=STALL_SECONDS, per_writer_rate=2.0)
        watcher.cancel()
        # The others were not held back: every op they sent is answered and they hold the same piece.
        head = await converge(writers, piece.pk)
        unread = min(w.bytes_received for w in writers) - stalled.bytes_received  # what it did not take
        growth = peak - rss_before
        print(f"F6: {sent} edits of {NOTES} notes in {STALL_SECONDS} s, {unread / MIB:.1f} MiB unread by the "
              f"stalled client; web process RSS {rss_before / MIB:.0f} -> peak {peak / MIB:.0f} MiB; "
              f"stalled client's close codes {stalled.closes}")
        # Kernel buffers hide the first few MiB, so the bound bites in the long form, where far more
        # goes unread (without the 'too slow' close the server would hold nearly all of it).
        assert growth < 16 * MIB, "the server kept what the stalled client did not read"
        # Reading again, it catches up with everyone.
        stalled.read = True
        await converge([stalled, *writers], piece.pk)
        print(f"F6: the stalled client caught up at seq {stalled.seq} after {stalled.connects} connection(s), "
              f"close codes {stalled.closes}")
        assert stalled.seq == head or stalled.seq > head
    finally:
        await close_clients([stalled, *writers])
