"""Fixtures for the engine tests: small backends that need no checkpoint."""
import pytest

from engine.testing import BASS, MELODY, melody_notes, satb_piece  # noqa: F401


@pytest.fixture(scope="session")
def ngram_gen():
    from engine.data import load_split
    from engine.ngram import NgramGenerator
    return NgramGenerator(pieces=[g for g, _ in load_split("train")[:12]], order=5)


@pytest.fixture(scope="session")
def neural_gen():
    pytest.importorskip("engine.neural")
    import torch
    from engine.model import GridCoco, ModelConfig
    from engine.neural import NeuralGenerator
    torch.manual_seed(0)
    model = GridCoco(ModelConfig(d_model=32, n_layer=1, n_head=2, d_ff=64, dropout=0.0))
    return NeuralGenerator(model=model, device="cpu", passes=3)


@pytest.fixture(scope="session", params=["ngram", "neural"])
def gen(request, ngram_gen, neural_gen):
    return ngram_gen if request.param == "ngram" else neural_gen


@pytest.fixture(scope="session")
def ngram_server(tmp_path_factory):
    """`python -m engine.serve` with the small n-gram (the same model as ngram_gen), for the protocol tests."""
    from tests.engine.model_server import ModelServer, started
    server, = started(ModelServer("tests.engine.served_backends.SmallNgram", tmp_path_factory.mktemp("serve")))
    yield server
    server.stop()
