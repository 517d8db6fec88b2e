"""Every research download is pseudonymous: a session with named members, and each file a researcher
can take away (every kind downloads.py makes, every attachment any research URL answers, the study
archive) searched for every member's display name, username and email."""
import io
import re
import zipfile

from django.core.management import call_command
from django.urls import reverse

from composer_ui.models import Membership
from composer_ui.research import urls as research_urls
from composer_ui.research.downloads import FILES, download
from composer_ui.selectors import user_display_name


def identifying(session) -> dict[str, str]:
    """{word: whose} for every member of the piece: display name, first and last name, username, email."""
    words = {}
    for membership in Membership.objects.filter(piece=session.piece).select_related("user"):
        user = membership.user
        for word in (user_display_name(user), user.first_name, user.last_name, user.username, user.email,
                     f"{user.first_name} {user.last_name}"):
            if word.strip():
                words[word.strip()] = user.username
    return words


def leaks(body: bytes, words: dict) -> list[str]:
    texts = ([zipfile.ZipFile(io.BytesIO(body)).read(name) for name in zipfile.ZipFile(io.BytesIO(body)).namelist()]
             if body[:2] == b"PK" else [body])
    found = set()
    for text in (t.decode("latin-1") for t in texts):  # latin-1: MIDI and zip members are bytes
        found |= {word for word in words if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text, re.I)}
    return sorted(found)


def test_the_session_has_names_to_leak(session):
    words = identifying(session)
    assert {"Tess", "Studentova", "rita", "sam@school.example"} <= set(words)
    assert "Sam" in leaks(b'{"name": "Sam"}', words)  # the search finds what it should


def test_every_kind_of_download_is_pseudonymous(session):
    words = identifying(session)
    for kind in FILES:
        file = download(kind, [session.piece.pk], filename=kind)
        assert file.body and leaks(file.body, words) == [], kind


def test_every_research_url_that_answers_a_file_answers_a_pseudonymous_one(session, client):
    client.force_login(session.researcher)
    words, answered = identifying(session), set()
    args = {"piece_id": session.piece.pk, "job_id": session.jobs["accepted"].pk}
    for pattern in research_urls.urlpatterns:
        url = reverse(pattern.name, kwargs={k: v for k, v in args.items() if k in pattern.pattern.converters})
        for query in ("", "?format=json", "?format=csv"):
            response = client.get(url + query)
            if "attachment" in response.get("Content-Disposition", ""):
                assert leaks(response.content, words) == [], url + query
                answered.add(f"{pattern.name}{query}")
    assert answered >= {"research_export_jsonl", "research_export_csv",
                        "research_analytics?format=json", "research_analytics?format=csv",
                        "research_analytics_all?format=json", "research_analytics_all?format=csv"}


def test_the_study_archive_from_the_command_line_is_pseudonymous(session, tmp_path):
    out = tmp_path / "study.zip"
    call_command("export_study", "--out", str(out), "--piece", str(session.piece.pk))
    assert leaks(out.read_bytes(), identifying(session)) == []


def test_the_analytics_downloads_name_people_by_pseudonym(session, client):
    client.force_login(session.researcher)
    data = client.get(f"/api/pieces/{session.piece.pk}/analytics/", {"format": "json"}).json()
    assert data["piece"] == session.piece.pk
    assert {a["name"] for a in data["actors"] if a["kind"] == "user"} == {"P01", "P02"}
    assert all(not re.fullmatch(r"user:\d+", row["key"]) for row in data["acceptance"]["by_member"])
    text = client.get("/api/research/analytics/", {"format": "csv"}).content.decode()
    assert "notes_by_author,user:P01,P01,written," in text
