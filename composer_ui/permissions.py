"""Who may send which ops: a pure check over the state before the ops apply."""
from .op_schema import OWNER_ONLY_FIELDS

OWNER, EDITOR, VIEWER, RESEARCHER = "owner", "editor", "viewer", "researcher"
ROLES = (OWNER, EDITOR, VIEWER, RESEARCHER)
EDIT_ROLES = (OWNER, EDITOR)
# Who may read a piece's whole history, analytics and research exports. A researcher
# watches the room like a viewer and never edits: studying a session must not change it.
HISTORY_ROLES = (OWNER, RESEARCHER)


def locked_tracks(state: dict, *, user_id: int, role: str) -> set:
    """The tracks whose notes ``user_id`` may not edit: all of them for those who only watch, and with
    "own tracks only" on, every track not assigned to them (the owner is never locked out).
    static/js/core/rules.js applies the same rule to grey out tracks and refuse gestures early."""
    if role not in EDIT_ROLES:
        return {t["id"] for t in state["tracks"]}
    if role == OWNER or not state["piece"].get("own_tracks_only"):
        return set()
    return {t["id"] for t in state["tracks"] if t.get("owner") != user_id}


def ops_refusal(state: dict, ops: list, *, user_id: int, role: str) -> str | None:
    """Return why ``user_id`` may not apply ``ops``, or None when they may.

    Notes belong to tracks; everything else (tracks and their order, bars, piece settings, the chord lane,
    cues and the tempo map) is a piece-level edit: editors and the owner may make it, and with "own
    tracks only" on, only the owner.
    """
    if role not in EDIT_ROLES:
        return f"{role}s can watch and play, but not edit"
    if role == OWNER:
        return None
    if any(op.get("op") == "piece.update" and set(op) & set(OWNER_ONLY_FIELDS) for op in ops):
        return "only the owner changes the classroom settings ('own tracks only' and the AI policy)"
    if not state["piece"].get("own_tracks_only"):
        return None
    locked = locked_tracks(state, user_id=user_id, role=role)
    known = {t["id"] for t in state["tracks"]}
    added = {}
    for op in ops:
        kind = op.get("op", "")
        if not kind.startswith("note."):
            return ("with 'own tracks only' on, only the owner changes tracks, bars, chords, cues, the tempo "
                    "map and piece settings")
        if kind == "note.add":
            tracks = [op.get("track")]
            added[op.get("id")] = op.get("track")
        else:
            note = state["notes"].get(op.get("id"))
            current = note["track"] if note else added.get(op.get("id"))
            tracks = [current, op.get("track", current)]
        if any(track is not None and (track in locked or track not in known) for track in tracks):
            return "with 'own tracks only' on, you may edit only the tracks assigned to you"
    return None
