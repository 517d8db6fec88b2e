"""One room connection driven with hostile frames, and the invariants checked after every frame.

After each frame the harness sends a `ping` and reads up to its `pong`, so it knows the consumer
is alive and has finished the frame. Then:
- a refusal is exactly one `error` with a known code (never `unavailable`, which means the server
  failed) and a message, and the piece's head seq and folded state are what they were;
- anything else changed the head by exactly what it acknowledged (one `ack` or accepted `decide`
  adds one event; a duplicate, a sync, a presence or a ping add none);
- nothing was logged at ERROR (an exception the consumer caught and logged is a failure too), and
  the socket was never closed. An exception escaping the consumer surfaces in `receive_output`.
At checkpoints the head state must equal a fresh replay of the whole log.
"""
import json
import re

from channels.db import database_sync_to_async as db
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis.strategies import lists

from composer_ui import selectors, services
from composer_ui.errors import CODES
from composer_ui.models import Event, GenerationJob
from composer_ui.state import replay

from .strategies import FUZZ_TRACKS, JOB_MARKER, NOTE_IDS

SENT = {"messages": 0, "refused": 0, "accepted": 0, "seed": None}
DIRECT = ("error", "ack", "events", "welcome", "decided")  # answers to the frame itself
_JOB_REF = re.compile('"' + re.escape(JOB_MARKER) + r'(\d+)"')


def generated(strategy, count: int, seed_value: int, *, batch: int = 10) -> list:
    """``count`` examples of a hypothesis strategy (generation only: the frames go out afterwards).

    Drawn ``batch`` at a time: hypothesis' cost is mostly per example, so lists of ten are ~4x
    cheaper per frame than single frames.
    """
    found = []
    for round_ in range(100):
        if len(found) >= count:
            break

        @seed(seed_value + round_)
        @settings(max_examples=-(-(count - len(found)) // batch), database=None, phases=[Phase.generate],
                  deadline=None, suppress_health_check=list(HealthCheck))
        @given(lists(strategy, min_size=batch, max_size=batch))
        def collect(examples):
            found.extend(examples)

        collect()
    return found[:count]


def fuzz_piece_build(owner, *, editors=(), viewers=()):
    """A piece with three tracks and a few notes, all with the ids the strategies draw from."""
    from tests.composer_ui.factories import make_piece

    piece = make_piece(owner, editors=editors, viewers=viewers, bars=16)
    ops = [{"op": "track.add", "id": track, "name": track} for track in FUZZ_TRACKS[1:]]
    ops += [{"op": "note.add", "id": note, "track": FUZZ_TRACKS[i % 3], "start": i * 240, "duration": 240,
             "pitch": 48 + i} for i, note in enumerate(NOTE_IDS[:8])]
    services.ops_apply(piece_id=piece.pk, user=owner, ops=ops, client_op_id=None)
    return piece


def head_snapshot(piece_id: int) -> tuple[int, str]:
    seq, state = selectors.piece_state(piece_id=piece_id)
    return seq, json.dumps(state, sort_keys=True)  # jsonb (snapshots) does not keep key order


def log_replay_matches_head(piece_id: int) -> bool:
    events = Event.objects.filter(piece_id=piece_id).order_by("seq")
    replayed = replay((e.ops, e.actor) for e in events.iterator())
    selectors.forget_states()  # the head is folded afresh from the log, not read from the cache
    return replayed == selectors.piece_state(piece_id=piece_id)[1]


def drain_jobs(piece_id: int) -> None:
    """Cancel the piece's unfinished jobs and wait for the in-process pool to go idle."""
    from composer_ui import jobs

    GenerationJob.objects.filter(piece_id=piece_id, status__in=GenerationJob.ACTIVE).update(
        status=GenerationJob.CANCELLED, reason="test over")
    jobs.embedded_pools_drained(timeout=60)


def _expects_pong(text: str) -> bool:
    """Is this frame itself a ping the server will answer (JSON's last duplicate key wins)?"""
    try:
        message = json.loads(text, parse_constant=lambda name: 1 / 0)
    except (ValueError, RecursionError, ZeroDivisionError):
        return False
    return isinstance(message, dict) and message.get("type") == "ping"


class HostileRoom:
    def __init__(self, communicator, piece_id: int, error_log: list, *, timeout: float = 20):
        self.ws, self.piece_id, self.errors, self.timeout = communicator, piece_id, error_log, timeout
        self.jobs: list[int] = []
        self.head = None

    async def start(self):
        self.head = await db(head_snapshot)(self.piece_id)
        return self

    async def send(self, text: str) -> dict | None:
        """Send one frame; return the error it got (None when it was not refused)."""
        text = _JOB_REF.sub(lambda m: str(self.jobs[int(m[1]) % len(self.jobs)] if self.jobs else 10**9), text)
        await self.ws.send_input({"type": "websocket.receive", "text": text})  # send_to() refuses ""
        await self.ws.send_to(text_data='{"type":"ping"}')
        direct = await self._replies(pongs=2 if _expects_pong(text) else 1, frame=text)
        SENT["messages"] += 1
        assert not self.errors, f"logged at ERROR after {text[:300]!r}: {[r.getMessage() for r in self.errors]}"
        before, self.head = self.head, await db(head_snapshot)(self.piece_id)
        errors = [m for m in direct if m["type"] == "error"]
        if errors:
            SENT["refused"] += 1
            error = errors[0]
            assert len(direct) == 1, f"a refusal comes alone: {direct} for {text[:300]!r}"
            assert error["code"] in CODES and error["code"] != "unavailable", f"{error} for {text[:300]!r}"
            assert isinstance(error.get("message"), str) and error["message"], error
            assert self.head == before, f"refused but the piece changed: {error} for {text[:300]!r}"
            return error
        SENT["accepted"] += 1
        grew = sum(1 for m in direct if (m["type"] == "ack" and not m.get("duplicate"))
                   or (m["type"] == "decided" and m.get("seq")))
        assert self.head[0] == before[0] + grew, f"head {before[0]} -> {self.head[0]} after {direct} for {text[:300]!r}"
        if not grew:
            assert self.head == before, f"nothing acknowledged, yet the piece changed: {text[:300]!r}"
        return None

    async def _replies(self, *, pongs: int, frame: str) -> list[dict]:
        direct = []
        while pongs:
            output = await self.ws.receive_output(timeout=self.timeout)
            assert output["type"] == "websocket.send", f"the room closed the socket: {output} after {frame[:300]!r}"
            message = json.loads(output["text"])
            if message["type"] == "pong":
                pongs -= 1
            elif message["type"] in DIRECT:
                direct.append(message)
            elif message["type"] == "job" and message["job_id"] not in self.jobs:
                self.jobs.append(message["job_id"])
        return direct

    async def assert_log_replays_to_head(self):
        assert await db(log_replay_matches_head)(self.piece_id), "the head state differs from a replay of the log"
