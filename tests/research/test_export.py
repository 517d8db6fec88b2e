"""Research exports: schema for every event type, pseudonyms only, CSV, and the study archive."""
import csv
import io
import json
import re
import zipfile

from django.core.management import call_command

from composer_ui.research.archive import study_archive
from composer_ui.research.export import research_rows, to_csv, to_jsonl
from composer_ui.research.schema import row_errors
from composer_ui.research.timeline import KINDS

IDENTIFYING = ("tess", "sam", "rita", "teacherson", "studentova", "reyes", "school.example")


def _leaks(text: str, session) -> list[str]:
    found = [word for word in IDENTIFYING if re.search(rf"(?<![a-z]){re.escape(word)}(?![a-z])", text, re.I)]
    # Account ids may not appear as participant or author ids either.
    for user in (session.teacher, session.student, session.researcher):
        if f'"id":{user.pk},' in text.replace(" ", "") or f'"owner":{user.pk}' in text.replace(" ", ""):
            found.append(f"account id {user.pk}")
    return found


def test_every_row_follows_the_schema_and_every_event_type_is_covered(session):
    rows = list(research_rows([session.piece.pk]))
    assert {r["event"] for r in rows} >= set(KINDS) - {"import", "redo", "failed", "cancelled"}
    for row in rows:
        assert row_errors(row) == [], (row["event"], row_errors(row))
    proposal = next(r for r in rows if r["event"] == "proposal")
    job = session.jobs[next(k for k, j in session.jobs.items() if j.pk == proposal["generation"]["job"])]
    assert proposal["generation"]["seed"] == job.seed and proposal["generation"]["checksum"] == job.model_checksum
    assert proposal["participant"] is None and proposal["actor_kind"] == "model"


def test_participants_are_pseudonyms_stable_within_the_export(session):
    rows = list(research_rows([session.piece.pk]))
    by_event = {}
    for row in rows:
        by_event.setdefault(row["event"], set()).add(row["participant"])
    assert by_event["create"] == {"P01"}  # the teacher created the piece and joined first
    assert "P02" in by_event["edit"]  # the student
    text = to_jsonl(rows)
    assert _leaks(text, session) == []
    accepted = [json.loads(line) for line in text.splitlines() if json.loads(line)["event"] == "accept"]
    authors = {op["provenance"]["accepted_by"]["id"] for row in accepted for op in row["payload"]["ops"]
               if op["op"] == "note.add"}
    assert authors <= {"P01", "P02"}


def test_the_csv_has_one_row_per_event(session):
    rows = list(research_rows([session.piece.pk]))
    table = list(csv.DictReader(io.StringIO(to_csv(rows))))
    assert len(table) == len(rows)
    assert table[0]["event"] == "create" and table[0]["participant"] == "P01"
    assert any(r["event"] == "proposal" and r["seed"] and r["model"] for r in table)
    assert _leaks(to_csv(rows), session) == []


def test_the_study_archive_holds_no_names_and_snapshots_each_decision(session, tmp_path):
    out = tmp_path / "study.zip"
    call_command("export_study", "--out", str(out), "--owner", session.teacher.username)
    archive = zipfile.ZipFile(out)
    names = archive.namelist()
    for required in ("README.txt", "events.jsonl", "events.csv", "participants.csv", "pieces.json",
                     "analytics.json"):
        assert required in names
    snapshots = [n for n in names if n.startswith("snapshots/")]
    assert len([n for n in snapshots if n.endswith(".mid")]) == 3  # two accepts and a reject
    assert len([n for n in snapshots if n.endswith(".musicxml")]) == 3
    for name in names:
        assert _leaks(archive.read(name).decode("latin-1"), session) == [], name
    pieces = json.loads(archive.read("pieces.json"))
    assert pieces[0]["title"] == "Chorale for P02"
    analytics = json.loads(archive.read("analytics.json"))
    assert {a["name"] for a in analytics["actors"] if a["kind"] == "user"} == {"P01", "P02"}


def test_the_api_downloads(session, client):
    client.force_login(session.researcher)
    response = client.get(f"/api/pieces/{session.piece.pk}/research/events.jsonl")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    lines = response.content.decode().splitlines()
    assert all(row_errors(json.loads(line)) == [] for line in lines)
    assert client.get(f"/api/pieces/{session.piece.pk}/research/events.csv").status_code == 200
    client.force_login(session.student)
    assert client.get(f"/api/pieces/{session.piece.pk}/research/events.jsonl").status_code == 403


def test_the_archive_of_two_pieces_keeps_one_pseudonym_per_person(session, db):
    from .session import scripted_session

    other = scripted_session(prefix="b-")
    data = study_archive([session.piece.pk, other.piece.pk])
    participants = list(csv.DictReader(io.StringIO(zipfile.ZipFile(io.BytesIO(data)).read("participants.csv").decode())))
    assert [p["participant"] for p in participants] == ["P01", "P02", "P03", "P04", "P05", "P06"]
