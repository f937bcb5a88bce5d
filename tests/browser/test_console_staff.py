"""Issue 25 at the counter console: a no-show waits for the recall and the grace period
(point 3), the transfer dialog by keyboard, the connection banner that goes away and the
counter picker's keys (point 6), at 1366×768 and 1024×768."""

from __future__ import annotations

import pytest
import requests
from playwright.sync_api import expect

from tests.browser.test_console import (
    CONSOLE_SIZE,
    current,
    idle,
    issue,
    open_console,
    open_counter,
)
from tests.browser.test_console_officer import accessibility_problems, manager, no_show_dialog
from tests.factories import bearer

pytestmark = pytest.mark.browser

SMALL_SIZE = (1024, 768)


def office_rules(base: str, token: str, body: dict) -> None:
    response = requests.patch(
        f"{base}/api/v1/offices/T1", json=body, headers=bearer(token), timeout=10
    )
    assert response.status_code == 200, response.text


# ---------------------------------------------------------------- point 3: no hasty no-show


@pytest.mark.parametrize("size", [CONSOLE_SIZE, SMALL_SIZE], ids=["1366x768", "1024x768"])
def test_no_show_waits_for_a_recall_and_the_grace_period(
    demo_site, new_page, screenshot, database_url, size
):
    base, office = demo_site["url"], demo_site["office"]
    office_rules(
        base,
        manager(database_url),
        {"recalls_before_no_show": 1, "settings": {"no_show_grace_seconds": 15}},
    )
    ticket = issue(base, "A")
    page = open_console(new_page, base, "officer1", office["counters"][1], size=size)
    open_counter(page)
    page.keyboard.press("n")
    current(page, "A001", "called")
    idle(page)

    # Right after the call: V waits for a recall, and says so.
    noshow, hint = page.locator("#btn-noshow"), page.locator("#noshow-hint")
    expect(noshow).to_be_disabled()
    expect(hint).to_have_text(
        "Vắng mặt (V): hãy gọi lại (L) thêm 1 lần trước, công dân có thể chưa nghe thấy."
    )
    page.keyboard.press("v")
    expect(page.locator("#dlg-noshow")).to_be_hidden()

    # After the recall: a countdown on the key and in the line under the keys.
    page.keyboard.press("l")
    expect(page.locator("#current-extra")).to_contain_text("Đã gọi lại 1 lần")
    idle(page)
    expect(hint).to_contain_text("Vắng mặt (V) được sau 00:")
    expect(page.locator("#noshow-wait")).to_contain_text("00:")
    expect(noshow).to_be_disabled()
    assert accessibility_problems(page, "#desk") == []
    screenshot(page, f"console_no_show_countdown_{size[0]}x{size[1]}")

    # The API refuses the early no-show with a 409 that says why; the phone keeps the call.
    response = requests.post(
        f"{base}/api/v1/tickets/{ticket['id']}/no-show",
        headers=bearer(demo_site["token"]),
        timeout=10,
    )
    assert response.status_code == 409, response.text
    assert response.json()["vi"]["message"].startswith("Số A001 vừa được gọi: chờ thêm")
    phone = new_page(390, 844)
    phone.goto(f"{base}/t/{ticket['token']}")
    expect(phone.locator("#phone")).to_have_attribute("data-status", "called")
    expect(phone.locator("body")).not_to_contain_text("Đã qua lượt")

    # When the time is up the key works, with its confirmation.
    expect(noshow).to_be_enabled(timeout=30_000)
    expect(hint).to_have_text("")
    page.keyboard.press("v")
    no_show_dialog(page, "A001")
    page.keyboard.press("Enter")
    expect(page.locator("#stat-noshow")).to_have_text("1")
