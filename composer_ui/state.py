"""A piece is a pure fold over its event log: ``state = apply_ops(state, ops)``.

No Django here: the server, replay, export and the tests all call the same
functions. States are plain JSON-able dicts and are never mutated: every
change copies the containers it touches, so a failed message leaves the
caller's state exactly as it was (all ops of a message apply, or none).
"""
from .op_schema import AI_OPERATIONS, ID_FILLED, OpError, validate_ops

TICKS_PER_QUARTER = 480

DEFAULT_AI_POLICY = {"ai_enabled": True, "ai_mode": "free", "ai_operations": list(AI_OPERATIONS),
                     "ai_quota_per_hour": 60}
DEFAULT_LIMITS = {"notes_per_piece": 20_000, "tracks_per_piece": 32, "bars_per_piece": 1_000}


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
        },
        "tracks": [],
        "notes": {},
    }


def bar_ticks(piece: dict) -> int:
    numerator, denominator = piece["time_signature"]
    return TICKS_PER_QUARTER * 4 * numerator // denominator


def piece_ticks(piece: dict) -> int:
    return bar_ticks(piece) * piece["bars"]


def apply_ops(state: dict, ops: list, actor: dict | None = None, limits: dict | None = None) -> dict:
    """Return the state after ``ops``; raise OpError and leave ``state`` untouched if any op fails.

    ``actor`` ({"kind": "user", "id": 3} or {"kind": "model", "name": "x@1"})
    becomes the provenance of notes the ops create or edit.
    """
    validate_ops(ops, trusted=True)
    limits = {**DEFAULT_LIMITS, **(limits or {})}
    new = {"piece": dict(state["piece"]), "tracks": list(state["tracks"]), "notes": dict(state["notes"])}
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
    _track_or_conflict(state, op["track"])
    provenance = op.get("provenance") or {}
    author = provenance.get("author", actor)
    note = {
        "id": op["id"],
        "track": op["track"],
        "start": op["start"],
        "duration": op["duration"],
        "pitch": op["pitch"],
        "velocity": op.get("velocity", 96),
        "author": author,
        "job": provenance.get("job"),
        "candidate": provenance.get("candidate"),
        "accepted_by": provenance.get("accepted_by"),
        # An import of a studio project brings back who last edited a note, too.
        "last_editor": provenance.get("last_editor", author),
        "human_edited": provenance.get("human_edited", False),
    }
    _check_note_fits(state, note)
    state["notes"][note["id"]] = note


def _note_update(state, op, actor):
    note = _note_or_conflict(state, op["id"])
    changes = {k: op[k] for k in ("start", "duration", "pitch", "velocity", "track") if k in op}
    if "track" in changes:
        _track_or_conflict(state, changes["track"])
    note = {**note, **changes, "last_editor": actor}
    if actor.get("kind") == "user" and note["author"].get("kind") == "model":
        note["human_edited"] = True
    _check_note_fits(state, note)
    state["notes"][note["id"]] = note


def _note_delete(state, op, actor):
    _note_or_conflict(state, op["id"])
    del state["notes"][op["id"]]


def _note_or_conflict(state, note_id):
    note = state["notes"].get(note_id)
    if note is None:
        raise OpError("conflict", f"note {note_id!r} does not exist (deleted by someone else?)")
    return note


def _check_note_fits(state, note):
    end = piece_ticks(state["piece"])
    if note["start"] + note["duration"] > end:
        raise OpError("invalid", f"note {note['id']!r} ends at tick {note['start'] + note['duration']}, "
                                 f"after the piece's end at {end}; add bars first")


# -- tracks --------------------------------------------------------------------

TRACK_FIELDS = ("name", "program", "pitch_range", "owner", "channel")


def _track_add(state, op, actor):
    if _track_index(state, op["id"]) is not None:
        raise OpError("conflict", f"track {op['id']!r} already exists")
    track = {"id": op["id"], "name": op["name"], "program": op.get("program", 0),
             "pitch_range": op.get("pitch_range", [0, 127]), "owner": op.get("owner"),
             "channel": op.get("channel", _free_channel(state))}
    state["tracks"].append(track)


def _track_update(state, op, actor):
    index = _track_or_conflict(state, op["id"])
    changes = {k: op[k] for k in TRACK_FIELDS if k in op}
    state["tracks"][index] = {**state["tracks"][index], **changes}


