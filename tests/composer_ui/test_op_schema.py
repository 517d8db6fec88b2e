"""op_schema: normalize_ops (one step before validation) and the ids the server fills."""
import pytest

from composer_ui.op_schema import ID_FILLED, OpError, normalize_ops, validate_ops, with_ids


def test_normalize_ops_rewrites_keys_and_symbols_only():
    ops = [{"op": "piece.update", "key": "f sharp minor", "title": " e minor "},
           {"op": "chord.add", "start": 0, "duration": 480, "symbol": "BbΔ7"},
           {"op": "chord.update", "id": "c", "symbol": "n.c."}, {"op": "chord.update", "id": "c", "start": 5},
           {"op": "cue.add", "time_us": 0, "kind": "hit", "label": "am7"}, "junk"]
    out = normalize_ops(ops)
    assert out[0] == {"op": "piece.update", "key": "F# minor", "title": " e minor "}
    assert [out[1]["symbol"], out[2]["symbol"]] == ["Bbmaj7", "N.C."]
    assert out[3:] == ops[3:] and out[3] is ops[3]
    assert ops[1]["symbol"] == "BbΔ7", "the input is not changed"
    validate_ops(out[:5])
    assert normalize_ops("not a list") == "not a list"


def test_normalize_ops_names_the_op_it_cannot_read():
    with pytest.raises(OpError) as caught:
        normalize_ops([{"op": "piece.update", "key": "C major"}, {"op": "chord.add", "symbol": "H7"}])
    assert (caught.value.code, caught.value.index) == ("invalid", 1)
    assert caught.value.message.startswith("op 1: chord symbol 'H7'")


def test_with_ids_fills_chords_and_cues():
    ops = [{"op": "chord.add", "start": 0, "duration": 1, "symbol": "C"}, {"op": "cue.add", "time_us": 0, "kind": "hit"},
           {"op": "chord.add", "id": "mine", "start": 1, "duration": 1, "symbol": "C"}]
    assert [op["id"] for op in with_ids(ops, 12)] == ["c12-0", "q12-1", "mine"]
    assert ID_FILLED == {"note.add", "track.add", "chord.add", "cue.add"}


@pytest.mark.parametrize("op", [
    {"op": "chord.add", "start": 0, "duration": 1, "symbol": "C", "author": {"kind": "user", "id": 1}},
    {"op": "chord.add", "start": 0, "duration": 1, "symbol": "C", "provenance": {}},
    {"op": "cue.add", "time_us": 0, "kind": "hit", "provenance": {}},
    {"op": "tempo.set", "bar": 1, "tempo": 90, "provenance": {}},
    {"op": "track.add", "name": "X", "colour": "#FFFFFF"},
    {"op": "track.update", "id": "t", "index": 0},
    {"op": "cue.update", "id": "q", "author": None},
])
def test_clients_cannot_forge_provenance_or_send_unknown_fields(op):
    with pytest.raises(OpError):
        validate_ops([op])
