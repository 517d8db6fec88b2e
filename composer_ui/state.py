"""A piece is a pure fold over its event log: ``state = apply_ops(state, ops)``.

No Django here: the server, replay, export and the tests all call the same
functions. States are plain JSON-able dicts and are never mutated: every
change copies the containers it touches, so a failed message leaves the
caller's state exactly as it was (all ops of a message apply, or none).
"""
from . import fold_piece_data as data
from . import fold_tracks as tracks
from .fold_common import (TICKS_PER_QUARTER, authored, bar_ticks, check_span_fits, edited, existing,
                          piece_ticks, spans_after_cut, spans_after_insert)
from .fold_tracks import TRACK_COLOURS, TRACK_FIELDS, track_colours, upgrade_tracks
from .op_schema import AI_OPERATIONS, ID_FILLED, OpError, validate_ops

__all__ = ["TICKS_PER_QUARTER", "TRACK_COLOURS", "TRACK_FIELDS", "DEFAULT_LIMITS", "PIECE_FIELDS", "apply_ops",
           "bar_ticks", "empty_state", "piece_ticks", "replay", "track_colours", "upgrade_state"]

DEFAULT_AI_POLICY = {"ai_enabled": True, "ai_mode": "free", "ai_operations": list(AI_OPERATIONS),
                     "ai_quota_per_hour": 60, "ai_models": "all"}
DEFAULT_LIMITS = {"notes_per_piece": 20_000, "tracks_per_piece": 32, "bars_per_piece": 1_000,
                  "chords_per_piece": 5_000, "cues_per_piece": 1_000}
# Piece settings of model v2 (picture time): frames per second of the timecode, and bar 1's picture time.
PICTURE_DEFAULTS = {"fps": "25", "start_offset_us": 0}
V2_KEYS = ("chords", "cues", "tempo_changes")
# Piece fields added after the first stored states: a state read from before them gets these defaults.
ADDED_PIECE_DEFAULTS = {**PICTURE_DEFAULTS, "ai_models": "all"}


def empty_state() -> dict:
    return {
        "piece": {
            "title": "Untitled",
            "tempo": 120,
            "time_signature": [4, 4],
            "key": "C major",
            "bars": 8,
            "ticks_per_quarter": TICKS_PER_QUARTER,
            "own_tracks_only": False,
            **DEFAULT_AI_POLICY,
            **PICTURE_DEFAULTS,
        },
        "tracks": [],
        "notes": {},
        "chords": {},
        "cues": {},
        "tempo_changes": [],
    }


def upgrade_state(state: dict, colours: dict | None = None) -> dict:
    """A state stored before piece model v2 (a Snapshot, a project file) with the v2 defaults (and the
    piece's ai_models), as a replay of its events gives them; a current state is returned as it is.

    ``colours`` ({track id: colour}, from ``track_colours`` over the events up to the snapshot) gives old
    tracks the colours the replay gave them; without it they get the first free colours in list order.
    """
    if all(key in state for key in V2_KEYS) and all("colour" in t for t in state["tracks"]) and \
            all(key in state["piece"] for key in ADDED_PIECE_DEFAULTS):
        return state
    return {**state, "piece": {**ADDED_PIECE_DEFAULTS, **state["piece"]},
            "tracks": upgrade_tracks(state["tracks"], colours),
            "chords": state.get("chords", {}), "cues": state.get("cues", {}),
            "tempo_changes": state.get("tempo_changes", [])}


def apply_ops(state: dict, ops: list, actor: dict | None = None, limits: dict | None = None) -> dict:
    """Return the state after ``ops``; raise OpError and leave ``state`` untouched if any op fails.

    ``actor`` ({"kind": "user", "id": 3} or {"kind": "model", "name": "x@1"})
    becomes the provenance of notes the ops create or edit.
    """
    validate_ops(ops, trusted=True)
    limits = {**DEFAULT_LIMITS, **(limits or {})}
    state = upgrade_state(state)
    new = {"piece": dict(state["piece"]), "tracks": list(state["tracks"]), "notes": dict(state["notes"]),
           "chords": dict(state["chords"]), "cues": dict(state["cues"]),
           "tempo_changes": list(state["tempo_changes"])}
    for index, op in enumerate(ops):
        try:
            if op["op"] in ID_FILLED and "id" not in op:
                raise OpError("invalid", f"{op['op']} needs an id here (the server fills it with with_ids)")
            _APPLY[op["op"]](new, op, actor or {"kind": "system"})
        except OpError as error:
            error.index = index
            raise
    _check_limits(new, limits)
    return new


# -- notes ---------------------------------------------------------------------

