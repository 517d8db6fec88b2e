"""Reads: pieces, members, events and the folded state of a piece."""
import functools
import time
from collections import OrderedDict
from dataclasses import dataclass

from django.conf import settings
from django.db import connection

from . import protocol
from .errors import StudioError
from .models import Event, GenerationJob, Membership, Piece, PieceVideo, Snapshot
from .regions import region_touched
from .state import empty_state, replay, track_colours, upgrade_state

# Folded states by piece, newest used last. States are never mutated, so they
# can be shared; a stale entry is caught up by folding only the missing events.
_STATES: "OrderedDict[int, tuple[int, dict]]" = OrderedDict()
_STATES_MAX = 256


def membership_get(*, piece_id: int, user) -> Membership:
    """The user's membership, or not_found: non-members learn nothing, not even that the piece exists."""
    if not getattr(user, "is_authenticated", False):
        raise StudioError("not_found", "no such piece")
    membership = (Membership.objects.select_related("piece", "user")
                  .filter(piece_id=piece_id, user=user).first())
    if membership is None:
        raise StudioError("not_found", "no such piece")
    return membership


def memberships_for_user(*, user):
    return (Membership.objects.filter(user=user).select_related("piece", "piece__owner")
            .order_by("-piece__updated_at"))


def user_display_name(user) -> str:
    return user.first_name or user.username


def member_as_dict(membership: Membership) -> dict:
    return {"id": membership.user_id, "name": user_display_name(membership.user),
            "role": membership.role, "colour": membership.colour}


def members_list(*, piece_id: int) -> list[dict]:
    return [member_as_dict(m) for m in
            Membership.objects.filter(piece_id=piece_id).select_related("user").order_by("joined_at", "id")]


# Members lists by piece, current while the piece's members_version matches; the age bound covers a
# display name changed outside the studio's services (the admin), which bumps no version.
_MEMBERS: "OrderedDict[int, tuple[int, float, list[dict]]]" = OrderedDict()
_MEMBERS_MAX_AGE_SECONDS = 60


def members_at_version(*, piece_id: int, version: int) -> list[dict]:
    cached = _MEMBERS.get(piece_id)
    if cached and cached[0] == version and time.monotonic() - cached[1] < _MEMBERS_MAX_AGE_SECONDS:
        _MEMBERS.move_to_end(piece_id)
        return cached[2]
    members = members_list(piece_id=piece_id)
    _MEMBERS[piece_id] = (version, time.monotonic(), members)
    while len(_MEMBERS) > _STATES_MAX:
        _MEMBERS.popitem(last=False)
    return members


@dataclass(frozen=True)
class RoomEntry:
    you: dict
    seq: int
    state: dict
    members: list[dict]
    open_jobs: list[dict]


def room_entry(*, piece_id: int, user) -> RoomEntry:
    """What a connection needs to enter a room, or not_found for a non-member.

    The hot path of a reconnect storm (a thousand of these in seconds, on the one thread a Channels
    process gives the ORM), so: membership, head seq and members version in one query; the state
    and the members list from this process's caches when current; open jobs only when there are any.
    """
    row = None
    if getattr(user, "is_authenticated", False) and 0 < piece_id < 2 ** 63:
        with connection.cursor() as cursor:
            cursor.execute(_entry_sql(), [*_OPEN_JOB_STATUSES, piece_id, user.pk])
            row = cursor.fetchone()
    if row is None:
        raise StudioError("not_found", "no such piece")
    role, colour, head_seq, members_version, any_open_jobs = row
    return RoomEntry(you={"id": user.pk, "name": user_display_name(user), "role": role, "colour": colour},
                     seq=head_seq, state=head_state(piece_id=piece_id, head_seq=head_seq),
                     members=members_at_version(piece_id=piece_id, version=members_version),
                     open_jobs=open_job_messages(piece_id=piece_id) if any_open_jobs else [])


_OPEN_JOB_STATUSES = (*GenerationJob.ACTIVE, GenerationJob.READY)  # asked for, or ready to decide


@functools.cache
def _entry_sql() -> str:
    """Membership, head seq, members version and whether any AI request is open, in one statement.

    Written as SQL because the ORM compiles every query anew, and on the 2-core machine compiling
    cost far more than running: ~0.45 ms for the membership as a values() query plus ~0.4 ms for an
    exists(), against ~0.05 ms for this; a reconnect storm runs it a thousand times in seconds.
    tests/composer_ui/test_room_entry.py checks it against the ORM's answers.
    """
    quote = connection.ops.quote_name
    statuses = ", ".join(["%s"] * len(_OPEN_JOB_STATUSES))
    membership, piece, job = (quote(model._meta.db_table) for model in (Membership, Piece, GenerationJob))
    return (f"SELECT m.role, m.colour, p.head_seq, p.members_version, "
            f"EXISTS (SELECT 1 FROM {job} j WHERE j.piece_id = p.id AND j.status IN ({statuses})) "
            f"FROM {membership} m JOIN {piece} p ON p.id = m.piece_id WHERE m.piece_id = %s AND m.user_id = %s")


def events_since(*, piece_id: int, since: int, limit: int = 1000) -> list[dict]:
    events = Event.objects.filter(piece_id=piece_id, seq__gt=since).order_by("seq")[:limit]
    return [protocol.event_message(e) for e in events]


