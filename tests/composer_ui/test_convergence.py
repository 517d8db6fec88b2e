"""Several simulated clients send random, conflicting, duplicated and re-sent ops,
lose broadcasts, reconnect and resync; at the end every client's state equals
the server's replay of the log, and the log's seq is contiguous.
"""
import asyncio
import itertools

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async as db
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from composer_ui.models import Event
from composer_ui.state import apply_ops, replay

from ..conftest import reset_channel_layers
from .factories import first_track_id, make_piece, make_user, room

pytestmark = pytest.mark.django_db(transaction=True)
CLIENTS = 3
NOTE_IDS = [f"n{i}" for i in range(5)]


class SimClient:
    """What a browser tab does with the protocol: apply events in seq order, resync on gaps."""

    def __init__(self, ws):
        self.ws, self.seq, self.state, self.syncing = ws, ws.welcome["seq"], ws.welcome["state"], False
        self.last_sent = None

    async def pump(self, drop=False):
        """Read everything waiting; ``drop`` loses it, like an over-capacity channel layer."""
        while not await self.ws.receive_nothing(timeout=0.02):
            message = await self.ws.receive_json_from()
            if not drop:
                await self.handle(message)

    async def handle(self, message):
        kind = message["type"]
        if kind == "welcome":
            self.seq, self.state, self.syncing = message["seq"], message["state"], False
        elif kind == "events":
            self.syncing = False
            for event in message["events"]:
                self.apply(event)
        elif kind == "event":
            if message["seq"] > self.seq + 1 and not self.syncing:
                self.syncing = True  # a gap: something was lost, ask for it
                await self.ws.send_json_to({"type": "sync", "since": self.seq})
            else:
                self.apply(message)

    def apply(self, event):
        if event["seq"] == self.seq + 1:
            self.state = apply_ops(self.state, event["ops"], event["actor"], limits={"notes_per_piece": 10**9})
            self.seq = event["seq"]

    async def send(self, client_op_id, ops):
        self.last_sent = (client_op_id, ops)
        await self.ws.send_json_to({"type": "op", "client_op_id": client_op_id, "ops": ops})

    async def settle(self):
        await self.pump()
        await self.ws.send_json_to({"type": "sync", "since": self.seq})
        while True:
            message = await self.ws.receive_json_from(timeout=3)
            await self.handle(message)
            if message["type"] in ("events", "welcome"):
                break


op_spec = st.one_of(
    st.tuples(st.just("add"), st.sampled_from(NOTE_IDS), st.integers(0, 60), st.integers(0, 127)),
    st.tuples(st.just("move"), st.sampled_from(NOTE_IDS), st.integers(0, 60), st.integers(0, 127)),
    st.tuples(st.just("delete"), st.sampled_from(NOTE_IDS), st.just(0), st.just(0)),
)
action = st.one_of(
    st.tuples(st.just("op"), st.integers(0, CLIENTS - 1), st.lists(op_spec, min_size=1, max_size=2)),
    st.tuples(st.just("resend"), st.integers(0, CLIENTS - 1), st.none()),
    st.tuples(st.just("drop"), st.integers(0, CLIENTS - 1), st.none()),
    st.tuples(st.just("reconnect"), st.integers(0, CLIENTS - 1), st.none()),
)


def build_ops(specs, track):
    ops = []
    for kind, note_id, sixteenth, pitch in specs:
        if kind == "add":
            ops.append({"op": "note.add", "id": note_id, "track": track, "start": sixteenth * 120,
                        "duration": 240, "pitch": pitch})
        elif kind == "move":
            ops.append({"op": "note.update", "id": note_id, "start": sixteenth * 120, "pitch": pitch})
        else:
            ops.append({"op": "note.delete", "id": note_id})
    return ops


async def simulate(script):
    reset_channel_layers()  # each example runs in a fresh event loop
    def setup():
        users = [make_user() for _ in range(CLIENTS - 1)]
        piece = make_piece(editors=users)
        return piece, [piece.owner, *users], first_track_id(piece.pk)

    piece, users, track = await db(setup)()
    ids = itertools.count()
    contexts = [room(user, piece.pk) for user in users]
    clients = [SimClient(await ctx.__aenter__()) for ctx in contexts]
    try:
        for kind, index, payload in script:
            client = clients[index]
            if kind == "op":
                await client.send(f"c{index}-{next(ids)}", build_ops(payload, track))
            elif kind == "resend" and client.last_sent:
                await client.send(*client.last_sent)
            elif kind == "drop":
                await asyncio.sleep(0.02)
                await client.pump(drop=True)
            elif kind == "reconnect":
                await contexts[index].__aexit__(None, None, None)
                contexts[index] = room(users[index], piece.pk)
                fresh = SimClient(await contexts[index].__aenter__())
                fresh.seq, fresh.state = client.seq, client.state  # keep what it had; catch up by sync
                clients[index] = fresh
            for other in clients:
                await other.pump()
        for client in clients:
            await client.settle()
    finally:
        for ctx in contexts:
            await ctx.__aexit__(None, None, None)

    def log():
        return list(Event.objects.filter(piece=piece).order_by("seq"))

    events = await db(log)()
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    client_ids = [e.client_op_id for e in events if e.client_op_id]
    assert len(client_ids) == len(set(client_ids)), "a re-sent op was applied twice"
    truth = replay((e.ops, e.actor) for e in events)
    for client in clients:
        assert client.seq == len(events) and client.state == truth


@hsettings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(script=st.lists(action, min_size=3, max_size=18))
def test_clients_converge_to_the_replayed_log(script):
    async_to_sync(simulate)(script)
