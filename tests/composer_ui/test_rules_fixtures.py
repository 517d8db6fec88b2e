"""The page's rules (static/js/core/rules.js) are checked against tests/js/fixtures/rules.json, which must
stay what the server's code answers today: regenerate it and compare."""
import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_rules_fixtures_match_the_server_code(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("make_rules_fixtures", ROOT / "tests/js/make_rules_fixtures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "OUT", tmp_path / "rules.json")
    monkeypatch.setattr(module, "ROOT", tmp_path)
    module.main()
    committed = json.loads((ROOT / "tests/js/fixtures/rules.json").read_text())
    assert json.loads((tmp_path / "rules.json").read_text()) == committed, \
        "run .venv/bin/python tests/js/make_rules_fixtures.py and commit the fixtures"
