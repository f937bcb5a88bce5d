"""The screen above a counter, in headless Chromium against a live server."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.display.helpers import Api, offline_engine

pytestmark = pytest.mark.browser

FLASHES = "() => window.luotCounter.flashes"


def test_counter_screen_follows_its_counter(demo_site, new_page, screenshot):
    api = Api(demo_site["url"], demo_site["token"])
    c1, c2 = demo_site["office"]["counters"][1], demo_site["office"]["counters"][2]
    page = new_page(1280, 720)
    page.goto(f"{demo_site['url']}/display/counter/{c1}")
    expect(page.locator("html")).to_have_attribute("data-live", "online")
    expect(page.locator("#counter-number")).to_have_text("Quầy 1")
    expect(page.locator("#now-label")).to_have_text("Tạm đóng")
    # Closed: the state in large words, not a dash that reads as a grey bar.
    expect(page.locator("#now-code")).to_be_hidden()
    label_px = page.locator("#now-label").evaluate("n => parseFloat(getComputedStyle(n).fontSize)")
    assert label_px >= 100, label_px
    page.evaluate("() => document.fonts.ready")
    screenshot(page, "counter_display_closed")

    api.open(c1)
    api.open(c2)
    api.issue("A")
    api.issue("B")
    expect(page.locator("#now-label")).to_have_text("Sẵn sàng")
    ticket = api.next(c1)
    screen = page.locator("#screen")
    expect(page.locator("#now-code")).to_have_text("A001")
    expect(screen).to_have_class(re.compile("is-calling"))
    expect(screen).to_have_class(re.compile("is-flash"))
    expect(page.locator("#now-label")).to_have_text("Đang mời")
    assert page.evaluate(FLASHES) == 1
    page.evaluate("() => document.fonts.ready")
    screenshot(page, "counter_display")

    api.next(c2)  # another counter's call: no flash here
    api.act(ticket["id"], "recall")
    page.wait_for_function("() => window.luotCounter.flashes === 2")
    api.act(ticket["id"], "start")
    expect(page.locator("#now-label")).to_have_text("Đang phục vụ")
    expect(page.locator("#now-code")).to_have_text("A001")
    assert page.evaluate(FLASHES) == 2


def test_counter_screen_recovers_after_a_server_restart(demo_site, new_page, database_url):
    api = Api(demo_site["url"], demo_site["token"])
    c1 = demo_site["office"]["counters"][1]
    api.open(c1)
    api.issue("A")
    api.issue("A")
    page = new_page(800, 480)
    page.goto(f"{demo_site['url']}/display/counter/{c1}")
    expect(page.locator("html")).to_have_attribute("data-live", "online")
    first = api.next(c1)
    expect(page.locator("#now-code")).to_have_text("A001")
    api.act(first["id"], "start")

    demo_site["server"].stop()
    expect(page.locator("#live-status")).to_have_text(re.compile("Mất kết nối"))
    engine, db = offline_engine(database_url)
    engine.call_next(c1)  # finishes A001, calls A002
    db.dispose()
    demo_site["server"].start()

    expect(page.locator("#live-status")).to_be_hidden(timeout=20_000)
    expect(page.locator("#now-code")).to_have_text("A002")
    expect(page.locator("#now-label")).to_have_text("Đang mời")
    # A call seen only in the snapshot after a reconnect is shown, not flashed.
    assert page.evaluate(FLASHES) == 1
