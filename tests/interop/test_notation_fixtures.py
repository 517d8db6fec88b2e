"""The notation pane finds drawn notes by keys (static/js/core/notation.js) checked against
tests/js/fixtures/notation.json, read out of the MusicXML export: it must stay what the export writes today."""
import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_notation_fixtures_match_the_export():
    spec = importlib.util.spec_from_file_location("make_notation_fixtures", ROOT / "tests/js/make_notation_fixtures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    committed = json.loads((ROOT / "tests/js/fixtures/notation.json").read_text())
    assert json.loads(json.dumps(module.fixtures(), sort_keys=True)) == committed, \
        "run .venv/bin/python tests/js/make_notation_fixtures.py and commit the fixtures"
