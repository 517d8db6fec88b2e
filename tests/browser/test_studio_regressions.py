"""Regressions from the first-hour review, each through the page: bars from the ruler, a deleted track
undone, the stale warning, invite links without a reload, the hover card, snapping to the key, zoom."""
from playwright.sync_api import expect

from .journey import click_track, create_piece, draw_melody, roll_xy, sign_up_from_home, wait_for_proposal

TUNE = [60, 62, 64, 65, 67, 65, 64, 62]


def test_bars_tracks_and_the_roll_in_the_page(studio_server, new_page):
    page = new_page(1366, 768)
    sign_up_from_home(page, studio_server.url, "Reg")
    create_piece(page, "Regressions", "Melody + bass", key="C")
    draw_melody(page, TUNE)  # bars 1-2 of the melody
    view = "window.studio.room.view"

    # Bars from the ruler's menu: insert one before bar 1, then delete it again with Alt+Delete.
    box = page.locator("piano-roll").bounding_box()
    page.mouse.click(roll_xy(page, 60, 60)[0], box["y"] + 10, button="right")
    expect(page.get_by_role("menuitem", name="Insert a bar before")).to_be_visible()
    page.get_by_role("menuitem", name="Insert a bar before").click()
    page.wait_for_function(f"{view}.piece.bars === 9 && Math.min(...Object.values({view}.notes).map(n => n.start)) === 1920")
    page.mouse.click(roll_xy(page, 60, 60)[0], box["y"] + 10)  # select bar 1
    page.keyboard.press("Alt+Delete")
    page.wait_for_function(f"{view}.piece.bars === 8 && Math.min(...Object.values({view}.notes).map(n => n.start)) === 0")

    # Deleting a track is undoable: it comes back in its place, with its colour and its notes.
    before = page.evaluate(f"{view}.tracks")
    page.get_by_role("button", name="Details of Melody").click()
    page.get_by_role("button", name="Delete").click()
    page.wait_for_function(f"{view}.tracks.length === 1 && Object.keys({view}.notes).length === 0")
    expect(page.locator("#tracks-status")).to_contain_text("Deleted Melody")
    page.locator("piano-roll").focus()
    page.keyboard.press("Control+KeyZ")
    page.wait_for_function(f"{view}.tracks.length === 2 && Object.keys({view}.notes).length === {len(TUNE)}")
    after = page.evaluate(f"{view}.tracks")
    assert [(t["id"], t["name"], t["colour"]) for t in after] == [(t["id"], t["name"], t["colour"]) for t in before]

    # The hover card names the note's pitch and leaves with the pointer (it stayed on screen).
    page.mouse.move(*roll_xy(page, 480 + 100, 62))
    expect(page.locator("#note-card")).to_be_visible()
    expect(page.locator("#note-card")).to_contain_text("D4")
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] - 40)
    expect(page.locator("#note-card")).to_be_hidden()

    # Snap to key: a click on C# in C major writes a D.
    page.get_by_label("Snap to key").check()
    page.mouse.click(*roll_xy(page, 4 * 1920, 61))
    page.wait_for_function(f"Object.values({view}.notes).some(n => n.start === {4 * 1920} && n.pitch === 62)")

    # Vertical zoom and fit change the rows; colour by author is a toggle away.
    rows = page.evaluate("document.getElementById('roll').geometry.rowHeight")
    page.get_by_role("button", name="Taller rows").click()
    assert page.evaluate("document.getElementById('roll').geometry.rowHeight") > rows
    page.keyboard.press("f")
    assert page.evaluate("document.getElementById('roll').geometry.rowHeight") == rows
    page.select_option("#colour-by", "author")
    assert page.evaluate("document.getElementById('roll').colourBy") == "author"


def test_stale_warning_invites_and_members_without_a_reload(studio_server, new_page):
    ana = new_page(1366, 768)
    sign_up_from_home(ana, studio_server.url, "Ana")
    create_piece(ana, "Stale", "SATB choir", key="C")
    draw_melody(ana, TUNE)
    ana.get_by_role("button", name="Ask the AI").click()
    wait_for_proposal(ana)
    expect(ana.locator("#ai-stale")).to_be_hidden()  # the server says stale: false; CSS used to show it anyway

    # An invite link is made in the Share dialog: no reload, so undo history and the open proposal stay.
    assert ana.evaluate("window.studio.undo.canUndo") is True
    ana.evaluate("window.__same_page = true")
    ana.get_by_role("button", name="Share").click()
    expect(ana.locator("#members li", has_text="Ana")).to_contain_text("(you)")  # listed as soon as it opens
    ana.get_by_role("button", name="Create invite link").click()
    expect(ana.locator("#invites code").first).to_contain_text("/join/")
    assert ana.evaluate("window.__same_page === true && window.studio.undo.canUndo") is True
    expect(ana.locator("#ai-proposal")).to_be_visible()

    # A guest who joins appears in the open members list at once.
    kim = new_page(1366, 768)
    kim.goto(ana.locator("#invites code").first.inner_text())
    kim.fill("#id_display_name", "Kim")
    kim.get_by_role("button", name="Join").click()
    expect(ana.locator("#members li", has_text="Kim")).to_be_visible()
    ana.keyboard.press("Escape")

    # Kim writes a note inside the proposal's region: Ana's proposal turns stale (core/rules.js judges each
    # edit against the piece before it, as the server does).
    expect(kim.locator("#connection")).to_have_text("online")
    click_track(kim, "Alto")
    kim.mouse.click(*roll_xy(kim, 960, 55))
    ana.wait_for_function("Object.values(window.studio.room.view.notes).some(n => n.pitch === 55)")
    expect(ana.locator("#ai-stale")).to_be_visible()

    # Ask -> Regenerate -> Reject: nothing comes back after a reload (the first proposal stayed open).
    ana.get_by_role("button", name="Regenerate").click()
    ana.wait_for_function("window.studio.ai.proposals.size === 1 && [...window.studio.ai.proposals.values()][0].stale === false",
                          timeout=90_000)
    ana.locator("#ai-reject").click()
    expect(ana.locator("#ai-proposal")).to_be_hidden()
    ana.reload()
    ana.wait_for_function("window.studio && window.studio.room.ready")
    ana.wait_for_timeout(1500)  # the open proposals come right after the welcome, if any
    expect(ana.locator("#ai-proposal")).to_be_hidden()
