"""The chord lane through the page alone: a lead sheet opens with the lane shown; four chords typed with Tab
(as Hookpad and MuseScore users do), a bad symbol refused next to the lane with nothing changed, a chord
moved and deleted with keys, undone; comping chosen and heard on its own channel. Screenshot: docs/screenshots/chord-lane.png."""
from playwright.sync_api import expect

from .conftest import screenshot
from .journey import assert_fits, create_piece, draw_melody, select_bars, sign_up_from_home

CHORDS = "Object.values(window.studio.room.view.chords).sort((a, b) => a.start - b.start)"


def lane_x(page, tick):
    """Where a tick is in the chord lane, from the roll's own geometry."""
    return page.evaluate("""(tick) => {
      const roll = document.getElementById('roll');
      return roll.getBoundingClientRect().left + roll.geometry.x(tick) + 4;
    }""", tick)


def test_typing_four_chords_with_tab(studio_server, new_page):
    page = new_page(1366, 768)
    sign_up_from_home(page, studio_server.url, "Hana")
    create_piece(page, "Autumn sketch", "Lead sheet (melody + chords)", key="F")
    expect(page.locator("#chord-lane")).to_be_visible()  # the lead sheet opens with the lane shown
    expect(page.locator("#show-chords")).to_have_attribute("aria-pressed", "true")
    draw_melody(page, [72, 74, 76, 77, 79, 77, 76, 74, 72, 70, 69, 67, 65, 67, 69, 65])

    # Click at bar 1 and type; Tab goes to the next bar (the default harmonic rhythm: a chord per bar).
    lane = page.locator("#chord-lane-body").bounding_box()
    page.mouse.click(lane_x(page, 0), lane["y"] + lane["height"] / 2)
    expect(page.locator("#chord-input")).to_be_focused()
    for symbol in ["F", "dm7", "Gm7"]:
        page.keyboard.type(symbol)
        page.keyboard.press("Tab")
    page.keyboard.type("C7")
    page.keyboard.press("Enter")
    expect(page.locator("#chord-input")).to_be_hidden()
    page.wait_for_function(f"{CHORDS}.length === 4 && window.studio.room.pending.length === 0")
    chords = page.evaluate(CHORDS)
    assert [(c["start"], c["duration"], c["symbol"]) for c in chords] == \
        [(0, 1920, "F"), (1920, 1920, "Dm7"), (3840, 1920, "Gm7"), (5760, 1920, "C7")]
    expect(page.locator("#chord-lane .chord")).to_have_count(4)
    expect(page.locator("#chord-lane .chord").nth(1)).to_have_text("Dm7")

    # A bad symbol: the parser's message next to the lane, and nothing changes.
    page.locator("#chord-lane .chord").nth(3).dblclick()
    page.keyboard.type("H7")
    page.keyboard.press("Enter")
    expect(page.locator("#chord-status")).to_contain_text("is not one I can read")
    expect(page.locator("#chord-input")).to_be_visible()
    page.keyboard.press("Escape")
    assert [c["symbol"] for c in page.evaluate(CHORDS)] == ["F", "Dm7", "Gm7", "C7"]

    # Shift+Tab goes back a step; by beats, a chord typed inside another ends it there.
    page.locator("#chord-options-button").click()
    page.select_option("#chord-rhythm", "beat")
    page.keyboard.press("Escape")
    page.mouse.click(lane_x(page, 1920 + 960), lane["y"] + lane["height"] / 2)
    page.keyboard.type("G7")
    page.keyboard.press("Shift+Tab")
    expect(page.locator("#chord-input")).to_have_value("")  # bar 2, beat 2: nothing starts there
    page.keyboard.press("Escape")
    page.wait_for_function(f"{CHORDS}.map(c => c.symbol).join() === 'F,Dm7,G7,Gm7,C7'")
    assert [(c["start"], c["duration"]) for c in page.evaluate(CHORDS)][1:3] == [(1920, 960), (2880, 480)]

    # Move the G7 a beat later with the arrow key, delete it, and undo the delete.
    page.locator("#chord-lane .chord", has_text="G7").focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"{CHORDS}.find(c => c.symbol === 'G7').start === 3360")
    page.locator("#chord-lane .chord", has_text="G7").focus()
    page.keyboard.press("Delete")
    page.wait_for_function(f"{CHORDS}.length === 4")
    page.get_by_role("button", name="↶ Undo").click()
    page.wait_for_function(f"{CHORDS}.length === 5")

    # Comping: heard on a piano of its own (off by default).
    page.locator("#chord-options-button").click()
    assert page.input_value("#comping") == ""
    page.select_option("#comping", "piano")
    page.keyboard.press("Escape")
    assert page.evaluate("window.studio.audio.comping") == "piano"
    page.get_by_role("button", name="▶ Play").click()
    page.wait_for_function("window.studio.audio.heard.has('__comping')", timeout=20_000)
    heard = page.evaluate("window.studio.audio.heard.get('__comping')")
    melody = page.evaluate("window.studio.room.view.tracks[0].channel")
    assert heard["program"] == 0 and heard["channel"] == 15 != melody  # a piano, on a channel of its own
    page.get_by_role("button", name="■ Stop").click()
    assert_fits(page, "the chord lane")
    screenshot(page, "chord-lane")


