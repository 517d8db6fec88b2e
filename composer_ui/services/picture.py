"""Writes for scoring to picture: a cue sheet imported as one event, the piece's video attached or removed.

A cue sheet is read whole by engine/picture/cuesheet.py at the piece's frame rate: every cue becomes a
cue.add in ONE event of kind ``import`` (with the sheet's name and sha256 on each cue), or nothing is
written and every bad line is named. A video is checked from its bytes (video_files.sniff), copied under
STUDIO_VIDEO_DIR as it came, and recorded as the piece's PieceVideo; the file it replaces is removed once
the database says so.
"""
import hashlib
import os
import secrets
from pathlib import Path

from django.conf import settings
from django.db import transaction

from engine.picture.cuesheet import CueSheetError, read_cue_sheet

from .. import picture, selectors, video_files
from ..errors import StudioError
from ..interop.convert import clean_text
from ..models import PieceVideo
from ..permissions import EDIT_ROLES, OWNER
from .pieces import Applied, ops_apply

CHUNK = 1024 * 1024


def cue_sheet_import(*, piece_id: int, user, file_name: str, data: bytes, replace: bool = False) -> Applied:
    """Every cue of a CSV/TSV sheet into the piece as one ``import`` event (after deleting the piece's cues
    when ``replace``); StudioError ``invalid`` with ``problems`` [{line, reason}] and nothing written else."""
    membership = selectors.membership_get(piece_id=piece_id, user=user)
    if membership.role not in EDIT_ROLES:
        raise StudioError("forbidden", "viewers can watch and play, but not import cues")
    _, state = selectors.piece_state(piece_id=piece_id)
    fps = state["piece"]["fps"]
    try:
        cues = read_cue_sheet(data, fps)
    except CueSheetError as error:
        problems = [{"line": p.line, "reason": p.reason} for p in error.problems]
        raise StudioError("invalid", f"the cue sheet was not imported: {error}", problems=problems) from None
    record = {"file": clean_text(file_name.replace("\\", "/").rsplit("/", 1)[-1], 200, "cues"),
              "sha256": hashlib.sha256(data).hexdigest(), "format": "cue sheet"}
    ops = picture.cue_sheet_ops(cues, author={"kind": "user", "id": user.pk}, record=record,
                                replace_ids=sorted(state["cues"]) if replace else ())
    limit = settings.STUDIO_LIMITS["cues_per_piece"]
    return ops_apply(piece_id=piece_id, user=user, ops=ops, client_op_id=None, kind="import", trusted=True,
                     max_ops=2 * limit)


def _owner_only(piece_id: int, user, doing: str) -> None:
    membership = selectors.membership_get(piece_id=piece_id, user=user)
    if membership.role != OWNER:
        raise StudioError("forbidden", f"only the piece's owner {doing}")


def video_limit() -> int:
    return settings.STUDIO_VIDEO_MAX_BYTES


def video_store(*, piece_id: int, user, stream, file_name: str, length: int | None) -> PieceVideo:
    """The owner's upload (read from ``stream``) becomes the piece's video. Refused: not MP4 or WebM by its
    first bytes (invalid), over STUDIO_VIDEO_MAX_BYTES (too_large, declared or counted), anyone but the owner."""
    _owner_only(piece_id, user, "attaches a video")
    limit = video_limit()
    if length is not None and length > limit:
        raise StudioError("too_large", f"a video may be at most {limit / 1048576:g} MiB")
    head = stream.read(video_files.HEAD_BYTES)
    kind = video_files.sniff(head)
    if kind is None:
        raise StudioError("invalid", "this is not a video the studio can show: send an MP4 (H.264) or WebM file")
    folder = Path(settings.STUDIO_VIDEO_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    token = secrets.token_hex(16)
    final = folder / video_files.stored_name(piece_id, token, kind)
    incoming = folder / f".incoming-{token}"
    digest, size = hashlib.sha256(head), len(head)
    try:
        with open(incoming, "xb") as out:
            out.write(head)
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise StudioError("too_large", f"a video may be at most {limit / 1048576:g} MiB")
                digest.update(chunk)
                out.write(chunk)
        os.replace(incoming, final)
        with transaction.atomic():
            old = PieceVideo.objects.select_for_update().filter(piece_id=piece_id).first()
            gone = old.stored_as if old else None
            video = old or PieceVideo(piece_id=piece_id)
            video.name = clean_text(file_name.replace("\\", "/").rsplit("/", 1)[-1], 200, "video")
            video.kind, video.size, video.sha256, video.stored_as = kind, size, digest.hexdigest(), final.name
            video.uploaded_by = user
            video.save()
            if gone:
                transaction.on_commit(lambda: _unlink(folder / gone))
    except BaseException:
        _unlink(incoming)
        _unlink(final)
        raise
    return video


def video_remove(*, piece_id: int, user) -> None:
    _owner_only(piece_id, user, "removes the video")
    with transaction.atomic():
        video = PieceVideo.objects.select_for_update().filter(piece_id=piece_id).first()
        if video is None:
            raise StudioError("conflict", "the piece has no video (removed by someone else?)")
        stored = Path(settings.STUDIO_VIDEO_DIR) / video.stored_as
        video.delete()
        transaction.on_commit(lambda: _unlink(stored))


def _unlink(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass
