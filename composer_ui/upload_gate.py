"""An ASGI gate in front of Django for video uploads: Django reads (and spools to disk) a request's whole
body before any view runs, so a video upload whose declared Content-Length is over STUDIO_VIDEO_MAX_BYTES,
or that declares none, is answered here (413 / 411) without reading it. The view checks again as it copies."""
import json
import re

from django.conf import settings

VIDEO_UPLOAD = re.compile(r"^/api/pieces/[0-9]+/video/$")


def _refusal(status: int, code: str, message: str) -> tuple[dict, dict]:
    body = json.dumps({"error": {"code": code, "message": message}}).encode()
    return ({"type": "http.response.start", "status": status,
             "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                         (b"connection", b"close")]},
            {"type": "http.response.body", "body": body})


class UploadGate:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["method"] == "POST" and VIDEO_UPLOAD.match(scope["path"]):
            length = dict(scope["headers"]).get(b"content-length")
            limit = settings.STUDIO_VIDEO_MAX_BYTES
            refusal = None
            if length is None or not length.isdigit():
                refusal = _refusal(411, "invalid", "send the video with its Content-Length")
            elif int(length) > limit:
                refusal = _refusal(413, "too_large", f"a video may be at most {limit / 1048576:g} MiB")
            if refusal:
                for message in refusal:
                    await send(message)
                return
        await self.app(scope, receive, send)
