"""engine/clean_pitches.py: the pitches a re-sampled note may take are exactly those teacher_marks
would mark neither it nor its voice's next note for, given the other voices as they stand."""
import numpy as np
import pytest

from engine import grid as G
from engine.clean_pitches import clean_pitches, note_span
from engine.leaps import PITCHES
from engine.metrics import parallel_motions, sounding, teacher_marks

P = G.pitch_token
H, R = G.HOLD, G.REST


def chorale_bit():
    """Two beats of four voices, 4 cells a beat; the alto's second note (cell 4) is the one re-sampled."""
    return np.array([
        [P(72), H, H, H, P(74), H, H, H, P(76), H, H, H],
        [P(67), H, H, H, P(67), H, P(65), H, P(67), H, H, H],
        [P(64), H, H, H, P(59), H, H, H, P(60), H, H, H],
        [P(48), H, H, H, P(55), H, H, H, P(48), H, H, H],
    ])


def marked_for(grid, v, t):
    """For each pitch of the note (v, t), everything else as it stands: does teacher_marks mark it,
    or mark the voice's next note for a parallel moving out of it? (The repair must not leave one
    for the next note, which may be given and so cannot be re-sampled.)"""
    out = np.zeros(G.VOCAB, bool)
    later = [c for c in range(note_span(grid[v], t), grid.shape[1]) if grid[v, c] >= G.N_SPECIAL]
    for tok in range(G.N_SPECIAL, G.VOCAB):
        g = grid.copy()
        g[v, t] = tok
        moving_out = later and any((v, later[0]) in cells for _, *cells in parallel_motions(g, 0, g.shape[1]))
        out[tok] = (v, t) in teacher_marks(g, 0, g.shape[1]) or bool(moving_out)
    return out


def test_note_span_runs_over_held_cells():
    row = np.array([P(60), H, H, P(62), R, P(64)])
    assert note_span(row, 0) == 3 and note_span(row, 3) == 4 and note_span(row, 5) == 6


@pytest.mark.parametrize("v,t", [(1, 4), (1, 6), (2, 4), (3, 4), (0, 4), (3, 8), (1, 0)])
def test_clean_pitches_are_those_teacher_marks_leaves_alone(v, t):
    grid = chorale_bit()
    ok = clean_pitches(grid, sounding(grid), v, t)
    assert not ok[:G.N_SPECIAL].any()
    assert (ok[G.N_SPECIAL:] == ~marked_for(grid, v, t)[G.N_SPECIAL:]).all()


def test_a_parallel_octave_into_the_note_is_refused_and_its_neighbours_allowed():
    grid = chorale_bit()
    grid[3, 4] = P(62)                        # bass D under soprano D after C under C: parallel octaves
    ok = clean_pitches(grid, sounding(grid), 3, 4)
    assert not ok[P(62)] and not ok[P(50)]
    assert ok[P(55)] and ok[P(53)]
    assert (3, 4) in teacher_marks(grid, 0, 12)


def test_random_grids_agree_with_teacher_marks():
    rng = np.random.default_rng(5)
    for _ in range(30):
        grid = np.full((4, 16), H)
        for v, base in enumerate((72, 65, 58, 48)):
            onsets = sorted({0, *rng.choice(np.arange(1, 16), 5, replace=False).tolist()})
            for c in onsets:
                grid[v, c] = R if rng.random() < 0.1 and c else P(int(base + rng.integers(-5, 6)))
        v = int(rng.integers(0, 4))
        t = int(rng.choice(np.flatnonzero(grid[v] >= G.N_SPECIAL)))
        ok = clean_pitches(grid, sounding(grid), v, t)
        assert (ok[G.N_SPECIAL:] == ~marked_for(grid, v, t)[G.N_SPECIAL:]).all(), (grid, v, t)
    assert PITCHES[P(60)] == 60


def _harmonize(gen, seed):
    from engine.api import Controls, GenerateRequest, Note, Piece, Region, Track
    melody = [Note("S", i * 480, 480, p, 80) for i, p in enumerate([67, 69, 71, 72, 74, 72, 71, 69] * 2)]
    piece = Piece([Track(v, v, v) for v in "SATB"], melody, "4/4", "G major")
    res = gen.generate(GenerateRequest("harmonize", piece, Region(list("ATB"), 0, 4), num_candidates=2, seed=seed,
                                       controls=Controls(strict_voice_leading=True)))
    return sorted((n.track, n.start, n.pitch) for c in res.candidates for n in c.notes)


def test_the_repair_with_clean_pitches_takes_fewer_rounds_and_stays_deterministic(monkeypatch):
    torch = pytest.importorskip("torch")
    from engine.model import GridCoco, ModelConfig
    from engine.neural import NeuralGenerator
    torch.manual_seed(0)
    model = GridCoco(ModelConfig(d_model=32, n_layer=1, n_head=2, d_ff=64, dropout=0.0))
    plain = NeuralGenerator(model=model, device="cpu", passes=3)
    clean = NeuralGenerator(model=model, device="cpu", passes=3, decoding=dict(repair_clean=True))
    assert plain.repair_clean is False            # a checkpoint that does not say decodes as before
    rounds = {}
    for name, gen in (("plain", plain), ("clean", clean)):
        calls = []
        repair = gen._repair
        monkeypatch.setattr(gen, "_repair", lambda *a, _r=repair, _c=calls: _c.append(1) or _r(*a))
        for seed in range(4):
            _harmonize(gen, seed)
        rounds[name] = len(calls)
    assert rounds["clean"] < rounds["plain"]
    assert _harmonize(clean, 2) == _harmonize(clean, 2)


def test_one_note_of_each_marked_pair_is_re_sampled_the_lower_voices_where_both_are_written():
    from engine.metrics import mark_pairs
    from engine.neural import NeuralGenerator
    grid = chorale_bit()
    grid[3, 4] = P(62)                        # parallel octaves soprano-bass, and the bass above the tenor
    assert mark_pairs(grid, 0, 12) == {((0, 4), (3, 4)), ((2, 4), (3, 4))}
    assert teacher_marks(grid, 0, 12) == {c for pair in mark_pairs(grid, 0, 12) for c in pair}
    free = np.ones(grid.shape, bool)
    assert NeuralGenerator._one_of_each(grid, free) == {(3, 4)}     # the bass's one note answers both
    free[3] = False                           # the bass given: the soprano and the tenor move
    assert NeuralGenerator._one_of_each(grid, free) == {(0, 4), (2, 4)}
    free[[0, 2]] = False
    assert NeuralGenerator._one_of_each(grid, free) == set()
