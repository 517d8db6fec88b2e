"""The JSON project file: the whole state with provenance, a schema version and a contribution
statement. Pure; the signature is computed by the caller (services) with the server's secret.

Importing it gives back the same piece: same track and note ids, fields and provenance. Provenance
is kept only when the file's signature shows this server wrote it and nobody changed it since;
otherwise its notes are credited to the person importing it, like any other file, and what the file
claimed is kept in the import event.
"""
import json

from ..state import PIECE_FIELDS, TICKS_PER_QUARTER
from .midi_read import Refusal

SCHEMA_VERSION = 1
KIND = "composer-studio.project"
MAX_NOTES = 200_000
NOTE_FIELDS = {"id", "track", "start", "duration", "pitch", "velocity", "author", "job", "candidate", "accepted_by",
               "last_editor", "human_edited"}
TRACK_FIELDS = {"id", "name", "program", "pitch_range", "owner", "channel"}


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
    if not isinstance(state, dict) or set(state) != {"piece", "tracks", "notes"}:
        raise Refusal("the project file's state must have exactly piece, tracks and notes")
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
    for track in tracks:
        if not isinstance(track, dict) or set(track) != TRACK_FIELDS or not all(_small(v) for v in track.values()):
            raise Refusal(f"each track needs exactly {', '.join(sorted(TRACK_FIELDS))}")
    for note_id, note in notes.items():
        if not isinstance(note, dict) or set(note) != NOTE_FIELDS or note.get("id") != note_id:
            raise Refusal(f"note {str(note_id)[:64]!r} needs exactly {', '.join(sorted(NOTE_FIELDS))} "
                          "and its own id")
        if not all(_small(note[k]) for k in ("id", "track", "start", "duration", "pitch", "velocity")):
            raise Refusal(f"note {note_id[:64]!r} has values of the wrong kind")
        if not (_actor(note["author"]) and _actor(note["last_editor"]) and _actor(note["accepted_by"], nullable=True)
                and (note["job"] is None or type(note["job"]) is int)
                and (note["candidate"] is None or type(note["candidate"]) is int)
                and type(note["human_edited"]) is bool):
            raise Refusal(f"note {note_id[:64]!r} has malformed provenance")
    signature = document.get("signature")
    # Only what an import uses goes on: the names and statement the file carries are not read.
    return {"schema_version": version, "kind": KIND, "state": state,
            "signature": signature if isinstance(signature, str) and len(signature) <= 128 else None}


def _small(value) -> bool:
    """A scalar, short text, or a short list of scalars: what piece, track and note fields hold."""
    if value is None or type(value) in (bool, int, float):
        return True
    if isinstance(value, str):
        return len(value) <= 1000
    return isinstance(value, list) and len(value) <= 8 and all(
        v is None or type(v) in (bool, int, float) or (isinstance(v, str) and len(v) <= 100) for v in value)


def project_ops(state: dict, *, verified: bool, importer: dict, record: dict, member_ids: set) -> tuple[list, list]:
    """The ops that rebuild ``state`` in a fresh piece owned by the importer: (ops, warnings)."""
    warnings = []
    piece = state["piece"]
    ops = [{"op": "piece.update", **{k: piece[k] for k in PIECE_FIELDS if k in piece}}]
    dropped_owners = 0
    for track in state["tracks"]:
        add = {"op": "track.add", **{k: track[k] for k in ("id", "name", "program", "pitch_range", "channel")}}
        if track["owner"] is not None:
            if track["owner"] in member_ids:
                add["owner"] = track["owner"]
            else:
                dropped_owners += 1
        ops.append(add)
    if dropped_owners:
        warnings.append(f"{dropped_owners} tracks were assigned to people who are not members of the new piece; "
                        "they are unassigned")
    for note in state["notes"].values():
        add = {"op": "note.add", **{k: note[k] for k in ("id", "track", "start", "duration", "pitch", "velocity")}}
        if verified:
            add["provenance"] = {"author": note["author"], "job": note["job"], "candidate": note["candidate"],
                                 "accepted_by": note["accepted_by"], "last_editor": note["last_editor"],
                                 "human_edited": note["human_edited"], "import": record}
        else:
            claimed = {k: note[k] for k in ("author", "job", "candidate", "accepted_by", "last_editor", "human_edited")}
            add["provenance"] = {"author": importer, "import": {**record, "claimed": claimed}}
        ops.append(add)
    if not verified and state["notes"]:
        warnings.append("the file's provenance could not be verified (it was changed, or exported by another server): "
                        "its notes are credited to you; what the file claimed is kept in the import record")
    return ops, warnings
