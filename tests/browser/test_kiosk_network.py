"""The kiosk on a bad network: a dead server gives a retry screen, a slow one never gets
a second ticket request behind the citizen's back."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_kiosk import (
    SIZES,
    add_office,
    check_screen,
    field,
    open_kiosk,
    settled,
    ticket_requests,
    waiting,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.mark.parametrize("orientation", SIZES)
def test_server_down_shows_retry_and_retry_works_once_it_is_back(
    demo_site, new_page, screenshot, orientation
):
    base, server = demo_site["url"], demo_site["server"]
    page = open_kiosk(new_page, base, SIZES[orientation])
    sent = ticket_requests(page)
    server.stop()

    field(page, "Hộ tịch").click()
    settled(page, "priority")
    page.get_by_role("button", name=re.compile("Không ưu tiên")).click()
    settled(page, "retry")
    expect(page.locator("#k-retry-title")).to_have_text("Không kết nối được máy chủ")
    expect(page.get_by_role("button", name="Thử lại")).to_be_visible()
    expect(page.get_by_role("button", name="Về đầu")).to_be_visible()
    check_screen(page)
    screenshot(page, f"kiosk_retry_{orientation}")
    assert len(sent) == 1  # tried once, and not again by itself

    server.start()
    page.get_by_role("button", name="Thử lại").click()
    settled(page, "ticket")
    expect(page.locator("#k-number")).to_have_text("A001")
    assert len(sent) == 2
    assert waiting(base) == {"A": 1, "B": 0}
    # Both tries carried the same key: a server that knows it can tell them apart.
    keys = {r.headers.get("idempotency-key") for r in sent}
    assert len(keys) == 1 and None not in keys


def test_start_over_after_a_failure_then_take_a_ticket(demo_site, new_page):
    base, server = demo_site["url"], demo_site["server"]
    page = open_kiosk(new_page, base)
    server.stop()
    field(page, "Đất đai").click()
    settled(page, "priority")
    page.get_by_role("button", name=re.compile("Không ưu tiên")).click()
    settled(page, "retry")
    page.get_by_role("button", name="Về đầu").click()
    settled(page, "start")
    server.start()
    field(page, "Đất đai").click()
    settled(page, "priority")
    page.get_by_role("button", name=re.compile("Không ưu tiên")).click()
    settled(page, "ticket")
    expect(page.locator("#k-number")).to_have_text("1001")
    assert waiting(base) == {"A": 0, "B": 1}


def test_a_slow_answer_is_waited_for_never_sent_twice(
    demo_site, new_page, database_url, screenshot
):
    """After the timeout the first request may still succeed: "Thử lại" waits for it, and a
    late answer still shows the citizen their ticket."""
    base = demo_site["url"]
    add_office(
        database_url,
        code="T2",
        settings={
            "issuing": "open",
            "kiosk": {"ask_priority": False, "request_timeout_seconds": 3},
        },
    )
    page = open_kiosk(new_page, base, office="T2")
    held: list = []
    page.route("**/api/v1/offices/T2/tickets", lambda route: held.append(route))
    sent = ticket_requests(page)

    # 1. Slow: the retry screen says a ticket may have been made; the answer comes late.
    field(page, "Hộ tịch").click()
    page.wait_for_function("() => window.luotKiosk.state().screen === 'busy'")
    settled(page, "retry")
    expect(page.locator("#k-retry-title")).to_have_text("Máy chủ phản hồi chậm")
    expect(page.locator("#k-retry-maybe")).to_be_visible()
    check_screen(page)
    screenshot(page, "kiosk_retry_slow_portrait")
    assert len(held) == 1
    held.pop().continue_()
    settled(page, "ticket")
    expect(page.locator("#k-number")).to_have_text("A001")
    page.get_by_role("button", name="Xong").click()
    settled(page, "start")

    # 2. Slow, and the citizen taps "Thử lại": no second request while the first is out.
    field(page, "Hộ tịch").click()
    settled(page, "retry")
    page.get_by_role("button", name="Thử lại").click()
    page.wait_for_function("() => window.luotKiosk.state().screen === 'busy'")
    assert len(held) == 1
    held.pop().continue_()
    settled(page, "ticket")
    expect(page.locator("#k-number")).to_have_text("A002")

    assert len(sent) == 2
    assert waiting(base, "T2")["A"] == 2