def _track_delete(state, op, actor):
    index = _track_or_conflict(state, op["id"])
    del state["tracks"][index]
    state["notes"] = {nid: n for nid, n in state["notes"].items() if n["track"] != op["id"]}


def _track_index(state, track_id):
    return next((i for i, t in enumerate(state["tracks"]) if t["id"] == track_id), None)


def _track_or_conflict(state, track_id):
    index = _track_index(state, track_id)
    if index is None:
        raise OpError("conflict", f"track {track_id!r} does not exist")
    return index


def _free_channel(state):
    used = {t.get("channel") for t in state["tracks"]}
    # Channel 9 is General MIDI percussion: melodic tracks skip it.
    return next((c for c in range(16) if c != 9 and c not in used), 0)


# -- piece and bars ------------------------------------------------------------

PIECE_FIELDS = ("title", "tempo", "time_signature", "key", "bars", "own_tracks_only", "ai_enabled", "ai_mode",
                "ai_operations", "ai_quota_per_hour")


def _piece_update(state, op, actor):
    state["piece"] = {**state["piece"], **{k: op[k] for k in PIECE_FIELDS if k in op}}
    if "bars" in op or "time_signature" in op:
        end = piece_ticks(state["piece"])
        late = [n["id"] for n in state["notes"].values() if n["start"] + n["duration"] > end]
        if late:
            raise OpError("conflict", f"{len(late)} notes would lie after the new end of the piece; "
                                      "use bars.delete to remove bars with their notes")


def _bars_insert(state, op, actor):
    size = bar_ticks(state["piece"])
    count = op.get("count", 1)
    at, shift = op["at"] * size, count * size
    if op["at"] > state["piece"]["bars"]:
        raise OpError("invalid", f"cannot insert at bar {op['at']}: the piece has {state['piece']['bars']} bars")
    state["piece"] = {**state["piece"], "bars": state["piece"]["bars"] + count}
    for nid, note in state["notes"].items():
        if note["start"] >= at:
            state["notes"][nid] = {**note, "start": note["start"] + shift}


def _bars_delete(state, op, actor):
    size = bar_ticks(state["piece"])
    bars, count = state["piece"]["bars"], op.get("count", 1)
    if op["at"] + count > bars or bars - count < 1:
        raise OpError("invalid", f"cannot delete bars {op['at'] + 1}-{op['at'] + count}: "
                                 f"the piece has {bars} bars and keeps at least one")
    cut_start, cut_end = op["at"] * size, (op["at"] + count) * size
    state["piece"] = {**state["piece"], "bars": bars - count}
    notes = {}
    for nid, note in state["notes"].items():
        start, end = note["start"], note["start"] + note["duration"]
        if cut_start <= start < cut_end:
            continue  # the note began in a removed bar: it goes with it
        if start >= cut_end:
            note = {**note, "start": start - (cut_end - cut_start)}
        elif end > cut_start:  # began earlier and sounded into the cut: shorten by the overlap
            note = {**note, "duration": note["duration"] - (min(end, cut_end) - cut_start)}
        notes[nid] = note
    state["notes"] = notes


def _check_limits(state, limits):
    if len(state["notes"]) > limits["notes_per_piece"]:
        raise OpError("too_large", f"a piece holds at most {limits['notes_per_piece']} notes")
    if len(state["tracks"]) > limits["tracks_per_piece"]:
        raise OpError("too_large", f"a piece holds at most {limits['tracks_per_piece']} tracks")
    if state["piece"]["bars"] > limits["bars_per_piece"]:
        raise OpError("too_large", f"a piece holds at most {limits['bars_per_piece']} bars")


_APPLY = {
    "note.add": _note_add, "note.update": _note_update, "note.delete": _note_delete,
    "track.add": _track_add, "track.update": _track_update, "track.delete": _track_delete,
    "piece.update": _piece_update, "bars.insert": _bars_insert, "bars.delete": _bars_delete,
}


def replay(events, state: dict | None = None) -> dict:
    """Fold (ops, actor) pairs over ``state`` (an empty piece by default); ``state`` is not changed."""
    state = state if state is not None else empty_state()
    for ops, actor in events:
        state = apply_ops(state, ops, actor, limits={k: float("inf") for k in DEFAULT_LIMITS})
    return state
