"""A composer's first hour, through the page alone (clicks and keys), on a school laptop and a desktop:
sign up, a piece from the Melody template, four bars of melody, "Harmonize this melody" and accept,
reject another request, change tempo and key, add a bass with a chosen instrument and hear it, and a
guest who joins by invite link and edits live. At both sizes nothing overflows its box and the AI's
controls are on screen."""
import re

import pytest
from playwright.sync_api import expect

from .conftest import screenshot
from .journey import (assert_ai_controls_on_screen, assert_fits, click_track, create_piece, draw_melody,
                      model_notes, roll_xy, sign_up_from_home, wait_for_proposal)

HYMN = [67, 67, 69, 71, 72, 71, 69, 67, 69, 71, 72, 74, 71, 69, 67, 67]  # four bars of quarters in G


@pytest.mark.parametrize("width,height", [(1366, 768), (1920, 1080)])
def test_first_hour(studio_server, new_page, width, height):
    base = studio_server.url
    ana = new_page(width, height)
    sign_up_from_home(ana, base, "Ana")
    create_piece(ana, f"First hour {width}", "Melody", key="G")
    assert_fits(ana, "a new piece")
    expect(ana.locator("#piece-meta")).to_contain_text("G major")

    # Four bars of melody, drawn on the roll.
    draw_melody(ana, HYMN)
    assert ana.evaluate("Object.values(window.studio.room.view.notes).every(n => n.author.kind === 'user')")

    # One melody, nothing to write into: the AI panel offers to add the voices.
    expect(ana.locator("#ai-offer")).to_be_visible()
    ana.get_by_role("button", name="Harmonize this melody…").click()
    expect(ana.locator("#harmonize-dialog")).to_be_visible()
    ana.get_by_role("button", name="Add them and ask the AI").click()
    ana.wait_for_function("window.studio.room.view.tracks.map(t => t.name).join() === 'Melody,Alto,Tenor,Bass'")
    wait_for_proposal(ana)
    assert_fits(ana, "a proposal")
    assert_ai_controls_on_screen(ana)
    # One voice at a time: the Alto alone is shown (and heard) before accepting the whole candidate.
    ana.select_option("#ai-voice", label="Alto")
    alto = ana.evaluate("window.studio.room.view.tracks.find(t => t.name === 'Alto').id")
    assert ana.evaluate(f"document.getElementById('roll').ghosts.notes.every(n => n.track === '{alto}')")
    ana.select_option("#ai-voice", label="all voices")
    ana.get_by_text("More controls").click()
    expect(ana.locator("[data-control=stay_in_key]")).to_be_checked()  # the piece has a key
    # The styles the shipped checkpoint knows, read from its capabilities; auto reads the piece.
    assert ana.locator("[data-control=style] option").all_inner_texts() == ["auto", "chorale", "folk", "renaissance",
                                                                            "quartet"]
    expect(ana.locator("[data-control=style]")).to_have_value("auto")
    ana.get_by_text("More controls").click()
    ana.locator("#ai-accept").click()
    ana.wait_for_function("Object.values(window.studio.room.view.notes).some(n => n.author.kind === 'model')")
    written = {n["track"] for n in model_notes(ana)}
    names = {t["id"]: t["name"] for t in ana.evaluate("window.studio.room.view.tracks")}
    assert {names[t] for t in written} <= {"Alto", "Tenor", "Bass"} and written
    expect(ana.locator("#ai-proposal")).to_be_hidden()
    # Adding the voices was one event, undoable as one step (not undone here: the harmony is kept).
    adds = ana.evaluate("window.studio.undo.entries?.length ?? null")
    assert adds is None or adds >= 1

    # Another request, rejected.
    ana.get_by_role("button", name="Ask the AI").click()
    wait_for_proposal(ana)
    ana.locator("#ai-reject").click()
    expect(ana.locator("#ai-proposal")).to_be_hidden()
    expect(ana.locator("#ai-status")).to_contain_text(re.compile("set aside", re.I))

    # Tempo and key, in the page.
    ana.get_by_role("button", name="Piece settings").click()
    ana.fill("#set-tempo", "96")
    ana.fill("#set-key", "e minor")
    ana.get_by_role("button", name="Save").click()
    expect(ana.locator("#piece-meta")).to_contain_text("E minor")
    expect(ana.locator("#piece-meta")).to_contain_text("♩ = 96")

    # A bass with a chosen instrument, heard in playback.
    ana.get_by_role("button", name="+ Add track").click()
    ana.select_option("#new-track-instrument", label="Fretless Bass")
    expect(ana.locator("#new-track-name")).to_have_value("Fretless Bass")
    ana.get_by_role("button", name="Add track", exact=True).click()
    ana.wait_for_function("window.studio.room.view.tracks.some(t => t.name === 'Fretless Bass' && t.program === 35)")
    bass = ana.evaluate("window.studio.room.view.tracks.find(t => t.name === 'Fretless Bass').id")
    assert ana.evaluate("window.studio.tracks.active") == bass
    for i, pitch in enumerate([43, 40, 36, 38]):
        ana.mouse.click(*roll_xy(ana, i * 1920, pitch))
    ana.wait_for_function(f"Object.values(window.studio.room.view.notes).filter(n => n.track === '{bass}').length === 4")
    ana.locator("piano-roll").focus()
    ana.keyboard.press("Space")
    expect(ana.locator("#play")).to_have_text("■ Stop")
    ana.wait_for_function(f"window.studio.audio.heard.get('{bass}')?.program === 35", timeout=20_000)
    ana.get_by_role("button", name="■ Stop").click()
    expect(ana.locator("#play")).to_have_text("▶ Play")

    # A guest joins by invite link and edits live.
    ana.get_by_role("button", name="Share").click()
    ana.get_by_role("button", name="Create invite link").click()
    link = ana.locator("#invites code").first
    expect(link).to_contain_text("/join/")
    url = link.inner_text()
    kim = new_page(width, height)
    kim.goto(url)
    kim.fill("#id_display_name", "Kim")
    kim.get_by_role("button", name="Join").click()
    expect(kim.locator("#connection")).to_have_text("online")
    expect(ana.locator("#members li", has_text="Kim")).to_be_visible()  # the open list, without a reload
    ana.keyboard.press("Escape")
    click_track(kim, "Melody")
    kim.mouse.click(*roll_xy(kim, 4 * 1920, 74))
    ana.wait_for_function(f"Object.values(window.studio.room.view.notes).some(n => n.start === {4 * 1920} && n.pitch === 74)")
    expect(ana.locator("#presence .chip", has_text="Kim")).to_be_visible()

    assert_fits(ana, "after the first hour")
    assert_fits(kim, "the guest's page")
    screenshot(ana, f"first-hour-{width}")