def _note_add(state, op, actor):
    if op["id"] in state["notes"]:
        raise OpError("conflict", f"note {op['id']!r} already exists")
    tracks.track_or_conflict(state, op["track"])
    note = {"id": op["id"], "track": op["track"], "start": op["start"], "duration": op["duration"],
            "pitch": op["pitch"], "velocity": op.get("velocity", 96), **authored(op, actor)}
    check_span_fits(state, note, "note")
    state["notes"][note["id"]] = note


def _note_update(state, op, actor):
    note = existing(state, "note", op["id"])
    changes = {k: op[k] for k in ("start", "duration", "pitch", "velocity", "track") if k in op}
    if "track" in changes:
        tracks.track_or_conflict(state, changes["track"])
    note = edited(note, changes, actor)
    check_span_fits(state, note, "note")
    state["notes"][note["id"]] = note


def _note_delete(state, op, actor):
    existing(state, "note", op["id"])
    del state["notes"][op["id"]]


# -- piece and bars ------------------------------------------------------------

PIECE_FIELDS = ("title", "tempo", "time_signature", "key", "bars", "own_tracks_only", "ai_enabled", "ai_mode",
                "ai_operations", "ai_quota_per_hour", "ai_models", "fps", "start_offset_us")


def _piece_update(state, op, actor):
    state["piece"] = {**state["piece"], **{k: op[k] for k in PIECE_FIELDS if k in op}}
    if "bars" in op or "time_signature" in op:
        end = piece_ticks(state["piece"])
        late = [n["id"] for n in state["notes"].values() if n["start"] + n["duration"] > end]
        if late:
            raise OpError("conflict", f"{len(late)} notes would lie after the new end of the piece; "
                                      "use bars.delete to remove bars with their notes")
        data.check_piece_end(state)


def _bars_insert(state, op, actor):
    size = bar_ticks(state["piece"])
    count = op.get("count", 1)
    if op["at"] > state["piece"]["bars"]:
        raise OpError("invalid", f"cannot insert at bar {op['at']}: the piece has {state['piece']['bars']} bars")
    state["piece"] = {**state["piece"], "bars": state["piece"]["bars"] + count}
    state["notes"] = spans_after_insert(state["notes"], op["at"] * size, count * size)
    data.insert_bars(state, op["at"], count)


def _bars_delete(state, op, actor):
    size = bar_ticks(state["piece"])
    bars, count = state["piece"]["bars"], op.get("count", 1)
    if op["at"] + count > bars or bars - count < 1:
        raise OpError("invalid", f"cannot delete bars {op['at'] + 1}-{op['at'] + count}: "
                                 f"the piece has {bars} bars and keeps at least one")
    data.delete_bars(state, op["at"], count)  # with the bar size from before the cut (the meter stays)
    state["piece"] = {**state["piece"], "bars": bars - count}
    state["notes"] = spans_after_cut(state["notes"], op["at"] * size, (op["at"] + count) * size)


def _check_limits(state, limits):
    if len(state["notes"]) > limits["notes_per_piece"]:
        raise OpError("too_large", f"a piece holds at most {limits['notes_per_piece']} notes")
    if len(state["tracks"]) > limits["tracks_per_piece"]:
        raise OpError("too_large", f"a piece holds at most {limits['tracks_per_piece']} tracks")
    if state["piece"]["bars"] > limits["bars_per_piece"]:
        raise OpError("too_large", f"a piece holds at most {limits['bars_per_piece']} bars")
    if len(state["chords"]) > limits["chords_per_piece"]:
        raise OpError("too_large", f"a piece holds at most {limits['chords_per_piece']} chords")
    if len(state["cues"]) > limits["cues_per_piece"]:
        raise OpError("too_large", f"a piece holds at most {limits['cues_per_piece']} cues")


_APPLY = {
    "note.add": _note_add, "note.update": _note_update, "note.delete": _note_delete,
    "track.add": tracks.track_add, "track.update": tracks.track_update, "track.move": tracks.track_move,
    "track.delete": tracks.track_delete,
    "piece.update": _piece_update, "bars.insert": _bars_insert, "bars.delete": _bars_delete,
    "chord.add": data.chord_add, "chord.update": data.chord_update, "chord.delete": data.chord_delete,
    "cue.add": data.cue_add, "cue.update": data.cue_update, "cue.delete": data.cue_delete,
    "tempo.set": data.tempo_set, "tempo.delete": data.tempo_delete,
}


def replay(events, state: dict | None = None) -> dict:
    """Fold (ops, actor) pairs over ``state`` (an empty piece by default); ``state`` is not changed."""
    state = state if state is not None else empty_state()
    for ops, actor in events:
        state = apply_ops(state, ops, actor, limits={k: float("inf") for k in DEFAULT_LIMITS})
    return state
