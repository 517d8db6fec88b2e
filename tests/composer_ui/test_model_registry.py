"""STUDIO_MODELS: how the setting is read, and what is refused with a message naming the mistake."""
import json

import pytest
from django.core.checks import run_checks

from composer_ui.model_registry import DEFAULT_NAME, REMOTE_BACKEND, parse_models

DEFAULT = "engine.neural.NeuralGenerator"


def parse(value, **environ):
    return parse_models(value, default_backend=DEFAULT, environ=environ)


def test_without_the_setting_the_one_model_is_studio_generator_as_before():
    for empty in ("", "  ", [], None):
        entry, = parse(empty)
        assert (entry.name, entry.backend, entry.implicit) == (DEFAULT_NAME, DEFAULT, True)


def test_json_a_file_or_a_list_give_the_same_models(tmp_path):
    models = [{"name": "gridcoco"},
              {"name": "walk", "url": "http://127.0.0.1:8765/", "token_env": "WALK_TOKEN", "timeout": 20},
              {"name": "ngram", "backend": "engine.ngram.NgramGenerator", "options": {"order": 5}, "max_active": 2}]
    path = tmp_path / "models.json"
    path.write_text(json.dumps(models))
    parsed = [parse(value, WALK_TOKEN="s3cret") for value in (models, json.dumps(models), str(path))]
    assert parsed[0] == parsed[1] == parsed[2]
    gridcoco, walk, ngram = parsed[0]
    assert (gridcoco.backend, gridcoco.implicit, gridcoco.kwargs()) == (DEFAULT, False, {})
    assert walk.backend == REMOTE_BACKEND
    assert walk.kwargs() == {"url": "http://127.0.0.1:8765", "token": "s3cret", "timeout": 20.0}
    assert "s3cret" not in repr(walk), "a token never shows in logs"
    assert (ngram.kwargs(), ngram.max_active) == ({"order": 5}, 2)


@pytest.mark.parametrize("value,message", [
    ('[{"name": "a"}, {"name": "a"}]', "names must differ"),
    ('[{"name": "all"}]', "not 'all'"),
    ('[{"name": "has space"}]', "name must be"),
    ('[{"name": "a", "tokn": "x"}]', "does not take tokn"),
    ('[{"name": "a", "url": "ftp://x"}]', "url must be http(s)"),
    ('[{"name": "a", "url": "http://x", "token_env": "NOT_SET_ANYWHERE"}]', "NOT_SET_ANYWHERE"),
    ('[{"name": "a", "timeout": -1}]', "timeout must be"),
    ('[{"name": "a", "max_active": 0}]', "max_active"),
    ('[{"name": "a", "backend": "nodots"}]', "dotted path"),
    ('{"name": "a"}', "must be a list"),
    ('[{"name": "a"', "not valid JSON"),
    ("/no/such/file.json", "neither JSON nor a readable file"),
])
def test_mistakes_are_named(value, message):
    with pytest.raises(ValueError, match="STUDIO_MODELS") as error:
        parse(value)
    assert message in str(error.value)


def test_the_system_checks_report_a_broken_setting_and_a_timeout_over_the_job_limit(settings):
    settings.STUDIO_MODELS = '[{"name": "a"}, {"name": "a"}]'
    assert "studio.E006" in [m.id for m in run_checks()]
    settings.STUDIO_MODELS = [{"name": "slow", "url": "http://127.0.0.1:9", "timeout": 90}]
    assert "studio.W006" in [m.id for m in run_checks()]


def test_capabilities_are_cached_and_read_again_when_an_answer_names_another_version(settings, monkeypatch):
    from composer_ui import engine_bridge, model_registry

    settings.STUDIO_MODELS = [{"name": "tiny", "backend": "tests.composer_ui.tiny_engine.TinyGenerator"}]
    entry = engine_bridge.find_model("tiny")
    first = engine_bridge.capabilities("tiny")
    assert engine_bridge.capabilities("tiny") is first
    model_registry.noticed(entry, {"model": first["name"], "version": first["version"], "checksum": first["checksum"]})
    assert engine_bridge.capabilities("tiny") is first, "the same model answered: nothing to read"
    model_registry.noticed(entry, {"model": first["name"], "version": "2.0", "checksum": "another"})
    second = engine_bridge.capabilities("tiny")
    assert second is not first and second == first
    monkeypatch.setattr(model_registry, "CAPABILITIES_TTL_S", 0)
    assert engine_bridge.capabilities("tiny") is not second, "read again once the cache is older than its TTL"


def test_the_form_proposed_in_phase_one_reads_as_written():
    proposed = ('[{"name": "gridcoco", "backend": "engine.remote.RemoteGenerator", "url": "http://gpu1:8760", '
                '"token_env": "GPU1_MODEL_TOKEN"}, {"name": "ngram", "backend": "engine.ngram.NgramGenerator"}]')
    gpu, cpu = parse(proposed, GPU1_MODEL_TOKEN="t")
    assert (gpu.backend, gpu.kwargs()) == (REMOTE_BACKEND, {"url": "http://gpu1:8760", "token": "t"})
    assert (cpu.backend, cpu.kwargs()) == ("engine.ngram.NgramGenerator", {})
