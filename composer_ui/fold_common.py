"""What the fold's modules share: ticks and bars, provenance, and how bar edits move timed items. Pure.

Notes and chords are both spans (start, duration) in ticks, and bars.insert/bars.delete move, drop and
shorten them by the same rule, which lives here once.
"""
from .errors import OpError

TICKS_PER_QUARTER = 480


def bar_ticks(piece: dict) -> int:
    numerator, denominator = piece["time_signature"]
    return TICKS_PER_QUARTER * 4 * numerator // denominator


def piece_ticks(piece: dict) -> int:
    return bar_ticks(piece) * piece["bars"]


def authored(op: dict, actor: dict) -> dict:
    """Provenance of a new note or chord: the actor, unless a trusted op says otherwise."""
    provenance = op.get("provenance") or {}
    author = provenance.get("author", actor)
    return {
        "author": author,
        "job": provenance.get("job"),
        "candidate": provenance.get("candidate"),
        "accepted_by": provenance.get("accepted_by"),
        # An import of a studio project brings back who last edited it, too.
        "last_editor": provenance.get("last_editor", author),
        "human_edited": provenance.get("human_edited", False),
    }


def edited(item: dict, changes: dict, actor: dict) -> dict:
    """An item after a person's or model's edit: once a person touches what a model wrote, it is no
    longer purely the model's."""
    item = {**item, **changes, "last_editor": actor}
    if actor.get("kind") == "user" and item["author"].get("kind") == "model":
        item["human_edited"] = True
    return item


def existing(state: dict, kind: str, item_id) -> dict:
    """The note, chord or cue ``item_id`` (``kind`` names its collection), or a conflict: someone
    else deleted it meanwhile."""
    item = state[kind + "s"].get(item_id)
    if item is None:
        raise OpError("conflict", f"{kind} {item_id!r} does not exist (deleted by someone else?)")
    return item


def check_span_fits(state: dict, item: dict, what: str) -> None:
    end = piece_ticks(state["piece"])
    if item["start"] + item["duration"] > end:
        raise OpError("invalid", f"{what} {item['id']!r} ends at tick {item['start'] + item['duration']}, "
                                 f"after the piece's end at {end}; add bars first")


def spans_after_insert(spans: dict, at: int, shift: int) -> dict:
    """Spans starting at or after tick ``at`` move right by ``shift``; the others stay (a span sounding
    across ``at`` now sounds across the inserted bars)."""
    return {i: ({**s, "start": s["start"] + shift} if s["start"] >= at else s) for i, s in spans.items()}


def spans_after_cut(spans: dict, cut_start: int, cut_end: int) -> dict:
    out = {}
    for span_id, span in spans.items():
        start, end = span["start"], span["start"] + span["duration"]
        if cut_start <= start < cut_end:
            continue  # it began in a removed bar: it goes with it
        if start >= cut_end:
            span = {**span, "start": start - (cut_end - cut_start)}
        elif end > cut_start:  # began earlier and sounded into the cut: shorten by the overlap
            span = {**span, "duration": span["duration"] - (min(end, cut_end) - cut_start)}
        out[span_id] = span
    return out
