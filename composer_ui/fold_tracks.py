"""The fold of track ops: add (at a position, with a colour), update, move, delete. Pure."""
from .errors import OpError

# A fixed palette (Tableau 20's strong half): a new track takes the first colour no other track uses.
TRACK_COLOURS = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
                 "#9c755f", "#bab0ac", "#d37295", "#86bcb6")
DEFAULT_VOLUME, DEFAULT_PAN = 100, 64  # MIDI CC 7 and CC 10 (64 = centre)
TRACK_FIELDS = ("name", "program", "pitch_range", "owner", "channel", "colour", "volume", "pan")


def track_add(state, op, actor):
    if track_index(state, op["id"]) is not None:
        raise OpError("conflict", f"track {op['id']!r} already exists")
    tracks = state["tracks"]
    index = op.get("index", len(tracks))
    if index > len(tracks):
        raise OpError("invalid", f"cannot add a track at position {index}: the piece has {len(tracks)} tracks")
    track = {"id": op["id"], "name": op["name"], "program": op.get("program", 0),
             "pitch_range": op.get("pitch_range", [0, 127]), "owner": op.get("owner"),
             "channel": op.get("channel", free_channel(tracks)),
             "colour": op.get("colour", free_colour(tracks, index)),
             "volume": op.get("volume", DEFAULT_VOLUME), "pan": op.get("pan", DEFAULT_PAN)}
    tracks.insert(index, track)


def track_update(state, op, actor):
    index = track_or_conflict(state, op["id"])
    changes = {k: op[k] for k in TRACK_FIELDS if k in op}
    state["tracks"][index] = {**state["tracks"][index], **changes}


def track_move(state, op, actor):
    index, tracks = track_or_conflict(state, op["id"]), state["tracks"]
    if op["index"] >= len(tracks):
        raise OpError("invalid", f"cannot move a track to position {op['index']}: the piece has {len(tracks)} tracks")
    tracks.insert(op["index"], tracks.pop(index))


def track_delete(state, op, actor):
    index = track_or_conflict(state, op["id"])
    del state["tracks"][index]
    state["notes"] = {nid: n for nid, n in state["notes"].items() if n["track"] != op["id"]}


def track_index(state, track_id):
    return next((i for i, t in enumerate(state["tracks"]) if t["id"] == track_id), None)


def track_or_conflict(state, track_id):
    index = track_index(state, track_id)
    if index is None:
        raise OpError("conflict", f"track {track_id!r} does not exist")
    return index


def free_channel(tracks):
    used = {t.get("channel") for t in tracks}
    # Channel 9 is General MIDI percussion: melodic tracks skip it.
    return next((c for c in range(16) if c != 9 and c not in used), 0)


def free_colour(tracks, position):
    """The first palette colour no track uses, else the palette's colour for the track's position."""
    used = {t.get("colour") for t in tracks}
    return next((c for c in TRACK_COLOURS if c not in used), TRACK_COLOURS[position % len(TRACK_COLOURS)])


def track_colours(events_ops) -> dict:
    """{track id: colour} that replaying these events' track ops gives (an old piece's tracks got their
    colours from the tracks that existed when each was added, which a snapshot no longer shows)."""
    state = {"tracks": [], "notes": {}}
    for ops in events_ops:
        for op in ops:
            if op.get("op") == "track.add" and track_index(state, op["id"]) is None:
                track_add(state, op, None)
            elif op.get("op") == "track.delete" and track_index(state, op["id"]) is not None:
                track_delete(state, op, None)
    return {t["id"]: t["colour"] for t in state["tracks"]}


def upgrade_tracks(tracks: list, colours: dict | None = None) -> list:
    """Old tracks with the v2 defaults: the colour replay gave them (``colours``) when known, else the
    first colour free in list order (what a replay gives when no track was deleted before another was
    added), volume 100, pan 64."""
    out = []
    for track in tracks:
        if "colour" not in track:
            colour = (colours or {}).get(track["id"]) or free_colour(out, len(out))
            track = {**track, "colour": colour}
        out.append({"volume": DEFAULT_VOLUME, "pan": DEFAULT_PAN, **track})
    return out
