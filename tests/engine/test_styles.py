"""The style control and the styles' data: a tiny model with style embeddings, fixed seeds."""
import numpy as np
import pytest
import torch

from engine import grid as G
from engine.api import Controls, GenerateRequest, InvalidRequest, Region
from engine.batches import example
from engine.checks import check_request
from engine.model import GridCoco, ModelConfig
from engine.neural import NeuralGenerator
from engine.problem import build_problem
from engine.style_infer import PRIOR, infer_style
from engine.testing import satb_piece

STYLES = ["chorale", "folk", "renaissance", "quartet"]


@pytest.fixture(scope="module")
def styled():
    torch.manual_seed(3)
    model = GridCoco(ModelConfig(d_model=32, n_layer=1, n_head=2, d_ff=64, dropout=0.0, n_styles=4))
    torch.nn.init.normal_(model.style.weight, 0.0, 2.0)        # styles far apart, so each one shows
    return NeuralGenerator(model=model, device="cpu", passes=3, styles=STYLES)


def infill(style, seed=5):
    return GenerateRequest("infill", satb_piece(4), Region([0, 1, 2, 3], 2, 3), controls=Controls(style=style),
                           num_candidates=2, seed=seed)


def notes(res):
    return [[(n.track, n.start, n.duration, n.pitch) for n in c.notes] for c in res.candidates]


def test_the_style_control_lists_the_checkpoints_styles_and_auto(styled, neural_gen):
    caps = styled.capabilities()
    assert caps.controls["style"]["options"] == ["auto"] + STYLES
    assert caps.controls["style"]["default"] == "auto"
    assert caps.limits["styles"] == STYLES
    assert neural_gen.capabilities().controls["style"]["options"] == ["auto", "chorale"]   # a 1.0 checkpoint


def test_a_style_the_model_does_not_know_is_refused_naming_the_ones_it_does(neural_gen):
    with pytest.raises(InvalidRequest, match="must be one of auto, chorale, got 'folk'"):
        check_request(infill("folk"), neural_gen.capabilities())


def test_each_style_writes_differently_and_each_is_deterministic_for_a_seed(styled):
    written = {s: notes(styled.generate(infill(s))) for s in STYLES}
    assert len({str(w) for w in written.values()}) == len(STYLES)
    assert notes(styled.generate(infill("folk"))) == written["folk"]


def test_auto_writes_in_the_style_that_explains_the_context_best(styled):
    req = infill("auto")
    prob = build_problem(req, styled.capabilities())
    index, losses = infer_style(styled.model, prob.grid, prob.free, prob.spb, prob.region, "cpu", [0, 2, 3], STYLES)
    prior = [PRIOR.get(s, 0.0) for s in STYLES]
    assert len(losses) == 4 and losses[1] == float("inf")
    assert index == min((0, 2, 3), key=lambda k: losses[k] + prior[k])      # folk is not offered for four voices
    res = styled.generate(req)
    assert notes(res) == notes(styled.generate(infill(STYLES[index])))
    assert f"style: auto read the piece as {STYLES[index]}" in res.warnings


def test_a_one_voice_tune_trains_only_its_own_voice():
    grid = np.full((4, 64), G.PAD, np.int64)
    grid[0] = G.voice_to_cells([(i * 4, 4, 67 + i % 5) for i in range(16)], 64)[0]
    rng = np.random.default_rng(0)
    for _ in range(200):
        inp, tgt, mask, pos = example(rng, grid, 16)
        assert mask[0].any() and not mask[1:].any()
        assert (tgt[1:] == G.PAD).all()


def test_a_jig_in_6_8_is_learned_as_it_is_served_two_bars_of_3_4_at_double_time():
    pytest.importorskip("music21")
    from music21 import meter, note, stream
    from engine.style_data import score_to_grid
    part = stream.Part()
    part.append(meter.TimeSignature("6/8"))
    for p, ql in [(67, 1.5), (69, 0.5), (71, 0.5), (72, 0.5), (74, 1.0), (72, 0.5), (71, 1.5)]:
        part.append(note.Note(p, quarterLength=ql))
    score = stream.Score([part.makeMeasures()])
    grid, spb, why = score_to_grid(score, 1)
    assert why is None and spb == 12 and grid.shape == (4, 48)    # a 6/8 bar = two bars of 3/4
    onsets = [(t, G.token_pitch(tok)) for t, tok in enumerate(grid[0]) if tok >= G.N_SPECIAL]
    assert onsets == [(0, 67), (12, 69), (16, 71), (20, 72), (24, 74), (32, 72), (36, 71)]   # dotted beats on bars
    assert (grid[1:] == G.PAD).all()


def test_auto_never_picks_a_one_voice_style_to_write_several_voices(styled, monkeypatch):
    import engine.neural as N
    monkeypatch.setattr(N, "infer_style", lambda *a: (a[6][0], [0.0] * 4) if 1 not in a[6] else (1, [0.0] * 4))
    prob = build_problem(infill("auto"), styled.capabilities())
    assert styled.style_of(prob) == 0                            # folk (1) was not offered
    melody = GenerateRequest("continue", satb_piece(4), Region([0], 4, 5), controls=Controls(style="auto"), seed=1)
    melody.piece.tracks, melody.piece.notes = melody.piece.tracks[:1], [n for n in melody.piece.notes if n.track == 0]
    prob = build_problem(melody, styled.capabilities())
    assert styled.style_of(prob) == 1                             # a melody alone, written alone: folk
    assert "style: auto read the piece as folk (a melody alone)" in prob.warnings
