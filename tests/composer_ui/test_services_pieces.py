"""ops_apply: the sequencer, idempotency, authorization and snapshots."""
import pytest
from django.test import override_settings
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from composer_ui import selectors, services
from composer_ui.errors import StudioError
from composer_ui.models import Event, Snapshot
from composer_ui.state import replay

from .factories import first_track_id, make_piece, make_user, note_add

pytestmark = pytest.mark.django_db


def test_piece_create_is_the_first_event():
    piece = make_piece(title="Chorale", tempo=90, time_signature=(3, 4), key="G major", bars=12)
    seq, state = selectors.piece_state(piece_id=piece.pk)
    assert seq == 1 and Event.objects.get(piece=piece).kind == "create"
    assert state["piece"]["title"] == "Chorale" and state["piece"]["time_signature"] == [3, 4]
    assert [t["name"] for t in state["tracks"]] == ["Melody"]


def test_ops_get_contiguous_seq_and_idempotent_client_ids():
    piece = make_piece()
    track = first_track_id(piece.pk)
    first = services.ops_apply(piece_id=piece.pk, user=piece.owner, ops=[note_add("a", track=track)],
                               client_op_id="c1")
    again = services.ops_apply(piece_id=piece.pk, user=piece.owner, ops=[note_add("a", track=track)],
                               client_op_id="c1")
    second = services.ops_apply(piece_id=piece.pk, user=piece.owner, ops=[note_add("b", track=track)],
                                client_op_id="c2")
    assert (first.seq, again.seq, again.duplicate, second.seq) == (2, 2, True, 3)
    assert list(Event.objects.filter(piece=piece).values_list("seq", flat=True)) == [1, 2, 3]


def test_someone_elses_client_op_id_is_a_conflict():
    editor = make_user()
    piece = make_piece(editors=[editor])
    track = first_track_id(piece.pk)
    services.ops_apply(piece_id=piece.pk, user=piece.owner, ops=[note_add("a", track=track)], client_op_id="x")
    with pytest.raises(StudioError) as caught:
        services.ops_apply(piece_id=piece.pk, user=editor, ops=[note_add("b", track=track)], client_op_id="x")
    assert caught.value.code == "conflict"


def test_refused_ops_write_nothing():
    viewer = make_user()
    piece = make_piece(viewers=[viewer])
    track = first_track_id(piece.pk)
    for user, ops, code in [(viewer, [note_add("a", track=track)], "forbidden"),
                            (piece.owner, [note_add("a", track=track), {"op": "note.delete", "id": "zz"}], "conflict"),
                            (piece.owner, [{"op": "nope"}], "invalid"),
                            (make_user(), [note_add("a", track=track)], "not_found")]:
        with pytest.raises(StudioError) as caught:
            services.ops_apply(piece_id=piece.pk, user=user, ops=ops, client_op_id=None)
        assert caught.value.code == code
    assert Event.objects.filter(piece=piece).count() == 1


def test_own_tracks_only_limits_members_to_their_tracks():
    student = make_user()
    piece = make_piece(editors=[student])
    services.ops_apply(piece_id=piece.pk, user=piece.owner, client_op_id=None, ops=[
        {"op": "track.add", "id": "mine", "name": "Alto", "owner": student.pk},
        {"op": "piece.update", "own_tracks_only": True}])
    other = first_track_id(piece.pk)
    services.ops_apply(piece_id=piece.pk, user=student, ops=[note_add("ok", track="mine")], client_op_id=None)
    for ops in ([note_add("no", track=other)], [{"op": "note.update", "id": "ok", "track": other}],
                [{"op": "piece.update", "tempo": 60}], [{"op": "piece.update", "own_tracks_only": False}]):
        with pytest.raises(StudioError) as caught:
            services.ops_apply(piece_id=piece.pk, user=student, ops=ops, client_op_id=None)
        assert caught.value.code == "forbidden"


def test_track_owner_must_be_a_member():
    piece = make_piece()
    with pytest.raises(StudioError) as caught:
        services.ops_apply(piece_id=piece.pk, user=piece.owner, client_op_id=None,
                           ops=[{"op": "track.add", "name": "X", "owner": make_user().pk}])
    assert caught.value.code == "invalid"


