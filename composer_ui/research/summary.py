"""One line of plain English for each event of a history ("added 3 notes to Melody in bars 2-3")."""
from collections import Counter

from ..attribution import bar_of, bar_ranges
from ..op_schema import OWNER_ONLY_FIELDS
from engine.picture.timecode import format_us as format_timecode
from .summary_piece_data import CHORD_OPS, chord_parts, other_part
from .walk import Step, touched_notes

_VERBS = {"added": "added", "changed": "changed", "removed": "deleted"}


def describe(step: Step) -> str:
    ops = step.event.ops
    parts = (_note_parts(step) + chord_parts(ops, step.before, step.after)
             + [_other(op, step) for op in ops if not op["op"].startswith("note.") and op["op"] not in CHORD_OPS])
    text = "; ".join(p for p in parts if p) or "no change"
    prefix = {"undo": "undo: ", "redo": "redo: ", "accept": "accepted AI notes: "}.get(step.event.kind, "")
    return (prefix + text)[:300]


def _note_parts(step: Step) -> list[str]:
    if not any(op["op"].startswith("note.") for op in step.event.ops):
        return []
    added, changed, removed = touched_notes(step)
    parts = []
    for label, ids, state in (("added", added, step.after), ("changed", changed, step.after),
                              ("removed", removed, step.before)):
        if ids:
            parts.append(f"{_VERBS[label]} {_count(len(ids))} {_where([state['notes'][i] for i in ids], state)}")
    return parts


def _where(notes: list, state: dict) -> str:
    names = {t["id"]: t["name"] for t in state["tracks"]}
    tracks = Counter(names.get(n["track"], n["track"]) for n in notes)
    bars = bar_ranges(bar_of(n["start"], state["piece"]) for n in notes)
    track_text = ", ".join(name for name, _ in tracks.most_common(3))
    return f"in {track_text}, {'bar' if '-' not in bars and ',' not in bars else 'bars'} {bars}"


def _count(n: int) -> str:
    return f"{n} note" if n == 1 else f"{n} notes"


def _other(op: dict, step: Step) -> str:
    kind = op["op"]
    text = other_part(op, step.before, step.after)
    if text is not None:
        return text
    if kind == "track.add":
        return f"added track {op.get('name', op['id'])}"
    if kind in ("track.update", "track.delete"):
        name = next((t["name"] for t in step.before["tracks"] if t["id"] == op["id"]), op["id"])
        if kind == "track.delete":
            return f"deleted track {name}"
        return f"assigned track {name}" if set(op) == {"op", "id", "owner"} else f"changed track {name}"
    if kind == "bars.insert":
        return f"inserted {op.get('count', 1)} bar(s) before bar {op['at'] + 1}"
    if kind == "bars.delete":
        return f"deleted {op.get('count', 1)} bar(s) from bar {op['at'] + 1}"
    if kind == "piece.update":
        fields = [k for k in op if k != "op"]
        policy = [k for k in fields if k in OWNER_ONLY_FIELDS]
        rest = [_setting(k, op[k], op.get("fps", step.before["piece"].get("fps", "25"))) for k in fields
                if k not in OWNER_ONLY_FIELDS and op[k] != step.before["piece"].get(k)]
        changed = [f"{k.replace('_', ' ')} = {op[k]}" for k in policy if op[k] != step.before["piece"].get(k)]
        text = ", ".join(rest)
        if changed:
            text = (text + "; " if text else "") + "policy: " + ", ".join(changed)
        return f"set {text}" if text else ("kept the classroom settings" if policy else "")
    return kind


def _setting(name: str, value, fps: str) -> str:
    if name == "start_offset_us":
        return f"start offset {format_timecode(value, fps)}"
    if name == "time_signature":
        return f"meter {value[0]}/{value[1]}"
    return f"{name} {value}"