def test_ai_suggests_chords_for_a_melody_then_harmonizes_following_them(studio_server, new_page):
    from composer_ui.symbols import parse_chord

    page = new_page(1366, 768)
    sign_up_from_home(page, studio_server.url, "Noor")
    create_piece(page, "Chorale with chords", "SATB choir", key="G")
    page.locator("#show-chords").click()
    expect(page.locator("#chord-lane")).to_be_visible()
    draw_melody(page, [67, 67, 69, 71, 72, 71, 69, 67, 69, 71, 72, 74, 71, 69, 67, 67])  # on the Soprano

    # Suggest chords for bars 1-4, two per bar; the candidate shows as ghost chords in the lane.
    select_bars(page, 0, 3)
    page.select_option("#ai-operation", "chords")
    page.select_option("[data-control=harmonic_rhythm]", "half")  # shown with the operation
    page.click("#ai-ask")
    expect(page.locator("#ai-proposal")).to_be_visible(timeout=60_000)
    expect(page.locator("#chord-lane .chord.ghost").first).to_be_visible()
    ghosts = page.locator("#chord-lane .chord.ghost").all_inner_texts()
    screenshot(page, "ai-chords-proposal")
    page.click("#ai-play")  # heard on the comping piano, in place of the lane's chords there
    page.wait_for_function("window.studio.audio.heard.has('__comping')", timeout=20_000)
    page.click("#ai-accept")
    page.wait_for_function(f"{CHORDS}.some(c => c.author.kind === 'model')")
    expect(page.locator("#ai-status")).to_contain_text("chords for bars 1-4 of Soprano")
    chords = page.evaluate(CHORDS)
    assert [c["symbol"] for c in chords] == ghosts
    for chord in chords:
        assert chord["author"]["kind"] == "model" and chord["job"] and chord["accepted_by"]["kind"] == "user"
        assert chord["start"] % 960 == 0 and chord["start"] + chord["duration"] <= 4 * 1920
    expect(page.locator("#chord-lane .chord.ai")).to_have_count(len(chords))  # attributed like AI notes
    assert "AI (" in page.locator("#chord-lane .chord.ai").first.get_attribute("title")

    # Harmonize the melody: alto, tenor and bass follow the chords.
    page.select_option("#ai-operation", "harmonize")
    page.click("#ai-ask")
    expect(page.locator("#ai-proposal")).to_be_visible(timeout=90_000)
    page.click("#ai-accept")
    page.wait_for_function("Object.values(window.studio.room.view.notes).some(n => n.author.kind === 'model')")
    tracks = page.evaluate("window.studio.room.view.tracks.map(t => t.id)")
    written = page.evaluate("Object.values(window.studio.room.view.notes).filter(n => n.author.kind === 'model')")
    assert {n["track"] for n in written} == set(tracks[1:])
    for chord in chords:
        parsed = parse_chord(chord["symbol"])
        at_onset = [n for n in written if n["start"] == chord["start"]]
        assert {n["track"] for n in at_onset} == set(tracks[1:]), chord          # every voice sounds the chord
        assert all(n["pitch"] % 12 in parsed.pitch_classes for n in at_onset), (chord, at_onset)
        assert [n["pitch"] % 12 for n in at_onset if n["track"] == tracks[3]] == [parsed.bass], chord
    assert_fits(page, "the AI's chords")
    screenshot(page, "ai-chords")
