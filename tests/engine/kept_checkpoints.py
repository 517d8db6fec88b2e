"""The shipped checkpoint and the kept ones (engine/checkpoints/): a new version that only changes
how the same weights are decoded is checked the same way each time."""
import torch

from engine.neural import CHECKPOINT


def load(version=None):
    """The kept file of `version` ("1.2.1": gridcoco-1.2.1.pt), or the shipped one."""
    path = CHECKPOINT.replace("gridcoco.pt", f"gridcoco-{version}.pt") if version else CHECKPOINT
    return torch.load(path, map_location="cpu", weights_only=True)


def decoding_changes(new, old):
    """The decoding settings `new` sets differently from `old`, after checking that both hold the
    same weights, byte for byte: {setting: (old value or None, new value)}."""
    assert all(torch.equal(new["model"][k], old["model"][k]) for k in old["model"])
    for style, weights in old.get("experts", {}).items():
        assert all(torch.equal(new["experts"][style][k], weights[k]) for k in weights)
    dec, was = new["meta"]["decoding"], old["meta"]["decoding"]
    return {k: (was.get(k), dec[k]) for k in dec if dec[k] != was.get(k)}
