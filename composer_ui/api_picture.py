"""HTTP for scoring to picture (docs/api.md, docs/picture.md): cue sheets in and out, the tempo solver over
the piece's cues, and the piece's video (upload, removal, and the ranged download members play).

Thin: parse, authorize (in the service or selector), call one thing, reply. The video's bytes are read and
written in chunks, never held whole; a download answers one byte range (206) so the browser can seek.
"""
import asyncio
import threading
from pathlib import Path
from urllib.parse import unquote

from django.conf import settings
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header
from django.utils.text import slugify

from engine.picture.cuesheet import write_cue_sheet

from . import broadcast, picture, protocol, selectors, video_files
from .api import api, file_api
from .api_files import _flag, _upload, upload_api
from .errors import StudioError
from .services import picture as picture_services

CHUNK = 256 * 1024
SOLVES_AT_ONCE = 2  # per process: a fit takes up to about a second of CPU (bench/picture.py)
_solves = threading.BoundedSemaphore(SOLVES_AT_ONCE)


@upload_api
def cue_sheet_import(request, piece_id):
    file_name, data = _upload(request)
    applied = picture_services.cue_sheet_import(piece_id=piece_id, user=request.user, file_name=file_name,
                                                data=data, replace=_flag(request, "replace"))
    broadcast.to_room_from_sync(piece_id, applied.message)
    cues = sum(1 for op in applied.message["ops"] if op["op"] == "cue.add")
    return JsonResponse({"seq": applied.seq, "cues": cues, "event": applied.message}, status=200)


@file_api("GET")
def cue_sheet_export(request, piece_id):
    selectors.membership_get(piece_id=piece_id, user=request.user)
    fmt = request.GET.get("format", "csv")
    if fmt not in ("csv", "tsv"):
        raise StudioError("invalid", "format is csv or tsv")
    _, state = selectors.piece_state(piece_id=piece_id)
    text = write_cue_sheet(list(state["cues"].values()), state["piece"]["fps"], delimiter="," if fmt == "csv" else "\t",
                           seconds=request.GET.get("seconds") in ("1", "true"))
    response = HttpResponse(text.encode("utf-8"),
                            content_type="text/csv; charset=utf-8" if fmt == "csv" else
                            "text/tab-separated-values; charset=utf-8")
    stem = slugify(state["piece"]["title"])[:60] or "piece"
    response["Content-Disposition"] = content_disposition_header(True, f"{stem}-cues.{fmt}")
    response["Cache-Control"] = "private, no-store"
    return response


@api("POST")
def fit(request, body, piece_id):
    selectors.membership_get(piece_id=piece_id, user=request.user)
    _, state = selectors.piece_state(piece_id=piece_id)
    options = picture.fit_options(body, state["piece"])
    if not _solves.acquire(blocking=False):
        raise StudioError("unavailable", "the solver is busy with other pieces; try again in a moment")
    try:
        return picture.fit_piece(state, options), 200
    finally:
        _solves.release()


@file_api("GET", "POST", "DELETE")
def video(request, piece_id):
    """GET: the piece's video as members see it (or null). POST: the owner sends a video as the request body
    (Content-Type video/mp4 or video/webm, X-File-Name its name, URL-encoded). DELETE: the owner removes it."""
    if request.method == "GET":
        return JsonResponse({"video": protocol.video_fields(selectors.piece_video(piece_id=piece_id, user=request.user))})
    if request.method == "POST":
        declared = str(request.META.get("CONTENT_LENGTH") or "")
        length = int(declared) if declared.isdigit() else None  # the service counts what arrives anyway
        stored = picture_services.video_store(piece_id=piece_id, user=request.user, stream=request, length=length,
                                              file_name=unquote(request.headers.get("X-File-Name", "video")))
        broadcast.to_room_from_sync(piece_id, protocol.video_message(stored))
        return JsonResponse({"video": protocol.video_fields(stored)}, status=201)
    picture_services.video_remove(piece_id=piece_id, user=request.user)
    broadcast.to_room_from_sync(piece_id, protocol.video_message(None))
    return JsonResponse({"video": None})


@file_api("GET", "HEAD")
def video_file(request, piece_id):
    """The video's bytes to members (others: 404), one byte range at a time: 206 with Content-Range for a
    Range request, 200 for the whole file, 416 for a range past its end."""
    found = selectors.piece_video(piece_id=piece_id, user=request.user)
    if found is None:
        raise StudioError("not_found", "the piece has no video")
    path, size = Path(settings.STUDIO_VIDEO_DIR) / found.stored_as, found.size
    wanted = video_files.byte_range(request.headers.get("Range"), size)
    if wanted == "unsatisfiable":
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response
    first, last = wanted or (0, size - 1)
    if request.method == "HEAD":
        response = HttpResponse(status=206 if wanted else 200)
    else:
        chunks = _async_chunks if isinstance(request, ASGIRequest) else _chunks
        response = StreamingHttpResponse(chunks(path, first, last), status=206 if wanted else 200)
    response["Content-Type"] = video_files.TYPES[found.kind]
    response["Content-Length"] = str(last - first + 1)
    response["Accept-Ranges"] = "bytes"
    if wanted:
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
    response["ETag"] = f'"{found.sha256}"'
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Disposition"] = "inline"
    return response


def _chunks(path: Path, first: int, last: int):
    with open(path, "rb") as handle:
        handle.seek(first)
        left = last - first + 1
        while left > 0:
            chunk = handle.read(min(CHUNK, left))
            if not chunk:
                return
            left -= len(chunk)
            yield chunk


async def _async_chunks(path: Path, first: int, last: int):
    """The same bytes for the ASGI server, read in a thread so the event loop keeps serving the rooms."""
    handle = await asyncio.to_thread(open, path, "rb")
    try:
        await asyncio.to_thread(handle.seek, first)
        left = last - first + 1
        while left > 0:
            chunk = await asyncio.to_thread(handle.read, min(CHUNK, left))
            if not chunk:
                return
            left -= len(chunk)
            yield chunk
    finally:
        handle.close()
