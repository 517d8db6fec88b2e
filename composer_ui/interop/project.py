"""The JSON project file: the whole state with provenance, a schema version and a contribution
statement. Pure; the signature is computed by the caller (services) with the server's secret.

Importing it gives back the same piece: same track and note ids, fields and provenance. Provenance
is kept only when the file's signature shows this server wrote it and nobody changed it since;
otherwise its notes are credited to the person importing it, like any other file, and what the file
claimed is kept in the import event.
"""
import json

from ..state import PIECE_FIELDS, TICKS_PER_QUARTER, upgrade_state
from ..symbols import is_canonical_chord
from .midi_read import Refusal

# Version 2 (piece model v2): tracks have colour, volume and pan; the state has chords, cues and
# tempo_changes; the piece has fps and start_offset_us. Version 1 files are read with their defaults.
SCHEMA_VERSION = 2
KIND = "composer-studio.project"
MAX_NOTES = 200_000
MAX_CHORDS, MAX_CUES, MAX_TEMPO_CHANGES = 20_000, 10_000, 10_000
PROVENANCE = {"author", "job", "candidate", "accepted_by", "last_editor", "human_edited"}
NOTE_FIELDS = {"id", "track", "start", "duration", "pitch", "velocity"} | PROVENANCE
CHORD_FIELDS = {"id", "start", "duration", "symbol"} | PROVENANCE
CUE_FIELDS = {"id", "time_us", "label", "kind", "author", "last_editor"}
TEMPO_FIELDS = {"bar", "tempo", "author", "last_editor"}
TRACK_FIELDS = {1: {"id", "name", "program", "pitch_range", "owner", "channel"},
                2: {"id", "name", "program", "pitch_range", "owner", "channel", "colour", "volume", "pan"}}
STATE_KEYS = {1: {"piece", "tracks", "notes"}, 2: {"piece", "tracks", "notes", "chords", "cues", "tempo_changes"}}


def canonical(state: dict) -> bytes:
    """The bytes the signature covers."""
    return json.dumps(state, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def project_document(state: dict, *, piece_id: int | None, seq: int | None, names: dict, statement: dict,
                     signature: str | None, exported_at: str | None = None) -> dict:
    return {"schema_version": SCHEMA_VERSION, "kind": KIND, "piece_id": piece_id, "seq": seq,
            "exported_at": exported_at, "state": state, "names": {str(k): v for k, v in names.items()},
            "contribution": statement, "signature": signature}


def dumps(document: dict) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


def _refuse_constant(name):
    raise ValueError(f"{name} is not JSON")


def _actor(value, *, nullable=False) -> bool:
    if value is None:
        return nullable
    if not isinstance(value, dict):
        return False
    if value.get("kind") == "user":
        return set(value) == {"kind", "id"} and type(value["id"]) is int
    if value.get("kind") == "model":
        return set(value) == {"kind", "name"} and isinstance(value["name"], str) and 0 < len(value["name"]) <= 120
    return value == {"kind": "system"}


def read_project(data: bytes, *, max_notes: int = MAX_NOTES) -> dict:
    """Parse and check a project file; Refusal with a clear message otherwise. Runs in the sandbox."""
    try:
        document = json.loads(data.decode("utf-8-sig"), parse_constant=_refuse_constant)
    except UnicodeDecodeError:
        raise Refusal("the project file is not UTF-8 text") from None
    except (ValueError, RecursionError) as error:
        raise Refusal(f"the project file is not valid JSON ({str(error)[:120]})") from None
    return check_project(document, max_notes=max_notes)


def check_project(document, *, max_notes: int = MAX_NOTES) -> dict:
    """Check a parsed project file's shape (again, in the server, on what the sandbox returned)."""
    if not isinstance(document, dict) or document.get("kind") != KIND:
        raise Refusal(f"this JSON is not a studio project file (its 'kind' must be {KIND!r})")
    version = document.get("schema_version")
    if type(version) is not int:
        raise Refusal("the project file has no schema_version")
    if version > SCHEMA_VERSION:
        raise Refusal(f"the project file has schema version {version}, newer than this studio's "
                      f"({SCHEMA_VERSION}); update the studio")
    if version < 1:
        raise Refusal(f"unknown schema version {version}")
    state = document.get("state")
    if not isinstance(state, dict) or set(state) != STATE_KEYS[version]:
        raise Refusal(f"the project file's state must have exactly {', '.join(sorted(STATE_KEYS[version]))}")
    piece, tracks, notes = state["piece"], state["tracks"], state["notes"]
    if not isinstance(piece, dict) or not isinstance(tracks, list) or not isinstance(notes, dict):
        raise Refusal("the project file's piece, tracks or notes have the wrong type")
    if piece.get("ticks_per_quarter") != TICKS_PER_QUARTER:
        raise Refusal(f"the project's ticks_per_quarter must be {TICKS_PER_QUARTER}")
    unknown = set(piece) - set(PIECE_FIELDS) - {"ticks_per_quarter"}
    if unknown:
        raise Refusal(f"the project's piece has unknown fields: {', '.join(sorted(map(str, unknown)))[:200]}")
    if len(notes) > max_notes:
        raise Refusal(f"the project holds {len(notes):,} notes; a piece holds at most {max_notes:,}", "too_large")
    if len(tracks) > 1000:
        raise Refusal("the project holds more than 1,000 tracks", "too_large")
    if not all(_small(value) for value in piece.values()):
        raise Refusal("the project's piece settings have values of the wrong kind")
    fields = TRACK_FIELDS[version]
    for track in tracks:
        if not isinstance(track, dict) or set(track) != fields or not all(_small(v) for v in track.values()):
            raise Refusal(f"each track needs exactly {', '.join(sorted(fields))}")
    _check_items(notes, "note", NOTE_FIELDS, ("track", "start", "duration", "pitch", "velocity"))
    if version >= 2:
        _check_piece_data(state)
    signature = document.get("signature")
    # Only what an import uses goes on: the names and statement the file carries are not read.
    return {"schema_version": version, "kind": KIND, "state": state,
            "signature": signature if isinstance(signature, str) and len(signature) <= 128 else None}


def _check_items(items, what: str, fields: set, values: tuple) -> None:
    """Notes, chords or cues: a dict by id, each with exactly ``fields`` and sound provenance."""
    for item_id, item in items.items():
        if not isinstance(item, dict) or set(item) != fields or item.get("id") != item_id:
            raise Refusal(f"{what} {str(item_id)[:64]!r} needs exactly {', '.join(sorted(fields))} and its own id")
        if not all(_small(item[k]) for k in ("id", *values)):
            raise Refusal(f"{what} {item_id[:64]!r} has values of the wrong kind")
        if not _provenance(item):
            raise Refusal(f"{what} {item_id[:64]!r} has malformed provenance")


def _provenance(item: dict) -> bool:
    return (_actor(item["author"]) and _actor(item["last_editor"])
            and ("accepted_by" not in item or _actor(item["accepted_by"], nullable=True))
            and all(item.get(k) is None or type(item[k]) is int for k in ("job", "candidate"))
            and type(item.get("human_edited", False)) is bool)


def _check_piece_data(state: dict) -> None:
    chords, cues, tempo = state["chords"], state["cues"], state["tempo_changes"]
    if not isinstance(chords, dict) or not isinstance(cues, dict) or not isinstance(tempo, list):
        raise Refusal("the project file's chords, cues or tempo_changes have the wrong type")
    for items, most, what in ((chords, MAX_CHORDS, "chords"), (cues, MAX_CUES, "cues"),
                              (tempo, MAX_TEMPO_CHANGES, "tempo changes")):
        if len(items) > most:
            raise Refusal(f"the project holds {len(items):,} {what}; at most {most:,} are read", "too_large")
    _check_items(chords, "chord", CHORD_FIELDS, ("start", "duration", "symbol"))
    bad = next((c["symbol"] for c in chords.values() if not is_canonical_chord(c["symbol"])), None)
    if bad is not None:
        raise Refusal(f"the project has a chord symbol the studio does not write: {str(bad)[:40]!r}")
    _check_items(cues, "cue", CUE_FIELDS, ("time_us", "label", "kind"))
    for change in tempo:
        if (not isinstance(change, dict) or set(change) != TEMPO_FIELDS or type(change["bar"]) is not int
                or type(change["tempo"]) is not int or not _provenance(change)):
            raise Refusal(f"each tempo change needs exactly {', '.join(sorted(TEMPO_FIELDS))}")


def _small(value) -> bool:
    """A scalar, short text, or a short list of scalars: what piece, track and note fields hold."""
    if value is None or type(value) in (bool, int, float):
        return True
    if isinstance(value, str):
        return len(value) <= 1000
    return isinstance(value, list) and len(value) <= 8 and all(
        v is None or type(v) in (bool, int, float) or (isinstance(v, str) and len(v) <= 100) for v in value)


def project_ops(state: dict, *, verified: bool, importer: dict, record: dict, member_ids: set) -> tuple[list, list]:
    """The ops that rebuild ``state`` in a fresh piece owned by the importer: (ops, warnings).

    A verified file's provenance (who wrote each note and chord, who placed each cue and tempo change)
    comes back as it was; otherwise everything is credited to the importer and what the file claimed is
    kept in the import record."""
    warnings = []
    state = upgrade_state(state)  # a version 1 file: the defaults a replay of its events gives
    piece = state["piece"]
    ops = [{"op": "piece.update", **{k: piece[k] for k in PIECE_FIELDS if k in piece}}]
    dropped_owners = 0
    for track in state["tracks"]:
        add = {"op": "track.add", **{k: track[k] for k in ("id", "name", "program", "pitch_range", "channel",
                                                           "colour", "volume", "pan")}}
        if track["owner"] is not None:
            if track["owner"] in member_ids:
                add["owner"] = track["owner"]
            else:
                dropped_owners += 1
        ops.append(add)
    if dropped_owners:
        warnings.append(f"{dropped_owners} tracks were assigned to people who are not members of the new piece; "
                        "they are unassigned")
    def credited(item, op):
        claimed = {k: item[k] for k in sorted(PROVENANCE) if k in item}
        provenance = {**claimed, "import": record} if verified else {"author": importer,
                                                                     "import": {**record, "claimed": claimed}}
        return {**op, "provenance": provenance}

    for kind, items, fields in (("note.add", state["notes"].values(), ("id", "track", "start", "duration", "pitch",
                                                                        "velocity")),
                                ("chord.add", state["chords"].values(), ("id", "start", "duration", "symbol")),
                                ("cue.add", state["cues"].values(), ("id", "time_us", "label", "kind")),
                                ("tempo.set", state["tempo_changes"], ("bar", "tempo"))):
        ops.extend(credited(item, {"op": kind, **{k: item[k] for k in fields}}) for item in items)
    if not verified and (state["notes"] or state["chords"] or state["cues"] or state["tempo_changes"]):
        warnings.append("the file's provenance could not be verified (it was changed, or exported by another server): "
                        "its notes, chords, cues and tempo changes are credited to you; what the file claimed is "
                        "kept in the import record")
    return ops, warnings
