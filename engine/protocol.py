"""
The model protocol's constants, shared by the reference server (engine.serve),
the remote backend (engine.remote) and the conformance kit (engine.conformance).
The protocol itself is written down in docs/model-protocol.md and engine/schema/.
"""
from __future__ import annotations

import json

VERSION = "v1"
CAPABILITIES = "/v1/capabilities"
GENERATE = "/v1/generate"
HEALTH = "/v1/health"
SCHEMA_PREFIX = "/v1/schema/"            # GET /v1/schema/<message>.json: the schema files

TOKEN_ENV = "STUDIO_MODEL_TOKEN"         # the bearer token, when not given on the command line
DEFAULT_MAX_REQUEST_BYTES = 4 * 1024 * 1024   # a 20,000-note piece is about 1.5 MB of JSON
DEFAULT_TIMEOUT_S = 30.0                 # one generation, on the server; below the studio's 60 s job limit

# error code -> HTTP status (an oversize body is `invalid` with 413, an unknown path 404, a wrong method 405)
STATUS = {"invalid": 400, "unauthorized": 401, "unsupported": 422, "internal": 500,
          "overloaded": 503, "timeout": 504}
REASONS = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found", 405: "Method Not Allowed",
           413: "Content Too Large", 422: "Unprocessable Content", 500: "Internal Server Error",
           503: "Service Unavailable", 504: "Gateway Timeout"}


def error_body(code: str, message: str, retry_after: float | None = None) -> dict:
    body = {"code": code, "message": message}
    if retry_after is not None:
        body["retry_after"] = retry_after
    return body


def dumps(obj) -> bytes:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode()
