"""A class on 1366x768 laptops, through the page alone: a teacher makes an SATB piece from the template,
invites four students, gives each one voice and turns on "own tracks only"; the soprano writes eight bars
of melody and each other student asks the AI to harmonize their own voice and accepts it."""
from playwright.sync_api import expect

from .conftest import screenshot
from .journey import assert_ai_controls_on_screen, assert_fits, create_piece, draw_melody, sign_up_from_home

MELODY = [74, 74, 76, 78, 79, 78, 76, 74, 76, 78, 79, 81, 78, 76, 74, 74,
          79, 79, 78, 76, 74, 76, 78, 76, 74, 73, 74, 76, 73, 71, 69, 74]  # eight bars in D
VOICES = ["Soprano", "Alto", "Tenor", "Bass"]


def test_a_teacher_and_four_students_write_and_harmonize_eight_bars(studio_server, new_page):
    base = studio_server.url
    teacher = new_page(1366, 768)
    sign_up_from_home(teacher, base, "Teacher")
    create_piece(teacher, "Class chorale", "SATB choir", key="D")

    teacher.get_by_role("button", name="Share").click()
    teacher.get_by_role("button", name="Create invite link").click()
    expect(teacher.locator("#invites code").first).to_contain_text("/join/")
    link = teacher.locator("#invites code").first.inner_text()
    students = {}
    for voice in VOICES:
        page = new_page(1366, 768)
        page.goto(link)
        page.fill("#id_display_name", f"{voice} student")
        page.get_by_role("button", name="Join").click()
        expect(page.locator("#connection")).to_have_text("online")
        students[voice] = page
    for voice in VOICES:
        expect(teacher.locator("#members li", has_text=f"{voice} student")).to_be_visible()
    teacher.keyboard.press("Escape")

    # One voice each, from the track list; then "own tracks only" in the piece settings.
    for voice in VOICES:
        teacher.get_by_role("button", name=f"Details of {voice}").click()
        teacher.get_by_label(f"{voice}: assigned to").select_option(label=f"{voice} student")
        teacher.get_by_role("button", name=f"Details of {voice}").click()
    teacher.wait_for_function("window.studio.room.view.tracks.every(t => t.owner !== null)")
    teacher.get_by_role("button", name="Piece settings").click()
    teacher.get_by_label("Own tracks only: members edit just the tracks assigned to them").check()
    teacher.get_by_role("button", name="Save").click()
    for page in students.values():
        page.wait_for_function("window.studio.room.view.piece.own_tracks_only === true")

    # Each student draws on their own voice; the others are locked for them.
    soprano = students["Soprano"]
    expect(soprano.locator("#track-list li.locked")).to_have_count(3)
    assert soprano.evaluate("window.studio.tracks.active") == soprano.evaluate(
        "window.studio.room.view.tracks.find(t => t.name === 'Soprano').id")
    draw_melody(soprano, MELODY)
    assert_fits(soprano, "the soprano's page")

    for voice in ("Alto", "Tenor", "Bass"):
        page = students[voice]
        page.wait_for_function(f"Object.keys(window.studio.room.view.notes).length >= {len(MELODY)}")
        own = page.evaluate(f"window.studio.room.view.tracks.find(t => t.name === '{voice}').id")
        assert page.evaluate("window.studio.tracks.active") == own
        expect(page.locator("#ai-region")).to_contain_text(f"bars 1–8 of {voice}")  # their own voice, by default
        page.get_by_role("button", name="Ask the AI").click()
        expect(page.locator("#ai-proposal")).to_be_visible(timeout=90_000)
        assert_ai_controls_on_screen(page)
        page.locator("#ai-accept").click()
        page.wait_for_function(f"Object.values(window.studio.room.view.notes).some(n => n.track === '{own}' "
                               f"&& n.author.kind === 'model')")
        assert_fits(page, f"the {voice.lower()}'s page")

    state = teacher.evaluate("window.studio.room.view")
    by_track = {t["name"]: [n for n in state["notes"].values() if n["track"] == t["id"]] for t in state["tracks"]}
    assert all(by_track[v] for v in VOICES)
    assert all(n["author"]["kind"] == "model" and n["accepted_by"]["kind"] == "user" for v in VOICES[1:] for n in by_track[v])
    assert max(n["start"] for n in by_track["Bass"]) >= 7 * 1920  # the harmony reaches the eighth bar
    screenshot(students["Alto"], "classroom-1366")
