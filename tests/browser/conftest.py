"""Browser tests: Debian's Chromium driven by Playwright against the real server (daphne)."""
import os
from pathlib import Path

import pytest

from tests.studio_server import ROOT, StudioServer  # noqa: F401  (test modules import them from here)

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = ROOT / "docs" / "screenshots"


@pytest.fixture(scope="session")
def studio_server():
    server = StudioServer(prefix="studio-browser-")
    try:
        yield server
    finally:
        server.close()


# Module scope: Playwright's sync API keeps an event loop running while it is open, and the suite's
# later tests start event loops of their own (asyncio.run, pytest-asyncio), which refuse to nest.
@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM,
                                             args=["--no-sandbox", "--disable-gpu",
                                                   "--autoplay-policy=no-user-gesture-required"])
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser):
    contexts = []

    def make(width=1280, height=800):
        context = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        return context.new_page()
    yield make
    for context in contexts:
        context.close()


def screenshot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))
