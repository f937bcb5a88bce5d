"""A keyboard-mode CCCD scanner typing into the kiosk page: greeting, elderly priority,
mangled names, refused payloads. Province code 099 belongs to nobody."""

from __future__ import annotations

import re

import pytest
import requests
from playwright.sync_api import Page, expect

from tests.browser.test_kiosk import (
    SIZES,
    check_screen,
    field,
    open_kiosk,
    settled,
)
from tests.factories import bearer

pytestmark = pytest.mark.browser

ADDRESS = "Thôn Thử Nghiệm, Xã Giả Định, Tỉnh Mẫu"
ELDERLY = f"099090000001|000000000|Nguyễn Văn Mẫu|01011950|Nam|{ADDRESS}|15032021"
YOUNG = f"099090000002||Trần Thị Thử|15061990|Nữ|{ADDRESS}|15032021"
# The same card through a keyboard layout that loses every diacritic.
MANGLED = "099090000003|000000000|Nguy?n V?n M?u|01011950|Nam|Th?n Th? Nghi?m|15032021"
BROKEN = "099090000004|000000000|Nguyen Van Mau"  # too few fields


def scan(page: Page, payload: str) -> None:
    """What a keyboard-wedge scanner does: one keydown (and keyup) per character, fast, then
    Enter, to whatever has focus.

    Dispatched inside the page in one go, as a scanner's burst arrives: sent key by key over
    the DevTools protocol (Playwright's keyboard.type() turns Vietnamese letters into
    insertText, with no keydown), a loaded CI machine stalled a round trip past the kiosk's
    one-second pause and split the card in two.
    """
    page.evaluate(
        """(payload) => {
          const target = document.activeElement || document.body;
          const press = (key) => {
            for (const type of ["keydown", "keyup"]) {
              target.dispatchEvent(new KeyboardEvent(type, {key, bubbles: true,
                                                            cancelable: true}));
            }
          };
          for (const character of payload) press(character);
          press("Enter");
        }""",
        payload,
    )


def counter_waiting(base: str, token: str) -> list[dict]:
    counter = requests.get(f"{base}/api/v1/offices/T1/queue", timeout=10).json()["counters"][0]
    view = requests.get(
        f"{base}/api/v1/counters/{counter['id']}", headers=bearer(token), timeout=10
    )
    assert view.status_code == 200, view.text
    return view.json()["waiting"]


@pytest.mark.parametrize("orientation", SIZES)
def test_an_elderly_card_applies_the_priority_without_asking_again(
    demo_site, new_page, screenshot, orientation
):
    base = demo_site["url"]
    page = open_kiosk(new_page, base, SIZES[orientation])
    settled(page, "start")
    expect(page.locator("#k-scan-invite")).to_contain_text("Đưa mã QR trên thẻ vào đầu đọc")
    with page.expect_response(re.compile(r"/kiosk/T1/scan$")) as answer:
        scan(page, ELDERLY)
    body = answer.value.json()
    assert body["ok"] and body["elderly"] and "099090000001" not in str(body)

    greeting = page.locator("#k-greeting")
    expect(greeting).to_be_visible()
    expect(page.locator("#k-greeting-hello")).to_have_text("Kính chào Ông/Bà Nguyễn Văn Mẫu")
    expect(page.locator("#k-greeting-note")).to_have_text(
        "Ông/Bà từ 60 tuổi trở lên: số thứ tự sẽ được ưu tiên. Mời Ông/Bà chọn lĩnh vực."
    )
    expect(page.locator("#k-greeting-decline")).to_have_text("Không dùng ưu tiên")
    assert "099090000001" not in page.content() and "Thôn" not in page.inner_text("body")
    settled(page, "start")
    check_screen(page)
    screenshot(page, f"kiosk_greeting_{orientation}")

    # One tap on the field: the card has answered the priority question already.
    field(page, "Hộ tịch").click()
    settled(page, "ticket")
    expect(page.locator("#k-ticket-priority")).to_contain_text("Người cao tuổi")
    (ticket,) = counter_waiting(base, demo_site["token"])
    assert ticket["priority"] == "elderly"
    assert ticket["citizen_name"] == "Nguyễn Văn Mẫu"
    assert ticket["citizen_id_last4"] == "0001"

    # The next citizen does not inherit the greeting.
    page.get_by_role("button", name="Xong").click()
    settled(page, "start")
    expect(page.locator("#k-greeting")).to_be_hidden()


def test_the_elderly_citizen_may_decline_priority_on_the_start_screen(demo_site, new_page):
    base = demo_site["url"]
    page = open_kiosk(new_page, base)
    scan(page, ELDERLY)
    decline = page.locator("#k-greeting-decline")
    expect(decline).to_be_visible()
    box = decline.bounding_box()
    assert box["height"] >= 64 and box["width"] >= 64, box
    settled(page, "start")
    decline.click()
    expect(page.locator("#k-greeting-note")).to_have_text(
        "Số thứ tự sẽ không dùng ưu tiên. Mời Ông/Bà chọn lĩnh vực."
    )
    expect(decline).to_have_text("Dùng ưu tiên")
    field(page, "Đất đai").click()
    settled(page, "ticket")
    expect(page.locator("#k-ticket-priority")).to_be_hidden()
    (ticket,) = counter_waiting(base, demo_site["token"])
    assert ticket["priority"] is None and ticket["citizen_name"] == "Nguyễn Văn Mẫu"


