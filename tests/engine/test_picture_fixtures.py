"""The JS ports' fixtures (tests/js/fixtures/tempo_map.json, timecode.json) are what the Python side writes
now: rerun `.venv/bin/python tests/js/make_tempo_fixtures.py` after changing engine/picture."""
import importlib.util
from pathlib import Path

GENERATOR = Path(__file__).resolve().parents[1] / "js" / "make_tempo_fixtures.py"


def test_committed_fixtures_are_current():
    spec = importlib.util.spec_from_file_location("make_tempo_fixtures", GENERATOR)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for name, data in module.build().items():
        assert (module.FIXTURES / name).read_text() == module.dump(data), f"{name} is stale: rerun {GENERATOR.name}"
