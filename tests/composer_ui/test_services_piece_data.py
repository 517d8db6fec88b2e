"""Piece model v2 through the service: one normalising step, permissions, new track fields, old snapshots."""
import pytest
from django.test import override_settings

from composer_ui import selectors, services
from composer_ui.errors import StudioError
from composer_ui.models import Event, Snapshot
from composer_ui.state import replay

from .factories import make_piece, make_user

pytestmark = pytest.mark.django_db


def apply(piece, ops, user=None):
    return services.ops_apply(piece_id=piece.pk, user=user or piece.owner, ops=ops, client_op_id=None)


def test_keys_and_chord_symbols_are_stored_canonical():
    piece = make_piece(key="e minor")
    applied = apply(piece, [{"op": "piece.update", "key": "b-flat major"},
                            {"op": "chord.add", "start": 0, "duration": 480, "symbol": " am7 / g "},
                            {"op": "cue.add", "time_us": 0, "kind": "hit"}])
    stored = Event.objects.get(piece=piece, seq=applied.seq).ops
    assert [stored[0]["key"], stored[1]["symbol"]] == ["Bb major", "Am7/G"]
    assert stored[1]["id"] == f"c{applied.seq}-1" and stored[2]["id"] == f"q{applied.seq}-2"
    assert applied.message["ops"] == stored
    state = selectors.piece_state(piece_id=piece.pk)[1]
    assert state["piece"]["key"] == "Bb major" and state["chords"][f"c{applied.seq}-1"]["symbol"] == "Am7/G"
    assert Event.objects.get(piece=piece, seq=1).ops[0]["key"] == "E minor"


def test_a_refused_key_or_symbol_keeps_nothing():
    piece = make_piece()
    for ops, index in (([{"op": "piece.update", "title": "Kept?", "key": "H major"}], 0),
                       ([{"op": "chord.add", "start": 0, "duration": 480, "symbol": "C"},
                         {"op": "chord.add", "start": 480, "duration": 480, "symbol": "Cmaj7#11"}], 1)):
        with pytest.raises(StudioError) as caught:
            apply(piece, ops)
        assert caught.value.code == "invalid" and caught.value.index == index
        assert "e.g." in caught.value.message
    assert Event.objects.filter(piece=piece).count() == 1


def test_piece_create_takes_tracks_with_colour_volume_pan():
    piece = make_piece(key="F♯m", tracks=[
        {"name": "Lead", "program": 73, "colour": "#e15759", "volume": 90, "pan": 30},
        {"name": "Drums", "channel": 9}])
    state = selectors.piece_state(piece_id=piece.pk)[1]
    assert state["piece"]["key"] == "F# minor"
    lead, drums = state["tracks"]
    assert (lead["colour"], lead["volume"], lead["pan"]) == ("#e15759", 90, 30)
    assert (drums["channel"], drums["colour"], drums["volume"], drums["pan"]) == (9, "#4e79a7", 100, 64)
    with pytest.raises(StudioError):
        make_piece(tracks=[{"name": "X", "colour": "red"}])


@pytest.mark.parametrize("op", [{"op": "chord.add", "start": 0, "duration": 480, "symbol": "C"},
                                {"op": "cue.add", "time_us": 0, "kind": "hit"},
                                {"op": "tempo.set", "bar": 1, "tempo": 90},
                                {"op": "track.move", "id": "mine", "index": 0},
                                {"op": "piece.update", "fps": "24"}])
def test_piece_level_ops_are_editors_and_with_own_tracks_only_the_owners(op):
    editor, viewer = make_user(), make_user()
    piece = make_piece(editors=[editor], viewers=[viewer])
    apply(piece, [{"op": "track.add", "id": "mine", "name": "Alto", "owner": editor.pk}])
    for user, code in ((viewer, "forbidden"),):
        with pytest.raises(StudioError) as caught:
            apply(piece, [op], user)
        assert caught.value.code == code
    apply(piece, [op], editor)
    apply(piece, [{"op": "piece.update", "own_tracks_only": True}])
    with pytest.raises(StudioError) as caught:
        apply(piece, [op], editor)
    assert caught.value.code == "forbidden" and "chords, cues, the tempo map" in caught.value.message
    if op["op"] != "chord.add":  # the same chord would overlap the first one
        apply(piece, [op])


@override_settings(STUDIO_SNAPSHOT_EVERY=4)
def test_a_snapshot_stored_before_v2_reads_as_the_full_replay():
    piece = make_piece()  # seq 1: the Melody track
    apply(piece, [{"op": "track.add", "id": "b", "name": "B"}])
    apply(piece, [{"op": "track.delete", "id": selectors.piece_state(piece_id=piece.pk)[1]["tracks"][0]["id"]}])
    apply(piece, [{"op": "track.add", "id": "c", "name": "C"}])  # seq 4: snapshot; takes the colour freed at seq 3
    apply(piece, [{"op": "tempo.set", "bar": 2, "tempo": 90}])
    snapshot = Snapshot.objects.get(piece=piece, seq=4)
    old = snapshot.state
    old = {"piece": {k: v for k, v in old["piece"].items() if k not in ("fps", "start_offset_us")},
           "tracks": [{k: v for k, v in t.items() if k not in ("colour", "volume", "pan")} for t in old["tracks"]],
           "notes": old["notes"]}
    Snapshot.objects.filter(pk=snapshot.pk).update(state=old)
    selectors.forget_states()
    full = replay((e.ops, e.actor) for e in Event.objects.filter(piece=piece).order_by("seq"))
    assert selectors.piece_state(piece_id=piece.pk)[1] == full
    assert selectors.state_at(piece_id=piece.pk, seq=4)["tracks"] == full["tracks"]
    assert [t["colour"] for t in full["tracks"]] == ["#f28e2b", "#4e79a7"]
