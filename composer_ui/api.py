"""The JSON HTTP API (docs/api.md): session auth, CSRF on writes.

Each view parses, calls one service or selector, and replies; errors are the
room protocol's codes with a matching HTTP status.
"""
from functools import wraps

from django.http import JsonResponse

from . import broadcast, protocol, selectors, services
from .errors import StudioError
from .protocol import PROTOCOL_VERSION, loads_strict

STATUS = {"bad_json": 400, "invalid": 400, "unknown_type": 400, "forbidden": 403, "not_found": 404,
          "conflict": 409, "too_large": 413, "rate_limited": 429, "unavailable": 503}
MAX_BODY = 256 * 1024


def file_api(*methods):
    """Method and login checks, and StudioError as the API's JSON error, for a view that returns its own
    response (a file download or upload)."""
    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method not in methods:
                return JsonResponse({"error": {"code": "invalid", "message": f"use {' or '.join(methods)}"}},
                                    status=405)
            if not request.user.is_authenticated:
                return JsonResponse({"error": {"code": "forbidden", "message": "log in first"}}, status=401)
            try:
                return view(request, *args, **kwargs)
            except StudioError as error:
                return JsonResponse({"error": error.as_dict()}, status=STATUS[error.code])
        return wrapper
    return decorate


def api(*methods):
    """``file_api`` for JSON views: the body is parsed for writes; the view returns (result, status)."""
    def decorate(view):
        @file_api(*methods)
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            body = _json_body(request) if request.method in ("POST", "PATCH", "PUT") else {}
            result, status = view(request, body, *args, **kwargs)
            return JsonResponse(result, status=status)
        return wrapper
    return decorate


def _json_body(request) -> dict:
    if len(request.body) > MAX_BODY:
        raise StudioError("too_large", f"a request body is at most {MAX_BODY} bytes")
    try:
        body = loads_strict(request.body or b"{}")
    except (ValueError, RecursionError):
        raise StudioError("bad_json", "the body is not valid JSON") from None
    if not isinstance(body, dict):
        raise StudioError("bad_json", "the body is a JSON object")
    return body


def _piece_summary(membership) -> dict:
    piece = membership.piece
    return {"id": piece.pk, "title": piece.title, "role": membership.role, "seq": piece.head_seq,
            "owner": piece.owner_id, "updated_at": piece.updated_at.isoformat()}


def _int_param(request, name, default, lo, hi) -> int:
    try:
        value = int(request.GET.get(name, default))
    except ValueError:
        raise StudioError("invalid", f"{name} must be an integer") from None
    if not lo <= value <= hi:
        raise StudioError("invalid", f"{name} must be from {lo} to {hi}")
    return value


@api("GET", "POST")
def pieces(request, body):
    if request.method == "GET":
        return {"pieces": [_piece_summary(m) for m in selectors.memberships_for_user(user=request.user)]}, 200
    allowed = {"title", "tempo", "time_signature", "key", "bars", "tracks"}
    if set(body) - allowed:
        raise StudioError("invalid", f"a piece takes only {', '.join(sorted(allowed))}")
    if "tracks" in body and not isinstance(body["tracks"], list):
        raise StudioError("invalid", "tracks is a list of track objects")
    piece = services.piece_create(owner=request.user, **body)
    membership = selectors.membership_get(piece_id=piece.pk, user=request.user)
    return {"piece": _piece_summary(membership)}, 201


@api("GET")
def piece_detail(request, body, piece_id):
    membership = selectors.membership_get(piece_id=piece_id, user=request.user)
    seq, state = selectors.piece_state(piece_id=piece_id)
    return {"id": piece_id, "protocol": PROTOCOL_VERSION, "seq": seq, "state": state,
            "you": selectors.member_as_dict(membership), "members": selectors.members_list(piece_id=piece_id)}, 200


@api("GET")
def piece_events(request, body, piece_id):
    selectors.membership_get(piece_id=piece_id, user=request.user)
    since = _int_param(request, "since", 0, 0, 2**62)
    limit = _int_param(request, "limit", 1000, 1, 1000)
    events = selectors.events_since(piece_id=piece_id, since=since, limit=limit)
    seq, _ = selectors.piece_state(piece_id=piece_id)
    return {"since": since, "seq": seq, "events": events}, 200


