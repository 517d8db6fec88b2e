"""The fold of piece-level data that is not a track: the chord lane, cues and the tempo map. Pure.

Chords are spans in ticks (moved by bar edits like notes) that may not overlap. Cues are in picture time
(microseconds) and bar edits leave them alone. Tempo changes sit at bar starts (bar >= 1; bar 0's tempo
is the piece's ``tempo``), sorted by bar.
"""
from .errors import OpError
from .fold_common import (authored, bar_ticks, check_span_fits, edited, existing, spans_after_cut,
                          spans_after_insert)

CHORD_FIELDS = ("start", "duration", "symbol")
CUE_FIELDS = ("time_us", "label", "kind")


# -- chords --------------------------------------------------------------------

def chord_add(state, op, actor):
    if op["id"] in state["chords"]:
        raise OpError("conflict", f"chord {op['id']!r} already exists")
    chord = {"id": op["id"], "start": op["start"], "duration": op["duration"], "symbol": op["symbol"],
             **authored(op, actor)}
    _check_chord_fits(state, chord)
    state["chords"][chord["id"]] = chord


def chord_update(state, op, actor):
    chord = existing(state, "chord", op["id"])
    chord = edited(chord, {k: op[k] for k in CHORD_FIELDS if k in op}, actor)
    _check_chord_fits(state, chord)
    state["chords"][chord["id"]] = chord


def chord_delete(state, op, actor):
    existing(state, "chord", op["id"])
    del state["chords"][op["id"]]


def _check_chord_fits(state, chord):
    check_span_fits(state, chord, "chord")
    start, end = chord["start"], chord["start"] + chord["duration"]
    for other in state["chords"].values():
        if other["id"] != chord["id"] and other["start"] < end and start < other["start"] + other["duration"]:
            raise OpError("conflict", f"a chord is already there ({other['symbol']} from tick {other['start']})")


# -- cues ----------------------------------------------------------------------

def cue_add(state, op, actor):
    if op["id"] in state["cues"]:
        raise OpError("conflict", f"cue {op['id']!r} already exists")
    provenance = op.get("provenance") or {}
    author = provenance.get("author", actor)
    state["cues"][op["id"]] = {"id": op["id"], "time_us": op["time_us"], "label": op.get("label", ""),
                               "kind": op["kind"], "author": author,
                               "last_editor": provenance.get("last_editor", author)}


def cue_update(state, op, actor):
    cue = existing(state, "cue", op["id"])
    state["cues"][op["id"]] = {**cue, **{k: op[k] for k in CUE_FIELDS if k in op}, "last_editor": actor}


def cue_delete(state, op, actor):
    existing(state, "cue", op["id"])
    del state["cues"][op["id"]]


# -- the tempo map -------------------------------------------------------------

def tempo_set(state, op, actor):
    bar, bars = op["bar"], state["piece"]["bars"]
    if bar >= bars:
        raise OpError("invalid", f"cannot change tempo at bar {bar + 1}: the piece has {bars} bars")
    changes = state["tempo_changes"]
    index = next((i for i, c in enumerate(changes) if c["bar"] >= bar), len(changes))
    if index < len(changes) and changes[index]["bar"] == bar:  # replaces the change there: an edit of it
        changes[index] = {**changes[index], "tempo": op["tempo"], "last_editor": actor}
        return
    provenance = op.get("provenance") or {}
    author = provenance.get("author", actor)
    changes.insert(index, {"bar": bar, "tempo": op["tempo"], "author": author,
                           "last_editor": provenance.get("last_editor", author)})


def tempo_delete(state, op, actor):
    changes = state["tempo_changes"]
    index = next((i for i, c in enumerate(changes) if c["bar"] == op["bar"]), None)
    if index is None:
        raise OpError("conflict", f"there is no tempo change at bar {op['bar'] + 1} (deleted by someone else?)")
    del changes[index]


# -- what bar edits and a shorter piece do to them ----------------------------------

def insert_bars(state, at_bar: int, count: int) -> None:
    size = bar_ticks(state["piece"])
    state["chords"] = spans_after_insert(state["chords"], at_bar * size, count * size)
    state["tempo_changes"] = [{**c, "bar": c["bar"] + count} if c["bar"] >= at_bar else c
                              for c in state["tempo_changes"]]


def delete_bars(state, at_bar: int, count: int) -> None:
    size = bar_ticks(state["piece"])
    state["chords"] = spans_after_cut(state["chords"], at_bar * size, (at_bar + count) * size)
    kept = []
    for change in state["tempo_changes"]:
        if change["bar"] >= at_bar + count:
            change = {**change, "bar": change["bar"] - count}
        elif change["bar"] >= at_bar:
            continue  # inside the cut: it goes with its bar
        if change["bar"] >= 1:  # a change landing on bar 0 would shadow the piece's tempo: it goes too
            kept.append(change)
    state["tempo_changes"] = kept


def check_piece_end(state) -> None:
    """After piece.update of bars or the meter: chords and tempo changes must still lie inside."""
    end, bars = bar_ticks(state["piece"]) * state["piece"]["bars"], state["piece"]["bars"]
    late = sum(1 for c in state["chords"].values() if c["start"] + c["duration"] > end)
    if late:
        raise OpError("conflict", f"{late} chords would lie after the new end of the piece; "
                                  "use bars.delete to remove bars with their chords")
    if any(c["bar"] >= bars for c in state["tempo_changes"]):
        raise OpError("conflict", "a tempo change would lie after the new end of the piece; "
                                  "use bars.delete to remove bars with their tempo changes")
