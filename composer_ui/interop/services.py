"""Export and import of pieces: the only module of interop that touches the database.

Exports read a piece as it is now or as it was after any ``seq`` and convert it with the pure
modules. Imports (below) read an upload in the sandbox, plan its ops, and commit them as ONE event
of kind ``import`` attributed to the importing user.
"""
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.signing import salted_hmac
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.text import slugify

from .. import selectors
from ..errors import StudioError
from ..models import Event, GenerationJob
from ..permissions import EDIT_ROLES
from ..services.pieces import Applied, ops_apply, piece_create
from ..state import DEFAULT_LIMITS, empty_state
from . import attribution, convert, midi_export, musicxml_export, project, reader
from .midi_read import Refusal

FORMATS = {
    # name: (content type, file name ending)
    "midi": ("audio/midi", ".mid"),
    "midi0": ("audio/midi", ".type0.mid"),
    "musicxml": ("application/vnd.recordare.musicxml+xml", ".musicxml"),
    "mxl": ("application/vnd.recordare.musicxml", ".mxl"),
    "json": ("application/json", ".studio.json"),
    "provenance": ("application/json", ".provenance.json"),
    "contribution": ("application/json", ".contribution.json"),
}
SIGNING_SALT = "composer_ui.interop.project"


@dataclass(frozen=True)
class Export:
    content: bytes
    content_type: str
    filename: str
    seq: int


def sign_state(state: dict) -> str:
    return salted_hmac(SIGNING_SALT, project.canonical(state), algorithm="sha256").hexdigest()


def signature_valid(state: dict, signature) -> bool:
    return isinstance(signature, str) and constant_time_compare(sign_state(state), signature)


def people_names(piece_id: int, state: dict) -> dict:
    """Display names of everyone the state mentions (authors, acceptors, editors, track owners) and the members."""
    ids = {m["id"] for m in selectors.members_list(piece_id=piece_id)}
    for note in state["notes"].values():
        for actor in (note.get("author"), note.get("last_editor"), note.get("accepted_by")):
            if isinstance(actor, dict) and actor.get("kind") == "user" and type(actor.get("id")) is int:
                ids.add(actor["id"])
    ids |= {t["owner"] for t in state["tracks"] if type(t.get("owner")) is int}
    return {u.pk: selectors.user_display_name(u) for u in get_user_model().objects.filter(pk__in=ids)}


def _jobs(state: dict) -> dict:
    ids = {n["job"] for n in state["notes"].values() if type(n.get("job")) is int}
    return {job.pk: {"model": job.model_name, "version": job.model_version, "checksum": job.model_checksum,
                     "endpoint": job.model_endpoint, "model_entry": job.model_entry, "operation": job.operation}
            for job in GenerationJob.objects.filter(pk__in=ids)}


def imports_list(piece_id: int, seq: int, names: dict) -> list[dict]:
    """The piece's import events up to ``seq``: who imported which file (name, sha256; a music file or a cue
    sheet), how many notes."""
    found = []
    for event in (Event.objects.filter(piece_id=piece_id, kind="import", seq__lte=seq).order_by("seq")
                  .only("seq", "actor_user_id", "ops")):
        record = next((op["provenance"]["import"] for op in event.ops  # notes, or a cue sheet's cues
                       if op.get("op") in ("note.add", "cue.add") and isinstance(op.get("provenance"), dict)
                       and isinstance(op["provenance"].get("import"), dict)), {})
        found.append({"seq": event.seq, "by": event.actor_user_id,
                      "by_name": attribution.user_label(event.actor_user_id, names),
                      "file": record.get("file"), "sha256": record.get("sha256"), "format": record.get("format"),
                      "notes": sum(1 for op in event.ops if op.get("op") == "note.add")})
    return found


def contribution_statement(piece_id: int, seq: int, state: dict, names: dict) -> dict:
    return attribution.contribution(state, names, seq=seq, jobs=_jobs(state),
                                    imports=imports_list(piece_id, seq, names))


def _chosen_tracks(state: dict, fmt: str, track_ids) -> list | None:
    """The tracks a MusicXML export is limited to (a part for one player), checked; None: all."""
    if track_ids is None:
        return None
    if fmt not in ("musicxml", "mxl"):
        raise StudioError("invalid", "only a MusicXML export can be limited to some tracks")
    known = {t["id"] for t in state["tracks"]}
    unknown = [t for t in track_ids if t not in known]
    if not track_ids or unknown:
        raise StudioError("invalid", f"no track {str(unknown[0] if unknown else '')[:64]!r} in this piece")
    return list(track_ids)


