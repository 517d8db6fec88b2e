"""Steps of journeys through the page alone: clicks and keys a person makes, never the API.

Reading the page's own state (the roll's geometry, the room's view) to aim a click or to check what
happened is fine; creating or changing anything other than through the page is not.
"""
import uuid

from playwright.sync_api import Page, expect

# The page must fit the screens people have: nothing sticks out of its box, and the AI's controls are
# on screen without scrolling the page or the panel.
OVERFLOWS = """() => {
  const bad = [];
  const scrolls = (s) => ["auto", "scroll", "hidden", "clip"].includes(s.overflowX) || ["auto", "scroll", "hidden", "clip"].includes(s.overflowY);
  for (const el of document.querySelectorAll("body *")) {
    if (el.closest("dialog:not([open]), [hidden], .visually-hidden, script, style, option, optgroup")) continue;
    const style = getComputedStyle(el);
    if (style.display === "none" || style.position === "fixed" || style.position === "absolute") continue;
    const parent = el.offsetParent ?? el.parentElement;
    if (!parent || scrolls(getComputedStyle(parent))) continue;
    const r = el.getBoundingClientRect();
    const p = parent.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    if (r.left < p.left - 1 || r.right > p.right + 1 || r.top < p.top - 1 || r.bottom > p.bottom + 1) {
      bad.push(`${el.tagName.toLowerCase()}#${el.id}.${el.className} ${Math.round(r.left)},${Math.round(r.top)}-${
        Math.round(r.right)},${Math.round(r.bottom)} outside ${parent.tagName.toLowerCase()}#${parent.id}.${parent.className} ${
        Math.round(p.left)},${Math.round(p.top)}-${Math.round(p.right)},${Math.round(p.bottom)}`);
    }
  }
  const doc = document.documentElement;
  if (doc.scrollWidth > innerWidth + 1) bad.push(`the page is ${doc.scrollWidth}px wide in a ${innerWidth}px window`);
  if (document.body.classList.contains("studio-page") && doc.scrollHeight > innerHeight + 1) {
    bad.push(`the studio is ${doc.scrollHeight}px tall in a ${innerHeight}px window`);
  }
  return bad;
}"""

ON_SCREEN = """(ids) => ids.filter((id) => {
  const el = document.getElementById(id);
  const r = el.getBoundingClientRect();
  const panel = el.closest(".ai-panel").getBoundingClientRect();
  return !(r.width > 0 && r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth
    && r.top >= panel.top && r.bottom <= panel.bottom);
})"""
AI_CONTROLS = ["ai-operation", "ai-ask", "ai-accept", "ai-reject", "ai-regenerate", "ai-play"]


def assert_fits(page: Page, where: str) -> None:
    bad = page.evaluate(OVERFLOWS)
    assert not bad, f"{where}: {len(bad)} elements overflow: " + "; ".join(bad[:8])


def assert_ai_controls_on_screen(page: Page) -> None:
    assert page.evaluate("document.querySelector('.ai-panel').scrollTop") == 0
    off = page.evaluate(ON_SCREEN, AI_CONTROLS)
    assert not off, f"AI controls off screen: {off}"


def sign_up_from_home(page: Page, base: str, name: str) -> str:
    page.goto(base + "/")
    page.get_by_role("link", name="Sign up").first.click()
    username = f"{name.lower()}-{uuid.uuid4().hex[:6]}"
    page.fill("#id_username", username)
    page.fill("#id_first_name", name)
    page.fill("#id_password1", "a-long-pass-phrase-9")
    page.fill("#id_password2", "a-long-pass-phrase-9")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Your pieces")).to_be_visible()
    return username


def create_piece(page: Page, title: str, template: str, key: str = "C", meter: str = "4/4") -> None:
    page.fill("#id_title", title)
    page.get_by_role("radio", name=template, exact=True).check()
    page.fill("#id_key", key)
    page.select_option("#id_time_signature", meter)
    page.get_by_role("button", name="Create piece").click()
    expect(page.get_by_role("heading", name=title)).to_be_visible()
    expect(page.locator("#connection")).to_have_text("online")
    page.wait_for_function("window.studio && window.studio.room.ready")


def roll_xy(page: Page, tick: int, pitch: int) -> tuple[float, float]:
    """Where (tick, pitch) is on screen, read from the roll's own geometry (nothing is moved)."""
    return page.evaluate("""([tick, pitch]) => {
      const roll = document.getElementById('roll'); const g = roll.geometry;
      const r = roll.getBoundingClientRect();
      return [r.left + g.x(tick) + 3, r.top + g.y(pitch) + g.rowHeight / 2];
    }""", [tick, pitch])


def click_track(page: Page, name: str) -> None:
    page.locator("#track-list [data-select]", has_text=name).click()


def draw_melody(page: Page, pitches: list[int], step: int = 480) -> None:
    """Click one note per pitch on the active track, `step` ticks apart (notes last a quarter)."""
    before = page.evaluate("Object.keys(window.studio.room.view.notes).length")
    for i, pitch in enumerate(pitches):
        page.mouse.click(*roll_xy(page, i * step, pitch))
    page.wait_for_function(f"window.studio.room.pending.length === 0 && "
                           f"Object.keys(window.studio.room.view.notes).length === {before + len(pitches)}")


def select_bars(page: Page, first: int, last: int) -> None:
    """Drag across bar numbers on the ruler (0-based bars, `last` included)."""
    box = page.locator("piano-roll").bounding_box()
    y = box["y"] + 10
    x0 = roll_xy(page, first * page.evaluate("document.getElementById('roll').barTicks()") + 60, 60)[0]
    x1 = roll_xy(page, last * page.evaluate("document.getElementById('roll').barTicks()") + 60, 60)[0]
    page.mouse.move(x0, y)
    page.mouse.down()
    page.mouse.move(x1, y)
    page.mouse.up()


def wait_for_proposal(page: Page) -> None:
    expect(page.locator("#ai-proposal")).to_be_visible(timeout=90_000)


def model_notes(page: Page) -> list[dict]:
    return page.evaluate("Object.values(window.studio.room.view.notes).filter(n => n.author.kind === 'model')")
