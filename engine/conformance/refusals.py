"""
The kit's checks of refusals: what a server must turn down, and how (HTTP status, error code,
a message naming what is wrong or what is supported).
"""
from __future__ import annotations

from engine import protocol as P
from engine.conformance.session import TRANSPORT, Check
from engine.probes import probe_request
from engine.schema import schema as load_schema

OTHER_METERS = ("11/8", "7/8", "5/4", "6/8", "2/4", "3/4", "4/4")
MAX_OVERSIZE = 64 * 1024 * 1024      # the largest body the kit sends to test a server's size limit


def _bad_values(name, spec):
    """Values of a declared control that lie outside what it declares."""
    if spec["type"] == "float":
        span = max(1.0, spec["max"] - spec["min"])
        return [round(spec["min"] - span, 6), round(spec["max"] + span, 6)]
    if spec["type"] == "choice":
        return ["not-one-of-the-options"]
    if spec["type"] == "pitch_range_per_track":
        return [[spec["max"] + 1, spec["max"] + 2] if spec["max"] < 126 else [spec["min"] - 2, spec["min"] - 1]]
    if spec["type"] == "cue_targets":
        return [[{"kind": "not-a-kind", "tick": 0}], [{"kind": spec["kinds"][0], "tick": -480}]]
    return []


def controls_range(s):
    carried = load_schema("defs")["$defs"]["controls"]["properties"]
    request = next((r for r in (probe_request(s.caps, op, seed=3) for op in s.caps["operations"]) if r), None)
    if request is None:
        return Check("controls out of range", "skip", "no probe request fits this model's limits")
    wrong, tried = [], 0
    for name, spec in s.caps["controls"].items():
        if name not in carried:
            wrong.append(f"declares {name!r}, which a v1 request cannot carry (carried: {', '.join(carried)})")
            continue
        for value in _bad_values(name, spec):
            if spec["type"] == "pitch_range_per_track":
                value = {str(request.region.tracks[0]): value}
            body = request.to_dict()
            body["controls"][name] = value
            tried += 1
            try:
                reply, data, _ = s.post(P.dumps(body), f"control {name}={value!r}")
            except TRANSPORT as e:
                wrong.append(f"{name}={value!r}: no answer ({e!r})")
                continue
            if reply.status != 400 or (data or {}).get("code") != "invalid":
                wrong.append(f"{name}={value!r} got HTTP {reply.status}, not 400 invalid")
            elif name not in data["message"]:
                wrong.append(f"{name}={value!r} refused, but the message does not name {name!r}: {data['message']!r}")
    if wrong:
        return Check("controls out of range", "fail", "; ".join(wrong[:3]))
    return Check("controls out of range", "pass", f"{tried} out-of-range values refused as invalid, each naming its control")


def unsupported(s):
    """A meter the model does not take, and an operation it does not list: 422 unsupported, naming what it does."""
    caps, wrong, asked = s.caps, [], []
    ts = next((m for m in OTHER_METERS if m not in caps["limits"]["time_signatures"]), None)
    request = ts and next((r for r in (probe_request(caps, op, time_signature=ts) for op in caps["operations"]) if r), None)
    if request:
        asked.append((f"time signature {ts}", request.to_dict(), caps["limits"]["time_signatures"]))
    missing = [op for op in ("continue", "infill", "harmonize", "vary") if op not in caps["operations"]]
    request = next((r for r in (probe_request(caps, op) for op in caps["operations"]) if r), None)
    if missing and request is not None:
        body = request.to_dict()
        body["operation"] = missing[0]
        asked.append((f"operation {missing[0]}", body, caps["operations"]))
    if not asked:
        return Check("unsupported", "skip", "no probe request fits this model's limits")
    for label, body, supported in asked:
        try:
            reply, data, _ = s.post(P.dumps(body), f"unsupported {label}")
        except TRANSPORT as e:
            wrong.append(f"{label}: no answer ({e!r})")
            continue
        if reply.status != 422 or (data or {}).get("code") != "unsupported":
            wrong.append(f"{label} got HTTP {reply.status} {(data or {}).get('code')}, not 422 unsupported")
        elif not any(x in data["message"] for x in supported):
            wrong.append(f"{label}: the message names nothing supported: {data['message']!r}")
    if wrong:
        return Check("unsupported", "fail", "; ".join(wrong))
    return Check("unsupported", "pass", f"{' and '.join(a[0] for a in asked)}: 422 unsupported, naming what is supported")


def invalid_input(s):
    wrong = []
    for label, body in (("a body that is not JSON", b"{not json"),
                        ("an unknown field", P.dumps({"operation": "infill", "pieec": {}}))):
        try:
            reply, data, _ = s.post(body, label)
        except TRANSPORT as e:
            wrong.append(f"{label}: no answer ({e!r})")
            continue
        if reply.status != 400 or (data or {}).get("code") != "invalid":
            wrong.append(f"{label} got HTTP {reply.status}, not 400 invalid")
    return Check("invalid input", "fail", "; ".join(wrong)) if wrong else \
        Check("invalid input", "pass", "malformed JSON and an unknown field both get 400 invalid")


def oversize(s):
    limit = s.caps["limits"]["max_request_bytes"]
    if limit > MAX_OVERSIZE:
        return Check("oversize", "skip", f"the stated limit, {limit} bytes, is over the {MAX_OVERSIZE} the kit sends")
    request = next((r for r in (probe_request(s.caps, op) for op in s.caps["operations"]) if r), None)
    body = P.dumps(request.to_dict()) if request else b"{}"
    body = body[:-1] + b" " * (limit + 1 - len(body)) + b"}"     # valid JSON, one byte over the limit
    try:
        reply, data, _ = s.post(body, "oversize request")
    except TRANSPORT as e:
        return Check("oversize", "fail", f"{len(body)} bytes: the connection ended without an answer ({e!r})")
    if reply.status != 413 or (data or {}).get("code") != "invalid":
        return Check("oversize", "fail", f"{len(body)} bytes (limit {limit}) got HTTP {reply.status}, not 413 invalid")
    return Check("oversize", "pass", f"{len(body)} bytes (limit {limit}): 413 invalid")
