"""RemoteGenerator against engine.serve as a real process: the same answers as in-process, refusals
mapped, retries, the deadline, a server that hangs or dies mid-request, the circuit breaker, and
capabilities re-read when the server's model changes."""
import signal
import threading
import time

import pytest

from engine.api import (Controls, GenerateRequest, GenerateResponse, InvalidRequest, Piece, Region, RequestError,
                        UnsupportedRequest)
from engine.probes import probe_request
from engine.remote import CircuitBreaker, ModelUnavailable, RemoteGenerator
from engine.testing import satb_piece
from tests.engine.model_server import TOKEN, ModelServer, started, wait_idle


def request(candidates=2, **kw):
    return GenerateRequest("infill", satb_piece(), Region([0, 1, 2, 3], 1, 2), num_candidates=candidates, seed=4, **kw)


def test_same_capabilities_and_candidates_as_in_process(ngram_server, ngram_gen):
    remote = RemoteGenerator(ngram_server.url, TOKEN, timeout=30)
    caps = remote.capabilities()
    assert caps.checksum == ngram_gen.capabilities().checksum and caps.limits["timeout_s"] == 30.0
    for operation in caps.operations:
        req = probe_request(caps.to_dict(), operation, seed=9, candidates=3)
        res, local = remote.generate(req), ngram_gen.generate(req)
        assert isinstance(res, GenerateResponse)
        assert res.candidates == local.candidates and res.provenance == local.provenance
        assert res.timings["roundtrip_ms"] >= res.timings["total_ms"]


def test_the_models_refusals_come_back_as_the_engines_errors(ngram_server):
    remote = RemoteGenerator(ngram_server.url, TOKEN, timeout=30)
    with pytest.raises(UnsupportedRequest, match="supported: 4/4, 3/4"):
        remote.generate(GenerateRequest("infill", Piece(satb_piece().tracks, satb_piece().notes, "11/8"),
                                        Region([0], 1, 2), seed=1))
    with pytest.raises(InvalidRequest, match="temperature"):
        remote.generate(request(controls=Controls(temperature=7.0)))
    with pytest.raises(InvalidRequest, match="unknown field"):
        remote.generate({"operation": "infill", "piece": {"tracks": []}, "region": {}, "colour": "red"})  # refused here
    assert not remote.breaker.is_open and remote.breaker.failures == 0      # a refusal is not a failure


def test_a_wrong_token_is_a_clear_error(ngram_server):
    remote = RemoteGenerator(ngram_server.url, "not-the-token", timeout=30, failures_to_open=10)
    with pytest.raises(ModelUnavailable, match=f"{ngram_server.url} refused our token \\(401\\)"):
        remote.generate(request())
    with pytest.raises(ModelUnavailable, match="refused our token"):
        remote.capabilities()


def test_no_server_at_all_fails_fast_then_the_breaker_opens(tmp_path):
    from deploy.processes import free_port
    url = f"http://127.0.0.1:{free_port()}"
    remote = RemoteGenerator(url, TOKEN, timeout=5, retries=1, backoff=0.01, failures_to_open=2, open_seconds=60)
    with pytest.raises(ModelUnavailable, match=f"model server {url} is unreachable \\(connection refused\\) after 2 tries"):
        remote.generate(request())               # the read at start failed too: that makes 2
    assert remote.breaker.is_open
    with pytest.raises(ModelUnavailable, match="is not answering \\(2 failed calls in a row.*next try in"):
        remote.capabilities()
    assert isinstance(ModelUnavailable("x"), RequestError)   # the studio fails the job with the message


def test_the_breaker_lets_one_trial_through_after_the_pause():
    breaker = CircuitBreaker(failures_to_open=1, open_seconds=0.05)
    breaker.failed("boom")
    with pytest.raises(ModelUnavailable, match="boom"):
        breaker.before_call("http://x")
    time.sleep(0.06)
    breaker.before_call("http://x")              # the trial
    with pytest.raises(ModelUnavailable):
        breaker.before_call("http://x")          # others wait for the trial's outcome
    breaker.failed("still down")                 # the trial failed: open again at once
    with pytest.raises(ModelUnavailable, match="still down"):
        breaker.before_call("http://x")
    time.sleep(0.06)
    breaker.before_call("http://x")
    breaker.succeeded()
    breaker.before_call("http://x")
    assert not breaker.is_open


