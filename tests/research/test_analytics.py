"""Analytics of the scripted session, against the answers the script knows."""
from composer_ui.research.analytics import _bars_by_author, piece_facts, summarize
from composer_ui.state import empty_state

from .session import ai_notes_accepted


def _rows(rows, key="key"):
    return {row[key]: row for row in rows}


def test_notes_by_author(session):
    summary = summarize([piece_facts(session.piece.pk)], piece_id=session.piece.pk)
    model = f"model:{session.jobs['accepted'].model_name}@{session.jobs['accepted'].model_version}"
    notes = _rows(summary["notes_by_author"], "actor")
    accepted = ai_notes_accepted(session)
    assert notes[f"user:{session.teacher.pk}"] == {"actor": f"user:{session.teacher.pk}", "written": 16, "final": 16}
    assert notes[f"user:{session.student.pk}"]["written"] == 4 and notes[f"user:{session.student.pk}"]["final"] == 4
    assert notes[model] == {"actor": model, "written": accepted, "final": accepted - 1}
    assert {a["key"] for a in summary["actors"]} >= {f"user:{session.teacher.pk}", f"user:{session.student.pk}", model}


def test_ai_notes_surviving_and_edited(session):
    ai = summarize([piece_facts(session.piece.pk)])["ai_notes"]
    accepted = ai_notes_accepted(session)
    assert ai == {"accepted": accepted, "surviving": accepted - 1,
                  "survival_share": round((accepted - 1) / accepted, 4), "edited_by_humans": 1,
                  "deleted_by_humans": 1}


def test_acceptance_rates(session):
    acceptance = summarize([piece_facts(session.piece.pk)])["acceptance"]
    assert acceptance["by_operation"] == [{"key": "infill", "proposals": 4, "accepted": 2, "rejected": 1,
                                           "undecided": 1, "rate": round(2 / 3, 4)}]
    members = _rows(acceptance["by_member"])
    assert members[f"user:{session.student.pk}"] == {"key": f"user:{session.student.pk}", "proposals": 2,
                                                     "accepted": 1, "rejected": 0, "undecided": 1, "rate": 1.0}
    assert members[f"user:{session.teacher.pk}"]["rate"] == 0.5
    controls = _rows(acceptance["by_controls"])
    assert controls["temperature=0.8"] == {"key": "temperature=0.8", "proposals": 2, "accepted": 1, "rejected": 1,
                                           "undecided": 0, "rate": 0.5}
    assert controls["defaults"]["proposals"] == 2


def test_decision_times_and_auditions(session):
    summary = summarize([piece_facts(session.piece.pk)])
    assert summary["decision_seconds"]["count"] == 3
    assert all(v >= 0 for v in summary["decision_seconds"]["values"])
    assert summary["auditioned_before_accept"] == {"count": 2, "mean": 1.5, "histogram": {"1": 1, "2": 1}}


def test_across_pieces_adds_up(session, db):
    from .session import scripted_session

    other = scripted_session(prefix="b-")
    one = summarize([piece_facts(session.piece.pk)])
    both = summarize([piece_facts(session.piece.pk), piece_facts(other.piece.pk)])
    assert both["pieces"] == 2
    assert both["acceptance"]["by_operation"][0]["proposals"] == 8
    assert both["ai_notes"]["accepted"] == one["ai_notes"]["accepted"] + ai_notes_accepted(other)


def test_a_bar_belongs_to_whoever_wrote_most_of_it():
    state = empty_state()
    state["tracks"] = [{"id": "t", "name": "T"}]
    notes = [("a", 0, {"kind": "user", "id": 1}), ("b", 480, {"kind": "user", "id": 1}),
             ("c", 960, {"kind": "model", "name": "m@1"}), ("d", 1920, {"kind": "model", "name": "m@1"})]
    state["notes"] = {i: {"id": i, "track": "t", "start": start, "duration": 480, "pitch": 60, "author": author}
                      for i, start, author in notes}
    assert _bars_by_author(state) == {"user:1": 1, "model:m@1": 1}


def test_the_analytics_api_and_its_csv(session, client):
    client.force_login(session.researcher)
    url = f"/api/pieces/{session.piece.pk}/analytics/"
    data = client.get(url).json()
    assert data["piece"] == session.piece.pk and data["acceptance"]["by_operation"][0]["accepted"] == 2
    response = client.get(url, {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode()
    assert text.splitlines()[0] == "section,key,name,metric,value"
    assert "acceptance_by_operation,infill,,accepted,2" in text
    across = client.get("/api/research/analytics/").json()
    assert across["pieces"] == 1 and across["piece"] is None
