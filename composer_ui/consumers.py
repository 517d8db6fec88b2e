"""The room: one WebSocket per person per open piece (protocol in docs/protocol.md).

Thin by design: parse, authorize, call one service or selector, reply. The
ack goes out only after the service has committed; the room's `event` after
that. No message, however bad, closes the room for others or changes state.
"""
import json
import logging
import time
import uuid

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async as db
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

from . import broadcast, protocol, selectors, services
from .arrivals import arrivals
from .backpressure import SCOPE_KEY, TOO_SLOW, SlowGuard
from .errors import StudioError
from .hub import hub
from .presence import presence
from .ratelimit import TokenBucket

log = logging.getLogger(__name__)
RECHECK_EVERY_SECONDS = 30


class RoomConsumer(AsyncWebsocketConsumer):
    # Room messages reach connections through this process's hub (hub.py), never through a channel
    # of their own: without a layer alias Channels makes no channel per connection and runs no
    # receive loop for it. `channel_name` is only this connection's name (presence, `exclude`).
    channel_layer_alias = None

    async def dispatch(self, message):
        """Channels' dispatch first closes stale database connections, a trip to the database thread
        for every frame and every connect and disconnect; here each database call does that itself
        (database_sync_to_async), so the extra trip, a tenth of a reconnect storm, is skipped."""
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"no handler for message type {message['type']!r}")
        await handler(message)

    async def websocket_disconnect(self, message):
        await self.disconnect(message["code"])  # no groups to discard, no extra trip (see dispatch)
        raise StopConsumer()

    async def connect(self):
        self.channel_name = f"room.{uuid.uuid4().hex}"
        self.piece_id = self.scope["url_route"]["kwargs"]["piece_id"]
        self.user = self.scope.get("user")
        # Join the room's fan-out before reading the state, so no event committed meanwhile is
        # missed; hold what arrives until the welcome is out (the client skips seq it already has).
        # Everything deliver() reads is set before joining: a broadcast may arrive at once.
        self.held = []
        self.shed = False
        broadcast.remember_loop()
        await hub().join(self.piece_id, self)
        try:
            # One trip to the database thread, whose queue is what a reconnect storm waits on.
            entry = await db(selectors.room_entry)(piece_id=self.piece_id, user=self.user)
        except BaseException as error:
            await hub().leave(self.piece_id, self)
            if not isinstance(error, StudioError):
                raise
            await self.close()  # before accept: the handshake is refused (HTTP 403), nothing is sent
            return
        self.you = entry.you
        limits = settings.STUDIO_LIMITS
        self.op_bucket = TokenBucket(limits["ops_per_second"], 2 * limits["ops_per_second"])
        self.presence_bucket = TokenBucket(limits["presence_per_second"], limits["presence_per_second"])
        self.slow_guard = SlowGuard(self.scope.get(SCOPE_KEY), limits["send_backlog_bytes"])
        self.rechecked = time.monotonic()
        present = await presence().enter(self.piece_id, self.user.pk, self.channel_name)
        await self.accept()
        await self.send_json(self.welcome(entry, present))
        self.slow_guard.after_bulk_send()
        held, self.held = self.held, None
        for text in held:
            await self.send(text_data=text)
        # Proposals that came while this client was away (or while the channel layer was down).
        for message in entry.open_jobs:
            await self.send_json(message)
        arrivals().arrived(self.piece_id, self.you)

    async def disconnect(self, code):
        if not hasattr(self, "you"):
            return
        await hub().leave(self.piece_id, self)
        await presence().leave(self.piece_id, self.channel_name)
        arrivals().departed(self.piece_id, self.user.pk)

    async def receive(self, text_data=None, bytes_data=None):
        message = {}
        try:
            message = protocol.parse_frame(text_data, max_bytes=settings.STUDIO_LIMITS["message_bytes"])
            await getattr(self, "on_" + message["type"])(message)
            await self.recheck_membership()
        except StudioError as error:
            await self.send_error(error, protocol.client_op_id_of(message))
        except Exception:  # never let one message kill the connection or the room
            log.exception("room %s: message failed", self.piece_id)
            await self.send_error(StudioError("unavailable", "the server failed on this message; nothing was "
                                                             "applied"), protocol.client_op_id_of(message))

    # -- client messages ----------------------------------------------------------

    async def on_op(self, message):
        self.limit(self.op_bucket)
        self.refuse_while_busy()
        client_op_id, ops, intent = protocol.parse_op(message)
        applied = await db(services.ops_apply)(piece_id=self.piece_id, user=self.user, ops=ops,
                                                client_op_id=client_op_id, kind=intent)
        # Committed: now, and only now, tell the room and acknowledge. The room goes first so
        # events leave this process in commit order as far as possible (fewer resyncs).
        if not applied.duplicate:
            await self.tell_room(applied.message)
        await self.send_json(protocol.ack_message(client_op_id, applied.seq, duplicate=applied.duplicate))

    async def on_sync(self, message):
        self.limit(self.op_bucket)
        head_seq, since, events = await db(self._missed_events)(message)
        if events is None:
            await self.send_welcome()
        else:
            await self.send_json(protocol.events_message(since=since, seq=head_seq, events=events))
        self.slow_guard.after_bulk_send()  # asked for: its own size is not falling behind

    async def on_presence(self, message):
        self.limit(self.presence_bucket)
        cleaned = protocol.parse_presence(message)
        await broadcast.to_room(self.piece_id, protocol.presence_message(self.user.pk, cleaned),
                                exclude=self.channel_name)

    async def on_ping(self, message):
        await self.send_json(protocol.pong_message())

    # -- the AI partner -------------------------------------------------------------

    async def on_generate(self, message):
        self.limit(self.op_bucket)
        fields = protocol.parse_generate(message)
        job = await db(services.generation_request)(piece_id=self.piece_id, user=self.user, **fields)
        await self.announce_job(job)

    async def on_regenerate(self, message):
        self.limit(self.op_bucket)
        job, set_aside = await db(services.generation_regenerate)(piece_id=self.piece_id, user=self.user,
                                                                  **protocol.parse_regenerate(message))
        if set_aside is not None:
            await self.announce_job(set_aside)  # everyone closes the proposal it replaces
        await self.announce_job(job)

    async def on_cancel(self, message):
        job = await db(services.job_cancel)(piece_id=self.piece_id, job_id=protocol.parse_cancel(message),
                                            user=self.user)
        await self.announce_job(job)

    async def on_decide(self, message):
        self.limit(self.op_bucket)
        job, applied = await db(services.proposal_decide)(piece_id=self.piece_id, user=self.user,
                                                           **protocol.parse_decide(message))
        if applied is not None:
            await self.tell_room(applied.message)
        await self.announce_job(job)
        await self.send_json(protocol.decided_message(job, seq=applied.seq if applied else None))

    async def announce_job(self, job):
        await self.tell_room(await db(selectors.job_as_message)(job))

    async def tell_room(self, message):
        """Tell the room about a change already committed. If the layer cannot take it (Redis
        restarting), the room repairs the gap with `sync`; the sender must still get its answer,
        never an `unavailable` that says nothing was applied (it would re-send and, for a
        generate, ask twice)."""
        try:
            await broadcast.to_room(self.piece_id, message)
        except Exception:
            log.exception("room %s: broadcast after commit failed", self.piece_id)

    # -- group messages -----------------------------------------------------------

    async def deliver(self, text: str):
        """A room message from this process's hub; a connection too far behind is closed instead."""
        if self.shed:
            return
        if self.held is not None:
            self.held.append(text)
        elif self.slow_guard.too_slow():
            await self.shed_too_slow()
        else:
            await self.send(text_data=text)

    async def shed_too_slow(self):
        """Stop queueing for a reader that cannot keep up (memory stays bounded) and close it with 4008:
        the client reconnects and catches up with `sync` (backpressure.py)."""
        self.shed = True
        log.warning("room %s: closing %s, %d bytes unsent (too slow)", self.piece_id, self.channel_name,
                    self.slow_guard.backlog())
        await hub().leave(self.piece_id, self)
        await self.close(code=TOO_SLOW)

    async def members_changed(self, event):
        if event.get("user_id") in (None, self.user.pk):
            try:
                self.you = selectors.member_as_dict(
                    await db(selectors.membership_get)(piece_id=self.piece_id, user=self.user))
            except StudioError:
                await self.send_error(StudioError("forbidden", "you are no longer a member of this piece"))
                await self.close(code=4403)
                return
        members = await db(selectors.members_list)(piece_id=self.piece_id)
        await self.send_json(protocol.members_message(members=members, you=self.you))

    # -- helpers --------------------------------------------------------------------

    def _missed_events(self, message):
        # Reads are authorized per message too: a member removed while connected gets not_found.
        selectors.membership_get(piece_id=self.piece_id, user=self.user)
        head_seq, _ = selectors.piece_state(piece_id=self.piece_id)
        since = protocol.parse_sync(message, head_seq=head_seq)
        most = settings.STUDIO_LIMITS["sync_events_max"]
        if head_seq - since > most:
            return head_seq, since, None  # a fresh welcome is cheaper than the tail
        return head_seq, since, selectors.events_since(piece_id=self.piece_id, since=since, limit=most)

    def welcome(self, entry: selectors.RoomEntry, present: list[int]) -> dict:
        return protocol.welcome_message(piece_id=self.piece_id, seq=entry.seq, state=entry.state, you=entry.you,
                                        members=entry.members, present=present, limits=settings.STUDIO_LIMITS)

    async def send_welcome(self):
        entry = await db(selectors.room_entry)(piece_id=self.piece_id, user=self.user)
        await self.send_json(self.welcome(entry, await presence().present(self.piece_id)))
        self.slow_guard.after_bulk_send()

    async def recheck_membership(self):
        """Still a member? If the members broadcast of a removal was lost, close now."""
        if time.monotonic() - self.rechecked > RECHECK_EVERY_SECONDS:
            self.rechecked = time.monotonic()
            try:
                await db(selectors.membership_get)(piece_id=self.piece_id, user=self.user)
            except StudioError:
                await self.members_changed({"user_id": self.user.pk})

    def refuse_while_busy(self):
        """Shed load at its source while the process is overloaded (hub.busy): the sender re-sends later."""
        wait = hub().busy()
        if wait:
            raise StudioError("rate_limited", "the server is busy; try again shortly", retry_after=wait)

    def limit(self, bucket):
        wait = bucket.take()
        if wait:
            raise StudioError("rate_limited", "too many messages; slow down", retry_after=round(wait, 3))

    async def send_json(self, message):
        await self.send(text_data=json.dumps(message, separators=(",", ":")))

    async def send_error(self, error: StudioError, client_op_id=None):
        await self.send_json(protocol.error_message(error, client_op_id=client_op_id))
