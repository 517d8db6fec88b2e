"""A tiny, randomly initialised neural backend: the real engine code path, fast, no checkpoint."""
import torch

from engine.model import GridCoco, ModelConfig
from engine.neural import NeuralGenerator


class TinyGenerator(NeuralGenerator):
    def __init__(self):
        torch.manual_seed(0)
        model = GridCoco(ModelConfig(d_model=32, n_layer=1, n_head=2, d_ff=64, dropout=0.0))
        super().__init__(model=model, device="cpu", passes=2)
