"""A newcomer's first minutes: sign up, create a piece, invite a guest who joins by name."""
import re

from playwright.sync_api import expect

from .conftest import screenshot


def test_sign_up_create_a_piece_and_a_guest_joins(studio_server, new_page):
    ana = new_page()
    ana.goto(studio_server.url + "/")
    ana.get_by_role("link", name="Sign up").first.click()
    ana.fill("#id_username", "ana")
    ana.fill("#id_first_name", "Ana")
    ana.fill("#id_password1", "a-long-pass-phrase-9")
    ana.fill("#id_password2", "a-long-pass-phrase-9")
    ana.get_by_role("button", name="Create account").click()
    expect(ana.get_by_role("heading", name="Your pieces")).to_be_visible()

    ana.fill("#id_title", "Morning chorale")
    ana.select_option("#id_time_signature", "3/4")
    ana.get_by_role("button", name="Create piece").click()
    expect(ana.get_by_role("heading", name="Morning chorale")).to_be_visible()
    expect(ana.locator("#connection")).to_have_text("online")

    ana.get_by_role("button", name="Share").click()
    ana.get_by_role("button", name="Create invite link").click()
    expect(ana.locator("#invites code").first).to_contain_text("/join/")
    link = ana.locator("#invites code").first.inner_text()
    assert re.match(r"^http://127\.0\.0\.1:\d+/join/[\w-]+/$", link)

    kim = new_page()
    kim.goto(link)
    kim.fill("#id_display_name", "Kim")
    kim.get_by_role("button", name="Join").click()
    expect(kim.get_by_role("heading", name="Morning chorale")).to_be_visible()
    expect(kim.locator("#connection")).to_have_text("online")

    # Ana sees Kim arrive, live, in the presence bar.
    expect(ana.locator("#presence .chip", has_text="Kim")).to_be_visible()
    screenshot(ana, "piece")
