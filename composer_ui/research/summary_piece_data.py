"""Plain English for the piece data of model v2: the chord lane, cues, the tempo map, track order
("added chord Am7 at bar 3", "tempo 96 from bar 9", "cue 'door slam' at 00:00:12:05")."""
from ..interop.attribution import bar_of, bar_ranges
from engine.picture.timecode import format_us as format_timecode

CHORD_OPS = ("chord.add", "chord.update", "chord.delete")
_LISTED = 3  # more chord ops of a kind than this in one event are counted, not listed


def chord_parts(ops: list, before: dict, after: dict) -> list[str]:
    """One phrase per kind of chord op in an event."""
    parts = []
    for kind, verb in (("chord.add", "added"), ("chord.update", "changed"), ("chord.delete", "deleted")):
        mine = [op for op in ops if op["op"] == kind]
        state = before if kind == "chord.delete" else after
        chords = [state["chords"][op["id"]] for op in mine if op["id"] in state["chords"]]
        if not chords:
            continue
        bars = bar_ranges(bar_of(c["start"], state["piece"]) for c in chords)
        where = f"{'bar' if '-' not in bars and ',' not in bars else 'bars'} {bars}"
        if len(chords) == 1 and kind == "chord.update":
            parts.append(_chord_change(mine[0], before["chords"].get(chords[0]["id"]), chords[0], where))
        elif len(chords) == 1:
            parts.append(f"{verb} chord {chords[0]['symbol']} at {where}")
        elif len(chords) <= _LISTED:
            parts.append(f"{verb} chords {', '.join(c['symbol'] for c in chords)} in {where}")
        else:
            parts.append(f"{verb} {len(chords)} chords in {where}")
    return parts


def _chord_change(op: dict, old: dict | None, new: dict, where: str) -> str:
    if old is None:
        return f"changed chord {new['symbol']} at {where}"
    if old["symbol"] != new["symbol"]:
        return f"changed chord {old['symbol']} to {new['symbol']} at {where}"
    if old["start"] != new["start"]:
        return f"moved chord {new['symbol']} to {where}"
    return f"changed the length of chord {new['symbol']} at {where}"


def other_part(op: dict, before: dict, after: dict) -> str | None:
    """The phrase for one cue, tempo or track.move op; None for other kinds."""
    kind, fps = op["op"], after["piece"].get("fps", "25")
    if kind == "cue.add":
        return f"added {_cue(after['cues'].get(op['id']) or op, fps)}"
    if kind in ("cue.update", "cue.delete"):
        old = before["cues"].get(op["id"])
        if old is None:  # added earlier in the same event
            return f"{'changed' if kind == 'cue.update' else 'deleted'} a cue"
        if kind == "cue.delete":
            return f"deleted {_cue(old, fps)}"
        new = after["cues"].get(op["id"], old)
        if new["time_us"] != old["time_us"]:
            return f"moved {_cue(old, fps, at=False)} to {format_timecode(new['time_us'], fps)}"
        return f"changed {_cue(old, fps, at=False)}" + (f" to {_cue(new, fps, at=False)}" if new != old else "")
    if kind == "tempo.set":
        old = next((c["tempo"] for c in before["tempo_changes"] if c["bar"] == op["bar"]), None)
        return f"tempo {op['tempo']} from bar {op['bar'] + 1}" + (f" (was {old})" if old is not None else "")
    if kind == "tempo.delete":
        return f"removed the tempo change at bar {op['bar'] + 1}"
    if kind == "track.move":
        name = next((t["name"] for t in before["tracks"] if t["id"] == op["id"]), op["id"])
        return f"moved track {name} to position {op['index'] + 1}"
    return None


def _cue(cue: dict, fps: str, at: bool = True) -> str:
    label = f"cue '{cue['label']}'" if cue.get("label", "").strip() else f"{cue.get('kind', 'a')} cue"
    return f"{label} at {format_timecode(cue['time_us'], fps)}" if at else label