def state_at(*, piece_id: int, seq: int) -> dict:
    """The piece exactly as it was after event ``seq``: nearest snapshot, then the fold."""
    snapshot = Snapshot.objects.filter(piece_id=piece_id, seq__lte=seq).order_by("-seq").first()
    base_seq, base = (snapshot.seq, _snapshot_state(piece_id, snapshot)) if snapshot else (0, empty_state())
    return _fold(piece_id, base, base_seq, seq)


def _snapshot_state(piece_id: int, snapshot: Snapshot) -> dict:
    """The snapshot's state; one stored before piece model v2 gets the defaults a replay gives. Its tracks'
    colours depended on which tracks existed when each was added, so those come from the log's track ops."""
    state = snapshot.state
    if upgrade_state(state) is state:
        return state
    colours = None
    if any("colour" not in track for track in state["tracks"]):
        ops = (Event.objects.filter(piece_id=piece_id, seq__lte=snapshot.seq).order_by("seq")
               .values_list("ops", flat=True))
        colours = track_colours(ops.iterator(chunk_size=500))
    return upgrade_state(state, colours)


def head_state(*, piece_id: int, head_seq: int) -> dict:
    """The state at ``head_seq``, from the in-process cache when it is current."""
    cached = _STATES.get(piece_id)
    if cached and cached[0] == head_seq:
        _STATES.move_to_end(piece_id)
        return cached[1]
    if cached and cached[0] < head_seq and head_seq - cached[0] <= settings.STUDIO_SNAPSHOT_EVERY:
        state = _fold(piece_id, cached[1], cached[0], head_seq)
    else:
        state = state_at(piece_id=piece_id, seq=head_seq)
    remember_state(piece_id, head_seq, state)
    return state


def piece_state(*, piece_id: int) -> tuple[int, dict]:
    head_seq = Piece.objects.values_list("head_seq", flat=True).get(pk=piece_id)
    return head_seq, head_state(piece_id=piece_id, head_seq=head_seq)


def remember_state(piece_id: int, seq: int, state: dict) -> None:
    _STATES[piece_id] = (seq, state)
    _STATES.move_to_end(piece_id)
    while len(_STATES) > _STATES_MAX:
        _STATES.popitem(last=False)


def forget_states() -> None:
    """Drop this process's caches (tests: a new database reuses piece ids)."""
    _STATES.clear()
    _MEMBERS.clear()


def _fold(piece_id: int, base: dict, base_seq: int, seq: int) -> dict:
    events = (Event.objects.filter(piece_id=piece_id, seq__gt=base_seq, seq__lte=seq)
              .order_by("seq").only("ops", "actor_kind", "actor_user_id", "actor_label"))
    return replay(((e.ops, e.actor) for e in events.iterator()), base)


def invites_list(*, piece_id: int, user):
    """The piece's invites; only its owner may see the links."""
    membership = membership_get(piece_id=piece_id, user=user)
    if membership.role != "owner":
        raise StudioError("forbidden", "only the piece's owner sees its invite links")
    return list(membership.piece.invites.order_by("-created_at"))


def region_changed_since(*, piece_id: int, seq: int, region) -> bool:
    """Did any event after ``seq`` change something inside ``region``?"""
    events = Event.objects.filter(piece_id=piece_id, seq__gt=seq).order_by("seq")
    if not events.exists():
        return False
    base = state_at(piece_id=piece_id, seq=seq)
    return region_touched(base, ((e.ops, e.actor) for e in events.iterator()), region)


def proposal_is_stale(job: GenerationJob) -> bool:
    """Did anyone change the job's region since the AI was asked (its ``base_seq``)?"""
    return region_changed_since(piece_id=job.piece_id, seq=job.base_seq, region=job.region)


def job_as_message(job: GenerationJob) -> dict:
    """The `job` message, its description naming the tracks as the piece calls them now."""
    _, state = piece_state(piece_id=job.piece_id)
    what = f"chords for {job.region.describe(state)}" if job.operation == "chords" else job.region.describe(state)
    return protocol.job_message(job, description=f"AI is writing {what}")


def proposal_as_message(job: GenerationJob) -> dict:
    """The `proposal` message of a ready job, stale or not as of now."""
    return protocol.proposal_message(job, stale=proposal_is_stale(job))


def jobs_for_piece(*, piece_id: int, limit: int = 50):
    return list(GenerationJob.objects.filter(piece_id=piece_id).select_related("proposal")
                .order_by("-created_at")[:limit])


def job_get(*, piece_id: int, job_id: int):
    job = GenerationJob.objects.filter(piece_id=piece_id, pk=job_id).first()
    if job is None:
        raise StudioError("not_found", "no such job")
    return job


def open_job_messages(*, piece_id: int, limit: int = 10) -> list[dict]:
    """`job` (and, when ready, `proposal`) messages for the piece's unfinished AI requests, oldest
    first: what a (re)joining client needs to see proposals that arrived while it was away."""
    jobs = list(GenerationJob.objects.filter(piece_id=piece_id, status__in=_OPEN_JOB_STATUSES)
                .select_related("proposal").order_by("-created_at")[:limit])
    messages = []
    for job in reversed(jobs):
        messages.append(job_as_message(job))
        if job.status == GenerationJob.READY:
            messages.append(proposal_as_message(job))
    return messages


def piece_video(*, piece_id: int, user):
    """The piece's video (PieceVideo) or None; members only (others: not_found)."""
    membership_get(piece_id=piece_id, user=user)
    return PieceVideo.objects.filter(piece_id=piece_id).first()
