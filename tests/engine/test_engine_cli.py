"""The command line: MIDI in, MIDI out, with a tiny checkpoint made here."""
import pretty_midi
import pytest
import torch

from engine.api import Note, Piece, Track
from engine.midi import read_midi, write_midi
from engine.model import GridCoco, ModelConfig
from engine.sample import main
from engine.testing import melody_notes


@pytest.fixture()
def melody_mid(tmp_path):
    path = str(tmp_path / "melody.mid")
    write_midi(Piece([Track(0, "melody")], melody_notes(0), tempo=100.0), path)
    return path


@pytest.fixture()
def tiny_checkpoint(tmp_path, monkeypatch):
    torch.manual_seed(0)
    cfg = ModelConfig(d_model=32, n_layer=1, n_head=2, d_ff=64, dropout=0.0)
    path = tmp_path / "tiny.pt"
    torch.save(dict(model_args=cfg.__dict__, model=GridCoco(cfg).state_dict(), meta=dict(version="tiny")), path)
    monkeypatch.setenv("STUDIO_CHECKPOINT", str(path))
    monkeypatch.setenv("STUDIO_DEVICE", "cpu")
    return path


def test_midi_round_trip(melody_mid):
    piece = read_midi(melody_mid)
    assert piece.time_signature == "4/4" and abs(piece.tempo - 100) < 0.01
    assert [(n.start, n.duration, n.pitch) for n in piece.notes] == [(n.start, n.duration, n.pitch) for n in melody_notes(0)]


def test_harmonize_a_melody_file(melody_mid, tmp_path, tiny_checkpoint, capsys):
    out = str(tmp_path / "out.mid")
    main(["--operation", "harmonize", "--input", melody_mid, "--out", out, "--candidates", "2", "--seed", "1"])
    pm = pretty_midi.PrettyMIDI(out)
    assert len(pm.instruments) == 4 and all(i.notes for i in pm.instruments)
    assert (tmp_path / "out-2.mid").exists()
    assert "gridcoco tiny" in capsys.readouterr().out


@pytest.mark.parametrize("op,extra", [("continue", ["--bars", "2"]), ("infill", ["--bars", "1:2"]),
                                      ("vary", ["--bars", "1:3", "--keep-close", "0.8"])])
def test_other_operations_with_the_baseline(melody_mid, tmp_path, op, extra, ngram_gen, monkeypatch):
    import engine.sample
    monkeypatch.setattr(engine.sample, "load_generator", lambda path, **kw: ngram_gen)
    out = str(tmp_path / "o.mid")
    main(["--operation", op, "--input", melody_mid, "--out", out, "--generator", "engine.ngram.NgramGenerator"] + extra)
    assert read_midi(out).notes