def test_pieces_per_user_is_limited():
    owner = make_user()
    with override_settings(STUDIO_LIMITS={**selectors.settings.STUDIO_LIMITS, "pieces_per_user": 2}):
        make_piece(owner)
        make_piece(owner)
        with pytest.raises(StudioError) as caught:
            make_piece(owner)
    assert caught.value.code == "too_large"


@override_settings(STUDIO_SNAPSHOT_EVERY=5)
def test_snapshots_are_written_and_used():
    piece = make_piece()
    track = first_track_id(piece.pk)
    for i in range(12):
        services.ops_apply(piece_id=piece.pk, user=piece.owner, client_op_id=None,
                           ops=[note_add(f"n{i}", track=track, start=i * 10)])
    assert list(Snapshot.objects.filter(piece=piece).values_list("seq", flat=True)) == [5, 10]
    selectors.forget_states()
    assert selectors.piece_state(piece_id=piece.pk)[1] == _replay_from_zero(piece.pk)
    assert len(selectors.state_at(piece_id=piece.pk, seq=7)["notes"]) == 6


def _replay_from_zero(piece_id):
    return replay((e.ops, e.actor) for e in Event.objects.filter(piece_id=piece_id).order_by("seq"))


# -- property: whatever random ops people send, replaying the log from zero
#    equals the state the server stored and served.

NOTE_IDS = [f"n{i}" for i in range(6)]
random_op = st.one_of(
    st.builds(lambda i, s, d, p: {"op": "note.add", "id": i, "track": "TRACK", "start": s, "duration": d, "pitch": p},
              st.sampled_from(NOTE_IDS), st.integers(0, 7000), st.integers(1, 960), st.integers(0, 127)),
    st.builds(lambda i, p, v: {"op": "note.update", "id": i, "pitch": p, "velocity": v},
              st.sampled_from(NOTE_IDS), st.integers(0, 127), st.integers(1, 127)),
    st.builds(lambda i: {"op": "note.delete", "id": i}, st.sampled_from(NOTE_IDS)),
    st.builds(lambda a, c: {"op": "bars.insert", "at": a, "count": c}, st.integers(0, 8), st.integers(1, 2)),
    st.builds(lambda a: {"op": "bars.delete", "at": a, "count": 1}, st.integers(0, 8)),
    st.builds(lambda t: {"op": "piece.update", "tempo": t}, st.integers(20, 400)),
    st.builds(lambda i, s, d, c: {"op": "chord.add", "id": i, "start": s, "duration": d, "symbol": c},
              st.sampled_from(["c0", "c1", "c2"]), st.integers(0, 7000), st.integers(1, 1920),
              st.sampled_from(["am7", "C", "B♭Δ7/d", "nc", "H7"])),
    st.builds(lambda b, t: {"op": "tempo.set", "bar": b, "tempo": t}, st.integers(1, 9), st.integers(20, 400)),
    st.builds(lambda b: {"op": "tempo.delete", "bar": b}, st.integers(1, 9)),
)


@hsettings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(messages=st.lists(st.lists(random_op, min_size=1, max_size=3), min_size=1, max_size=25),
       snapshot_every=st.sampled_from([3, 200]))
def test_replay_from_zero_equals_stored_state(messages, snapshot_every):
    with override_settings(STUDIO_SNAPSHOT_EVERY=snapshot_every):
        piece = make_piece()
        track = first_track_id(piece.pk)
        for ops in messages:
            ops = [{**op, "track": track} if op.get("track") == "TRACK" else op for op in ops]
            try:
                services.ops_apply(piece_id=piece.pk, user=piece.owner, ops=ops, client_op_id=None)
            except StudioError:
                pass
        live = selectors.piece_state(piece_id=piece.pk)[1]
        selectors.forget_states()
        stored = selectors.piece_state(piece_id=piece.pk)[1]
        assert live == stored == _replay_from_zero(piece.pk)
