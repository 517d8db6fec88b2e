"""
The kit's checks, in the order they run. Each asks the server something over
HTTP and returns a Check with the reason; nothing here trusts the server's
code, only its answers.
"""
from __future__ import annotations

import json
import statistics

from engine import protocol as P
from engine.conformance.session import TRANSPORT, Check
from engine.conformance.refusals import controls_range, invalid_input, oversize, unsupported
from engine.probes import bar_ticks, probe_request


def run_all(s, repeat=3):
    out = [health(s), capabilities(s)]
    if s.caps is None:
        out.append(Check("generate", "fail", "skipped everything else: no valid capabilities"))
        return out + [schema_summary(s)]
    out.append(auth(s))
    results = {}                               # operation -> (request, [response JSON, ...])
    for operation in ("continue", "infill", "harmonize", "vary", "chords"):
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


def generate(s, operation, repeat):
    name = f"generate {operation}"
    request = probe_request(s.caps, operation, seed=7)
    if request is None:
        return Check(name, "skip", "no probe request fits this model's limits"), (None, [])
    answers, schema_problem = [], None
    for _ in range(repeat):
        try:
            reply, data, problems = s.post(request, name)
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
        first = [(c["notes"], c.get("chords"), c.get("score")) for c in answers[0]["candidates"]]
        if any([(c["notes"], c.get("chords"), c.get("score")) for c in a["candidates"]] != first for a in answers[1:]):
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
                for ch in c.get("chords", []):     # operation chords: symbols inside the region's bars
                    notes += 1
                    if not (isinstance(ch, dict) and isinstance(ch.get("start"), int) and isinstance(ch.get("duration"), int)
                            and lo <= ch["start"] and ch["start"] + ch["duration"] <= hi):
                        outside.append(f"{operation}: chord {json.dumps(ch)} (region: ticks {lo}-{hi})")
    if outside:
        return Check("notes inside region", "fail", f"{len(outside)} note(s) or chord(s) outside the region, e.g. {outside[0]}")
    return Check("notes inside region", "pass", f"all {notes} notes (and chord symbols) on the region's tracks and inside its bars")


def kept_notes(s):
    request = probe_request(s.caps, "infill", seed=11, keep=True)
    if request is None:
        return Check("kept notes", "skip", "the model does not infill")
    try:
        reply, data, problems = s.post(request, "kept notes")
    except TRANSPORT as e:
        return Check("kept notes", "fail", f"no answer: {e!r}")
    if reply.status != 200 or not _usable(data):
        return Check("kept notes", "fail", f"HTTP {reply.status}: {(data or {}).get('message', reply.body[:200])}")
    kept = [n.to_dict() for n in request.keep]
    missing = sum(1 for c in data["candidates"] for n in kept if n not in c["notes"])
    if missing:
        return Check("kept notes", "fail", f"kept note {kept[0]} missing from {missing} of {len(data['candidates'])} candidates")
    return Check("kept notes", "pass", f"the kept note is in all {len(data['candidates'])} candidates, unchanged")


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
