"""engine.serve as a real process: endpoints, auth, limits, errors, overload and timeout."""
import http.client
import json
import threading
import time

import pytest

from engine import protocol as P
from engine.http_call import Endpoint, call
from engine.probes import probe_request
from engine.schema import errors
from tests.engine.model_server import TOKEN, ModelServer, started, wait_idle


def ask(url, method, path, body=None, token=TOKEN, **kw):
    reply = call(Endpoint(url), method, path, body=body, token=token, deadline=time.monotonic() + 30, **kw)
    data = reply.json()
    assert not errors("error" if reply.status != 200 else {
        P.HEALTH: "health", P.CAPABILITIES: "capabilities", P.GENERATE: "generate-response"}.get(path, "error"), data)
    return reply.status, data, reply.headers


def test_capabilities_are_the_backends_plus_the_servers_limits(ngram_server, ngram_gen):
    status, caps, _ = ask(ngram_server.url, "GET", P.CAPABILITIES)
    local = ngram_gen.capabilities().to_dict()
    assert status == 200 and caps["limits"].pop("max_request_bytes") == P.DEFAULT_MAX_REQUEST_BYTES
    assert caps["limits"].pop("timeout_s") == P.DEFAULT_TIMEOUT_S
    assert caps == json.loads(json.dumps(local))


def test_generate_gives_what_the_backend_gives_in_process(ngram_server, ngram_gen):
    caps = ngram_gen.capabilities().to_dict()
    for operation in caps["operations"]:
        request = probe_request(caps, operation, seed=5, candidates=3)
        status, res, _ = ask(ngram_server.url, "POST", P.GENERATE, P.dumps(request.to_dict()))
        local = json.loads(json.dumps(ngram_gen.generate(request).to_dict()))
        assert status == 200 and res["candidates"] == local["candidates"] and res["provenance"] == local["provenance"]
        assert {"prepare_ms", "sample_ms", "total_ms", "queue_ms"} <= set(res["timings"])


def test_health_needs_no_token(ngram_server):
    status, health, _ = ask(ngram_server.url, "GET", P.HEALTH, token=None)
    assert status == 200 and health["status"] == "ok" and health["model"] == "ngram-baseline"


@pytest.mark.parametrize("token", [None, "wrong", TOKEN + "x"])
def test_a_missing_or_wrong_token_is_refused(ngram_server, token):
    for method, path in (("GET", P.CAPABILITIES), ("POST", P.GENERATE)):
        status, data, _ = ask(ngram_server.url, method, path, b"{}", token=token)
        assert (status, data["code"]) == (401, "unauthorized")


@pytest.mark.parametrize("method,path,body,status,words", [
    ("GET", "/v1/nothing", None, 404, "endpoints: /v1/capabilities"),
    ("GET", P.GENERATE, None, 405, "use POST"),
    ("POST", P.GENERATE, b"[1, 2", 400, "not JSON"),
    ("POST", P.GENERATE, b'{"operation": "infill"}', 400, "missing required field 'piece'"),
])
def test_bad_requests_get_clear_errors(ngram_server, method, path, body, status, words):
    got, data, _ = ask(ngram_server.url, method, path, body)
    assert got == status and data["code"] == "invalid" and words in data["message"]


def test_refusals_of_the_model_keep_its_message(ngram_server, ngram_gen):
    caps = ngram_gen.capabilities().to_dict()
    body = probe_request(caps, "infill").to_dict()
    body["piece"]["time_signature"] = "11/8"
    status, data, _ = ask(ngram_server.url, "POST", P.GENERATE, P.dumps(body))
    assert (status, data["code"]) == (422, "unsupported") and "supported: 4/4, 3/4" in data["message"]
    body = probe_request(caps, "infill").to_dict()
    body["controls"]["temperature"] = 9.0
    status, data, _ = ask(ngram_server.url, "POST", P.GENERATE, P.dumps(body))
    assert (status, data["code"]) == (400, "invalid") and "temperature" in data["message"]


