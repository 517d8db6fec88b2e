"""Files in and out of the API (docs/interop.md): exports, and uploads that are refused above the
import limits before they are read."""
import io
from functools import wraps

from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpResponse, JsonResponse
from django.utils.http import content_disposition_header
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from . import broadcast, selectors
from .api import _int_param, _piece_summary, file_api
from .errors import StudioError
from .interop import services as interop


@file_api("GET")
def piece_export(request, piece_id, fmt):
    seq = _int_param(request, "seq", 0, 0, 2**62) or None
    tracks = request.GET.get("tracks")  # "t1,t2": a MusicXML part for these tracks only
    export = interop.export_piece(piece_id=piece_id, user=request.user, fmt=fmt, seq=seq,
                                  track_ids=tracks.split(",")[:64] if tracks is not None else None)
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = content_disposition_header(True, export.filename)
    response["Cache-Control"] = "private, no-store"
    response["X-Piece-Seq"] = str(export.seq)
    return response



MULTIPART_OVERHEAD = 64 * 1024


class CappedUpload(FileUploadHandler):
    """Keeps uploads in memory and stops reading past the import limits (a project file may be larger)."""

    def __init__(self, request, music_limit, project_limit):
        super().__init__(request)
        self.music_limit, self.project_limit = music_limit, project_limit
        self.total, self.too_large = 0, None

    def new_file(self, field_name, file_name, *args, **kwargs):
        super().new_file(field_name, file_name, *args, **kwargs)
        self.limit = self.project_limit if (file_name or "").lower().endswith(".json") else self.music_limit
        self.buffer, self.size = io.BytesIO(), 0

    def receive_data_chunk(self, raw_data, start):
        self.size += len(raw_data)
        self.total += len(raw_data)
        if self.size > self.limit or self.total > self.project_limit + MULTIPART_OVERHEAD:
            self.too_large = self.limit
            raise StopUpload(connection_reset=False)
        self.buffer.write(raw_data)
        return None

    def file_complete(self, file_size):
        self.buffer.seek(0)
        return InMemoryUploadedFile(self.buffer, self.field_name, self.file_name, self.content_type, file_size,
                                    self.charset, self.content_type_extra)


def upload_api(view):
    """A multipart file upload under the API's rules: POST, logged in, CSRF as everywhere; the body is
    refused above the import limits before it is parsed (413 too_large)."""
    protected = csrf_protect(view)

    @csrf_exempt
    @file_api("POST")
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        music_limit, project_limit = interop.upload_limits()
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > project_limit + MULTIPART_OVERHEAD:
            raise StudioError("too_large", f"an upload may be at most {music_limit / 1048576:g} MiB "
                                           f"({project_limit / 1048576:g} MiB for a studio project file)")
        handler = CappedUpload(request, music_limit, project_limit)
        request.upload_handlers = [handler]
        request.capped_upload = handler
        return protected(request, *args, **kwargs)
    return wrapper


def _upload(request) -> tuple[str, bytes]:
    handler = request.capped_upload
    upload = request.FILES.get("file")
    if handler.too_large:
        raise StudioError("too_large", f"the file is larger than {handler.too_large / 1048576:g} MiB, "
                                       "the most an import may be")
    if upload is None:
        raise StudioError("invalid", "send the file as the multipart form field 'file'")
    return upload.name or "upload", upload.read()


def _flag(request, name) -> bool:
    return str(request.POST.get(name, "")).lower() in ("1", "true", "yes", "on")


@upload_api
def pieces_import(request):
    file_name, data = _upload(request)
    title = request.POST.get("title") or None
    imported = interop.import_new_piece(user=request.user, file_name=file_name, data=data, title=title,
                                        quantize=_flag(request, "quantize"))
    membership = selectors.membership_get(piece_id=imported.piece_id, user=request.user)
    return JsonResponse({"piece": _piece_summary(membership), "seq": imported.seq, "import": imported.summary,
                         "warnings": imported.warnings}, status=201)


@upload_api
def piece_import(request, piece_id):
    file_name, data = _upload(request)
    imported = interop.import_into_piece(piece_id=piece_id, user=request.user, file_name=file_name, data=data,
                                         quantize=_flag(request, "quantize"))
    broadcast.to_room_from_sync(piece_id, imported.message)
    return JsonResponse({"seq": imported.seq, "import": imported.summary, "warnings": imported.warnings}, status=200)
