"""apply_ops: the pure fold every part of the studio shares."""
import pytest

from composer_ui.op_schema import OpError, validate_ops, with_ids
from composer_ui.state import apply_ops, bar_ticks, empty_state, replay

ANA = {"kind": "user", "id": 1}
BO = {"kind": "user", "id": 2}
MODEL = {"kind": "model", "name": "tiny@1"}


def base():
    return apply_ops(empty_state(), [{"op": "track.add", "id": "t1", "name": "Soprano"}], ANA)


def add(note_id="n1", start=0, duration=480, pitch=60, track="t1"):
    return {"op": "note.add", "id": note_id, "track": track, "start": start, "duration": duration, "pitch": pitch}


def test_note_add_records_author_and_defaults():
    state = apply_ops(base(), [add()], ANA)
    note = state["notes"]["n1"]
    assert note["author"] == ANA and note["last_editor"] == ANA and note["velocity"] == 96
    assert note["human_edited"] is False and note["job"] is None


def test_state_is_never_mutated():
    before = base()
    snapshot = repr(before)
    apply_ops(before, [add(), {"op": "piece.update", "title": "New"}], ANA)
    assert repr(before) == snapshot


def test_a_failing_op_applies_nothing():
    state = apply_ops(base(), [add()], ANA)
    with pytest.raises(OpError) as caught:
        apply_ops(state, [{"op": "note.update", "id": "n1", "pitch": 70}, {"op": "note.delete", "id": "ghost"}], ANA)
    assert caught.value.code == "conflict" and caught.value.index == 1
    assert state["notes"]["n1"]["pitch"] == 60


def test_update_is_last_writer_wins_per_field():
    state = apply_ops(base(), [add()], ANA)
    state = apply_ops(state, [{"op": "note.update", "id": "n1", "pitch": 64}], ANA)
    state = apply_ops(state, [{"op": "note.update", "id": "n1", "velocity": 30}], BO)
    note = state["notes"]["n1"]
    assert (note["pitch"], note["velocity"], note["last_editor"]) == (64, 30, BO)


def test_update_after_delete_is_a_conflict():
    state = apply_ops(apply_ops(base(), [add()], ANA), [{"op": "note.delete", "id": "n1"}], BO)
    with pytest.raises(OpError) as caught:
        apply_ops(state, [{"op": "note.update", "id": "n1", "pitch": 61}], ANA)
    assert caught.value.code == "conflict"


def test_human_edit_of_ai_note_keeps_origin():
    ai_note = {**add(), "provenance": {"author": MODEL, "job": 7, "candidate": 2, "accepted_by": ANA}}
    state = apply_ops(base(), [ai_note], ANA)
    state = apply_ops(state, [{"op": "note.update", "id": "n1", "start": 480}], BO)
    note = state["notes"]["n1"]
    assert note["author"] == MODEL and note["job"] == 7 and note["accepted_by"] == ANA
    assert note["human_edited"] is True and note["last_editor"] == BO


def test_notes_must_fit_in_the_piece():
    end = bar_ticks(empty_state()["piece"]) * 8
    with pytest.raises(OpError) as caught:
        apply_ops(base(), [add(start=end - 100, duration=200)], ANA)
    assert caught.value.code == "invalid"


def test_bars_insert_shifts_later_notes():
    bar = bar_ticks(empty_state()["piece"])
    state = apply_ops(base(), [add("a", start=0), add("b", start=bar * 2)], ANA)
    state = apply_ops(state, [{"op": "bars.insert", "at": 1, "count": 2}], ANA)
    assert state["piece"]["bars"] == 10
    assert state["notes"]["a"]["start"] == 0 and state["notes"]["b"]["start"] == bar * 4


def test_bars_delete_removes_and_shifts_and_trims():
    bar = bar_ticks(empty_state()["piece"])
    state = apply_ops(base(), [add("keep", 0), add("long", bar - 240, 480), add("gone", bar + 10),
                               add("late", bar * 3)], ANA)
    state = apply_ops(state, [{"op": "bars.delete", "at": 1, "count": 1}], ANA)
    assert set(state["notes"]) == {"keep", "long", "late"}
    assert state["notes"]["long"]["duration"] == 240
    assert state["notes"]["late"]["start"] == bar * 2 and state["piece"]["bars"] == 7


