"""Keyboard and screen-reader use: axe-core (vendored) finds no serious or critical violation on the home,
studio and history pages; every control is reached with Tab and shows its focus; Space and Enter press the
focused control; the roll has a name and the selection is said in words; notes can be written without a mouse."""
from pathlib import Path

from playwright.sync_api import expect

from .conftest import ROOT
from .journey import create_piece, draw_melody, sign_up_from_home

AXE = ROOT / "static" / "vendor" / "axe-core" / "axe.min.js"
RUN_AXE = """async () => {
  const result = await axe.run(document, { resultTypes: ["violations"] });
  return result.violations.filter((v) => ["serious", "critical"].includes(v.impact))
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}`);
}"""


def axe_violations(page) -> list[str]:
    page.add_script_tag(path=str(Path(AXE)))
    return page.evaluate(RUN_AXE)


def test_no_serious_accessibility_violations_on_home_studio_and_history(studio_server, new_page):
    page = new_page(1366, 768)
    sign_up_from_home(page, studio_server.url, "Axel")
    assert axe_violations(page) == [], "home"
    create_piece(page, "Accessible", "SATB choir", key="D")
    draw_melody(page, [74, 73, 71, 69])
    assert axe_violations(page) == [], "studio"
    page.get_by_role("button", name="Piece settings").click()
    assert axe_violations(page) == [], "settings dialog"
    page.keyboard.press("Escape")
    page.get_by_role("button", name="+ Add track").click()
    assert axe_violations(page) == [], "add-track dialog"
    page.keyboard.press("Escape")
    page.get_by_role("link", name="History & analytics").click()
    page.wait_for_selector("#timeline li.entry")
    assert axe_violations(page) == [], "history"


FOCUS = """() => {
  const el = document.activeElement;
  const inner = el?.shadowRoot?.activeElement ?? el;
  const style = getComputedStyle(inner);
  const visible = (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== "none";
  return { id: inner.id || el.id, tag: inner.tagName, text: (inner.textContent || inner.getAttribute("aria-label") || "").trim().slice(0, 30),
           visible, label: inner.getAttribute("aria-label") };
}"""


def test_every_control_is_reached_by_tab_with_visible_focus_and_pressed_by_keys(studio_server, new_page):
    page = new_page(1366, 768)
    sign_up_from_home(page, studio_server.url, "Tab")
    create_piece(page, "Keys only", "Melody", key="F")
    page.locator("body").click(position={"x": 5, "y": 300})
    seen = []
    for _ in range(80):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS)
        if focus["tag"] == "BODY":  # past the last control, Tab leaves the page for a moment
            continue
        assert focus["visible"], f"no visible focus on {focus}"
        seen.append(focus)
    reached = {f["id"] or f["text"] for f in seen}
    for control in ("open-settings", "open-share", "play", "tool-draw", "grid", "export", "track-add", "roll",
                    "Melody", "ai-operation", "ai-ask"):
        assert control in reached, f"{control} is not reached with Tab: {sorted(reached)}"
    roll = next(f for f in seen if f["tag"] == "CANVAS")
    assert roll["label"].startswith("Piano roll of Keys only")

    # Space and Enter press the focused control, not the transport.
    page.get_by_role("button", name="+ Add track").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#track-dialog")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("#track-dialog")).to_be_hidden()
    page.get_by_label("Count-in").focus()
    page.keyboard.press("Space")
    expect(page.get_by_label("Count-in")).to_be_checked()
    assert page.evaluate("window.studio.audio.playing") is False

    # Notes from the keyboard alone: the caret, N, and the selection said in words.
    page.locator("piano-roll").focus()
    for key in ("ArrowUp", "ArrowUp", "n", "n", "n"):
        page.keyboard.press(key)
    page.wait_for_function("Object.keys(window.studio.room.view.notes).length === 3")
    starts = sorted(n["start"] for n in page.evaluate("Object.values(window.studio.room.view.notes)"))
    assert starts == [0, 480, 960]
    page.keyboard.press("Control+KeyA")
    expect(page.locator("#selection-text")).to_have_text("3 notes selected, bar 1, Melody")
