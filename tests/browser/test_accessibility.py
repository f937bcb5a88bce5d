"""axe-core on the citizen-facing pages (issue 13): no serious or critical violations on the
kiosk, the waiting-room board, the phone ticket page and the rating tablet, and kiosk touch
targets of at least 64 px. Screenshots of each checked state go to tests/artifacts.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.axe import describe, severe_violations
from tests.browser.test_console import TABLET_SIZE, rating_device
from tests.browser.test_kiosk import SIZES, field, open_kiosk, settled
from tests.browser.test_phone_page import open_phone
from tests.browser.test_rating import finished, open_tablet
from tests.browser.test_rating import screen as tablet_screen
from tests.display.helpers import Api

pytestmark = pytest.mark.browser

MIN_TOUCH_PX = 64

# Everything a finger can hit on the kiosk, wherever it is shown.
SMALL_TARGETS = """min => {
  const targets = 'button, a[href], input, select, textarea, [role=button], [tabindex]';
  const small = [];
  for (const el of document.querySelectorAll(targets)) {
    const r = el.getBoundingClientRect();
    if (!r.width || !r.height || getComputedStyle(el).visibility === 'hidden') continue;
    if (r.width < min || r.height < min)
      small.push((el.id || el.className || el.tagName) + ' ' + Math.round(r.width) + 'x' +
                 Math.round(r.height) + ' ' + (el.textContent || '').trim().slice(0, 30));
  }
  return small;
}"""


def accessible(page: Page, screenshot, name: str) -> None:
    """The page as it is now has no serious or critical axe-core violation."""
    page.evaluate("document.fonts.ready.then(() => true)")
    screenshot(page, name)
    violations = severe_violations(page)
    assert violations == [], f"{name}:\n{describe(violations)}"


def big_targets(page: Page) -> None:
    small = page.evaluate(SMALL_TARGETS, MIN_TOUCH_PX)
    assert small == [], f"kiosk targets under {MIN_TOUCH_PX} px: {small}"


@pytest.mark.parametrize("orientation", SIZES)
def test_kiosk_start_screen(demo_site, new_page, screenshot, orientation):
    page = open_kiosk(new_page, demo_site["url"], SIZES[orientation])
    settled(page, "start")
    accessible(page, screenshot, f"a11y_kiosk_start_{orientation}")
    big_targets(page)


def test_kiosk_priority_and_ticket_screens(demo_site, new_page, screenshot):
    page = open_kiosk(new_page, demo_site["url"])
    settled(page, "start")
    field(page, "Hộ tịch").click()
    settled(page, "priority")
    accessible(page, screenshot, "a11y_kiosk_priority")
    big_targets(page)

    page.locator("#k-classes button").first.click()
    settled(page, "ticket")
    expect(page.locator("#k-number")).to_have_text("A001")
    accessible(page, screenshot, "a11y_kiosk_ticket")
    big_targets(page)


def test_board_with_a_call(demo_site, new_page, screenshot):
    api = Api(demo_site["url"], demo_site["token"])
    counter = demo_site["office"]["counters"][1]
    api.open(counter)
    api.issue("A")
    api.issue("A")
    api.next(counter)
    page = new_page(1920, 1080)
    page.goto(demo_site["url"] + "/display/T1?mute=1")
    expect(page.locator("html")).to_have_attribute("data-live", "online")
    expect(page.locator('[data-counter="1"] .counter-code')).to_have_text("A001")
    accessible(page, screenshot, "a11y_board")


def test_phone_page_waiting_and_called(demo_site, new_page, screenshot):
    api = Api(demo_site["url"], demo_site["token"])
    counter = demo_site["office"]["counters"][1]
    api.open(counter)
    api.issue("A")
    mine = api.issue("A")
    page = open_phone(new_page, demo_site["url"] + f"/t/{mine['token']}")
    expect(page.locator("html")).to_have_attribute("data-live", "online")
    expect(page.locator("#ticket-ahead")).to_have_text("1")
    accessible(page, screenshot, "a11y_phone_waiting")

    first = api.next(counter)
    api.act(first["id"], "start")
    api.next(counter)
    expect(page.locator("#phone")).to_have_attribute("data-status", "called")
    expect(page.locator("#called")).to_be_visible()
    accessible(page, screenshot, "a11y_phone_called")


def test_rating_tablet_idle_and_asking(demo_site, new_page, screenshot, database_url):
    base, counter = demo_site["url"], demo_site["office"]["counters"][1]
    page = open_tablet(new_page, base, counter, rating_device(database_url))
    assert page.viewport_size == {"width": TABLET_SIZE[0], "height": TABLET_SIZE[1]}
    expect(page.locator("html")).to_have_attribute("data-live", "online")
    tablet_screen(page, "idle")
    accessible(page, screenshot, "a11y_rating_idle")

    finished(base, demo_site["token"], counter)
    tablet_screen(page, "ask")
    accessible(page, screenshot, "a11y_rating_ask")