def test_scanned_on_the_priority_screen_the_card_suggests_and_may_be_declined(demo_site, new_page):
    base = demo_site["url"]
    page = open_kiosk(new_page, base)
    field(page, "Đất đai").click()
    settled(page, "priority")
    scan(page, ELDERLY)  # on the priority screen: the suggestion appears there
    expect(page.locator("#k-classes button.k-suggested")).to_have_attribute("data-code", "elderly")
    expect(page.locator("#k-greeting-hello")).to_have_text("Kính chào Ông/Bà Nguyễn Văn Mẫu")
    page.get_by_role("button", name=re.compile("Không ưu tiên")).click()
    settled(page, "ticket")
    expect(page.locator("#k-ticket-priority")).to_be_hidden()


def test_a_younger_citizen_is_greeted_without_a_priority_suggestion(demo_site, new_page):
    page = open_kiosk(new_page, demo_site["url"])
    scan(page, YOUNG)
    expect(page.locator("#k-greeting-hello")).to_have_text("Kính chào Ông/Bà Trần Thị Thử")
    expect(page.locator("#k-greeting-note")).to_have_text("Đã đọc thẻ căn cước. Mời chọn lĩnh vực.")
    field(page, "Hộ tịch").click()
    settled(page, "priority")
    expect(page.locator("#k-classes .k-suggested")).to_have_count(0)
    expect(page.locator("#k-classes button").first).to_have_attribute("data-code", "elderly")


def test_a_mangled_name_is_never_shown_and_nothing_breaks(demo_site, new_page, screenshot):
    base = demo_site["url"]
    page = open_kiosk(new_page, base)
    with page.expect_response(re.compile(r"/kiosk/T1/scan$")) as answer:
        page.keyboard.type(MANGLED, delay=5)
        page.keyboard.press("Enter")
    assert answer.value.json()["name"] is None
    expect(page.locator("#k-greeting-hello")).to_have_text("Kính chào Ông/Bà")
    expect(page.locator("#k-greeting-note")).to_contain_text("được ưu tiên")  # born 1950
    assert "Nguy" not in page.inner_text("body")
    screenshot(page, "kiosk_greeting_mangled_portrait")
    field(page, "Hộ tịch").click()  # the card's priority applies at once
    settled(page, "ticket")
    (ticket,) = counter_waiting(base, demo_site["token"])
    assert ticket["citizen_name"] is None and ticket["citizen_id_last4"] == "0003"
    assert ticket["priority"] == "elderly"


def test_a_refused_payload_shows_the_servers_vietnamese_message(demo_site, new_page):
    page = open_kiosk(new_page, demo_site["url"])
    scan(page, BROKEN)
    toast = page.locator("#k-toast")
    expect(toast).to_be_visible()
    expect(toast).to_contain_text("Không đọc được mã QR trên thẻ CCCD")
    expect(page.locator("#k-greeting")).to_be_hidden()
    settled(page, "start")


def test_slow_typing_is_not_a_scan_and_keys_press_no_button(demo_site, new_page):
    page = open_kiosk(new_page, demo_site["url"])
    scans: list = []
    page.on("request", lambda r: scans.append(r) if r.url.endswith("/scan") else None)
    field(page, "Hộ tịch").focus()
    # A person typing is not a scanner, and Enter or Space never presses the focused field.
    page.keyboard.type("099090000002||Tran Thi Thu|15061990", delay=80)
    page.keyboard.press("Enter")
    page.keyboard.press(" ")
    # Then a real scan: the only one the server hears of.
    with page.expect_response(re.compile(r"/kiosk/T1/scan$")):
        scan(page, YOUNG)
    expect(page.locator("#k-greeting-hello")).to_have_text("Kính chào Ông/Bà Trần Thị Thử")
    assert [r.post_data_json["payload"] for r in scans] == [YOUNG]
    assert page.evaluate("window.luotKiosk.state().screen") == "start"


def test_a_scan_on_the_ticket_screen_starts_over_for_the_new_citizen(demo_site, new_page):
    page = open_kiosk(new_page, demo_site["url"], query="return=60")
    field(page, "Hộ tịch").click()
    settled(page, "priority")
    page.get_by_role("button", name=re.compile("Không ưu tiên")).click()
    settled(page, "ticket")
    scan(page, YOUNG)
    settled(page, "start")
    expect(page.locator("#k-greeting-hello")).to_have_text("Kính chào Ông/Bà Trần Thị Thử")
