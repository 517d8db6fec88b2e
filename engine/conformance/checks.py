"""
The kit's checks, in the order they run. Each asks the server something over
HTTP and returns a Check with the reason; nothing here trusts the server's
code, only its answers.
"""
from __future__ import annotations

import http.client
import json
import statistics

from engine import protocol as P
from engine.conformance import Check
from engine.probes import bar_ticks, probe_request
from engine.schema import schema as load_schema

TRANSPORT = (OSError, http.client.HTTPException)
OTHER_METERS = ("7/8", "5/4", "6/8", "2/4", "3/4", "4/4")


def run_all(s, repeat=3):
    out = [health(s), capabilities(s)]
    if s.caps is None:
        out.append(Check("generate", "fail", "skipped everything else: no valid capabilities"))
        return out + [schema_summary(s)]
    out.append(auth(s))
    results = {}                               # operation -> (request, [response JSON, ...])
    for operation in ("continue", "infill", "harmonize", "vary"):
        if operation in s.caps["operations"]:
            check, results[operation] = generate(s, operation, repeat)
            out.append(check)
    out += [same_seed(results), inside_region(results), kept_notes(s), controls_range(s), unsupported(s),
            invalid_input(s), oversize(s), schema_summary(s)]
    out += [latency(s, op) for op in results if s.latency_ms[op]]
    return out


def health(s):
    try:
        reply = s.ask("GET", P.HEALTH, token=None)
    except TRANSPORT as e:
        return Check("health", "fail", f"no answer from {s.endpoint}{P.HEALTH}: {e!r}")
    data, problems = s.validated(reply, "health", "health")
    if reply.status != 200 or problems:
        return Check("health", "fail", f"HTTP {reply.status} without a token; {'; '.join(problems[:2])}")
    return Check("health", "pass", f"200 without a token: {data['status']}, {data['model']} {data['version']}")


def capabilities(s):
    try:
        reply = s.ask("GET", P.CAPABILITIES)
    except TRANSPORT as e:
        return Check("capabilities", "fail", f"no answer: {e!r}")
    data, problems = s.validated(reply, "capabilities", "capabilities")
    if reply.status != 200 or problems:
        return Check("capabilities", "fail", f"HTTP {reply.status}; {'; '.join(problems[:3])}")
    s.caps = data
    lim = data["limits"]
    return Check("capabilities", "pass", f"{data['name']} {data['version']}: {', '.join(data['operations'])}; "
                                         f"{len(data['controls'])} controls; 480 ticks/quarter; "
                                         f"{lim['max_request_bytes']} bytes, {lim['timeout_s']:g} s per request")


def auth(s):
    if not s.token:
        return Check("auth", "skip", "no --token given")
    wrong = []
    for label, token in (("no token", None), ("a wrong token", s.token + "x")):
        try:
            reply = s.ask("GET", P.CAPABILITIES, token=token)
        except TRANSPORT as e:
            return Check("auth", "fail", f"{label}: no answer: {e!r}")
        data, problems = s.validated(reply, "capabilities", f"auth ({label})")
        if reply.status != 401 or problems or data.get("code") != "unauthorized":
            wrong.append(f"{label} got HTTP {reply.status}, not 401 unauthorized")
    return Check("auth", "fail", "; ".join(wrong)) if wrong else \
        Check("auth", "pass", "no token and a wrong token both get 401 unauthorized")


def _post(s, request, what):
    """POST a request (GenerateRequest or raw bytes); returns (reply, data, problems)."""
    body = request if isinstance(request, bytes) else P.dumps(request.to_dict())
    reply = s.ask("POST", P.GENERATE, body)
    data, problems = s.validated(reply, "generate-response", what)
    return reply, data, problems


def generate(s, operation, repeat):
    name = f"generate {operation}"
    request = probe_request(s.caps, operation, seed=7)
    if request is None:
        return Check(name, "skip", "no probe request fits this model's limits"), (None, [])
    answers, schema_problem = [], None
    for _ in range(repeat):
        try:
            reply, data, problems = _post(s, request, name)
        except TRANSPORT as e:
            return Check(name, "fail", f"no answer: {e!r}"), (request, answers)
        if reply.status != 200 or not _usable(data):
            return Check(name, "fail", f"HTTP {reply.status}: {(data or {}).get('message', reply.body[:200])}"), \
                (request, answers)
        s.latency_ms[operation].append(reply.elapsed_ms)
        answers.append(data)                 # checked further even when it breaks the schema
        schema_problem = schema_problem or (problems[0] if problems else None)
    data = answers[0]
    wrong = [f"answer does not match the schema: {schema_problem}"] if schema_problem else []
    if len(data["candidates"]) != request.num_candidates:
        wrong.append(f"{len(data['candidates'])} candidates, asked for {request.num_candidates}")
    p = data.get("provenance") if isinstance(data.get("provenance"), dict) else {}
    for field, want in (("operation", operation), ("seed", request.seed), ("num_candidates", request.num_candidates)):
        if p.get(field) != want:
            wrong.append(f"provenance.{field} is {p.get(field)!r}, not {want!r}")
    if wrong:
        return Check(name, "fail", "; ".join(wrong)), (request, answers)
    return Check(name, "pass", f"{len(data['candidates'])} candidates, provenance {p['model']} {p['version']}, "
                               f"seed {p['seed']}"), (request, answers)


def _usable(data):
    """Candidates with lists of note objects: enough to check the music even if other fields are wrong."""
    return (isinstance(data, dict) and isinstance(data.get("candidates"), list)
            and all(isinstance(c, dict) and isinstance(c.get("notes"), list)
                    and all(isinstance(n, dict) for n in c["notes"]) for c in data["candidates"]))


