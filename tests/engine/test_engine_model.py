"""The model, its training step, checkpoints, the n-gram's probabilities and
the exact NLL used by the evaluation, all on tiny sizes."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from engine import grid as G
from engine.batches import collate, example
from engine.data import load_split
from engine.model import GridCoco, ModelConfig, load_checkpoint

TINY = ModelConfig(d_model=32, n_layer=2, n_head=2, d_ff=64, dropout=0.0)


@pytest.fixture(scope="module")
def pieces():
    return load_split("train")[:8]


def test_shapes_and_padding_does_not_leak(pieces):
    torch.manual_seed(0)
    m = GridCoco(TINY).eval()
    rng = np.random.default_rng(0)
    ex = [example(rng, *pieces[0], bars=4, start=0), example(rng, *pieces[1], bars=6, start=0)]
    inp, tgt, loss, pos, valid = collate(ex)
    with torch.no_grad():
        out = m(inp, pos, valid)
        alone = m(inp[:1, :, :64], pos[:1, :64])
    assert out.shape == (2, 4, 96, G.VOCAB)
    assert torch.allclose(out[0, :, :64], alone[0], atol=1e-5)


def test_training_steps_reduce_the_loss(pieces):
    torch.manual_seed(0)
    m = GridCoco(TINY)
    rng = np.random.default_rng(1)
    batch = collate([example(rng, *pieces[i % 8]) for i in range(16)])
    opt = torch.optim.AdamW(m.parameters(), 3e-3)
    losses = []
    for _ in range(30):
        inp, tgt, loss, pos, valid = batch
        l = F.cross_entropy(m(inp, pos, valid)[loss], tgt[loss])
        opt.zero_grad()
        l.backward()
        opt.step()
        losses.append(l.item())
    assert losses[-1] < 0.7 * losses[0]


def test_masks_cover_only_present_cells(pieces):
    rng = np.random.default_rng(2)
    for kind in ("cells", "bars", "voices", "tail", "melody"):
        for _ in range(20):
            inp, tgt, mask, pos = example(rng, *pieces[0], kind=kind)
            assert mask.any() and (tgt[mask] != G.PAD).all() and (inp[mask] == G.MASK).all()
            assert (inp[~mask] == tgt[~mask]).all()


def test_melody_masks_hide_every_voice_but_the_top_one(pieces):
    rng = np.random.default_rng(3)
    for _ in range(20):
        inp, tgt, mask, pos = example(rng, *pieces[0], kind="melody", drop_voices=0.0)
        assert not mask[0].any() and mask[1:].any()


def test_harmonize_share_draws_melody_masks_only_when_asked(pieces):
    """harmonize_share 0 leaves the stream of examples as it was; 1 makes every 4-voice window a
    harmonization of its top voice (the soprano given, nothing of it hidden)."""
    a = example(np.random.default_rng(4), *pieces[0])
    b = example(np.random.default_rng(4), *pieces[0], harmonize_share=0.0)
    assert all((x == y).all() for x, y in zip(a, b))
    rng = np.random.default_rng(5)
    for _ in range(20):
        inp, tgt, mask, pos = example(rng, *pieces[0], harmonize_share=1.0, drop_voices=0.0)
        assert not mask[0].any() and mask[1:].any()


def test_checkpoint_round_trip(tmp_path):
    torch.manual_seed(0)
    m = GridCoco(TINY)
    path = tmp_path / "t.pt"
    state = {k: v.half() for k, v in m.state_dict().items()}
    torch.save(dict(model_args=TINY.__dict__, model=state, meta=dict(version="t")), path)
    m2, ck = load_checkpoint(str(path))
    x = torch.full((1, 4, 16), G.MASK)
    pos = torch.from_numpy(G.positions(16, 16))
    with torch.no_grad():
        assert torch.allclose(m.eval()(x, pos[None]), m2(x, pos[None]), atol=1e-2)


def test_ngram_is_a_distribution(pieces):
    from engine.ngram import NgramModel, training_streams
    ng = NgramModel(5).fit(training_streams([g for g, _ in pieces[:3]]))
    ctx = np.random.default_rng(0).integers(2, G.VOCAB, (7, 4))
    p = ng.probs(ctx)
    assert np.allclose(p.sum(1), 1.0) and (p > 0).all()


def test_ordered_nll_matches_a_manual_loop(pieces):
    from engine.eval_tasks import nll_neural
    torch.manual_seed(0)
    m = GridCoco(TINY).eval()
    g, spb = pieces[0]
    nll, truth = nll_neural(m, g, spb, 0, 32, 16, 18, (0, 1), "cpu")
    assert nll.shape == (4,) and (truth == np.array([g[0, 16], g[1, 16], g[0, 17], g[1, 17]])).all()
    x = torch.from_numpy(g[:, :32].copy())
    x[0:2, 16:18] = G.MASK
    x[0, 16] = g[0, 16]             # reveal the first cell, score the second (voice 1, step 16)
    with torch.no_grad():
        lp = m(x[None], torch.from_numpy(G.positions(32, spb))[None]).log_softmax(-1)
    assert abs(-lp[0, 1, 16, g[1, 16]].item() - nll[1]) < 1e-4


def test_style_experts_run_each_set_of_weights_once_per_call():
    """auto's style probe asks for several styles at once: those without an expert share the base's
    weights and go through them in one call, each row as it would alone."""
    from dataclasses import replace
    from engine.model import StyleExperts
    torch.manual_seed(0)
    cfg = replace(TINY, n_styles=4)
    model = StyleExperts(GridCoco(cfg).eval(), {1: GridCoco(cfg).eval()}).eval()
    calls = {"base": 0, "expert": 0}
    model.base.register_forward_hook(lambda *a: calls.__setitem__("base", calls["base"] + 1))
    model.experts["1"].register_forward_hook(lambda *a: calls.__setitem__("expert", calls["expert"] + 1))
    tokens = torch.randint(0, 20, (4, 4, 32))
    pos = torch.arange(32) % 16
    style = torch.tensor([0, 2, 1, 3])
    with torch.no_grad():
        out = model(tokens, pos, None, style)
        assert calls == {"base": 1, "expert": 1}
        for row, net in ((0, model.base), (1, model.base), (2, model.experts["1"]), (3, model.base)):
            assert torch.allclose(out[row], net(tokens[row:row + 1], pos, None, style[row:row + 1])[0], atol=1e-5)


def test_keep_returns_the_kept_frames_logits_as_the_whole_window_computes_them():
    """Decoding asks only for the frames it writes: the last block and the head skip the others,
    which are still attended to."""
    torch.manual_seed(0)
    m = GridCoco(TINY).eval()
    tokens = torch.randint(0, 20, (3, 4, 32))
    pos = torch.arange(32) % 16
    with torch.no_grad():
        full = m(tokens, pos)
        kept = m(tokens, pos, keep=slice(8, 24))
    assert kept.shape == (3, 4, 16, TINY.vocab)
    assert torch.allclose(kept, full[:, :, 8:24], atol=1e-5)
