"""Export and import of pieces: the only module of interop that touches the database.

Exports read a piece as it is now or as it was after any ``seq`` and convert it with the pure
modules. Imports (below) read an upload in the sandbox, plan its ops, and commit them as ONE event
of kind ``import`` attributed to the importing user.
"""
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.signing import salted_hmac
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.text import slugify

from .. import selectors
from ..errors import StudioError
from ..models import Event, GenerationJob
from . import attribution, midi_export, musicxml_export, project

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
                     "operation": job.operation}
            for job in GenerationJob.objects.filter(pk__in=ids)}


def imports_list(piece_id: int, seq: int, names: dict) -> list[dict]:
    """The piece's import events up to ``seq``: who imported which file (name, sha256), how many notes."""
    found = []
    for event in (Event.objects.filter(piece_id=piece_id, kind="import", seq__lte=seq).order_by("seq")
                  .only("seq", "actor_user_id", "ops")):
        record = next((op["provenance"]["import"] for op in event.ops
                       if op.get("op") == "note.add" and isinstance(op.get("provenance"), dict)
                       and isinstance(op["provenance"].get("import"), dict)), {})
        found.append({"seq": event.seq, "by": event.actor_user_id,
                      "by_name": attribution.user_label(event.actor_user_id, names),
                      "file": record.get("file"), "sha256": record.get("sha256"), "format": record.get("format"),
                      "notes": sum(1 for op in event.ops if op.get("op") == "note.add")})
    return found


def contribution_statement(piece_id: int, seq: int, state: dict, names: dict) -> dict:
    return attribution.contribution(state, names, seq=seq, jobs=_jobs(state),
                                    imports=imports_list(piece_id, seq, names))


def export_piece(*, piece_id: int, user, fmt: str, seq: int | None = None) -> Export:
    """The piece (at ``seq``, default now) in ``fmt``; members only (others: not_found)."""
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
    if fmt in ("midi", "midi0"):
        content = midi_export.to_midi(state, names=names, seq=seq, midi_type=0 if fmt == "midi0" else 1)
    elif fmt == "musicxml":
        content = musicxml_export.to_musicxml(state, names, seq=seq)
    elif fmt == "mxl":
        content = musicxml_export.to_mxl(state, names, seq=seq)
    elif fmt == "provenance":
        content = project.dumps(midi_export.provenance_sidecar(state, names=names, seq=seq, piece_id=piece_id))
    elif fmt == "contribution":
        content = project.dumps(contribution_statement(piece_id, seq, state, names))
    else:
        document = project.project_document(state, piece_id=piece_id, seq=seq, names=names,
                                            statement=contribution_statement(piece_id, seq, state, names),
                                            signature=sign_state(state), exported_at=timezone.now().isoformat())
        content = project.dumps(document)
    content_type, ending = FORMATS[fmt]
    stem = slugify(state["piece"]["title"])[:60] or "piece"
    return Export(content=content, content_type=content_type, filename=f"{stem}-v{seq}{ending}", seq=seq)
