"""engine/leaps.py: what strict voice-leading's repair charges a re-sampled pitch for leaping."""
import numpy as np
import pytest

from engine import grid as G
from engine.api import Controls, GenerateRequest, Note, Piece, Region, Track
from engine.leaps import leap_cost, neighbours
from engine.voice_leading_eval import grid_of

P = G.pitch_token
H, R = G.HOLD, G.REST


def test_neighbours_are_the_onsets_either_side_and_a_rest_ends_the_line():
    row = np.array([P(48), H, P(50), H, P(52), H, P(55), H, R, P(60)])
    assert neighbours(row, 4) == [50, 55]
    assert neighbours(row, 2) == [48, 52]     # across held cells
    assert neighbours(row, 0) == [50]
    assert neighbours(row, 9) == []           # a rest just before, nothing after


def test_a_leap_costs_per_semitone_beyond_a_major_third_from_each_neighbour():
    row = np.array([P(48), H, G.MASK, H, P(52)])
    cost = leap_cost(row, 2, 0.5)
    assert cost[P(50)] == 0 and cost[P(48)] == 0 and cost[P(52)] == 0
    assert cost[P(55)] == pytest.approx(0.5 * (3 + 0))          # 7 from 48, 3 from 52
    assert cost[P(60)] == pytest.approx(0.5 * (8 + 4))
    assert (cost[:G.N_SPECIAL] == 0).all()
    assert (leap_cost(row, 2, 0.0) == 0).all()


def _leaps(gen, seed):
    melody = [Note("S", i * 480, 480, p, 80) for i, p in enumerate([67, 69, 71, 72, 74, 72, 71, 69] * 2)]
    piece = Piece([Track(v, v, v) for v in "SATB"], melody, "4/4", "G major")
    res = gen.generate(GenerateRequest("harmonize", piece, Region(list("ATB"), 0, 4), num_candidates=2, seed=seed,
                                       controls=Controls(strict_voice_leading=True)))
    leaps = moves = 0
    for cand in res.candidates:
        ps = [n.pitch for n in sorted(cand.notes, key=lambda n: n.start) if n.track in ("A", "T", "B")]
        for v in "ATB":
            line = [n.pitch for n in sorted(cand.notes, key=lambda n: n.start) if n.track == v]
            steps = np.abs(np.diff(line))
            leaps, moves = leaps + int((steps > 4).sum()), moves + len(steps)
        assert ps
    return leaps, moves, [(n.track, n.start, n.pitch) for c in res.candidates for n in c.notes]


def test_the_repair_leaps_less_with_a_cost_and_stays_deterministic():
    torch = pytest.importorskip("torch")
    from engine.model import GridCoco, ModelConfig
    from engine.neural import NeuralGenerator
    torch.manual_seed(0)
    model = GridCoco(ModelConfig(d_model=32, n_layer=1, n_head=2, d_ff=64, dropout=0.0))
    free = NeuralGenerator(model=model, device="cpu", passes=3)
    costly = NeuralGenerator(model=model, device="cpu", passes=3, decoding=dict(repair_leap_cost=2.0))
    assert free.repair_leap_cost == 0.0          # a checkpoint that does not say decodes as before
    without = [_leaps(free, s) for s in range(3)]
    with_cost = [_leaps(costly, s) for s in range(3)]
    share = lambda rows: sum(r[0] for r in rows) / sum(r[1] for r in rows)
    assert share(with_cost) < share(without)
    assert _leaps(costly, 1)[2] == with_cost[1][2]
