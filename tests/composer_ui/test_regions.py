"""Staleness, property-tested: any edit inside a proposal's region after its base makes it
stale; edits outside it never do."""
from hypothesis import given, strategies as st

from composer_ui.regions import Region, region_touched
from composer_ui.state import apply_ops, empty_state

BAR = 1920
ANA = {"kind": "user", "id": 1}
REGION = Region(("s", "a"), 2, 4)  # bars 3-4 of Soprano and Alto
TRACKS = ("s", "a", "b")


def base_state():
    state = apply_ops(empty_state(), [{"op": "track.add", "id": t, "name": t} for t in TRACKS], ANA)
    notes = [{"op": "note.add", "id": f"{t}{bar}", "track": t, "start": bar * BAR, "duration": 480, "pitch": 60}
             for t in TRACKS for bar in range(8)]
    return apply_ops(state, notes, ANA)


def inside(track, bar):
    return track in REGION.tracks and REGION.start_bar <= bar < REGION.end_bar


note_ref = st.tuples(st.sampled_from(TRACKS), st.integers(0, 7))
edit = st.one_of(
    st.builds(lambda ref, p: ("update", ref, {"pitch": p}), note_ref, st.integers(0, 127)),
    st.builds(lambda ref: ("delete", ref, {}), note_ref),
    st.builds(lambda t, bar, off: ("add", (t, bar), {"start": bar * BAR + off}), st.sampled_from(TRACKS),
              st.integers(0, 7), st.integers(0, BAR - 480)),
)


def as_op(kind, ref, fields, index):
    track, bar = ref
    if kind == "add":
        return {"op": "note.add", "id": f"new{index}", "track": track, "duration": 240, "pitch": 64, **fields}
    return {"op": f"note.{kind}", "id": f"{track}{bar}", **fields}


@given(st.lists(edit, min_size=1, max_size=6))
def test_edits_outside_never_stale(edits):
    outside = [(k, r, f) for k, r, f in edits if not inside(*r)]
    events, seen = [], set()
    for index, (kind, ref, fields) in enumerate(outside):
        op = as_op(kind, ref, fields, index)
        if op["op"] != "note.add" and op["id"] in seen:
            continue  # deleted already: the op would be refused, not applied
        if kind == "delete":
            seen.add(op["id"])
        events.append(([op], ANA))
    assert not region_touched(base_state(), events, REGION)


@given(st.lists(edit, max_size=4), edit.filter(lambda e: inside(*e[1])))
def test_any_edit_inside_makes_it_stale(before, inner):
    events = [([as_op(*inner, 99)], ANA)]
    assert region_touched(base_state(), events, REGION)


def test_bars_inserted_before_the_region_move_it():
    assert region_touched(base_state(), [([{"op": "bars.insert", "at": 1}], ANA)], REGION)
    assert not region_touched(base_state(), [([{"op": "bars.insert", "at": 6}], ANA)], REGION)


def test_a_new_meter_makes_it_stale_and_renaming_a_track_does_not():
    assert region_touched(base_state(), [([{"op": "piece.update", "time_signature": [3, 4]}], ANA)], REGION)
    assert not region_touched(base_state(), [([{"op": "track.update", "id": "s", "name": "S"}], ANA)], REGION)
