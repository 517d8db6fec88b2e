"""engine/int8.py: a checkpoint's `decoding.int8_cpu` runs its Linear layers in int8 on a CPU
(the shipped 1.2.3); the kept checkpoints decode as they did."""
import pytest

torch = pytest.importorskip("torch")

from engine import int8  # noqa: E402
from engine.api import Controls, GenerateRequest, Region  # noqa: E402
from engine.model import GridCoco, ModelConfig  # noqa: E402
from engine.neural import NeuralGenerator  # noqa: E402
from engine.testing import satb_piece  # noqa: E402

pytestmark = pytest.mark.skipif(not int8.available(), reason="no FBGEMM in this torch build")
TINY = ModelConfig(d_model=32, n_layer=2, n_head=2, d_ff=64, dropout=0.0)


def _gen(**decoding):
    torch.manual_seed(0)
    return NeuralGenerator(model=GridCoco(TINY), device="cpu", passes=4, decoding=decoding or None)


def _notes(gen, seed=3):
    req = GenerateRequest("infill", satb_piece(), Region([0, 1, 2, 3], 1, 3), num_candidates=2, seed=seed)
    return [[(n.track, n.start, n.duration, n.pitch) for n in c.notes] for c in gen.generate(req).candidates]


def test_int8_cpu_replaces_every_linear_and_turns_bf16_off():
    gen = _gen(int8_cpu=True, bf16=True)
    assert gen.int8 and not gen.bf16
    linears = [m for m in gen.model.modules() if int8.is_linear(m)]
    assert linears and not any(isinstance(m, torch.nn.Linear) for m in linears)
    assert not _gen().int8 and all(isinstance(m, torch.nn.Linear) for m in _gen().model.modules() if int8.is_linear(m))


def test_int8_decoding_is_the_same_for_a_seed_and_close_to_the_float_model():
    assert _notes(_gen(int8_cpu=True)) == _notes(_gen(int8_cpu=True))
    assert _notes(_gen(int8_cpu=True), seed=4) != _notes(_gen(int8_cpu=True))
    f, q = _gen(), _gen(int8_cpu=True)
    tokens = torch.randint(0, 60, (2, 4, 32))
    pos = torch.arange(32) % 16
    with torch.no_grad():
        a, b = f.model(tokens, pos).log_softmax(-1), q.model(tokens, pos).log_softmax(-1)
    assert (a.exp() * (a - b)).sum(-1).mean() < 1e-3          # KL(float || int8), nats per cell


def test_the_process_quantized_engine_is_left_as_it_was():
    was = torch.backends.quantized.engine
    _gen(int8_cpu=True)
    assert torch.backends.quantized.engine == was


def test_the_bench_times_int8_layers_as_matrix_work():
    from engine.bench import floor_time, record_matmuls
    gen = _gen(int8_cpu=True)
    req = GenerateRequest("infill", satb_piece(), Region([0, 1, 2, 3], 1, 2), num_candidates=2,
                          controls=Controls(strict_voice_leading=False))
    calls = record_matmuls(gen, req)
    assert {kind for kind, _, _ in calls} == {"linear", "attn"}
    assert floor_time(calls, TINY.n_head, "cpu", lambda: None, reps=1) > 0


def test_the_shipped_1_2_3_is_the_kept_1_2_2_decoded_in_int8_on_a_cpu():
    from tests.engine import kept_checkpoints as kept
    new, old = kept.load(), kept.load("1.2.2")
    assert old["meta"]["version"].startswith("1.2.2+") and new["meta"]["version"].startswith("1.2.3+")
    assert kept.decoding_changes(new, old) == {"int8_cpu": (None, True)}


def test_the_recipes_decode_as_the_shipped_checkpoint_does():
    import json
    from engine.train_presets import SHIPPED_DECODING
    from tests.engine import kept_checkpoints as kept
    shipped = kept.load()["meta"]["decoding"]
    assert {k: v for k, v in shipped.items() if k in json.loads(SHIPPED_DECODING)} == json.loads(SHIPPED_DECODING)


def test_an_int8_model_counts_the_same_parameters():
    assert int8.n_params(_gen(int8_cpu=True).model) == int8.n_params(_gen().model) == GridCoco(TINY).n_params()
