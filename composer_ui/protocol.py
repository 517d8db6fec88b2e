"""Parsing client frames of the room protocol (docs/protocol.md). Pure Python.

Each function returns the cleaned message or raises StudioError with the
code the client is told; nothing here touches the database.
"""
import json

from .errors import StudioError
from .op_schema import ID_PATTERN

PROTOCOL_VERSION = 1
MAX_JOB_ID = 2**63 - 1  # job ids are a BigAutoField: no larger one exists, so none reaches a query
CLIENT_TYPES = ("op", "sync", "presence", "ping", "generate", "decide", "regenerate", "cancel")


def _refuse_constant(name):
    raise ValueError(f"{name} is not valid JSON")


def loads_strict(text):
    """json.loads that refuses NaN and Infinity, which are not JSON."""
    return json.loads(text, parse_constant=_refuse_constant)


def parse_frame(text, *, max_bytes: int) -> dict:
    if text is None:
        raise StudioError("invalid", "binary frames are not accepted; send JSON text")
    if len(text) > max_bytes or len(text.encode("utf-8", "surrogatepass")) > max_bytes:
        raise StudioError("too_large", f"a message is at most {max_bytes} bytes")
    try:
        message = loads_strict(text)
    except (ValueError, RecursionError):
        raise StudioError("bad_json", "the frame is not valid JSON") from None
    if not isinstance(message, dict):
        raise StudioError("bad_json", "a message is a JSON object with a 'type'")
    if message.get("type") not in CLIENT_TYPES:
        kind = message.get("type")
        shown = kind[:40] if isinstance(kind, str) else type(kind).__name__
        raise StudioError("unknown_type", f"unknown message type {shown!r}; known: {', '.join(CLIENT_TYPES)}")
    return message


def client_op_id_of(message: dict) -> str | None:
    """The client_op_id to echo in an error, when it is a sane string."""
    value = message.get("client_op_id")
    return value if isinstance(value, str) and ID_PATTERN.fullmatch(value) else None


# Why a person sent an op message; it becomes the event's kind, so a history shows undo as undo.
OP_INTENTS = ("edit", "undo", "redo")


def parse_op(message: dict) -> tuple[str, list, str]:
    """(client_op_id, ops, intent) of an `op` message."""
    client_op_id = message.get("client_op_id")
    if not isinstance(client_op_id, str) or not ID_PATTERN.fullmatch(client_op_id):
        raise StudioError("invalid", "op needs a client_op_id of 1-64 letters, digits or _ . : -")
    extra = set(message) - {"type", "client_op_id", "ops", "base_seq", "intent"}
    if extra:
        raise StudioError("invalid", f"op does not take {', '.join(sorted(map(str, extra)))[:200]}")
    intent = message.get("intent", "edit")
    if intent not in OP_INTENTS:
        raise StudioError("invalid", f"intent is one of {', '.join(OP_INTENTS)}")
    return client_op_id, message.get("ops"), intent


def parse_sync(message: dict, *, head_seq: int) -> int:
    since = message.get("since")
    if type(since) is not int or not 0 <= since <= head_seq:
        raise StudioError("invalid", f"sync needs since: an integer from 0 to the current seq ({head_seq})")
    return since


def _cursor(value):
    return (isinstance(value, dict) and set(value) <= {"tick", "pitch"}
            and all(type(v) is int and 0 <= v <= 10_000_000 for v in value.values()))


def _selection(value):
    return (isinstance(value, list) and len(value) <= 2_000
            and all(isinstance(v, str) and ID_PATTERN.fullmatch(v) for v in value))


def _playhead(value):
    return type(value) is int and 0 <= value <= 10_000_000


PRESENCE_FIELDS = {"cursor": _cursor, "selection": _selection, "playhead": _playhead}


def parse_presence(message: dict) -> dict:
    cleaned = {}
    for name, value in message.items():
        if name == "type":
            continue
        check = PRESENCE_FIELDS.get(name)
        if check is None:
            raise StudioError("invalid", f"presence takes only {', '.join(PRESENCE_FIELDS)}")
        if value is not None and not check(value):
            raise StudioError("invalid", f"presence {name} is malformed")
        cleaned[name] = value
    return cleaned


def _only(message: dict, allowed: set, kind: str) -> None:
    extra = set(message) - allowed - {"type"}
    if extra:
        raise StudioError("invalid", f"{kind} does not take {', '.join(sorted(map(str, extra)))[:200]}")


def _job_id(message: dict) -> int:
    job_id = message.get("job_id")
    if type(job_id) is not int or not 1 <= job_id <= MAX_JOB_ID:
        raise StudioError("invalid", "job_id must be a positive integer")
    return job_id


def _request_id(message: dict) -> str:
    value = message.get("request_id", "")
    if value != "" and (not isinstance(value, str) or not ID_PATTERN.fullmatch(value)):
        raise StudioError("invalid", "request_id must be 1-64 letters, digits or _ . : -")
    return value


def parse_generate(message: dict) -> dict:
    """The fields of a `generate`; their values are checked against the engine's capabilities."""
    _only(message, {"request_id", "operation", "tracks", "bars", "controls", "candidates", "seed"}, "generate")
    for name in ("operation", "tracks", "bars"):
        if name not in message:
            raise StudioError("invalid", f"generate needs {name}")
    return {"request_id": _request_id(message), "operation": message["operation"], "tracks": message["tracks"],
            "bars": message["bars"], "controls": message.get("controls", {}),
            "candidates": message.get("candidates", 4), "seed": message.get("seed")}


def parse_decide(message: dict) -> dict:
    _only(message, {"job_id", "accept", "reject", "force", "auditioned"}, "decide")
    if "force" in message and type(message["force"]) is not bool:
        raise StudioError("invalid", "force must be true or false")
    if "reject" in message and message["reject"] is not True:
        raise StudioError("invalid", "reject must be true")
    return {"job_id": _job_id(message), "accept": message.get("accept"), "reject": message.get("reject", False),
            "force": message.get("force", False), "auditioned": message.get("auditioned", [])}


def parse_regenerate(message: dict) -> dict:
    _only(message, {"job_id", "request_id"}, "regenerate")
    return {"job_id": _job_id(message), "request_id": _request_id(message)}


def parse_cancel(message: dict) -> int:
    _only(message, {"job_id"}, "cancel")
    return _job_id(message)
