"""Tracks in piece model v2: position, colour, volume, pan, track.move; old states upgraded."""
import pytest

from composer_ui.op_schema import OpError
from composer_ui.state import TRACK_COLOURS, apply_ops, empty_state, replay, track_colours, upgrade_state

ANA = {"kind": "user", "id": 1}


def tracks(*names, **fields):
    return [{"op": "track.add", "id": name, "name": name.title(), **fields} for name in names]


def ids(state):
    return [t["id"] for t in state["tracks"]]


def test_new_tracks_get_free_colours_volume_100_and_pan_centre():
    state = apply_ops(empty_state(), tracks("s", "a"), ANA)
    assert [t["colour"] for t in state["tracks"]] == list(TRACK_COLOURS[:2])
    assert all(t["volume"] == 100 and t["pan"] == 64 for t in state["tracks"])
    assert set(state["tracks"][0]) == {"id", "name", "program", "pitch_range", "owner", "channel", "colour", "volume",
                                       "pan"}


def test_colour_is_the_first_unused_then_by_position():
    state = apply_ops(empty_state(), tracks("a", "b") + [{"op": "track.update", "id": "a", "colour": TRACK_COLOURS[2]}],
                      ANA)
    state = apply_ops(state, tracks("c"), ANA)
    assert state["tracks"][2]["colour"] == TRACK_COLOURS[0], "the first colour nobody uses"
    full = apply_ops(empty_state(), tracks(*[f"t{i}" for i in range(12)]), ANA)
    more = apply_ops(full, [{"op": "track.add", "id": "x", "name": "X", "index": 1}], ANA)
    assert more["tracks"][1]["colour"] == TRACK_COLOURS[1], "palette used up: the colour of its position"


def test_track_add_at_an_index_and_its_bounds():
    state = apply_ops(empty_state(), tracks("a", "b"), ANA)
    assert ids(apply_ops(state, tracks("x", index=0), ANA)) == ["x", "a", "b"]
    assert ids(apply_ops(state, tracks("x", index=2), ANA)) == ["a", "b", "x"]
    assert "index" not in apply_ops(state, tracks("x", index=1), ANA)["tracks"][1]
    with pytest.raises(OpError) as caught:
        apply_ops(state, tracks("x", index=3), ANA)
    assert caught.value.code == "invalid"


def test_track_update_of_colour_volume_and_pan():
    state = apply_ops(empty_state(), tracks("a") + [
        {"op": "track.update", "id": "a", "colour": "#000000", "volume": 0, "pan": 127}], ANA)
    assert {k: state["tracks"][0][k] for k in ("colour", "volume", "pan")} == {"colour": "#000000", "volume": 0,
                                                                                 "pan": 127}
    for bad in ({"colour": "#ABCDEF"}, {"colour": "red"}, {"volume": 128}, {"pan": -1}, {"pan": True}):
        with pytest.raises(OpError):
            apply_ops(state, [{"op": "track.update", "id": "a", **bad}], ANA)


def test_track_move():
    state = apply_ops(empty_state(), tracks("a", "b", "c"), ANA)
    assert ids(apply_ops(state, [{"op": "track.move", "id": "c", "index": 0}], ANA)) == ["c", "a", "b"]
    assert ids(apply_ops(state, [{"op": "track.move", "id": "a", "index": 2}], ANA)) == ["b", "c", "a"]
    for op, code in (({"id": "a", "index": 3}, "invalid"), ({"id": "zz", "index": 0}, "conflict"),
                     ({"id": "a"}, "invalid"), ({"id": "a", "index": -1}, "invalid")):
        with pytest.raises(OpError) as caught:
            apply_ops(state, [{"op": "track.move", **op}], ANA)
        assert caught.value.code == code


def test_upgrade_gives_old_tracks_the_colours_a_replay_gives():
    # An old log: a track deleted before another was added, so list order alone would colour them wrongly.
    events = [([{"op": "track.add", "id": i, "name": i}], ANA) for i in ("a", "b")]
    events += [([{"op": "track.delete", "id": "a"}], ANA), ([{"op": "track.add", "id": "c", "name": "c"}], ANA)]
    full = replay(events)
    old = {"piece": {k: v for k, v in full["piece"].items() if k not in ("fps", "start_offset_us")},
           "tracks": [{k: v for k, v in t.items() if k not in ("colour", "volume", "pan")} for t in full["tracks"]],
           "notes": {}}
    assert upgrade_state(old, track_colours(ops for ops, _ in events)) == full
    assert [t["colour"] for t in upgrade_state(old)["tracks"]] == list(TRACK_COLOURS[:2]), "without the log"
    assert upgrade_state(full) is full
