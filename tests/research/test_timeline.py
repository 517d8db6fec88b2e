"""The merged history of the scripted session: every kind of entry, in order, coloured by actor."""
from composer_ui import selectors
from composer_ui.research.diff import piece_diff
from composer_ui.research.timeline import piece_history


def test_the_history_holds_every_kind_in_seq_order(session):
    history = piece_history(piece_id=session.piece.pk)
    entries = history["entries"]
    kinds = [e["kind"] for e in entries]
    for kind in ("create", "edit", "policy", "generate", "regenerate", "proposal", "audition", "accept", "reject",
                 "undo"):
        assert kind in kinds, kind
    assert [e["seq"] for e in entries] == sorted(e["seq"] for e in entries)
    log_seqs = [e["seq"] for e in entries if e["id"].startswith("e")]
    assert log_seqs == list(range(1, history["piece"]["head_seq"] + 1))
    assert len({e["id"] for e in entries}) == len(entries)
    actors = {a["key"]: a for a in history["actors"]}
    assert all(e["actor"] in actors and actors[e["actor"]]["colour"].startswith("#") for e in entries)
    assert actors[f"user:{session.student.pk}"]["name"] == "Sam"


def test_job_entries_tell_the_story_of_each_request(session):
    entries = piece_history(piece_id=session.piece.pk)["entries"]
    job = session.jobs["accepted"]
    story = [e for e in entries if e["job_id"] == job.pk]
    assert [e["kind"] for e in story] == ["generate", "proposal", "audition", "accept"]
    request, proposal, audition, accept = story
    assert request["seq"] == job.base_seq and request["actor"] == f"user:{session.student.pk}"
    assert proposal["actor"] == f"model:{job.model_name}@{job.model_version}"
    assert proposal["details"]["candidates"] == 3 and proposal["details"]["seed"] == 11
    assert accept["details"]["auditioned"] == [0, 1] and accept["details"]["candidate"] == 1
    assert accept["details"]["seconds_to_decide"] >= 0
    assert "Alto" in request["summary"] and "infill" in request["summary"]
    rejected = [e["kind"] for e in entries if e["job_id"] == session.jobs["rejected"].pk]
    assert rejected == ["generate", "proposal", "audition", "reject"]
    regenerated = [e for e in entries if e["job_id"] == session.jobs["regenerated"].pk]
    assert regenerated[0]["kind"] == "regenerate" and regenerated[0]["details"]["parent"] == session.jobs["rejected"].pk


def test_summaries_say_what_happened(session):
    entries = {e["id"]: e for e in piece_history(piece_id=session.piece.pk)["entries"]}
    assert entries["e2"]["summary"] == "added 16 notes in Soprano, bars 1-4"
    assert entries["e3"]["summary"] == "added 4 notes in Alto, bar 3"
    policy = next(e for e in entries.values() if e["kind"] == "policy")
    assert "ai quota per hour = 30" in policy["summary"]
    undo = next(e for e in entries.values() if e["kind"] == "undo")
    assert undo["summary"].startswith("undo: changed 1 note")


def test_summaries_of_chords_cues_tempo_and_track_order(session):
    entries = [e for e in piece_history(piece_id=session.piece.pk)["entries"] if e["id"].startswith("e")]
    teacher, student = entries[-2]["summary"], entries[-1]["summary"]
    assert teacher == "added chord Am7 at bar 3; added cue 'door slam for Sam' at 00:00:12:05; tempo 96 from bar 3"
    assert student == "changed chord Am7 to Am9 at bar 3; moved track Bass to position 1; set start offset 01:00:00:00"


def test_diff_between_two_points_says_who(session):
    head = session.piece.__class__.objects.get(pk=session.piece.pk).head_seq
    first = session.jobs["accepted"].decision.event_seq
    diff = piece_diff(piece_id=session.piece.pk, head_seq=head, from_seq=first - 1, to_seq=first)
    assert diff["added"] and not diff["changed"]
    assert {d["by"] for d in diff["added"]} == {f"user:{session.student.pk}"}  # who accepted them
    assert all(d["note"]["author"]["kind"] == "model" for d in diff["added"])
    state = selectors.state_at(piece_id=session.piece.pk, seq=first)
    assert diff["tracks"] == [{"id": t["id"], "name": t["name"]} for t in state["tracks"]]  # names, not ids

    last = session.jobs["regenerated"].decision.event_seq
    diff = piece_diff(piece_id=session.piece.pk, head_seq=head, from_seq=last, to_seq=head)
    assert {d["note"]["id"]: d["by"] for d in diff["removed"]} == {session.ai_deleted: f"user:{session.student.pk}"}
    changed = {d["after"]["id"]: d for d in diff["changed"]}
    assert set(changed) == {session.ai_edited, "s1"}
    assert changed[session.ai_edited]["by"] == f"user:{session.student.pk}"
    assert changed[session.ai_edited]["after"]["duration"] == changed[session.ai_edited]["before"]["duration"] + 120
    assert not diff["added"]
    reversed_diff = piece_diff(piece_id=session.piece.pk, head_seq=head, from_seq=head, to_seq=last)
    assert (reversed_diff["from"], reversed_diff["to"]) == (last, head)


def test_history_is_for_the_owner_and_researchers_only(session, client):
    url = f"/api/pieces/{session.piece.pk}/history/"
    client.force_login(session.student)
    assert client.get(url).status_code == 403
    assert client.get(f"/pieces/{session.piece.pk}/history/").status_code == 404
    for user in (session.teacher, session.researcher):
        client.force_login(user)
        assert client.get(url).status_code == 200
        assert client.get(f"/pieces/{session.piece.pk}/history/").status_code == 200
    client.logout()
    assert client.get(url).status_code == 401
