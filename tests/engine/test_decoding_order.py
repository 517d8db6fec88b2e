"""engine/neural.py `order_noise`: the order the cells of a region are committed in (a decoding
setting, part of a checkpoint: most confident first for the kept files, a random order for 1.2.1)."""
import pytest

torch = pytest.importorskip("torch")

from engine.api import Controls, GenerateRequest, Region  # noqa: E402
from engine.model import GridCoco, ModelConfig  # noqa: E402
from engine.neural import NeuralGenerator  # noqa: E402
from engine.testing import satb_piece  # noqa: E402
from tests.engine import kept_checkpoints as kept  # noqa: E402


def _gen(**decoding):
    torch.manual_seed(0)
    model = GridCoco(ModelConfig(d_model=32, n_layer=1, n_head=2, d_ff=64, dropout=0.0))
    return NeuralGenerator(model=model, device="cpu", passes=4, decoding=decoding or None)


def _notes(gen, seed=3):
    req = GenerateRequest("infill", satb_piece(), Region([0, 1, 2, 3], 1, 3), num_candidates=2, seed=seed)
    return [[(n.track, n.start, n.duration, n.pitch) for n in c.notes] for c in gen.generate(req).candidates]


def test_order_noise_1_is_the_confidence_order_the_kept_checkpoints_decode_with():
    assert _gen().order_noise == 1.0
    assert _notes(_gen()) == _notes(_gen(order_noise=1.0))


def test_a_random_order_is_the_same_for_a_seed_and_writes_other_notes_than_most_confident_first():
    assert _notes(_gen(order_noise=100.0)) == _notes(_gen(order_noise=100.0))
    assert _notes(_gen(order_noise=100.0)) != _notes(_gen())
    assert _notes(_gen(order_noise=100.0), seed=4) != _notes(_gen(order_noise=100.0))


def test_the_kept_1_2_1_is_the_kept_1_2_decoded_in_a_random_order_without_the_hold_bias():
    new, old = kept.load("1.2.1"), kept.load("1.2")
    assert old["meta"]["version"].startswith("1.2.0+") and new["meta"]["version"].startswith("1.2.1+")
    changes = kept.decoding_changes(new, old)
    assert set(changes) == {"order_noise", "hold_bias"}
    assert changes["order_noise"] == (None, 100.0) and changes["hold_bias"][1] == 0.0


def test_bf16_is_used_only_where_the_machine_has_bf16_matrix_units(tmp_path):
    from engine.neural import bf16_is_fast
    amx, avx2 = tmp_path / "amx", tmp_path / "avx2"
    amx.write_text("flags\t\t: fpu sse2 avx2 avx512f amx_bf16 amx_tile\n")
    avx2.write_text("flags\t\t: fpu sse2 avx2\n")
    assert bf16_is_fast("cpu", str(amx)) and not bf16_is_fast("cpu", str(avx2))
    assert not bf16_is_fast("cpu", str(tmp_path / "none")) and bf16_is_fast("cuda", str(avx2))
    assert _gen(bf16=True).bf16 == bf16_is_fast("cpu") and _gen(bf16=False).bf16 is False


def test_the_first_pass_runs_one_row_for_the_candidates_that_are_all_still_alike():
    """Before anything is committed the K chains are the same grid: one row of the model stands for
    all (the first pass of a chunk); later passes run every chain, on the frames written only."""
    gen = _gen()
    seen = []
    gen.model.register_forward_hook(lambda m, a, kw, out: seen.append((a[0].shape[0], out.shape[2])), with_kwargs=True)
    req = GenerateRequest("infill", satb_piece(), Region([0, 1, 2, 3], 1, 3), num_candidates=3, seed=0,
                          controls=Controls.from_dict({"strict_voice_leading": False}))
    gen.generate(req)
    spb = 16
    assert seen[0] == (1, 2 * spb) and all(rows == 3 and frames == 2 * spb for rows, frames in seen[1:4])