def export_piece(*, piece_id: int, user, fmt: str, seq: int | None = None, track_ids: list | None = None) -> Export:
    """The piece (at ``seq``, default now) in ``fmt``; members only (others: not_found). A MusicXML
    export may be limited to ``track_ids`` (a part for one player)."""
    selectors.membership_get(piece_id=piece_id, user=user)
    if fmt not in FORMATS:
        raise StudioError("invalid", f"unknown export format {str(fmt)[:20]!r}; use one of {', '.join(FORMATS)}")
    head_seq, state = selectors.piece_state(piece_id=piece_id)
    if seq is None:
        seq = head_seq
    elif not 1 <= seq <= head_seq:
        raise StudioError("invalid", f"seq must be from 1 to {head_seq}, the piece's latest version")
    else:
        state = selectors.state_at(piece_id=piece_id, seq=seq)
    names = people_names(piece_id, state)
    track_ids = _chosen_tracks(state, fmt, track_ids)
    if fmt in ("midi", "midi0"):
        content = midi_export.to_midi(state, names=names, seq=seq, midi_type=0 if fmt == "midi0" else 1,
                                      statement=contribution_statement(piece_id, seq, state, names))
    elif fmt == "musicxml":
        content = musicxml_export.to_musicxml(state, names, seq=seq, track_ids=track_ids,
                                              statement=contribution_statement(piece_id, seq, state, names))
    elif fmt == "mxl":
        content = musicxml_export.to_mxl(state, names, seq=seq, track_ids=track_ids,
                                         statement=contribution_statement(piece_id, seq, state, names))
    elif fmt == "provenance":
        content = project.dumps(midi_export.provenance_sidecar(state, names=names, seq=seq, piece_id=piece_id,
                                                               jobs=_jobs(state)))
    elif fmt == "contribution":
        content = project.dumps(contribution_statement(piece_id, seq, state, names))
    else:
        document = project.project_document(state, piece_id=piece_id, seq=seq, names=names,
                                            statement=contribution_statement(piece_id, seq, state, names),
                                            signature=sign_state(state), exported_at=timezone.now().isoformat())
        content = project.dumps(document)
    content_type, ending = FORMATS[fmt]
    stem = slugify(state["piece"]["title"])[:60] or "piece"
    if track_ids:
        stem += "-" + (slugify("-".join(t["name"] for t in state["tracks"] if t["id"] in track_ids))[:40] or "part")
    return Export(content=content, content_type=content_type, filename=f"{stem}-v{seq}{ending}", seq=seq)


# -- import ------------------------------------------------------------------------------------

MUSIC_MAX_BYTES = 2 * 1024 * 1024
PROJECT_MAX_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class Imported:
    piece_id: int
    seq: int
    message: dict  # the import event, as the room broadcasts it
    warnings: list
    summary: dict


def upload_limits() -> tuple[int, int]:
    """(music files, project files) in bytes; settings STUDIO_IMPORT_MAX_BYTES / STUDIO_IMPORT_MAX_PROJECT_BYTES."""
    return (getattr(settings, "STUDIO_IMPORT_MAX_BYTES", MUSIC_MAX_BYTES),
            getattr(settings, "STUDIO_IMPORT_MAX_PROJECT_BYTES", PROJECT_MAX_BYTES))


def _studio_error(refusal: Refusal) -> StudioError:
    return StudioError(refusal.code if refusal.code in ("invalid", "too_large", "unavailable") else "invalid",
                       str(refusal))


def _record(file_name: str, data: bytes, fmt: str) -> dict:
    name = convert.clean_text((file_name or "").replace("\\", "/").rsplit("/", 1)[-1], 200, "upload")
    return {"file": name, "sha256": hashlib.sha256(data).hexdigest(), "format": fmt}


def _check_size(data: bytes, kind: str) -> None:
    music, projects = upload_limits()
    limit = projects if kind == "project" else music
    if len(data) > limit:
        raise StudioError("too_large", f"the file is {len(data) / 1048576:.1f} MiB; files of this kind may be at most "
                                       f"{limit / 1048576:g} MiB"
                                       + ("; save large scores as compressed .mxl" if kind == "musicxml" else ""))


