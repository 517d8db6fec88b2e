"""Writes. Every change to a piece's music goes through ``ops_apply``: one
transaction that takes the piece's sequencer lock, checks, appends one Event
with the next ``seq`` and commits. Callers acknowledge and broadcast only
after it returns, i.e. after commit.
"""
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, OperationalError, transaction

from .. import selectors
from ..errors import StudioError
from ..models import PALETTE, Event, Membership, Piece, Snapshot
from ..op_schema import OpError, normalize_ops, validate_ops, with_ids
from ..permissions import OWNER, ops_refusal
from ..state import apply_ops

DEFAULT_TRACKS = [{"name": "Melody", "program": 0, "pitch_range": [55, 84]}]


@dataclass(frozen=True)
class Applied:
    seq: int
    message: dict  # the `event` broadcast to the room
    duplicate: bool = False  # the client_op_id was seen before: nothing was applied again


def _limits():
    return settings.STUDIO_LIMITS


def piece_create(*, owner, title: str = "Untitled", tempo: int = 120, time_signature=(4, 4),
                 key: str = "C major", bars: int = 8, tracks: list | None = None) -> Piece:
    """A new piece, owned by ``owner``; its settings and tracks are its first event.

    ``key`` may be written as people type it ("e minor", "B♭"); each of ``tracks`` holds track.add's
    fields (name, program, pitch_range, owner, channel, colour, volume, pan)."""
    if Membership.objects.filter(user=owner, role=OWNER).count() >= _limits()["pieces_per_user"]:
        raise StudioError("too_large", f"you own {_limits()['pieces_per_user']} pieces, the most allowed")
    ops = [{"op": "piece.update", "title": title, "tempo": tempo, "time_signature": list(time_signature),
            "key": key, "bars": bars}]
    ops += [{"op": "track.add", **track} for track in (DEFAULT_TRACKS if tracks is None else tracks)]
    ops = normalize_ops(ops)
    validate_ops(ops, max_ops=_limits()["ops_per_message"])
    with transaction.atomic():
        piece = Piece.objects.create(title=title.strip()[:200] or "Untitled", owner=owner)
        Membership.objects.create(piece=piece, user=owner, role=OWNER, colour=PALETTE[0])
    ops_apply(piece_id=piece.pk, user=owner, ops=ops, client_op_id=None, kind="create")
    return piece


def ops_apply(*, piece_id: int, user, ops, client_op_id: str | None, kind: str = "edit",
              actor: dict | None = None, trusted: bool = False, max_ops: int | None = None) -> Applied:
    """Validate, authorize and commit one message of ops as the next event of the piece.

    Re-sending a ``client_op_id`` already committed returns the original ack
    and applies nothing. Raises StudioError; on error nothing is written.
    ``max_ops`` defaults to the per-message limit for clients; server-built
    events (an import) pass their own bound.
    """
    if client_op_id is not None and (not isinstance(client_op_id, str) or not 1 <= len(client_op_id) <= 64):
        raise StudioError("invalid", "client_op_id must be a string of 1 to 64 characters")
    # One step: what people type (a key, a chord symbol) becomes canonical text before anything is checked,
    # so the event stores one spelling; a key or symbol no parser reads refuses the whole message.
    ops = normalize_ops(ops)
    validate_ops(ops, trusted=trusted, max_ops=max_ops or _limits()["ops_per_message"])
    try:
        with transaction.atomic():
            return _commit(piece_id, user, ops, client_op_id, kind, actor)
    except IntegrityError as error:  # a racing duplicate client_op_id, or seq taken by a misconfigured writer
        duplicate = _duplicate(piece_id, client_op_id, user)
        if duplicate:
            return duplicate
        raise StudioError("unavailable", "the edit could not be committed; send it again") from error
    except OperationalError as error:  # database locked or gone: nothing was applied
        raise StudioError("unavailable", f"the database is unavailable ({type(error).__name__}); "
                                         "nothing was applied, send it again") from error


def _commit(piece_id, user, ops, client_op_id, kind, actor):
    # The sequencer: PostgreSQL locks the piece row; SQLite serialises writers at BEGIN IMMEDIATE.
    piece = Piece.objects.select_for_update().filter(pk=piece_id).first()
    if piece is None:
        raise StudioError("not_found", "no such piece")
    duplicate = _duplicate(piece_id, client_op_id, user)
    if duplicate:
        return duplicate
    role = Membership.objects.filter(piece_id=piece_id, user=user).values_list("role", flat=True).first()
    if role is None:
        raise StudioError("not_found", "no such piece")
    state = selectors.head_state(piece_id=piece_id, head_seq=piece.head_seq)
    refusal = ops_refusal(state, ops, user_id=user.pk, role=role)
    if refusal:
        raise StudioError("forbidden", refusal)
    _check_track_owners(piece_id, ops)
    seq = piece.head_seq + 1
    ops = with_ids(ops, seq)
    actor = actor or {"kind": Event.USER, "id": user.pk}
    new_state = apply_ops(state, ops, actor, limits=_limits())
    event = Event.objects.create(piece=piece, seq=seq, actor_kind=actor["kind"], actor_label=actor.get("name", ""),
                                 actor_user=user if actor["kind"] == Event.USER else None,
                                 kind=kind, ops=ops, client_op_id=client_op_id)
    Piece.objects.filter(pk=piece_id).update(head_seq=seq, title=new_state["piece"]["title"],
                                             updated_at=event.created_at)
    if seq % settings.STUDIO_SNAPSHOT_EVERY == 0:
        Snapshot.objects.create(piece=piece, seq=seq, state=new_state)
    transaction.on_commit(lambda: selectors.remember_state(piece_id, seq, new_state))
    return Applied(seq=seq, message=selectors.event_as_message(event))


def _duplicate(piece_id, client_op_id, user) -> Applied | None:
    if client_op_id is None:
        return None
    event = Event.objects.filter(piece_id=piece_id, client_op_id=client_op_id).first()
    if event is None:
        return None
    if event.actor_user_id != user.pk:
        raise StudioError("conflict", "that client_op_id was already used by someone else; pick a fresh one")
    return Applied(seq=event.seq, message=selectors.event_as_message(event), duplicate=True)


def _check_track_owners(piece_id, ops):
    owners = {op["owner"] for op in ops if op["op"] in ("track.add", "track.update") and op.get("owner")}
    if owners and Membership.objects.filter(piece_id=piece_id, user_id__in=owners).count() != len(owners):
        raise OpError("invalid", "a track's owner must be a member of the piece")