def test_bars_delete_keeps_at_least_one_bar():
    with pytest.raises(OpError):
        apply_ops(base(), [{"op": "bars.delete", "at": 0, "count": 8}], ANA)


def test_shrinking_the_piece_under_notes_is_a_conflict():
    state = apply_ops(base(), [add(start=bar_ticks(empty_state()["piece"]) * 7)], ANA)
    with pytest.raises(OpError) as caught:
        apply_ops(state, [{"op": "piece.update", "bars": 4}], ANA)
    assert caught.value.code == "conflict"


def test_track_delete_takes_its_notes():
    state = apply_ops(base(), [{"op": "track.add", "id": "t2", "name": "Bass", "program": 32}, add("a"),
                               add("b", track="t2")], ANA)
    state = apply_ops(state, [{"op": "track.delete", "id": "t2"}], ANA)
    assert list(state["notes"]) == ["a"] and [t["id"] for t in state["tracks"]] == ["t1"]


def test_track_channels_skip_percussion():
    state = empty_state()
    for index in range(11):
        state = apply_ops(state, [{"op": "track.add", "id": f"t{index}", "name": f"T{index}"}], ANA)
    assert [t["channel"] for t in state["tracks"]] == [0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 11]


def test_note_on_missing_track_is_a_conflict():
    with pytest.raises(OpError) as caught:
        apply_ops(base(), [add(track="nope")], ANA)
    assert caught.value.code == "conflict"


def test_limits_are_enforced():
    ops = [add(f"n{i}", start=i * 10, duration=10) for i in range(5)]
    with pytest.raises(OpError) as caught:
        apply_ops(base(), ops, ANA, limits={"notes_per_piece": 4})
    assert caught.value.code == "too_large"


def test_with_ids_fills_missing_ids_deterministically():
    ops = with_ids([{"op": "note.add", "track": "t1", "start": 0, "duration": 1, "pitch": 1}], 42)
    assert ops[0]["id"] == "n42-0"


@pytest.mark.parametrize("op", [
    {"op": "note.add", "track": "t1", "start": 0, "duration": 480, "pitch": 128},
    {"op": "note.add", "track": "t1", "start": -1, "duration": 480, "pitch": 60},
    {"op": "note.add", "track": "t1", "start": 0, "duration": 0, "pitch": 60},
    {"op": "note.add", "track": "t1", "start": 0.5, "duration": 480, "pitch": 60},
    {"op": "note.add", "track": "t1", "start": True, "duration": 480, "pitch": 60},
    {"op": "note.add", "track": "t1", "start": 0, "duration": 480, "pitch": 60, "velocity": 0},
    {"op": "note.add", "track": "t1", "start": 0, "duration": 480, "pitch": 60, "author": {"kind": "model"}},
    {"op": "note.add", "track": "t1", "start": 0, "duration": 480, "pitch": 60, "provenance": {}},
    {"op": "note.update"},
    {"op": "note.explode", "id": "n1"},
    {"op": "piece.update"},
    {"op": "piece.update", "tempo": 1000},
    {"op": "piece.update", "time_signature": [4, 3]},
    {"op": "piece.update", "key": "H major"},
    {"op": "track.add", "name": ""},
    {"op": "track.update", "id": "t1", "pitch_range": [80, 20]},
    {"op": "note.delete", "id": "has spaces"},
    "not an object",
])
def test_malformed_ops_are_refused(op):
    with pytest.raises(OpError) as caught:
        validate_ops([op])
    assert caught.value.code == "invalid"


def test_replay_folds_events():
    events = [([{"op": "track.add", "id": "t1", "name": "S"}], ANA), ([add()], BO)]
    assert replay(events)["notes"]["n1"]["author"] == BO


def test_bar_count_defaults_to_one():
    state = apply_ops(base(), [{"op": "bars.insert", "at": 0}], ANA)
    assert state["piece"]["bars"] == 9
    assert apply_ops(state, [{"op": "bars.delete", "at": 0}], ANA)["piece"]["bars"] == 8


def test_ids_with_a_trailing_newline_are_refused():
    with pytest.raises(OpError):
        validate_ops([{"op": "note.delete", "id": "n1\n"}])
    with pytest.raises(OpError):
        validate_ops([{"op": "piece.update", "key": "C major\n"}])
