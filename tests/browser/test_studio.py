"""The piano-roll studio in two browsers against the real server."""
from playwright.sync_api import expect

from .conftest import screenshot
from .studio_helpers import chorale, invite_guest, me, notes, open_studio, roll_point, sign_up


def two_in_a_room(server, new_page, title):
    """An owner and an invited guest with the same chorale open; returns (owner, guest, piece id)."""
    owner, guest = new_page(), new_page()
    sign_up(owner, server.url, "owner")
    piece_id = chorale(owner, title)
    invite_guest(owner, guest, server.url, piece_id, "Guest")
    open_studio(owner, server.url, piece_id)
    open_studio(guest, server.url, piece_id)
    return owner, guest, piece_id


def draw_note(page, tick, pitch):
    x, y = roll_point(page, tick, pitch)
    page.mouse.click(x, y)


def test_two_people_edit_together_and_undo_only_their_own(studio_server, new_page):
    ana, kim, piece_id = two_in_a_room(studio_server, new_page, "Together")
    ana_id, kim_id = me(ana), me(kim)

    draw_note(ana, 16 * 480, 72)  # bar 5, an empty bar
    kim.wait_for_function(f"Object.values(window.studio.room.view.notes).some(n => n.author.id === {ana_id} "
                          f"&& n.start === {16 * 480})")
    colours = kim.evaluate("document.getElementById('roll').colours")
    members = kim.evaluate("window.studio.members")
    assert colours[str(ana_id)] == next(m["colour"] for m in members if m["id"] == ana_id)

    kim.locator("#track-list [data-select]", has_text="Alto").click()
    draw_note(kim, 17 * 480, 64)
    ana.wait_for_function(f"Object.values(window.studio.room.view.notes).some(n => n.author.id === {kim_id})")
    ana.locator("piano-roll").focus()
    ana.keyboard.press("Control+KeyZ")
    kim.wait_for_function(f"!Object.values(window.studio.room.view.notes).some(n => n.author.id === {ana_id} "
                          f"&& n.start === {16 * 480})")
    assert any(n["author"]["id"] == kim_id for n in notes(kim))
    assert any(n["author"]["id"] == kim_id for n in notes(ana))
    screenshot(ana, "studio")


def test_a_viewer_watches_but_cannot_draw(studio_server, new_page):
    base = studio_server.url
    owner, viewer = new_page(), new_page()
    sign_up(owner, base, "olga")
    piece_id = chorale(owner, "Listen only")
    invite_guest(owner, viewer, base, piece_id, "Vic", role="viewer")
    open_studio(viewer, base, piece_id)
    before = len(notes(viewer))
    draw_note(viewer, 16 * 480, 70)
    viewer.wait_for_timeout(500)
    assert len(notes(viewer)) == before
    expect(viewer.locator("#roll-status")).to_contain_text("viewer")  # said under the roll, where it happened


def test_ask_for_an_infill_audition_candidates_and_accept(studio_server, new_page):
    ana, kim, piece_id = two_in_a_room(studio_server, new_page, "With the AI")

    ruler_x, ruler_y = roll_point(ana, 1 * 1920 + 100, 84)
    ana.mouse.click(ruler_x, ana.locator("piano-roll").bounding_box()["y"] + 8)  # bar 2 on the ruler
    for name in ("Soprano", "Alto", "Tenor", "Bass"):
        ana.get_by_label(f"The AI writes {name}").check()
    ana.select_option("#ai-operation", "infill")
    ana.get_by_text("More controls").click()
    ana.fill("#ai-candidates", "3")
    ana.click("#ai-ask")
    expect(ana.locator("#ai-proposal")).to_be_visible(timeout=60_000)
    expect(ana.locator("#ai-count")).to_have_text("3")
    ana.locator("piano-roll").focus()
    ana.keyboard.press("BracketRight")
    expect(ana.locator("#ai-index")).to_have_text("2")
    screenshot(ana, "proposal")
    ana.click("#ai-accept")
    for page in (ana, kim):
        page.wait_for_function("Object.values(window.studio.room.view.notes).some(n => n.author.kind === 'model')")
    accepted = [n for n in notes(kim) if n["author"]["kind"] == "model"]
    assert accepted and all(n["candidate"] == 1 and n["accepted_by"]["id"] == me(ana) for n in accepted)
    ana.select_option("#filter", "ai")
    screenshot(ana, "attribution-filter")


def test_the_page_catches_up_after_the_server_restarts(studio_server, new_page):
    ana, kim, piece_id = two_in_a_room(studio_server, new_page, "Restart")
    studio_server.kill()
    expect(ana.locator("#connection")).to_have_text("offline")
    draw_note(ana, 20 * 480, 76)  # drawn while offline: pending, re-sent on reconnect
    studio_server.start()
    expect(ana.locator("#connection")).to_have_text("online", timeout=20_000)
    kim.wait_for_function(f"Object.values(window.studio.room.view.notes).some(n => n.start === {20 * 480})",
                          timeout=20_000)
    assert ana.evaluate("window.studio.room.seq") == kim.evaluate("window.studio.room.seq")


FAKE_MIDI = """
(() => {
  const input = { name: "Test keyboard", onmidimessage: null };
  const access = { inputs: new Map([["k", input]]), onstatechange: null };
  navigator.requestMIDIAccess = async () => access;
  window.__midi = (bytes) => input.onmidimessage && input.onmidimessage({ data: new Uint8Array(bytes) });
})();
"""


def test_step_recording_from_a_midi_keyboard(studio_server, new_page):
    base = studio_server.url
    page = new_page()
    page.add_init_script(FAKE_MIDI)
    sign_up(page, base, "mia")
    piece_id = chorale(page, "Keys")
    open_studio(page, base, piece_id)
    expect(page.locator("#midi-status")).to_have_text("MIDI: Test keyboard")
    page.locator("#track-list [data-select]", has_text="Alto").click()
    page.select_option("#grid", "1/8")
    page.evaluate("document.getElementById('roll').playhead = 1920")  # bar 2
    page.click("#open-files")
    page.select_option("#record", "step")
    page.keyboard.press("Escape")
    for bytes_ in ([0x90, 60, 100], [0x90, 64, 90], [0x80, 60, 0], [0x90, 64, 0], [0x90, 67, 80], [0x80, 67, 0]):
        page.evaluate("(b) => window.__midi(b)", bytes_)
    page.wait_for_function("Object.values(window.studio.room.view.notes).filter(n => n.track === 't1-2').length === 3")
    alto = sorted((n["start"], n["pitch"], n["duration"]) for n in notes(page) if n["track"] == "t1-2")
    assert alto == [(1920, 60, 240), (1920, 64, 240), (2160, 67, 240)]


def test_play_uses_the_soundfont_and_moves_the_playhead(studio_server, new_page):
    page = new_page()
    sign_up(page, studio_server.url, "hal")
    piece_id = chorale(page, "Listen")
    open_studio(page, studio_server.url, piece_id)
    page.click("#play")
    page.wait_for_function("window.studio.audio.instrument === 'SoundFont (TimGM6mb)'", timeout=20_000)
    page.wait_for_function("document.getElementById('roll').playhead > 480")
    page.keyboard.press("Space")
    assert page.evaluate("window.studio.audio.playing") is False
