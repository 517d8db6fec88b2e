"""Re-folding a piece's log one event at a time, with the state before and after each event."""
from dataclasses import dataclass

from .. import selectors
from ..models import Event
from ..op_schema import OWNER_ONLY_FIELDS
from ..state import DEFAULT_LIMITS, apply_ops

_NO_LIMITS = {name: float("inf") for name in DEFAULT_LIMITS}


@dataclass(frozen=True)
class Step:
    event: Event
    before: dict
    after: dict

    @property
    def kind(self) -> str:
        return history_kind(self.event)


def walk(piece_id: int, *, since: int = 0, until: int | None = None):
    """Yield a Step for each event after ``since`` up to ``until`` (the head when None)."""
    state = selectors.state_at(piece_id=piece_id, seq=since)
    events = Event.objects.filter(piece_id=piece_id, seq__gt=since).order_by("seq")
    if until is not None:
        events = events.filter(seq__lte=until)
    for event in events.iterator(chunk_size=500):
        after = apply_ops(state, event.ops, event.actor, limits=_NO_LIMITS)
        yield Step(event, state, after)
        state = after


def history_kind(event: Event) -> str:
    """The event's kind as a history shows it: an owner's edit of the AI policy is a policy change."""
    if event.kind == "edit" and any(op.get("op") == "piece.update" and set(op) & set(OWNER_ONLY_FIELDS)
                                    for op in event.ops):
        return "policy"
    return event.kind


def touched_notes(step: Step) -> tuple[set, set, set]:
    """(added, changed, removed) note ids of one step, compared by identity: states share
    unchanged note dicts, so this costs a scan only for events that move many notes."""
    before, after = step.before["notes"], step.after["notes"]
    if all(op["op"].startswith("note.") for op in step.event.ops):
        ids = {op["id"] for op in step.event.ops}
    else:
        ids = set(before) | set(after)
    added = {i for i in ids if i in after and i not in before}
    removed = {i for i in ids if i in before and i not in after}
    changed = {i for i in ids if i in before and i in after and before[i] is not after[i]}
    return added, changed, removed
