"""What changed in a piece between two points of its history, and who changed it."""
from .. import selectors
from ..errors import StudioError
from .actors import actor_key
from .walk import touched_notes, walk

NOTE_FIELDS = ("track", "start", "duration", "pitch", "velocity")


def piece_diff(*, piece_id: int, head_seq: int, from_seq: int, to_seq: int) -> dict:
    """Notes added, removed and changed from ``from_seq`` to ``to_seq``, each with the actor who
    last touched it in between (for a removed note: who removed it), and the names of the tracks at
    either end (a track imported or deleted in between is named too, never shown by its id)."""
    for name, seq in (("from", from_seq), ("to", to_seq)):
        if not 0 <= seq <= head_seq:
            raise StudioError("invalid", f"{name} must be a seq from 0 to {head_seq}")
    if from_seq > to_seq:
        from_seq, to_seq = to_seq, from_seq
    before = state = selectors.state_at(piece_id=piece_id, seq=from_seq)
    touched_by, removed_by = {}, {}
    for step in walk(piece_id, since=from_seq, until=to_seq):
        who = actor_key(step.event.actor)
        added, changed, removed = touched_notes(step)
        touched_by.update(dict.fromkeys(added | changed, who))
        removed_by.update(dict.fromkeys(removed, who))
        state = step.after
    old, new = before["notes"], state["notes"]
    names = {t["id"]: t["name"] for t in before["tracks"]} | {t["id"]: t["name"] for t in state["tracks"]}
    return {
        "from": from_seq, "to": to_seq, "tracks": [{"id": i, "name": n} for i, n in names.items()],
        "added": [{"note": new[i], "by": touched_by.get(i, "system")} for i in sorted(new.keys() - old.keys())],
        "removed": [{"note": old[i], "by": removed_by.get(i, "system")} for i in sorted(old.keys() - new.keys())],
        "changed": [{"before": old[i], "after": new[i], "by": touched_by.get(i, "system")}
                    for i in sorted(old.keys() & new.keys())
                    if any(old[i].get(f) != new[i].get(f) for f in NOTE_FIELDS)],
    }
