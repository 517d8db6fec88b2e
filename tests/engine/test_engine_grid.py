"""Grid encoding, key helpers, voice mapping and the committed data split."""
import numpy as np

from engine import grid as G
from engine.music import assign_voices, estimate_key, parse_key, scale_pcs


def test_voice_round_trip():
    notes = [(0, 4, 60), (4, 2, 62), (6, 2, 62), (10, 6, 67)]
    row, fixed = G.voice_to_cells(notes, 16)
    assert fixed == 0
    assert G.cells_to_voice(row) == notes


def test_overlaps_are_cut():
    row, fixed = G.voice_to_cells([(0, 8, 60), (4, 4, 64), (4, 2, 62)], 16)
    assert fixed == 2
    assert G.cells_to_voice(row) == [(0, 4, 60), (4, 4, 64)]


def test_orphan_hold_reads_as_rest():
    row = np.array([G.REST, G.HOLD, G.pitch_token(60), G.HOLD])
    assert G.cells_to_voice(row) == [(2, 2, 60)]


def test_keys():
    assert parse_key("f# minor") == (6, "minor") and parse_key("Bb") == (10, "major")
    assert parse_key("e") == (4, "minor") and parse_key("nonsense") is None
    c_major = [(p, 1) for p in (60, 62, 64, 65, 67, 69, 71, 72, 67, 64, 60)]
    assert estimate_key(c_major) == (0, "major")
    assert 11 in scale_pcs((9, "minor")) and 1 not in scale_pcs((0, "major"))


def test_voice_assignment():
    assert assign_voices([0], {}, {0: 70}) == {0: "S"}
    assert assign_voices([0], {}, {0: 45}) == {0: "B"}
    assert assign_voices([0, 1], {}, {0: 70, 1: None}) == {0: "S", 1: "B"}
    assert assign_voices([0, 1, 2, 3], {}, {0: 70, 1: None, 2: None, 3: None}) == {0: "S", 1: "A", 2: "T", 3: "B"}
    assert assign_voices([0, 1], {}, {0: 48, 1: 72}) == {0: "B", 1: "S"}
    assert assign_voices([0, 1], {1: "T"}, {0: 70, 1: None})[1] == "T"


def test_committed_split_is_grouped_and_disjoint():
    from engine.data import load_all, melody_key, split_names
    data = load_all()
    splits = {s: set(split_names(s)) for s in ("train", "valid", "test")}
    assert not (splits["train"] & splits["valid"]) and not (splits["train"] & splits["test"])
    assert set().union(*splits.values()) == set(data)
    tunes = {s: {melody_key(data[n][0]) for n in names} for s, names in splits.items()}
    assert not (tunes["train"] & tunes["test"]) and not (tunes["train"] & tunes["valid"])
    assert {spb for _, spb in data.values()} == {12, 16}