def same_seed(results):
    compared, differing = 0, []
    for operation, (_, answers) in results.items():
        if len(answers) < 2:
            continue
        compared += 1
        first = [(c["notes"], c.get("score")) for c in answers[0]["candidates"]]
        if any([(c["notes"], c.get("score")) for c in a["candidates"]] != first for a in answers[1:]):
            differing.append(operation)
    if not compared:
        return Check("same seed", "fail", "no operation answered twice")
    if differing:
        return Check("same seed", "fail", f"the same request and seed gave different candidates: {', '.join(differing)}")
    return Check("same seed", "pass", f"identical candidates on every repeat ({compared} operations)")


def inside_region(results):
    notes, outside = 0, []
    for operation, (request, answers) in results.items():
        if request is None:
            continue
        bar = bar_ticks(request.piece.time_signature)
        r = request.region
        lo, hi, tracks = r.start_bar * bar, r.end_bar * bar, {str(t) for t in r.tracks}
        for a in answers:
            for c in a.get("candidates", []):
                for n in c.get("notes", []):
                    notes += 1
                    try:
                        ok = str(n["track"]) in tracks and lo <= n["start"] and n["start"] + n["duration"] <= hi
                    except (KeyError, TypeError):
                        ok = False
                    if not ok:
                        outside.append(f"{operation}: {json.dumps(n)} (region: tracks {sorted(tracks)}, ticks {lo}-{hi})")
    if outside:
        return Check("notes inside region", "fail", f"{len(outside)} note(s) outside the region, e.g. {outside[0]}")
    return Check("notes inside region", "pass", f"all {notes} notes on the region's tracks and inside its bars")


def kept_notes(s):
    request = probe_request(s.caps, "infill", seed=11, keep=True)
    if request is None:
        return Check("kept notes", "skip", "the model does not infill")
    try:
        reply, data, problems = _post(s, request, "kept notes")
    except TRANSPORT as e:
        return Check("kept notes", "fail", f"no answer: {e!r}")
    if reply.status != 200 or not _usable(data):
        return Check("kept notes", "fail", f"HTTP {reply.status}: {(data or {}).get('message', reply.body[:200])}")
    kept = [n.to_dict() for n in request.keep]
    missing = sum(1 for c in data["candidates"] for n in kept if n not in c["notes"])
    if missing:
        return Check("kept notes", "fail", f"kept note {kept[0]} missing from {missing} of {len(data['candidates'])} candidates")
    return Check("kept notes", "pass", f"the kept note is in all {len(data['candidates'])} candidates, unchanged")


def _bad_values(name, spec):
    """Values of a declared control that lie outside what it declares."""
    if spec["type"] == "float":
        span = max(1.0, spec["max"] - spec["min"])
        return [round(spec["min"] - span, 6), round(spec["max"] + span, 6)]
    if spec["type"] == "choice":
        return ["not-one-of-the-options"]
    if spec["type"] == "pitch_range_per_track":
        return [[spec["max"] + 1, spec["max"] + 2] if spec["max"] < 126 else [spec["min"] - 2, spec["min"] - 1]]
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
                reply, data, _ = _post(s, P.dumps(body), f"control {name}={value!r}")
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
    ts = next(m for m in OTHER_METERS if m not in caps["limits"]["time_signatures"])
    request = next((r for r in (probe_request(caps, op, time_signature=ts) for op in caps["operations"]) if r), None)
    if request is not None:
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
            reply, data, _ = _post(s, P.dumps(body), f"unsupported {label}")
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
            reply, data, _ = _post(s, body, label)
        except TRANSPORT as e:
            wrong.append(f"{label}: no answer ({e!r})")
            continue
        if reply.status != 400 or (data or {}).get("code") != "invalid":
            wrong.append(f"{label} got HTTP {reply.status}, not 400 invalid")
    return Check("invalid input", "fail", "; ".join(wrong)) if wrong else \
        Check("invalid input", "pass", "malformed JSON and an unknown field both get 400 invalid")


def oversize(s):
    limit = s.caps["limits"]["max_request_bytes"]
    request = next((r for r in (probe_request(s.caps, op) for op in s.caps["operations"]) if r), None)
    body = P.dumps(request.to_dict()) if request else b"{}"
    body = body[:-1] + b" " * (limit + 1 - len(body)) + b"}"     # valid JSON, one byte over the limit
    try:
        reply, data, _ = _post(s, body, "oversize request")
    except TRANSPORT as e:
        return Check("oversize", "fail", f"{len(body)} bytes: the connection ended without an answer ({e!r})")
    if reply.status != 413 or (data or {}).get("code") != "invalid":
        return Check("oversize", "fail", f"{len(body)} bytes (limit {limit}) got HTTP {reply.status}, not 413 invalid")
    return Check("oversize", "pass", f"{len(body)} bytes (limit {limit}): 413 invalid")


def schema_summary(s):
    if s.schema_problems:
        return Check("schema", "fail", f"{len(s.schema_problems)} problem(s) in {s.answers} answers, e.g. {s.schema_problems[0]}")
    return Check("schema", "pass", f"all {s.answers} answers match their schema (engine/schema/*.json)")


def latency(s, operation):
    ms = s.latency_ms[operation]
    limit = s.caps["limits"]["timeout_s"] * 1e3
    status = "pass" if max(ms) <= limit else "fail"
    return Check(f"latency {operation}", status, f"p50 {statistics.median(ms):.0f} ms, max {max(ms):.0f} ms over "
                                                 f"{len(ms)} requests (stated timeout {limit / 1e3:g} s)")