def test_oversize_bodies_are_refused_with_or_without_a_length(ngram_server):
    limit = P.DEFAULT_MAX_REQUEST_BYTES
    status, data, _ = ask(ngram_server.url, "POST", P.GENERATE, b" " * (limit + 1))
    assert (status, data["code"]) == (413, "invalid") and str(limit) in data["message"]
    conn = http.client.HTTPConnection("127.0.0.1", ngram_server.port, timeout=30)   # chunked: no Content-Length
    chunks = iter([b"[" + b"0," * 65536] * (limit // 131072 + 2) + [b"0]"])
    conn.request("POST", P.GENERATE, body=chunks, encode_chunked=True,
                 headers={"Authorization": f"Bearer {TOKEN}", "Transfer-Encoding": "chunked"})
    reply = conn.getresponse()
    assert (reply.status, json.loads(reply.read())["code"]) == (413, "invalid")
    conn.close()


def test_the_schemas_are_served(ngram_server):
    reply = call(Endpoint(ngram_server.url), "GET", "/v1/schema/generate-request.json", deadline=time.monotonic() + 5)
    assert reply.status == 200 and reply.json()["$id"].endswith("/v1/generate-request.json")
    assert call(Endpoint(ngram_server.url), "GET", "/v1/schema/../asgi.py", deadline=time.monotonic() + 5).status == 404


@pytest.fixture(scope="module")
def slow_server(tmp_path_factory):
    """One generation at a time and none waiting; 0.4 s per candidate; 1.5 s timeout."""
    server, = started(ModelServer("tests.engine.served_backends.Slow", tmp_path_factory.mktemp("slow"),
                                  args=["--workers", "1", "--queue", "0", "--timeout", "1.5", "--no-warm-up"],
                                  env={"STUDIO_TEST_DELAY": "0.4"}))
    yield server
    server.stop()


def slow_request(candidates):
    from engine.testing import satb_piece
    from engine.api import GenerateRequest, Region
    return P.dumps(GenerateRequest("infill", satb_piece(), Region([0], 1, 2), num_candidates=candidates, seed=1).to_dict())


def test_over_the_bound_a_request_is_answered_overloaded(slow_server):
    wait_idle(slow_server.url)
    first = threading.Thread(target=ask, args=(slow_server.url, "POST", P.GENERATE, slow_request(3)))   # 1.2 s
    first.start()
    try:
        while ask(slow_server.url, "GET", P.HEALTH)[1]["in_flight"] == 0:
            time.sleep(0.01)
        status, data, headers = ask(slow_server.url, "POST", P.GENERATE, slow_request(1))
        assert (status, data["code"]) == (503, "overloaded") and data["retry_after"] > 0
        assert int(headers["retry-after"]) >= 1
        assert ask(slow_server.url, "GET", P.HEALTH)[1]["status"] == "busy"
    finally:
        first.join()


def test_a_generation_past_the_timeout_is_answered_timeout_and_holds_its_slot(slow_server):
    wait_idle(slow_server.url)
    status, data, _ = ask(slow_server.url, "POST", P.GENERATE, slow_request(8))     # 3.2 s of work, 1.5 s allowed
    assert (status, data["code"]) == (504, "timeout") and "1.5 s" in data["message"]
    assert ask(slow_server.url, "GET", P.HEALTH)[1]["in_flight"] == 1          # still running: still counted
    wait_idle(slow_server.url)
    assert ask(slow_server.url, "POST", P.GENERATE, slow_request(1))[0] == 200


def test_the_server_side_imports_no_django():
    import subprocess
    import sys
    code = ("import sys, engine.serve, engine.asgi, engine.remote, engine.conformance.checks, engine.examples.midi_adapter\n"
            "from daphne.server import Server\n"
            "assert not [m for m in sys.modules if m.split('.')[0] == 'django'], 'django imported'")
    subprocess.run([sys.executable, "-c", code], check=True)
