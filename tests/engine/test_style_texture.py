"""engine/style_texture.py: the written texture as evidence for `style: auto` (engine/style_infer.py)."""
import json

import numpy as np
import pytest

from engine import grid as G, style_texture as T

torch = pytest.importorskip("torch")

from engine.model import GridCoco, ModelConfig  # noqa: E402
from engine.neural import NeuralGenerator  # noqa: E402
from engine.style_infer import infer_style  # noqa: E402
from engine.styles import STYLES  # noqa: E402

ALL = list(STYLES)                       # the styles in a checkpoint's embedding order
C_MAJOR = [0, 2, 4, 5, 7, 9, 11]
WALK = [0, 1, 2, 1, 3, 2, 4, 3]          # scale degrees above the voice's lowest note
BARS, SPB = 8, 16


def voice(starts, lowest, rest_first=0):
    """One voice of 8 bars of 4/4 in C major: a rest, then a note at each start (degree 0 = C3)."""
    row = np.full(BARS * SPB, G.HOLD)
    row[:rest_first] = G.REST
    for i, t in enumerate(starts):
        degree = lowest + WALK[i % len(WALK)]
        row[t] = G.pitch_token(48 + 12 * (degree // 7) + C_MAJOR[degree % 7])
    return row


def hymn():
    """Four voices that move together in quarter notes (a chorale's texture), C3 to G5."""
    starts = list(range(0, BARS * SPB, 4))
    return np.stack([voice(starts, lowest) for lowest in (14, 10, 6, 0)])


def motet():
    """Four voices in notes of three half notes that enter one after another (a Renaissance
    texture), C3 to E5."""
    return np.stack([voice(list(range(8 * v, BARS * SPB, 12)), lowest, rest_first=8 * v)
                     for v, lowest in enumerate((12, 9, 5, 0))])


def written(grid):
    free = np.zeros(grid.shape, bool)
    free[:, 3 * SPB:4 * SPB] = True
    return np.where(free, G.MASK, grid), free


def test_a_melody_alone_has_no_texture_to_read():
    grid, free = written(hymn())
    grid[1:] = G.PAD
    assert T.features(grid, free, SPB) is None


def test_the_rates_are_those_of_the_written_cells_only():
    x = dict(zip(T.NAMES, T.features(*written(hymn()), SPB)))
    assert x["log onsets per bar"] == pytest.approx(np.log(4.1))
    assert x["rest share"] == 0 and x["sixteenth onsets"] == 0 and x["notes of half a bar or more"] == 0
    assert x["onsets with another voice"] == 1.0 and x["span (semitones)"] == 79 - 48
    y = dict(zip(T.NAMES, T.features(*written(motet()), SPB)))
    assert y["rest share"] > 0 and y["notes of half a bar or more"] > 0.9 and y["onsets with another voice"] < 0.5


def test_the_committed_statistics_tell_a_hymn_from_a_motet():
    stats = T.load()
    assert set(stats) == {"chorale", "renaissance", "quartet"}
    assert T.most_likely(stats, T.features(*written(hymn()), SPB)) == "chorale"
    assert T.most_likely(stats, T.features(*written(motet()), SPB)) == "renaissance"


def test_the_committed_statistics_are_what_the_fit_writes():
    with open(T.PATH) as f:
        committed = json.load(f)
    assert committed["features"] == list(T.NAMES)
    assert T.fit(["quartet"]) == {"quartet": committed["styles"]["quartet"]}


def _styled_model():
    """A tiny model whose styles guess alike (a zero style embedding), so only the texture can decide."""
    torch.manual_seed(0)
    model = GridCoco(ModelConfig(d_model=32, n_layer=1, n_head=2, d_ff=64, dropout=0.0, n_styles=len(ALL)))
    torch.nn.init.zeros_(model.style.weight)
    return model.eval()


@pytest.mark.parametrize("music, style", [(hymn, "chorale"), (motet, "renaissance")])
def test_auto_with_the_texture_reads_the_style_the_texture_is_like(music, style):
    grid, free = written(music())
    allowed = [ALL.index(s) for s in ("chorale", "renaissance", "quartet")]
    args = (_styled_model(), grid, free, SPB, (3 * SPB, 4 * SPB), "cpu", allowed, ALL)
    index, losses = infer_style(*args, texture=T.load())
    assert ALL[index] == style
    assert len({round(losses[s], 5) for s in allowed}) == 1          # the model alone could not tell
    assert ALL[infer_style(*args)[0]] == "chorale"                 # without the texture: the prior's pick


def test_the_texture_is_a_decoding_setting_off_for_the_kept_checkpoints():
    model = _styled_model()
    assert NeuralGenerator(model=model, device="cpu").texture is None
    assert NeuralGenerator(model=model, device="cpu", decoding={"auto_texture": True}).texture == T.load()


def test_the_kept_1_2_2_is_the_kept_1_2_1_with_the_texture_on():
    from tests.engine import kept_checkpoints as kept
    new, old = kept.load("1.2.2"), kept.load("1.2.1")
    assert old["meta"]["version"].startswith("1.2.1+") and new["meta"]["version"].startswith("1.2.2+")
    assert kept.decoding_changes(new, old) == {"auto_texture": (None, True)}
