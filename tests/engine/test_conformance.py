"""The conformance kit against real servers: it passes on both shipped backends (small, and the shipped
checkpoint) and on the worked MIDI adapter, and fails a deliberately broken server with the right reasons."""
import os

import pytest

from engine.conformance import run_kit, table
from engine.conformance.__main__ import main
from engine.neural import CHECKPOINT
from tests.engine.model_server import TOKEN, ModelServer, started


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    """Started together so their start-ups overlap."""
    log_dir = tmp_path_factory.mktemp("kit")
    named = {"tiny neural": ModelServer("tests.engine.served_backends.TinyNeural", log_dir),
             "broken": ModelServer("tests.engine.served_backends.Broken", log_dir),
             "adapter": ModelServer(None, log_dir, module="engine.examples.midi_adapter")}
    if os.path.exists(CHECKPOINT):
        named["shipped checkpoint"] = ModelServer("engine.neural.NeuralGenerator", log_dir)
    started(*named.values())
    yield {name: server.url for name, server in named.items()}
    for server in named.values():
        server.stop()


def passes(url, **kw):
    checks = run_kit(url, TOKEN, **kw)
    assert all(c.passed for c in checks), table(checks)
    return {c.name: c for c in checks}


def test_the_kit_passes_on_the_ngram_backend(ngram_server):
    checks = passes(ngram_server.url)
    assert {f"generate {op}" for op in ("continue", "infill", "harmonize", "vary")} <= set(checks)
    assert checks["auth"].status == "pass" and checks["same seed"].status == "pass"


@pytest.mark.parametrize("name", ["tiny neural", "shipped checkpoint", "adapter"])
def test_the_kit_passes(servers, name):
    if name not in servers:
        pytest.skip(f"no checkpoint at {CHECKPOINT}")
    checks = passes(servers[name], repeat=2)
    assert all(c.status == "pass" for c in checks.values()), checks     # nothing skipped either
    if name == "adapter":
        assert "operation vary" in checks["unsupported"].reason        # it does not vary: refused as unsupported


def test_a_broken_server_fails_with_the_right_reasons(servers):
    checks = {c.name: c for c in run_kit(servers["broken"], TOKEN, repeat=2)}
    failed = {name for name, c in checks.items() if not c.passed}
    assert failed == {"generate continue", "generate infill", "generate harmonize", "generate vary", "generate chords", "same seed",
                      "notes inside region", "kept notes", "controls out of range", "unsupported", "schema"}, \
        table(checks.values())
    reasons = {name: checks[name].reason for name in failed}
    assert "provenance.seed is" in reasons["generate infill"] and "score: expected number" in reasons["generate infill"]
    assert "gave different candidates" in reasons["same seed"]
    assert "outside the region" in reasons["notes inside region"]
    assert "missing from 2 of 2 candidates" in reasons["kept notes"]
    assert "temperature=-1.8 got HTTP 200, not 400 invalid" in reasons["controls out of range"]
    assert "got HTTP 500 internal, not 422 unsupported" in reasons["unsupported"]
    assert "$.candidates[0].score: expected number, got 'high'" in reasons["schema"]


def test_the_command_line_prints_the_table_and_sets_the_exit_status(ngram_server, servers, capsys):
    assert main([ngram_server.url, "--token", TOKEN, "--repeat", "2"]) == 0
    out = capsys.readouterr().out
    assert "notes inside region    PASS" in out and "checks passed" in out and "FAILED" not in out
    assert main([servers["broken"], "--token", TOKEN, "--repeat", "2"]) == 1
    assert "11 FAILED" in capsys.readouterr().out
    assert main([ngram_server.url, "--token", "wrong", "--repeat", "2"]) == 1     # nothing passes without the token
