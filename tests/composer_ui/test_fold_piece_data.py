"""Chords, cues and the tempo map: folded like notes, moved by bar edits, limited, replayed."""
import pytest

from composer_ui.op_schema import OpError
from composer_ui.state import apply_ops, empty_state, replay

ANA = {"kind": "user", "id": 1}
MODEL = {"kind": "model", "name": "tiny@1"}
BAR = 1920


def base(**piece):
    return apply_ops(empty_state(), [{"op": "piece.update", "bars": 8, **piece}, {"op": "track.add", "id": "t1", "name": "S"}],
                     ANA)


def chord(cid, start, duration=BAR, symbol="C", **extra):
    return {"op": "chord.add", "id": cid, "start": start, "duration": duration, "symbol": symbol, **extra}


def fails(state, ops, code, actor=ANA, **kwargs):
    with pytest.raises(OpError) as caught:
        apply_ops(state, ops, actor, **kwargs)
    assert caught.value.code == code, caught.value.message
    return caught.value


def test_chords_carry_provenance_like_notes():
    state = apply_ops(base(), [chord("c1", 0), chord("c2", BAR, symbol="Am7", provenance={
        "author": MODEL, "job": 3, "candidate": 1, "accepted_by": ANA})], ANA)
    assert state["chords"]["c1"] == {"id": "c1", "start": 0, "duration": BAR, "symbol": "C", "author": ANA, "job": None,
                                     "candidate": None, "accepted_by": None, "last_editor": ANA, "human_edited": False}
    edited = apply_ops(state, [{"op": "chord.update", "id": "c2", "symbol": "Am9"}], ANA)["chords"]["c2"]
    assert edited["author"] == MODEL and edited["last_editor"] == ANA and edited["human_edited"] is True
    assert apply_ops(state, [{"op": "chord.delete", "id": "c1"}], ANA)["chords"].keys() == {"c2"}


