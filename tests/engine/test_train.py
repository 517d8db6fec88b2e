"""engine/train.py: the presets, and a fine-tune that goes on from a styled checkpoint."""
import json
import os

import pytest

torch = pytest.importorskip("torch")

from engine.neural import CHECKPOINT  # noqa: E402
from engine.train import PRESETS, parse_args, run, train  # noqa: E402


def test_the_four_style_cpu_recipe_is_from_scratch_and_timed_under_an_hour():
    cfg = parse_args(["--preset", "cpu-styles"])
    assert not cfg.init_from and cfg.threads == 2
    assert cfg.styles.split(",") == ["chorale", "folk", "renaissance", "quartet"]
    assert cfg.style_share == "chorale=1,folk=0,renaissance=0,quartet=0"      # the chorales alone first
    then = PRESETS[cfg.then]                       # then the other styles, the chorale weights kept as they were
    assert then["keep_as_expert"] == "chorale" and then["init_from"] == cfg.out and then["styles"] == cfg.styles
    assert "chorale=0" in then["style_share"]
    assert cfg.steps == 0 == then["steps"] and 0 < cfg.budget_s + then["budget_s"] <= 3300   # loading on top
    shipped = torch.load(CHECKPOINT, map_location="cpu", weights_only=True)["meta"]["decoding"]
    assert {**shipped, **json.loads(cfg.decoding)} == shipped            # it decodes as the shipped file


def test_a_recipe_in_phases_trains_each_phase_from_the_weights_before(tmp_path, monkeypatch):
    tiny = dict(PRESETS["tiny"], steps=4, eval_every=2, n_valid=8, warmup=2, styles="chorale,folk")
    monkeypatch.setitem(PRESETS, "tiny-expert", dict(tiny, expert="folk", lr=1e-2, out=str(tmp_path / "b.pt")))
    run(parse_args(["--preset", "tiny", "--steps", "4", "--eval_every", "2", "--n_valid", "8", "--warmup", "2",
                    "--styles", "chorale,folk", "--out", str(tmp_path / "a.pt"), "--then", "tiny-expert"]))
    first, both = (torch.load(tmp_path / n, weights_only=True) for n in ("a.pt", "b.pt"))
    assert set(both["experts"]) == {"folk"} and both["config"]["init_from"] == str(tmp_path / "a.pt")
    assert all(torch.equal(both["model"][k], first["model"][k]) for k in first["model"])


def test_the_folk_fine_tune_goes_on_from_the_kept_1_1_file():
    cfg = parse_args(["--preset", "styles-2"])
    assert os.path.exists(cfg.init_from) and cfg.init_from.endswith("gridcoco-1.1.pt")
    assert cfg.keep == "last" and json.loads(cfg.decoding)["repair_leap_cost"] > 0


def test_the_folk_expert_trains_the_folk_tunes_alone_from_the_kept_1_1_file():
    cfg = parse_args(["--preset", "folk-expert"])
    assert os.path.exists(cfg.init_from) and cfg.init_from.endswith("gridcoco-1.1.pt")
    assert cfg.expert == "folk" and cfg.expert in cfg.styles.split(",") and cfg.budget_s <= 1800
    assert json.loads(cfg.decoding) == {"repair_leap_cost": 0.5, "repair_clean": True}


def _tiny(tmp_path, name, **kw):
    args = ["--preset", "tiny", "--steps", "4", "--eval_every", "2", "--n_valid", "8", "--warmup", "2",
            "--styles", "chorale,folk", "--out", str(tmp_path / name)]
    for k, v in kw.items():
        args += [f"--{k}", str(v)]
    train(parse_args(args))
    return torch.load(tmp_path / name, weights_only=True)


