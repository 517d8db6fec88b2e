"""Staff notation beside the roll, through the page alone: a teacher's score pane shows a student's notes
after the student writes them on another page (the time it took is printed), a note clicked in the score is
selected in the roll and the roll's selection is coloured in the score, the student shows just their own
track and prints their part (print media: a screenshot and a PDF). The layout holds at 1366x768 and
1920x1080 with the chord lane and the score open. Screenshots: notation-pane.png, print-bass-part.png."""
import time

from playwright.sync_api import expect

from .conftest import SCREENSHOTS, screenshot
from .journey import assert_fits, click_track, create_piece, draw_melody, roll_xy, sign_up_from_home
from .test_accessibility import AXE, axe_violations

ROLL_AREA_AXE = """async () => {
  const result = await axe.run({ include: [[".roll-area"]] }, { resultTypes: ["violations"] });
  return result.violations.filter((v) => ["serious", "critical"].includes(v.impact)).map((v) => `${v.id}: ${v.nodes[0].target}`);
}"""

MELODY = [72, 74, 76, 77, 79, 77, 76, 74]
BASS = [41, 43, 45, 46]
SCORE = "window.studio.notation.score"


def wait_for_score(page):
    """Until the score shows the room's latest version."""
    page.wait_for_function("document.getElementById('score').dataset.seq === String(window.studio.room.seq)",
                           timeout=30_000)


def notehead_centre(page, note_id):
    return page.evaluate(f"""(id) => {{
      const head = {SCORE}.drawn.get(id)[0].getNoteheadSVGs()[0];
      head.scrollIntoView({{block: 'center'}});
      const r = head.getBoundingClientRect();
      return [r.left + r.width / 2, r.top + r.height / 2];
    }}""", note_id)


def test_the_score_follows_remote_edits_selects_both_ways_and_prints_a_part(studio_server, new_page):
    base = studio_server.url
    teacher = new_page(1366, 768)
    sign_up_from_home(teacher, base, "Teacher")
    create_piece(teacher, "Two voices", "SATB choir", key="F")
    draw_melody(teacher, MELODY)
    teacher.locator("#show-chords").click()
    lane = teacher.locator("#chord-lane-body").bounding_box()
    teacher.mouse.click(lane["x"] + 4, lane["y"] + lane["height"] / 2)
    teacher.keyboard.type("F")
    teacher.keyboard.press("Tab")
    teacher.keyboard.type("C7/E")
    teacher.keyboard.press("Enter")
    teacher.wait_for_function("Object.keys(window.studio.room.view.chords).length === 2")

    # A student joins by invite link and is given the bass.
    teacher.get_by_role("button", name="Share").click()
    teacher.get_by_role("button", name="Create invite link").click()
    expect(teacher.locator("#invites code").first).to_contain_text("/join/")
    link = teacher.locator("#invites code").first.inner_text()
    teacher.keyboard.press("Escape")
    student = new_page(1366, 768)
    student.goto(link)
    student.fill("#id_display_name", "Bass student")
    student.get_by_role("button", name="Join").click()
    expect(student.locator("#connection")).to_have_text("online")
    teacher.get_by_role("button", name="Details of Bass").click()
    teacher.get_by_label("Bass: assigned to").select_option(label="Bass student")
    teacher.get_by_role("button", name="Details of Bass").click()
    student.wait_for_function("window.studio.room.view.tracks.find(t => t.name === 'Bass').owner !== null")
    expect(student.locator("#chord-lane")).to_be_visible()  # the piece has chords: the lane shows itself
    expect(student.locator("#chord-lane .chord")).to_have_count(2)

    # The teacher's score: the melody and the chord symbols above it.
    teacher.locator("#show-score").click()
    wait_for_score(teacher)
    melody = teacher.evaluate("Object.keys(window.studio.room.view.notes)")
    assert teacher.evaluate(f"(ids) => ids.every(id => {SCORE}.shows(id))", melody)
    expect(teacher.locator("#score svg text", has_text="C7")).to_have_count(1)

    # The student writes four bass notes; the teacher's score shows them.
    click_track(student, "Bass")
    draw_melody(student, BASS, step=960)
    written = time.monotonic()
    bass = student.evaluate("Object.values(window.studio.room.view.notes).filter(n => n.pitch < 50).map(n => n.id)")
    teacher.wait_for_function(f"(ids) => ids.every(id => {SCORE}.shows(id))", arg=bass, timeout=30_000)
    print(f"\nthe teacher's score showed the student's notes {time.monotonic() - written:.2f} s after they were acked")

    # Score -> roll: a click on a notehead selects that note; roll -> score: the selection is coloured.
    teacher.mouse.click(*notehead_centre(teacher, bass[2]))
    teacher.wait_for_function(f"[...document.getElementById('roll').selection].join() === '{bass[2]}'")
    first = teacher.evaluate("(ids) => ids.map(id => window.studio.room.view.notes[id]).sort((a, b) => a.start - b.start)[0].id",
                             melody)
    click_track(teacher, "Soprano")
    teacher.mouse.click(*roll_xy(teacher, 0, MELODY[0]))
    teacher.wait_for_function(f"""(id) => {SCORE}.selected.has(id) && {SCORE}.drawn.get(id)[0].getNoteheadSVGs()[0]
      .querySelector('path').getAttribute('fill').toLowerCase() === '#d97706'""", arg=first)
    assert_fits(teacher, "the roll with the chord lane and the score")
    teacher.add_script_tag(path=str(AXE))  # the roll area only: members' colour chips are not this test's
    assert teacher.evaluate(ROLL_AREA_AXE) == [], "the chord lane and the score"
    screenshot(teacher, "notation-pane")
    teacher.set_viewport_size({"width": 1920, "height": 1080})
    teacher.wait_for_timeout(300)
    assert_fits(teacher, "the score at 1920x1080")
    assert teacher.evaluate("(() => { const r = document.getElementById('ai-ask').getBoundingClientRect(); "
                            "return r.width > 0 && r.bottom <= innerHeight; })()")

    # The student shows just their own track and prints their part.
    student.locator("#show-score").click()
    student.select_option("#score-tracks", "mine")
    student.wait_for_function(f"{SCORE}.osmd && {SCORE}.osmd.Sheet.Instruments.length === 1")
    student.wait_for_function(f"(ids) => ids.every(id => {SCORE}.shows(id))", arg=bass)
    with student.expect_popup() as popup:
        student.locator("#score-print").click()
    part = popup.value
    part.wait_for_selector("body[data-rendered=yes]", timeout=30_000)
    expect(part.locator("h1")).to_contain_text("Bass")
    assert axe_violations(part) == [], "the print view"
    part.emulate_media(media="print")
    expect(part.locator(".print-bar")).to_be_hidden()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    part.screenshot(path=str(SCREENSHOTS / "print-bass-part.png"), full_page=True)
    pdf = part.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 5_000