def _commit_import(piece_id: int, user, ops: list) -> Applied:
    """Commit ``ops`` as ONE event of kind ``import``: however many notes the file has, bounded by the
    piece's own limits rather than the per-message limit for clients."""
    limits = {**DEFAULT_LIMITS, **settings.STUDIO_LIMITS}
    pieces_worth = sum(limits[k] for k in ("notes_per_piece", "tracks_per_piece", "chords_per_piece",
                                           "cues_per_piece", "bars_per_piece"))  # a tempo change per bar at most
    return ops_apply(piece_id=piece_id, user=user, ops=ops, client_op_id=None, kind="import", trusted=True,
                     max_ops=pieces_worth + 2)


def _parse(data: bytes, file_name: str) -> tuple[str, dict]:
    try:
        kind = reader.sniff(data)
        _check_size(data, kind)
        return reader.read_score(data, max_notes=settings.STUDIO_LIMITS["notes_per_piece"])
    except Refusal as refusal:
        raise _studio_error(refusal) from None


def import_new_piece(*, user, file_name: str, data: bytes, title: str | None = None,
                     quantize: bool = False) -> Imported:
    """A MIDI, MusicXML/.mxl or project file becomes a new piece owned by ``user``.

    The piece's settings are its first event (``create``); everything in the file is the second,
    ONE event of kind ``import`` attributed to ``user`` with the file's name and sha256. Any refusal
    leaves nothing behind: parsing happens before the transaction, and the piece and both events
    commit together or not at all.
    """
    fmt, parsed = _parse(data, file_name)
    record = _record(file_name, data, fmt)
    author = {"kind": "user", "id": user.pk}
    if fmt == "project":
        state = parsed["state"]
        verified = signature_valid(state, parsed.get("signature"))
        record["verified"] = verified
        ops, warnings = project.project_ops(state, verified=verified, importer=author, record=record,
                                            member_ids={user.pk})
        if title:
            ops[0] = {**ops[0], "title": convert.clean_text(title, 200, state["piece"]["title"])}
        settings_op, summary = ops[0], {"format": "project", "file": record["file"], "sha256": record["sha256"],
                                        "tracks": len(state["tracks"]), "notes": len(state["notes"]),
                                        "bars": state["piece"]["bars"], "verified": verified}
        create = {"title": settings_op["title"]}
    else:
        try:
            plan = convert.plan_import(parsed, base_state=empty_state(), new_piece=True, quantize=quantize,
                                       limits=settings.STUDIO_LIMITS, author=author, record=record, title=title)
        except Refusal as refusal:
            raise _studio_error(refusal) from None
        settings_op, *rest = plan["ops"]
        ops, warnings, summary = rest, plan["warnings"], plan["summary"]
        create = {k: settings_op[k] for k in ("title", "tempo", "time_signature", "key", "bars")}
    with transaction.atomic():
        piece = piece_create(owner=user, tracks=[], **create)
        try:
            applied = _commit_import(piece.pk, user, ops)
        except StudioError as error:
            raise StudioError(error.code, f"the file could not be imported: {error.message}") from None
    return Imported(piece_id=piece.pk, seq=applied.seq, message=applied.message, warnings=warnings, summary=summary)


def import_into_piece(*, piece_id: int, user, file_name: str, data: bytes, quantize: bool = False) -> Imported:
    """A MIDI or MusicXML/.mxl file's tracks are added to an existing piece (owners and editors) as ONE
    ``import`` event. The piece keeps its tempo, meter and key; it grows if the music is longer."""
    membership = selectors.membership_get(piece_id=piece_id, user=user)
    if membership.role not in EDIT_ROLES:
        raise StudioError("forbidden", "viewers can watch and play, but not import")
    fmt, parsed = _parse(data, file_name)
    if fmt == "project":
        raise StudioError("invalid", "a studio project file becomes a new piece: import it from your pieces, "
                                     "not into this one")
    record = _record(file_name, data, fmt)
    _, state = selectors.piece_state(piece_id=piece_id)
    try:
        plan = convert.plan_import(parsed, base_state=state, new_piece=False, quantize=quantize,
                                   limits=settings.STUDIO_LIMITS, author={"kind": "user", "id": user.pk}, record=record)
    except Refusal as refusal:
        raise _studio_error(refusal) from None
    try:
        applied = _commit_import(piece_id, user, plan["ops"])
    except StudioError as error:
        raise StudioError(error.code, f"the file could not be imported: {error.message}") from None
    return Imported(piece_id=piece_id, seq=applied.seq, message=applied.message, warnings=plan["warnings"],
                    summary=plan["summary"])