def test_a_styled_checkpoint_goes_on_with_its_own_style_embedding_and_decoding(tmp_path):
    first = _tiny(tmp_path, "a.pt", decoding='{"hold_bias": -1.0}')
    assert first["meta"]["styles"] == ["chorale", "folk"] and first["meta"]["decoding"] == {"hold_bias": -1.0}
    assert first["model"]["style.weight"].abs().sum() > 0
    second = _tiny(tmp_path, "b.pt", init_from=tmp_path / "a.pt", keep="last", lr=1e-9, min_lr=1e-9,
                   decoding='{"repair_leap_cost": 0.5}')
    assert second["meta"]["decoding"] == {"hold_bias": -1.0, "repair_leap_cost": 0.5}
    # kept, not zeroed; an lr of 1e-9 barely moves it, and "last" saved the step-4 weights
    assert torch.allclose(second["model"]["style.weight"].float(), first["model"]["style.weight"].float(), atol=1e-3)
    assert second["history"][-1]["step"] == 4 and second["meta"]["steps"] == 4


def test_presets_name_only_config_fields():
    for name, preset in PRESETS.items():
        parse_args(["--preset", name])


def test_an_expert_trains_one_style_alone_and_leaves_the_shared_weights_as_they_were(tmp_path):
    from engine.model import StyleExperts, load_checkpoint
    first = _tiny(tmp_path, "a.pt")
    both = _tiny(tmp_path, "e.pt", init_from=tmp_path / "a.pt", expert="folk", lr=1e-2)
    assert set(both["experts"]) == {"folk"}
    assert all(torch.equal(both["model"][k], first["model"][k]) for k in first["model"])
    assert any(not torch.equal(both["experts"]["folk"][k], first["model"][k]) for k in first["model"])
    assert all("folk" in k for row in both["history"] for k in row if k.startswith("mixed_") and k != "mixed_mean")
    model, _ = load_checkpoint(tmp_path / "e.pt")
    base, _ = load_checkpoint(tmp_path / "a.pt")
    assert isinstance(model, StyleExperts)
    tokens = torch.randint(0, 20, (4, 4, 32))
    pos = torch.arange(32) % 16
    style = torch.tensor([0, 1, 0, 1])
    with torch.inference_mode():
        mixed = model(tokens, pos, None, style)
        assert torch.allclose(mixed[[0, 2]], base(tokens[[0, 2]], pos, None, style[[0, 2]]), atol=1e-5)
        assert torch.allclose(mixed[[1, 3]], model.experts["1"](tokens[[1, 3]], pos, None, style[[1, 3]]), atol=1e-5)
        assert not torch.allclose(mixed[[1, 3]], base(tokens[[1, 3]], pos, None, style[[1, 3]]), atol=1e-3)


def test_kept_as_expert_the_first_weights_write_their_style_and_the_run_trains_the_others(tmp_path):
    from engine.model import StyleExperts, load_checkpoint
    first = _tiny(tmp_path, "a.pt", style_share="chorale=1,folk=0")
    assert all("folk" not in k for row in first["history"] for k in row)            # validated on what it trains
    both = _tiny(tmp_path, "k.pt", init_from=tmp_path / "a.pt", keep_as_expert="chorale",
                 style_share="chorale=0,folk=1", lr=1e-2)
    assert set(both["experts"]) == {"chorale"}
    assert all(torch.equal(both["experts"]["chorale"][k], first["model"][k]) for k in first["model"])
    assert any(not torch.equal(both["model"][k], first["model"][k]) for k in first["model"])
    assert all("chorale" not in k for row in both["history"] for k in row)
    model, _ = load_checkpoint(tmp_path / "k.pt")
    base, _ = load_checkpoint(tmp_path / "a.pt")
    assert isinstance(model, StyleExperts)
    tokens = torch.randint(0, 20, (2, 4, 32))
    pos = torch.arange(32) % 16
    style = torch.tensor([0, 1])
    with torch.inference_mode():
        assert torch.allclose(model(tokens, pos, None, style)[:1], base(tokens[:1], pos, None, style[:1]), atol=1e-5)