@api("POST")
def piece_ops(request, body, piece_id):
    selectors.membership_get(piece_id=piece_id, user=request.user)
    if set(body) - {"client_op_id", "ops"}:
        raise StudioError("invalid", "an op request takes client_op_id and ops")
    applied = services.ops_apply(piece_id=piece_id, user=request.user, ops=body.get("ops"),
                                 client_op_id=body.get("client_op_id"))
    if not applied.duplicate:
        broadcast.to_room_from_sync(piece_id, applied.message)
    return {"seq": applied.seq, "duplicate": applied.duplicate, "event": applied.message}, 200


@api("GET")
def members(request, body, piece_id):
    selectors.membership_get(piece_id=piece_id, user=request.user)
    return {"members": selectors.members_list(piece_id=piece_id)}, 200


@api("PATCH", "DELETE")
def member_detail(request, body, piece_id, user_id):
    if request.method == "DELETE":
        services.member_remove(piece_id=piece_id, acting_user=request.user, user_id=user_id)
    else:
        services.member_role_set(piece_id=piece_id, acting_user=request.user, user_id=user_id,
                                 role=body.get("role"))
    broadcast.members_changed_from_sync(piece_id, user_id)
    return {"members": selectors.members_list(piece_id=piece_id)}, 200


def _invite_as_dict(request, invite) -> dict:
    return {"token": invite.token, "role": invite.role, "active": invite.is_active,
            "url": request.build_absolute_uri(f"/join/{invite.token}/"), "created_at": invite.created_at.isoformat()}


@api("GET", "POST")
def invites(request, body, piece_id):
    if request.method == "POST":
        invite = services.invite_create(piece_id=piece_id, acting_user=request.user, role=body.get("role", "editor"))
        return {"invite": _invite_as_dict(request, invite)}, 201
    found = selectors.invites_list(piece_id=piece_id, user=request.user)
    return {"invites": [_invite_as_dict(request, i) for i in found]}, 200


@api("DELETE")
def invite_detail(request, body, piece_id, token):
    invite = services.invite_revoke(piece_id=piece_id, acting_user=request.user, token=token)
    return {"invite": _invite_as_dict(request, invite)}, 200


# -- the AI partner (docs/api.md) ---------------------------------------------------------

def _job_payload(job) -> dict:
    payload = selectors.job_as_message(job)
    if hasattr(job, "proposal") and job.status != "queued":
        payload["proposal"] = selectors.proposal_as_message(job)
    return payload


@api("GET")
def engine_capabilities(request, body):
    """The default model's capabilities (the answer's first shape, kept) and every model's, by name."""
    from . import engine_bridge

    models = engine_bridge.models_listing()
    return {"capabilities": models[0]["capabilities"], "models": models}, 200


@api("GET", "POST")
def jobs(request, body, piece_id):
    selectors.membership_get(piece_id=piece_id, user=request.user)
    if request.method == "GET":
        return {"jobs": [selectors.job_as_message(j) for j in selectors.jobs_for_piece(piece_id=piece_id)]}, 200
    fields = protocol.parse_generate({"type": "generate", **body})
    job = services.generation_request(piece_id=piece_id, user=request.user, **fields)
    broadcast.to_room_from_sync(piece_id, selectors.job_as_message(job))
    return {"job": selectors.job_as_message(job)}, 202


@api("GET")
def job_detail(request, body, piece_id, job_id):
    selectors.membership_get(piece_id=piece_id, user=request.user)
    return {"job": _job_payload(selectors.job_get(piece_id=piece_id, job_id=job_id))}, 200


@api("POST")
def job_decide(request, body, piece_id, job_id):
    fields = protocol.parse_decide({"type": "decide", **body, "job_id": job_id})
    job, applied = services.proposal_decide(piece_id=piece_id, user=request.user, **fields)
    if applied is not None:
        broadcast.to_room_from_sync(piece_id, applied.message)
    broadcast.to_room_from_sync(piece_id, selectors.job_as_message(job))
    return {"job": selectors.job_as_message(job), "seq": applied.seq if applied else None}, 200


@api("POST")
def job_regenerate(request, body, piece_id, job_id):
    fields = protocol.parse_regenerate({"type": "regenerate", **body, "job_id": job_id})
    job, set_aside = services.generation_regenerate(piece_id=piece_id, user=request.user, **fields)
    if set_aside is not None:
        broadcast.to_room_from_sync(piece_id, selectors.job_as_message(set_aside))
    broadcast.to_room_from_sync(piece_id, selectors.job_as_message(job))
    return {"job": selectors.job_as_message(job)}, 202