@pytest.fixture(scope="module")
def fragile_server(tmp_path_factory):
    """A slow server (0.5 s per candidate, one at a time, none waiting); the last test kills and replaces it."""
    server, = started(ModelServer("tests.engine.served_backends.Slow", tmp_path_factory.mktemp("fragile"),
                                  args=["--workers", "1", "--queue", "0", "--no-warm-up"],
                                  env={"STUDIO_TEST_DELAY": "0.5"}))
    yield server
    server.stop()


def in_thread(fn):
    out = {}

    def run():
        try:
            out["value"] = fn()
        except Exception as e:
            out["error"] = e
    thread = threading.Thread(target=run)
    thread.start()
    return thread, out


def test_overloaded_is_retried_after_retry_after(fragile_server):
    wait_idle(fragile_server.url)
    busy, _ = in_thread(lambda: RemoteGenerator(fragile_server.url, TOKEN, timeout=30).generate(request(candidates=4)))
    while RemoteGenerator(fragile_server.url, TOKEN).health()["in_flight"] == 0:
        time.sleep(0.01)
    with pytest.raises(ModelUnavailable, match="is overloaded \\(all 1 slots are taken"):
        RemoteGenerator(fragile_server.url, TOKEN, timeout=30, retries=0).generate(request(candidates=1))
    patient = RemoteGenerator(fragile_server.url, TOKEN, timeout=30, retries=5)
    assert len(patient.generate(request(candidates=1)).candidates) == 1    # waited for retry_after, then served
    busy.join()


def test_a_hung_server_times_out_and_a_dead_one_is_a_clear_error(fragile_server, tmp_path):
    url = fragile_server.url
    wait_idle(url)
    remote = RemoteGenerator(url, TOKEN, timeout=1.0, retries=1, backoff=0.05, failures_to_open=3, open_seconds=0.5)
    assert remote.capabilities().name == "ngram-baseline"
    fragile_server.signal(signal.SIGSTOP)        # hangs: accepts connections (the kernel does) but never answers
    with pytest.raises(ModelUnavailable, match=f"{url} did not answer within 1 s"):
        remote.generate(request())
    fragile_server.signal(signal.SIGCONT)
    wait_idle(url)

    remote.timeout = 20
    thread, out = in_thread(lambda: remote.generate(request(candidates=4)))     # 2 s of work
    while remote.health()["in_flight"] == 0:
        time.sleep(0.01)
    fragile_server.signal(signal.SIGKILL)        # dies mid-request
    thread.join(remote.timeout + 5)
    assert not thread.is_alive(), "RemoteGenerator hung on a dead server"
    assert isinstance(out.get("error"), ModelUnavailable)
    assert f"model server {url} is unreachable" in str(out["error"])
    for _ in range(2):                           # failures 2 and 3 in a row open the breaker
        with pytest.raises(ModelUnavailable, match="is unreachable \\(connection refused\\) after 2 tries"):
            remote.generate(request())
    assert remote.breaker.is_open
    with pytest.raises(ModelUnavailable, match="is not answering"):
        remote.generate(request())

    # Back on the same port with another model: once the pause is over, one trial call goes through,
    # and the new provenance makes the client read the new capabilities.
    replacement, = started(ModelServer("tests.engine.served_backends.TinyNeural", tmp_path, port=fragile_server.port))
    try:
        time.sleep(0.5)
        res = remote.generate(request())
        assert res.provenance.model == "gridcoco" and remote.capabilities().name == "gridcoco"
        assert not remote.breaker.is_open
    finally:
        replacement.stop()


def test_the_wire_request_leaves_out_defaults_and_undeclared_controls(ngram_gen):
    from engine.examples.midi_adapter import CAPABILITIES
    from engine.remote import wire_request
    req = request(controls=Controls(temperature=0.8, top_p=0.9))
    body = wire_request(req, ngram_gen.capabilities())
    assert body["controls"] == {"temperature": 0.8, "top_p": 0.9} and "keep" not in body
    assert all(set(n) == {"track", "start", "duration", "pitch"} for n in body["piece"]["notes"])   # velocity 80
    assert GenerateRequest.from_dict(body) == req
    assert wire_request(req, CAPABILITIES)["controls"] == {"temperature": 0.8}     # it declares no top_p
