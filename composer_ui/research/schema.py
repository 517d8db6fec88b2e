"""The research log's schema (version 1), as data, with a checker the tests run on every row.

docs/research-log.md describes the same fields with an example line per event type.
"""
import re
from datetime import datetime

from .timeline import KINDS

PARTICIPANT = re.compile(r"P\d{2,}")
ACTOR_KINDS = ("user", "model", "system")
LOG_EVENTS = ("create", "edit", "import", "undo", "redo", "policy", "accept")
JOB_EVENTS = ("generate", "regenerate", "proposal", "audition", "accept", "reject", "failed", "cancelled")
DECISION = {"action": str, "candidate": (int, type(None)), "auditioned": list, "stale": bool, "forced": bool,
            "seconds_to_decide": (float, int, type(None))}
PAYLOADS = {
    **{kind: {"ops": list} for kind in LOG_EVENTS},
    "accept": {"ops": list, **DECISION},
    "generate": {"operation": str, "tracks": list, "bars": list, "controls": dict, "candidates": int, "seed": int,
                 "model": str, "parent": (int, type(None)), "status": str},
    "proposal": {"candidates": int, "model": str, "seed": int, "latency_ms": (float, int, type(None))},
    "audition": DECISION, "reject": DECISION, "failed": {}, "cancelled": {},
}
PAYLOADS["regenerate"] = PAYLOADS["generate"]
GENERATION = {"job": int, "parent": (int, type(None)), "model": str, "version": str, "checksum": str,
              "model_entry": str, "endpoint": str, "operation": str, "tracks": list, "bars": list, "controls": dict, "seed": int, "candidates": int,
              "base_seq": int, "status": str, "latency_ms": (float, int, type(None))}
ROW = {"schema": int, "piece": int, "seq": int, "time": str, "participant": (str, type(None)), "actor_kind": str,
       "event": str, "summary": str, "payload": dict}


def row_errors(row: dict) -> list[str]:
    """What is wrong with one exported row (empty when it follows the schema)."""
    errors = _fields(row, ROW, "row")
    if errors:
        return errors
    if row["event"] not in KINDS:
        errors.append(f"unknown event {row['event']!r}")
    if row["actor_kind"] not in ACTOR_KINDS:
        errors.append(f"unknown actor_kind {row['actor_kind']!r}")
    if (row["actor_kind"] == "user") != bool(row["participant"] and PARTICIPANT.fullmatch(row["participant"])):
        errors.append("a user's row has a pseudonym P01.., other rows none")
    try:
        datetime.fromisoformat(row["time"])
    except ValueError:
        errors.append("time is not ISO 8601")
    errors += _fields(row["payload"], PAYLOADS.get(row["event"], {}), "payload")
    if row["event"] in JOB_EVENTS:
        errors += _fields(row.get("generation") or {}, GENERATION, "generation")
    return errors


def _fields(data: dict, spec: dict, where: str) -> list[str]:
    errors = []
    for name, kind in spec.items():
        if name not in data:
            errors.append(f"{where}.{name} is missing")
        elif not isinstance(data[name], kind) or (kind is int and isinstance(data[name], bool)):
            errors.append(f"{where}.{name} is {type(data[name]).__name__}")
    return errors
