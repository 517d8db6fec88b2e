"""Steps the studio's browser tests share: accounts, pieces and invites through the real pages and API."""
import uuid

from playwright.sync_api import Page

MELODY = [67, 67, 69, 71, 72, 71, 69, 67, 69, 71, 72, 74, 71, 69, 67, 67]
SATB = [{"name": "Soprano", "program": 52, "pitch_range": [60, 81]}, {"name": "Alto", "program": 52},
        {"name": "Tenor", "program": 52}, {"name": "Bass", "program": 32}]

API = """async ([method, url, body]) => {
  const csrf = (document.cookie.match(/csrftoken=([^;]+)/) || [])[1];
  const response = await fetch(url, {method, headers: {"Content-Type": "application/json", "X-CSRFToken": csrf},
                                     body: body === null ? undefined : JSON.stringify(body)});
  return await response.json();
}"""


def sign_up(page: Page, base: str, name: str) -> None:
    page.goto(base + "/signup/")
    page.fill("#id_username", f"{name}-{uuid.uuid4().hex[:6]}")  # one server serves every test
    page.fill("#id_first_name", name.title())
    page.fill("#id_password1", "a-long-pass-phrase-9")
    page.fill("#id_password2", "a-long-pass-phrase-9")
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url(base + "/")


def api(page: Page, method: str, url: str, body=None):
    return page.evaluate(API, [method, url, body])


def chorale(page: Page, title: str) -> int:
    """A four-part piece with a 4-bar melody on the soprano; returns its id."""
    piece = api(page, "POST", "/api/pieces/", {"title": title, "key": "G major", "tracks": SATB, "tempo": 120})
    piece_id = piece["piece"]["id"]
    ops = [{"op": "note.add", "id": f"m{i}", "track": "t1-1", "start": i * 480, "duration": 480, "pitch": p}
           for i, p in enumerate(MELODY)]
    api(page, "POST", f"/api/pieces/{piece_id}/ops/", {"ops": ops})
    return piece_id


def invite_guest(owner: Page, guest: Page, base: str, piece_id: int, name: str, role: str = "editor") -> None:
    token = api(owner, "POST", f"/api/pieces/{piece_id}/invites/", {"role": role})["invite"]["token"]
    guest.goto(f"{base}/join/{token}/")
    guest.fill("#id_display_name", name)
    guest.get_by_role("button", name="Join").click()
    guest.wait_for_url(f"{base}/pieces/{piece_id}/")


def open_studio(page: Page, base: str, piece_id: int) -> None:
    if not page.url.endswith(f"/pieces/{piece_id}/"):
        page.goto(f"{base}/pieces/{piece_id}/")
    page.wait_for_selector("#connection.online")
    page.wait_for_function("window.studio && window.studio.room.ready")


def notes(page: Page) -> list[dict]:
    return page.evaluate("Object.values(window.studio.room.view.notes)")


def me(page: Page) -> int:
    return page.evaluate("Number(document.getElementById('studio-script').dataset.me)")


def roll_point(page: Page, tick: int, pitch: int) -> tuple[float, float]:
    """Screen coordinates of (tick, pitch) on the roll, from its own geometry."""
    x, y = page.evaluate("""([tick, pitch]) => {
      const roll = document.getElementById('roll'); const g = roll.geometry;
      g.topPitch = 84; g.scrollTick = Math.max(0, tick - 1920); roll.render();
      const r = roll.getBoundingClientRect();
      return [r.left + g.x(tick) + 2, r.top + g.y(pitch) + g.rowHeight / 2];
    }""", [tick, pitch])
    return x, y