def test_chords_lie_inside_the_piece_and_never_overlap():
    state = apply_ops(base(), [chord("c1", 0), chord("c2", BAR)], ANA)
    assert "already there" in fails(state, [chord("c3", BAR // 2)], "conflict").message
    fails(state, [{"op": "chord.update", "id": "c1", "duration": BAR + 1}], "conflict")
    fails(state, [chord("c3", 7 * BAR, BAR + 1)], "invalid")
    fails(state, [chord("c1", 4 * BAR)], "conflict")
    fails(state, [{"op": "chord.update", "id": "zz", "symbol": "D"}], "conflict")
    fails(state, [chord("c3", 4 * BAR, symbol="am7")], "invalid")  # not canonical: normalize_ops first
    assert apply_ops(state, [{"op": "chord.update", "id": "c1", "duration": BAR}], ANA)  # itself is no overlap


def test_cues_are_picture_time():
    state = apply_ops(base(), [{"op": "cue.add", "id": "q1", "time_us": 12_200_000, "kind": "hit"},
                               {"op": "cue.add", "id": "q2", "time_us": 0, "kind": "start", "label": "door slam"}], ANA)
    assert state["cues"]["q1"] == {"id": "q1", "time_us": 12_200_000, "label": "", "kind": "hit", "author": ANA,
                                   "last_editor": ANA}
    moved = apply_ops(state, [{"op": "cue.update", "id": "q2", "time_us": 5, "kind": "stop"}], MODEL)["cues"]["q2"]
    assert (moved["time_us"], moved["kind"], moved["label"], moved["last_editor"]) == (5, "stop", "door slam", MODEL)
    assert apply_ops(state, [{"op": "bars.delete", "at": 0, "count": 3}], ANA)["cues"] == state["cues"]
    for bad in ({"kind": "boom"}, {"time_us": 86_400_000_001}, {"label": "x" * 81}, {"label": "a\tb"}):
        fails(state, [{"op": "cue.add", "id": "q9", "time_us": 0, "kind": "hit", **bad}], "invalid")
    fails(state, [{"op": "cue.delete", "id": "q9"}], "conflict")


def test_tempo_map_sets_replaces_and_deletes_at_bar_starts():
    state = apply_ops(base(), [{"op": "tempo.set", "bar": 4, "tempo": 96}, {"op": "tempo.set", "bar": 2, "tempo": 60}],
                      ANA)
    assert [(c["bar"], c["tempo"]) for c in state["tempo_changes"]] == [(2, 60), (4, 96)]
    replaced = apply_ops(state, [{"op": "tempo.set", "bar": 4, "tempo": 100}], MODEL)["tempo_changes"][1]
    assert replaced == {"bar": 4, "tempo": 100, "author": ANA, "last_editor": MODEL}
    assert apply_ops(state, [{"op": "tempo.delete", "bar": 2}], ANA)["tempo_changes"][0]["bar"] == 4
    fails(state, [{"op": "tempo.delete", "bar": 3}], "conflict")
    fails(state, [{"op": "tempo.set", "bar": 8, "tempo": 90}], "invalid")
    for bad in ({"bar": 0, "tempo": 90}, {"bar": 1, "tempo": 19}, {"bar": 1, "tempo": 401}):
        fails(state, [{"op": "tempo.set", **bad}], "invalid")


def test_bar_edits_move_chords_like_notes_and_tempo_changes_by_bar():
    state = apply_ops(base(), [chord("c1", 0, BAR + 480), chord("c2", 2 * BAR), chord("c3", 4 * BAR),
                               {"op": "tempo.set", "bar": 1, "tempo": 90}, {"op": "tempo.set", "bar": 4, "tempo": 140}],
                      ANA)
    inserted = apply_ops(state, [{"op": "bars.insert", "at": 1, "count": 2}], ANA)
    assert [(c["start"], c["duration"]) for c in inserted["chords"].values()] == [(0, BAR + 480), (4 * BAR, BAR),
                                                                                  (6 * BAR, BAR)]
    assert [c["bar"] for c in inserted["tempo_changes"]] == [3, 6]
    cut = apply_ops(state, [{"op": "bars.delete", "at": 1, "count": 2}], ANA)
    assert [(i, c["start"], c["duration"]) for i, c in cut["chords"].items()] == [("c1", 0, BAR), ("c3", 2 * BAR, BAR)]
    assert [(c["bar"], c["tempo"]) for c in cut["tempo_changes"]] == [(2, 140)]
    # A cut from bar 0: a change that would land on bar 0 goes (bar 0's tempo is the piece's).
    assert apply_ops(state, [{"op": "bars.delete", "at": 0, "count": 1}], ANA)["tempo_changes"] == [
        {**state["tempo_changes"][1], "bar": 3}]


def test_shrinking_the_piece_under_chords_or_tempo_changes_is_a_conflict():
    state = apply_ops(base(), [chord("c1", 5 * BAR)], ANA)
    fails(state, [{"op": "piece.update", "bars": 5}], "conflict")
    fails(state, [{"op": "piece.update", "time_signature": [2, 4]}], "conflict")
    timed = apply_ops(base(), [{"op": "tempo.set", "bar": 6, "tempo": 90}], ANA)
    assert "tempo change" in fails(timed, [{"op": "piece.update", "bars": 6}], "conflict").message
    assert apply_ops(timed, [{"op": "piece.update", "bars": 7}], ANA)["piece"]["bars"] == 7


def test_limits_on_chords_and_cues():
    ops = [chord(f"c{i}", i * 480, 480) for i in range(3)]
    assert fails(base(), ops, "too_large", limits={"chords_per_piece": 2}).index is None
    cues = [{"op": "cue.add", "id": f"q{i}", "time_us": i, "kind": "hit"} for i in range(3)]
    fails(base(), cues, "too_large", limits={"cues_per_piece": 2})


def test_picture_settings_of_the_piece():
    state = base(fps="29.97df", start_offset_us=3_600_000_000)
    assert (state["piece"]["fps"], state["piece"]["start_offset_us"]) == ("29.97df", 3_600_000_000)
    assert (empty_state()["piece"]["fps"], empty_state()["piece"]["start_offset_us"]) == ("25", 0)
    for bad in ({"fps": "23.976"}, {"fps": 25}, {"start_offset_us": -1}, {"start_offset_us": 86_400_000_001}):
        fails(state, [{"op": "piece.update", **bad}], "invalid")


def test_a_failed_message_keeps_everything_and_replay_is_the_fold():
    state = apply_ops(base(), [chord("c1", 0), {"op": "tempo.set", "bar": 1, "tempo": 90}], ANA)
    snapshot = repr(state)
    fails(state, [{"op": "chord.delete", "id": "c1"}, {"op": "tempo.delete", "bar": 1}, {"op": "cue.delete", "id": "q"}],
          "conflict")
    assert repr(state) == snapshot
    events = [([{"op": "piece.update", "bars": 8}, {"op": "track.add", "id": "t1", "name": "S"}], ANA),
              ([chord("c1", 0), {"op": "tempo.set", "bar": 1, "tempo": 90}], ANA)]
    assert replay(events) == state
