"""The classroom policy for AI use: who may ask the AI and who may accept. Pure Python.

Per piece (set by the owner, stored in the piece's state so changes are in the log):
- ai_enabled: AI use on or off;
- ai_operations: which note-writing operations may be asked for (suggesting chord symbols, the operation
  "chords", writes no notes: it is governed by the rest of the policy);
- ai_quota_per_hour: requests per member per hour;
- ai_mode: "free" (anyone asks any time), "alternate" (a person must edit between two AI
  requests: the AI is never asked twice in a row), "teacher_approves" (anyone with edit
  rights asks, only the owner accepts);
- ai_models: which of the studio's models may be asked: "all" (the default) or a list of their names.
"""
from .errors import StudioError
from .permissions import EDIT_ROLES, OWNER
from .op_schema import AI_OPERATIONS
from .state import DEFAULT_AI_POLICY


def policy_of(piece: dict) -> dict:
    return {key: piece.get(key, default) for key, default in DEFAULT_AI_POLICY.items()}


def model_allowed(piece: dict, model: str) -> bool:
    allowed = policy_of(piece)["ai_models"]
    return allowed == "all" or model in allowed


def check_may_use_model(piece: dict, *, model: str) -> None:
    if not model_allowed(piece, model):
        allowed = ", ".join(policy_of(piece)["ai_models"]) or "none"
        raise StudioError("forbidden", f"the model '{model}' is not allowed in this piece (allowed: {allowed})")


def check_may_request(piece: dict, *, role: str, operation: str, requests_last_hour: int,
                      human_edit_since_last_request: bool) -> None:
    policy = policy_of(piece)
    if role not in EDIT_ROLES:
        raise StudioError("forbidden", "viewers can listen, but not ask the AI")
    if not policy["ai_enabled"]:
        raise StudioError("forbidden", "the owner has switched AI use off for this piece")
    if operation in AI_OPERATIONS and operation not in policy["ai_operations"]:
        allowed = ", ".join(policy["ai_operations"]) or "none"
        raise StudioError("forbidden", f"'{operation}' is not allowed in this piece (allowed: {allowed})")
    if requests_last_hour >= policy["ai_quota_per_hour"]:
        raise StudioError("rate_limited", f"you have used this piece's {policy['ai_quota_per_hour']} AI requests "
                                          "for the hour", retry_after=60)
    if policy["ai_mode"] == "alternate" and not human_edit_since_last_request:
        raise StudioError("forbidden", "turns alternate here: someone edits the music before the AI is asked again")


def check_may_decide(piece: dict, *, role: str, accept: bool) -> None:
    if role not in EDIT_ROLES:
        raise StudioError("forbidden", "viewers cannot accept or reject proposals")
    if accept and policy_of(piece)["ai_mode"] == "teacher_approves" and role != OWNER:
        raise StudioError("forbidden", "in this piece only the teacher (the owner) accepts AI proposals")
