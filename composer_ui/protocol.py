"""The room protocol (docs/protocol.md), both ways. Pure Python: nothing here touches the database.

What comes in: each ``parse_*`` returns the cleaned message or raises StudioError with the code
the client is told. What goes out: each server message type has one builder, ``<type>_message``,
and nothing else in the studio writes a server message's fields (tests/composer_ui/test_protocol_doc.py
checks the builders against the document, one to one).
"""
import json

from .errors import StudioError
from .op_schema import ID_PATTERN, MODEL_NAME

PROTOCOL_VERSION = 1
MAX_JOB_ID = 2**63 - 1  # job ids are a BigAutoField: no larger one exists, so none reaches a query
CLIENT_TYPES = ("op", "sync", "presence", "ping", "generate", "decide", "regenerate", "cancel")
SERVER_TYPES = ("welcome", "ack", "event", "events", "present", "members", "presence", "pong", "error",
                "job", "proposal", "decided", "video")


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
    """The fields of a `generate`; their values are checked against the chosen model's capabilities."""
    _only(message, {"request_id", "operation", "tracks", "bars", "controls", "candidates", "seed", "model"},
          "generate")
    for name in ("operation", "tracks", "bars"):
        if name not in message:
            raise StudioError("invalid", f"generate needs {name}")
    model = message.get("model")
    if model is not None and (not isinstance(model, str) or not MODEL_NAME.fullmatch(model)):
        raise StudioError("invalid", "model must be the name of one of the studio's models (GET /api/engine/)")
    return {"request_id": _request_id(message), "operation": message["operation"], "tracks": message["tracks"],
            "bars": message["bars"], "controls": message.get("controls", {}),
            "candidates": message.get("candidates", 4), "seed": message.get("seed"), "model": model}


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


# -- server -> client: one builder per message type ---------------------------------------------
# Rows (an Event, a GenerationJob) are read by attribute, so this module needs no Django.

def welcome_message(*, piece_id: int, seq: int, state: dict, you: dict, members: list, present: list,
                    limits: dict) -> dict:
    return {"type": "welcome", "protocol": PROTOCOL_VERSION, "piece_id": piece_id, "seq": seq, "state": state,
            "you": you, "members": members, "present": present, "limits": limits}


def ack_message(client_op_id: str, seq: int, *, duplicate: bool = False) -> dict:
    return {"type": "ack", "client_op_id": client_op_id, "seq": seq, **({"duplicate": True} if duplicate else {})}


def event_message(event) -> dict:
    """A committed Event row, as the room sees it."""
    return {"type": "event", "seq": event.seq, "actor": event.actor, "kind": event.kind,
            "ops": event.ops, "client_op_id": event.client_op_id,
            "at": event.created_at.isoformat() if event.created_at else None}


def events_message(*, since: int, seq: int, events: list) -> dict:
    return {"type": "events", "since": since, "seq": seq, "events": events}


def present_message(*, present: list, joined: list, left: list) -> dict:
    return {"type": "present", "present": present, "joined": joined, "left": left}


def members_message(*, members: list, you: dict) -> dict:
    return {"type": "members", "members": members, "you": you}


def presence_message(user_id: int, fields: dict) -> dict:
    """A person's cursor, selection or playhead, as ``parse_presence`` cleaned them."""
    return {"type": "presence", "user": user_id, **fields}


def pong_message() -> dict:
    return {"type": "pong"}


def error_message(error: StudioError, *, client_op_id: str | None = None) -> dict:
    message = {"type": "error", **error.as_dict()}
    if client_op_id:
        message["client_op_id"] = client_op_id
    if getattr(error, "index", None) is not None:
        message["op_index"] = error.index
    return message


def job_message(job, *, description: str) -> dict:
    """A GenerationJob row; ``description`` is the AI's presence ("AI is writing bars 1-2 of Alto")."""
    return {"type": "job", "job_id": job.pk, "request_id": job.request_id, "status": job.status,
            "reason": job.reason, "operation": job.operation, "tracks": job.tracks,
            "bars": [job.start_bar, job.end_bar], "requester": job.requester_id, "parent": job.parent_id,
            "seed": job.seed, "base_seq": job.base_seq, "model": f"{job.model_name}@{job.model_version}",
            "model_entry": job.model_entry, "description": description}


def proposal_message(job, *, stale: bool) -> dict:
    """A ready GenerationJob row and its Proposal."""
    proposal = job.proposal
    return {"type": "proposal", "job_id": job.pk, "base_seq": job.base_seq, "stale": stale,
            "bars": [job.start_bar, job.end_bar], "tracks": job.tracks, "candidates": proposal.candidates,
            "provenance": proposal.provenance, "timings": proposal.timings}


def decided_message(job, *, seq: int | None) -> dict:
    """The answer to a `decide`: the job's new status and, for an accept, its event's seq."""
    return {"type": "decided", "job_id": job.pk, "status": job.status, "seq": seq}


def video_fields(video) -> dict | None:
    """A PieceVideo row as members see it (the API's answer and the `video` message), or None."""
    if video is None:
        return None
    return {"name": video.name, "kind": video.kind, "size": video.size, "sha256": video.sha256,
            "url": f"/api/pieces/{video.piece_id}/video/file/?v={video.sha256[:16]}",
            "uploaded_by": video.uploaded_by_id, "uploaded_at": video.uploaded_at.isoformat()}


def video_message(video) -> dict:
    """The piece's video changed (attached, replaced or removed): everyone in the room shows the same one."""
    return {"type": "video", "video": video_fields(video)}
