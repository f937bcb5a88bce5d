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
from tests.signin import sign_in_page as sign_in

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


# ---------------------------------------------------------------- point 6: the console by keyboard


def focused(page) -> str:
    """What has the focus: an input as "name=value", else its id."""
    return page.evaluate(
        """() => { const a = document.activeElement;
                   return a.type === "radio" ? a.name + "=" + a.value : a.id; }"""
    )


@pytest.mark.parametrize("size", [CONSOLE_SIZE, SMALL_SIZE], ids=["1366x768", "1024x768"])
def test_transfer_by_keyboard_in_three_keys(demo_site, new_page, screenshot, size):
    base, office = demo_site["url"], demo_site["office"]
    issue(base, "A")
    page = open_console(new_page, base, "officer1", office["counters"][1], size=size)
    open_counter(page)
    page.keyboard.press("n")
    current(page, "A001", "called")
    idle(page)

    page.keyboard.press("c")
    dialog = page.locator("#dlg-transfer")
    expect(dialog).to_be_visible()
    expect(dialog.locator("input[name=service][value=B]")).to_be_attached()
    # Focus on the field list's choice, and the arrows move it.
    assert focused(page) == "service="
    page.keyboard.press("ArrowDown")
    expect(dialog.locator("input[name=service][value=B]")).to_be_checked()
    assert focused(page) == "service=B"
    # Tab goes round inside the dialog, both ways.
    seen = []
    for _ in range(5):
        page.keyboard.press("Tab")
        seen.append(focused(page))
    assert seen == ["counter=", "tr-cancel", "tr-submit", "service=B", "counter="]
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    assert focused(page) == "tr-submit"
    expect(dialog).to_contain_text("Enter chuyển")
    assert accessibility_problems(page, "#dlg-transfer") == []
    screenshot(page, f"console_transfer_keys_{size[0]}x{size[1]}")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    assert focused(page) == "service=B"
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    expect(page.locator("#message")).to_contain_text("A001")
    expect(page.locator("#current")).to_have_attribute("data-status", "none")


def test_the_connection_error_goes_away_when_the_server_is_back(demo_site, new_page, screenshot):
    base, office, server = demo_site["url"], demo_site["office"], demo_site["server"]
    issue(base, "A")
    page = open_console(new_page, base, "officer1", office["counters"][1])
    open_counter(page)
    server.stop()
    expect(page.locator("#conn")).to_be_visible()
    page.keyboard.press("n")
    message = page.locator("#message")
    expect(message).to_contain_text("Không kết nối được tới máy chủ")
    server.start()
    expect(page.locator("html")).to_have_attribute("data-live", "online")
    expect(page.locator("#conn")).to_be_hidden()
    expect(message).not_to_contain_text("Không kết nối được tới máy chủ")
    expect(message).to_contain_text("Đã kết nối lại")
    expect(message).not_to_have_attribute("data-kind", "error")
    screenshot(page, "console_reconnected_1366x768")
    idle(page)
    page.keyboard.press("n")
    current(page, "A001", "called")


@pytest.mark.parametrize("size", [CONSOLE_SIZE, SMALL_SIZE], ids=["1366x768", "1024x768"])
def test_choosing_a_counter_by_key_opens_it(demo_site, new_page, screenshot, size):
    base, office = demo_site["url"], demo_site["office"]
    page = new_page(*size)
    sign_in(page, base, "officer1")
    expect(page.locator("#picker")).to_be_visible()
    first = page.locator(f".cc-pick[data-counter='{office['counters'][1]}']")
    expect(first).to_be_focused()
    expect(first.locator("kbd")).to_have_text("1")
    assert accessibility_problems(page, "#picker") == []
    screenshot(page, f"console_picker_keys_{size[0]}x{size[1]}")
    page.keyboard.press("ArrowDown")
    expect(page.locator(f".cc-pick[data-counter='{office['counters'][2]}']")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#console")).to_have_attribute("data-counter", str(office["counters"][2]))
    expect(page.locator("#counter-state")).to_have_text("Đang mở")
    idle(page)
    page.click("#btn-switch")
    # Back in the picker, on the counter this officer holds; a digit chooses another.
    expect(page.locator(f".cc-pick[data-counter='{office['counters'][2]}']")).to_be_focused()
    page.keyboard.press("1")
    expect(page.locator("#console")).to_have_attribute("data-counter", str(office["counters"][1]))
    expect(page.locator("#counter-state")).to_have_text("Đang mở")
    # A closed counter opens with its key on the console too.
    idle(page)
    page.click("#btn-close")
    expect(page.locator("#counter-state")).to_have_text("Đã đóng")
    idle(page)
    page.keyboard.press("o")
    expect(page.locator("#counter-state")).to_have_text("Đang mở")
