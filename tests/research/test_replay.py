"""Replaying to any seq gives exactly the state the room had at that seq."""
from composer_ui import selectors
from composer_ui.models import Snapshot
from composer_ui.state import empty_state


def test_state_at_every_seq_equals_the_state_captured_live(session):
    head = session.piece.__class__.objects.get(pk=session.piece.pk).head_seq
    assert set(range(2, head + 1)) <= set(session.states)
    assert Snapshot.objects.filter(piece=session.piece).exists()
    for seq, captured in session.states.items():
        selectors.forget_states()
        assert selectors.state_at(piece_id=session.piece.pk, seq=seq) == captured, f"seq {seq}"
    assert selectors.state_at(piece_id=session.piece.pk, seq=0) == empty_state()


def test_the_history_api_serves_the_same_states(session, client):
    client.force_login(session.researcher)
    for seq, captured in session.states.items():
        response = client.get(f"/api/pieces/{session.piece.pk}/history/state/", {"seq": seq})
        assert response.status_code == 200
        assert response.json() == {"seq": seq, "state": captured}


def test_a_seq_outside_the_log_is_refused(session, client):
    client.force_login(session.teacher)
    for bad in ("-1", "99999", "x"):
        response = client.get(f"/api/pieces/{session.piece.pk}/history/state/", {"seq": bad})
        assert response.status_code == 400 and response.json()["error"]["code"] == "invalid"
