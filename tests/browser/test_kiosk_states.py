"""The kiosk when things are not ideal, before anyone taps: outside opening hours, and with
the server gone (stopped, the page reloaded while it is away, then started again).

Screenshots: kiosk_closed_portrait, kiosk_offline_portrait, kiosk_offline_reloaded_portrait,
kiosk_back_online_portrait (tests/artifacts/screenshots/).
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.browser.test_kiosk import check_screen, field, open_kiosk, settled
from tests.display.helpers import set_settings

pytestmark = pytest.mark.browser
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def every_day(period: list[str]) -> dict:
    return {day: [period] for day in DAYS}


def test_outside_hours_the_start_screen_says_closed_with_the_hours_and_the_next_opening(
    demo_site, new_page, database_url, screenshot
):
    base = demo_site["url"]
    later = dt.datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")) + dt.timedelta(hours=12)
    period = [later.strftime("%H:00"), later.strftime("%H:30")]
    set_settings(database_url, "T1", {"hours": every_day(period)})
    page = open_kiosk(new_page, base, query="check=1")

    closed = page.locator("#k-closed")
    expect(closed).to_be_visible()
    expect(closed).to_contain_text("Ngoài giờ làm việc")
    expect(page.locator("#k-closed-today")).to_have_text(
        f"Giờ làm việc hôm nay: {period[0]}–{period[1]}"
    )
    expect(page.locator("#k-closed-next")).to_have_text(
        re.compile(rf"^Mở lại lúc {period[0]}(, .+| hôm nay)$")
    )
    expect(page.locator("button.k-service:visible")).to_have_count(0)  # nothing to tap that fails
    assert page.evaluate("window.luotKiosk.state().closed") is True
    check_screen(page)
    screenshot(page, "kiosk_closed_portrait")

    page.locator("#k-lang").click()  # in English too
    expect(page.locator("#k-closed-today")).to_have_text(f"Today's hours: {period[0]}–{period[1]}")
    page.locator("#k-lang").click()

    # The office opens (here: its hours are changed): the fields come back by themselves.
    set_settings(database_url, "T1", {"hours": every_day(["00:00", "23:59"])})
    expect(field(page, "Hộ tịch")).to_be_visible(timeout=10_000)
    expect(closed).to_be_hidden()


def test_a_server_that_goes_away_is_said_at_once_and_a_reload_still_opens_the_kiosk(
    demo_site, new_page, screenshot
):
    base, server = demo_site["url"], demo_site["server"]
    page = open_kiosk(new_page, base, query="check=1")
    # The service worker keeps the page and what it loads for when the server is away.
    page.wait_for_function("() => navigator.serviceWorker && navigator.serviceWorker.controller")
    page.reload()  # every request of this load passes the worker, which keeps a copy
    page.wait_for_selector("#kiosk[data-ready=true]")
    page.evaluate("document.fonts.ready.then(() => true)")
    expect(field(page, "Hộ tịch")).to_be_visible()

    server.stop()
    offline = page.locator("#k-offline")
    expect(offline).to_be_visible(timeout=10_000)
    expect(offline).to_contain_text("Máy lấy số đang mất kết nối")
    expect(offline).to_contain_text("đang tự kết nối lại")
    expect(page.locator("button.k-service:visible")).to_have_count(0)  # no stale counts to tap
    check_screen(page)
    screenshot(page, "kiosk_offline_portrait")

    # A reload (or a reboot) while it is away: the kiosk page, not the browser's error.
    page.reload()
    page.wait_for_selector("#kiosk[data-ready=true]")
    expect(page.locator("#k-offline")).to_be_visible(timeout=10_000)
    assert "can't be reached" not in page.content()
    screenshot(page, "kiosk_offline_reloaded_portrait")

    server.start()
    expect(field(page, "Hộ tịch")).to_be_visible(timeout=20_000)
    expect(page.locator("#k-offline")).to_be_hidden()
    page.evaluate("document.fonts.ready.then(() => true)")
    screenshot(page, "kiosk_back_online_portrait")
    field(page, "Hộ tịch").click()
    settled(page, "priority")
    page.get_by_role("button", name=re.compile("Không ưu tiên")).click()
    settled(page, "ticket")
    expect(page.locator("#k-number")).to_have_text("A001")
