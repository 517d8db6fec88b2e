"""The researcher's history page on a scripted session: scrub, filter, diff, regenerate exactly, analytics.

The session (tests/research/session.py) is built inside the browser server's own database by a
`manage.py shell` in the server's environment; it prints the states the room had after every event,
and the page must show exactly those.
"""
import json
import os
import subprocess
import sys
from unittest import mock

import pytest
from playwright.sync_api import expect

from .conftest import ROOT, StudioServer, screenshot

# The seeding process and the server generate with the same tiny model, so "regenerate exactly" can match.
TINY = {"STUDIO_GENERATOR": "tests.composer_ui.tiny_engine.TinyGenerator"}

SEED = """
import json
from tests.research.session import PASSWORD, ai_notes_accepted, scripted_session
s = scripted_session()
print("SESSION " + json.dumps({
    "piece": s.piece.pk, "head": s.piece.__class__.objects.get(pk=s.piece.pk).head_seq, "password": PASSWORD,
    "researcher": s.researcher.username, "student": s.student.pk, "teacher": s.teacher.pk,
    "jobs": {name: job.pk for name, job in s.jobs.items()}, "ai_accepted": ai_notes_accepted(s),
    "states": {seq: sorted([n["track"], n["start"], n["pitch"]] for n in st["notes"].values())
               for seq, st in s.states.items()}}))
"""

ROLL_NOTES = """() => {
  const roll = document.getElementById('roll');
  return [roll.dataset.seq, roll.visibleNotes().map((n) => [n.track, n.start, n.pitch])
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1] || a[2] - b[2]))];
}"""


@pytest.fixture(scope="module")
def history_server():
    with mock.patch.dict(os.environ, TINY):
        server = StudioServer()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture(scope="module")
def session(history_server):
    done = subprocess.run([sys.executable, "manage.py", "shell", "-c", SEED], cwd=ROOT, env=history_server.env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    line = next(line for line in done.stdout.splitlines() if line.startswith("SESSION "))
    found = json.loads(line.removeprefix("SESSION "))
    found["states"] = {int(seq): notes for seq, notes in found["states"].items()}
    return found


def log_in(page, base, username, password):
    page.goto(base + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(base + "/")


def roll_shows(page, seq, session):
    page.wait_for_function(f"document.getElementById('roll').dataset.seq === '{seq}'")
    shown_seq, notes = page.evaluate(ROLL_NOTES)
    assert int(shown_seq) == seq
    assert sorted(notes) == sorted(session["states"][seq]), f"the roll at seq {seq} is not the room's state"


def test_scrub_filter_diff_and_regenerate_exactly(history_server, session, new_page):
    base, piece, head = history_server.url, session["piece"], session["head"]
    page = new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, base, session["researcher"], session["password"])  # a researcher, not the owner
    page.goto(f"{base}/pieces/{piece}/history/")
    page.wait_for_selector("body[data-ready=true]")
    roll_shows(page, head, session)

    # Scrub back to the first seq whose notes differ from the end, with the slider, then one step on.
    earlier = max(seq for seq, notes in session["states"].items() if notes != session["states"][head] and seq < head - 3)
    page.locator("#scrubber").fill(str(earlier))
    roll_shows(page, earlier, session)
    expect(page.locator("#scrub-seq")).to_have_text(str(earlier))
    assert page.locator("#timeline li.entry.future").count() > 0
    page.click("#step-forward")
    roll_shows(page, earlier + 1, session)
    page.click("#play")  # plays the piece as it was: the playhead moves
    page.wait_for_function("document.getElementById('roll').playhead > 0")
    page.click("#play")
    expect(page.locator("#play")).to_have_text("▶ Play from here")

    # Clicking the accept of the first AI job shows the piece after it, and the AI's notes the student took.
    accept = page.locator("#timeline li.entry[data-kind=accept]").first
    accept_seq = int(accept.get_attribute("data-seq"))
    accept.locator("button.jump").click()
    roll_shows(page, accept_seq, session)
    expect(page.locator("#diff-summary")).to_contain_text(f"From edit {accept_seq - 1} to edit {accept_seq}")
    # The accepted notes are listed under the AI that wrote them, with who accepted them (not under the person).
    expect(page.locator("#diff-result details[data-actor^='model:']")).to_contain_text("accepted by")
    expect(page.locator(f"#diff-result details[data-actor='user:{session['student']}']")).to_have_count(0)

    # Filters: hide the student, then show only proposals.
    student = f"user:{session['student']}"
    total = page.locator("#timeline li.entry").count()
    assert page.locator(f"#timeline li.entry[data-actor='{student}']").count() > 0
    page.locator(f"#actor-filter input[value='{student}']").uncheck()
    assert page.locator(f"#timeline li.entry[data-actor='{student}']").count() == 0
    assert 0 < page.locator("#timeline li.entry").count() < total
    page.locator(f"#actor-filter input[value='{student}']").check()
    page.locator("#kind-filter button[data-all=false]").click()
    page.locator("#kind-filter input[value=proposal]").check()
    kinds = page.eval_on_selector_all("#timeline li.entry", "els => els.map((e) => e.dataset.kind)")
    assert kinds and set(kinds) == {"proposal"}
    expect(page.locator("#timeline-count")).to_have_text(f"{len(kinds)} of {total} entries")

    # Regenerate exactly: the accepted job's proposal comes back the same.
    proposal = page.locator(f"#timeline li.entry[data-id='j{session['jobs']['accepted']}-proposal']")
    proposal.locator("[data-reproduce]").click()
    expect(proposal.locator(".verdict")).to_contain_text("candidates match", timeout=30_000)
    page.locator("#kind-filter button[data-all=true]").click()

    page.locator("#scrubber").fill(str(earlier))
    roll_shows(page, earlier, session)
    screenshot(page, "history")

    # Analytics: the charts carry the server's numbers (AI notes accepted is a known answer of the session).
    page.locator("#analytics").scroll_into_view_if_needed()
    expect(page.locator("#analytics-figures figure")).to_have_count(8)
    accepted_bar = page.locator("#figure-ai-notes rect[data-value]").first
    assert int(accepted_bar.get_attribute("data-value")) == session["ai_accepted"]
    page.evaluate("document.getElementById('analytics').scrollIntoView()")
    screenshot(page, "analytics")
    assert errors == []


def test_research_page_lists_the_piece_with_its_analytics(history_server, session, new_page):
    base = history_server.url
    page = new_page()
    log_in(page, base, session["researcher"], session["password"])
    page.goto(f"{base}/research/")
    page.wait_for_selector("body[data-ready=true]")
    expect(page.locator("table.research-pieces")).to_contain_text("history")
    expect(page.locator("#analytics-figures figure")).to_have_count(8)
