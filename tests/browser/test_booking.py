"""The public booking page (/book/<office>) and a booking's own page (/b/<token>) on a
phone-sized screen, against a live server with its real clock.

Dates are counted from now in Hà Nội and the office opens every day, so these pass on any
day and at any hour: bookings are made a few days ahead.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from zoneinfo import ZoneInfo

import pytest
import requests
from playwright.sync_api import expect

from server.db import Database
from tests.browser.axe import describe, severe_violations
from tests.browser.conftest import SCREENSHOTS
from tests.display.helpers import set_settings
from tests.factories import bearer, make_token

pytestmark = pytest.mark.browser

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
HOURS = {day: [["07:30", "11:30"], ["13:30", "17:00"]] for day in DAYS}
NAME = "Trịnh Thị Quỳnh Hoa"
PHONE = "0987 123 450"


def day_ahead(days: int) -> str:
    return (dt.datetime.now(ZONE).date() + dt.timedelta(days=days)).isoformat()


BOOK_DAY = day_ahead(3)
CLOSED_DAY = day_ahead(2)


def open_booking(database_url: str, capacity: dict[str, int], hours=HOURS, **extra) -> None:
    settings = {"enabled": True, "capacity": capacity, **extra}
    set_settings(
        database_url,
        "T1",
        {"hours": hours, "closed_days": [CLOSED_DAY], "appointments": settings},
    )


def open_phone(new_page, url: str):
    page = new_page(
        390,
        844,
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
    )
    page.goto(url)
    expect(page.locator("html")).to_have_attribute("data-ready", "true")
    return page


def no_severe_violations(page) -> None:
    found = severe_violations(page)
    assert not found, describe(found)


def api_book(base: str, start: str, phone: str = "0912345678") -> dict:
    body = {"service": "B", "start": start, "name": "Người khác", "phone": phone}
    response = requests.post(f"{base}/api/v1/offices/T1/appointments", json=body, timeout=10)
    assert response.status_code == 201, response.text
    return response.json()


def free_of(base: str, day: str, time: str) -> int:
    query = {"service": "B", "from": day, "days": 1}
    answer = requests.get(f"{base}/api/v1/offices/T1/slots", params=query, timeout=10).json()
    return next(s["free"] for s in answer["days"][0]["slots"] if s["time"] == time)


def day_list(base: str, headers: dict, day: str) -> list[dict]:
    response = requests.get(
        f"{base}/api/v1/offices/T1/appointments", params={"day": day}, headers=headers, timeout=10
    )
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture
def manager(demo_site, database_url) -> dict[str, str]:
    db = Database(database_url)
    try:
        return bearer(make_token(db, "boss", role="manager"))
    finally:
        db.dispose()


def choose_slot(page, day: str, time: str) -> None:
    page.locator(f'.bk-day[data-day="{day}"]').click()
    page.locator(f'.bk-slot[data-time="{time}"]').click()
    expect(page.locator("#step-person")).to_be_visible()


def test_a_citizen_books_a_slot_end_to_end(demo_site, database_url, new_page, screenshot):
    base = demo_site["url"]
    open_booking(database_url, {"A": 1, "B": 2})
    set_settings(database_url, "T1", {"messages": {"channel": "sms"}})  # it sends reminders
    page = open_phone(new_page, f"{base}/book/T1")
    expect(page.locator("h1")).to_have_text("Đặt lịch hẹn")
    page.locator('.bk-choice[data-field="B"]').click()
    expect(page.locator('.bk-choice[data-field="B"]')).to_have_attribute("aria-pressed", "true")

    today = page.locator(".bk-day").first
    expect(today).to_contain_text("Hôm nay")
    closed = page.locator(f'.bk-day[data-day="{CLOSED_DAY}"]')
    expect(closed).to_be_disabled()
    expect(closed).to_contain_text("Nghỉ")
    day = page.locator(f'.bk-day[data-day="{BOOK_DAY}"]')
    expect(day).to_be_enabled()
    box = day.bounding_box()
    assert box["height"] >= 48 and box["width"] >= 48
    page.evaluate("() => document.fonts.ready")
    screenshot(page, "booking-days")
    no_severe_violations(page)

    day.click()
    slot = page.locator('.bk-slot[data-time="09:00"]')
    expect(slot).to_contain_text("Còn 2 chỗ")
    assert slot.bounding_box()["height"] >= 48
    slot.click()
    expect(page.locator("#chosen")).to_contain_text(
        f"{BOOK_DAY[8:10]}/{BOOK_DAY[5:7]}/{BOOK_DAY[:4]}, 09:00–09:30"
    )
    expect(page.locator("#consent")).not_to_be_checked()
    page.fill("#name", NAME)
    page.fill("#phone", PHONE)
    page.check("#consent")
    screenshot(page, "booking-form")
    no_severe_violations(page)

    page.locator("#confirm").click()
    result = page.locator("#result")
    expect(result).to_be_visible()
    expect(page.locator("#book-form")).to_be_hidden()
    code = page.locator("#result-code").inner_text()
    assert re.fullmatch(r"[A-Z0-9]{6}", code)
    expect(page.locator("#result-when")).to_contain_text("09:00–09:30")
    expect(page.locator("#result-field")).to_have_text("Đất đai")
    expect(page.locator("#result-phone")).to_have_text("•••••••450")
    expect(page.locator("#result-messages")).to_be_visible()
    qr = page.locator("#result-qr")
    expect(qr).to_be_visible()
    # What the QR is for: shown at the kiosk to get the number.
    expect(page.locator(".bk-qr figcaption")).to_have_text(
        "Khi đến, đưa mã QR này vào đầu đọc của máy lấy số (ki-ốt) để lấy số thứ tự."
    )
    page.wait_for_function("() => document.getElementById('result-qr').naturalWidth > 0")
    page.evaluate("() => document.fonts.ready")
    screenshot(page, "booking-result")
    no_severe_violations(page)

    # The booking exists, with what was entered.
    href = page.locator("#result-manage").get_attribute("href")
    token = href.rsplit("/", 1)[1]
    seen = requests.get(f"{base}/api/v1/appointments/{token}", timeout=10).json()
    assert seen["code"] == code and seen["status"] == "booked"
    assert seen["start"] == f"{BOOK_DAY}T09:00:00+07:00" and seen["messages"] is True
    assert seen["name"] == NAME and seen["phone"] == "•••••••450"
    assert page.locator("#result-change").get_attribute("href").endswith(f"/b/{token}#change")
    assert page.locator("#result-cancel").get_attribute("href").endswith(f"/b/{token}#cancel")

    # The QR on the screen opens the booking's page.
    import zxingcpp
    from PIL import Image

    path = SCREENSHOTS / "booking-qr.png"
    qr.screenshot(path=str(path))
    decoded = zxingcpp.read_barcodes(Image.open(path))
    assert [d.text for d in decoded] == [f"{base}/b/{token}"]

    # The slot's free count dropped, on a fresh page too.
    assert free_of(base, BOOK_DAY, "09:00") == 1
    again = open_phone(new_page, f"{base}/book/T1")
    again.locator('.bk-choice[data-field="B"]').click()
    again.locator(f'.bk-day[data-day="{BOOK_DAY}"]').click()
    expect(again.locator('.bk-slot[data-time="09:00"]')).to_contain_text("Còn 1 chỗ")


def test_an_office_that_sends_no_messages_promises_none(
    demo_site, database_url, new_page, screenshot
):
    base = demo_site["url"]
    open_booking(database_url, {"B": 2})  # no messages channel: nothing is sent
    page = open_phone(new_page, f"{base}/book/T1")
    # Today's slots gone by are not offered as dead buttons.
    today = page.locator(".bk-day").first
    if today.is_enabled():
        today.click()
        expect(page.locator(".bk-slot:disabled:not([data-free='0'])")).to_have_count(0)
    choose_slot(page, BOOK_DAY, "09:00")
    expect(page.locator("#consent")).to_have_count(0)  # no consent to messages never sent
    page.fill("#name", NAME)
    page.fill("#phone", PHONE)
    page.locator("#confirm").click()
    expect(page.locator("#result")).to_be_visible()
    expect(page.locator("#result-messages")).to_be_hidden()
    page.evaluate("() => document.fonts.ready")
    screenshot(page, "booking-result-no-messages")
    token = page.locator("#result-manage").get_attribute("href").rsplit("/", 1)[1]
    seen = requests.get(f"{base}/api/v1/appointments/{token}", timeout=10).json()
    assert seen["messages"] is False
    assert requests.get(f"{base}/api/v1/offices/T1/booking", timeout=10).json()["messages"] is False


def test_a_full_slot_cannot_be_chosen_and_a_full_day_says_so(
    demo_site, database_url, new_page, screenshot
):
    base = demo_site["url"]
    # Two slots of four hours a day, one place each: both taken on one day, one on the next.
    two_slots = {day: [["07:30", "11:30"], ["13:00", "17:00"]] for day in DAYS}
    open_booking(database_url, {"B": 1}, hours=two_slots, slot_minutes=240)
    next_day = day_ahead(4)
    api_book(base, f"{BOOK_DAY}T07:30", phone="0912345678")
    api_book(base, f"{BOOK_DAY}T13:00", phone="0912345679")
    api_book(base, f"{next_day}T07:30", phone="0912345670")
    page = open_phone(new_page, f"{base}/book/T1")
    # B is the only bookable field: it is chosen already.
    expect(page.locator('.bk-choice[data-field="B"]')).to_have_attribute("aria-pressed", "true")
    full_day = page.locator(f'.bk-day[data-day="{BOOK_DAY}"]')
    expect(full_day).to_be_disabled()
    expect(full_day).to_contain_text("Hết chỗ")
    page.locator(f'.bk-day[data-day="{next_day}"]').click()
    full = page.locator('.bk-slot[data-time="07:30"]')
    expect(full).to_be_disabled()
    expect(full).to_contain_text("Kín chỗ")
    expect(page.locator('.bk-slot[data-time="13:00"]')).to_be_enabled()
    full.click(force=True)
    expect(page.locator("#step-person")).to_be_hidden()
    page.evaluate("() => document.fonts.ready")
    screenshot(page, "booking-full-slot")
    no_severe_violations(page)


def test_a_slot_taken_meanwhile_is_refused_in_vietnamese_and_the_form_kept(
    demo_site, database_url, new_page
):
    base = demo_site["url"]
    open_booking(database_url, {"B": 1})
    page = open_phone(new_page, f"{base}/book/T1")
    choose_slot(page, BOOK_DAY, "10:00")
    page.fill("#name", NAME)
    page.fill("#phone", PHONE)
    api_book(base, f"{BOOK_DAY}T10:00")  # someone else was quicker
    page.locator("#confirm").click()
    expect(page.locator("#error-start")).to_have_text(
        "Khung giờ này đã kín chỗ. Xin chọn khung giờ khác."
    )
    expect(page.locator('.bk-slot[data-time="10:00"]')).to_be_disabled()
    expect(page.locator("#name")).to_have_value(NAME)


def test_bad_input_a_lost_server_and_a_double_tap(
    demo_site, database_url, manager, new_page, screenshot
):
    base = demo_site["url"]
    open_booking(database_url, {"B": 2})
    page = open_phone(new_page, f"{base}/book/T1")
    choose_slot(page, BOOK_DAY, "14:00")

    # Nothing entered: said on the page, nothing sent.
    page.locator("#confirm").click()
    expect(page.locator("#error-name")).to_have_text("Xin nhập họ tên người đến làm thủ tục.")

    # A bad phone number: the server's Vietnamese refusal next to the phone; nothing booked.
    page.fill("#name", NAME)
    page.fill("#phone", "12345")
    page.locator("#confirm").click()
    error = page.locator("#error-phone")
    expect(error).to_have_text("Xin nhập số điện thoại di động 10 chữ số, ví dụ 0912 345 678.")
    expect(page.locator("#phone")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#error-form")).to_be_hidden()
    page.evaluate("() => document.fonts.ready")
    screenshot(page, "booking-bad-phone")
    no_severe_violations(page)
    assert day_list(base, manager, BOOK_DAY) == []
    assert free_of(base, BOOK_DAY, "14:00") == 2

    # Too many bookings from one address (the rate limit, off on the test server): said in
    # Vietnamese, though the API words it in English only.
    page.fill("#phone", PHONE)
    limited = {
        "error": "too_many_requests",
        "message": "Too many bookings from here; wait a minute.",
        "vi": {"message": "Too many bookings from here; wait a minute."},
    }
    page.route(
        "**/api/v1/offices/T1/appointments",
        lambda route: route.fulfill(status=429, json=limited, headers={"Retry-After": "60"}),
    )
    page.locator("#confirm").click()
    expect(page.locator("#error-form")).to_contain_text("Xin chờ một phút rồi bấm lại.")
    page.unroute("**/api/v1/offices/T1/appointments")

    # The server cannot be reached: a clear message, everything entered kept.
    page.route("**/api/v1/offices/T1/appointments", lambda route: route.abort())
    page.locator("#confirm").click()
    expect(page.locator("#error-form")).to_contain_text("Không kết nối được tới máy chủ")
    expect(page.locator("#error-phone")).to_be_hidden()
    expect(page.locator("#name")).to_have_value(NAME)
    expect(page.locator("#phone")).to_have_value(PHONE)
    expect(page.locator("#confirm")).to_be_enabled()
    screenshot(page, "booking-offline")
    assert day_list(base, manager, BOOK_DAY) == []

    # Back online, a double tap on "confirm" books once.
    page.unroute("**/api/v1/offices/T1/appointments")
    page.locator("#confirm").dblclick()
    expect(page.locator("#result")).to_be_visible()
    booked = day_list(base, manager, BOOK_DAY)
    assert len(booked) == 1 and booked[0]["time"] == "14:00"
    assert free_of(base, BOOK_DAY, "14:00") == 1


def test_the_booking_page_changes_and_cancels(demo_site, database_url, new_page, screenshot):
    base = demo_site["url"]
    open_booking(database_url, {"B": 2})
    booked = api_book(base, f"{BOOK_DAY}T09:00")
    token = booked["token"]
    page = open_phone(new_page, f"{base}/b/{token}")
    expect(page.locator("#code")).to_have_text(booked["code"])
    expect(page.locator("#status")).to_have_text("Đã đặt")
    expect(page.locator("#when")).to_contain_text("09:00–09:30")
    expect(page.locator("body")).not_to_contain_text("Người khác")  # the name is not shown
    page.wait_for_function("() => document.getElementById('qr').naturalWidth > 0")
    page.evaluate("() => document.fonts.ready")
    screenshot(page, "booking-manage")
    no_severe_violations(page)

    # Change: a new slot of the same field, another day.
    later = day_ahead(4)
    page.locator("#change-open").click()
    expect(page.locator("#change-box")).to_be_visible()
    expect(page.locator("#change-confirm")).to_be_disabled()
    page.locator(f'.bk-day[data-day="{BOOK_DAY}"]').click()
    held = page.locator('.bk-slot[data-time="09:00"]')
    expect(held).to_be_disabled()
    expect(held).to_contain_text("Lịch hiện tại")
    page.locator(f'.bk-day[data-day="{later}"]').click()
    page.locator('.bk-slot[data-time="10:30"]').click()
    screenshot(page, "booking-change")
    no_severe_violations(page)
    page.locator("#change-confirm").click()
    expect(page.locator("#notice")).to_contain_text("Đã đổi lịch sang")
    expect(page.locator("#when")).to_contain_text("10:30–11:00")
    expect(page.locator("#change-box")).to_be_hidden()
    seen = requests.get(f"{base}/api/v1/appointments/{token}", timeout=10).json()
    assert seen["start"] == f"{later}T10:30:00+07:00" and seen["status"] == "booked"
    assert free_of(base, BOOK_DAY, "09:00") == 2

    # Cancel, after saying so once more.
    page.locator("#cancel-open").click()
    expect(page.locator("#cancel-box")).to_contain_text("Ông/Bà có chắc muốn hủy lịch hẹn này?")
    page.locator("#cancel-no").click()
    expect(page.locator("#cancel-box")).to_be_hidden()
    assert requests.get(f"{base}/api/v1/appointments/{token}", timeout=10).json()["status"] == (
        "booked"
    )
    page.locator("#cancel-open").click()
    screenshot(page, "booking-cancel-ask")
    no_severe_violations(page)
    page.locator("#cancel-yes").click()
    expect(page.locator("#status")).to_have_text("Đã hủy")
    expect(page.locator("#cancelled-note")).to_be_visible()
    expect(page.locator("#actions")).to_be_hidden()
    expect(page.locator("#qr-box")).to_be_hidden()
    seen = requests.get(f"{base}/api/v1/appointments/{token}", timeout=10).json()
    assert seen["status"] == "cancelled"
    screenshot(page, "booking-cancelled")

    # Reloaded, the page still says it is cancelled.
    page.reload()
    expect(page.locator("#status")).to_have_text("Đã hủy")
    expect(page.locator("#cancelled-note")).to_contain_text("Lịch hẹn này đã được hủy")
    no_severe_violations(page)


def test_the_links_of_the_result_open_change_and_cancel(demo_site, database_url, new_page):
    base = demo_site["url"]
    open_booking(database_url, {"B": 2})
    token = api_book(base, f"{BOOK_DAY}T09:00")["token"]
    page = open_phone(new_page, f"{base}/b/{token}#cancel")
    expect(page.locator("#cancel-box")).to_be_visible()
    page = open_phone(new_page, f"{base}/b/{token}#change")
    expect(page.locator("#change-box")).to_be_visible()
    expect(page.locator(f'.bk-day[data-day="{BOOK_DAY}"]')).to_be_visible()


def test_an_unknown_booking_link_gets_a_friendly_page(demo_site, new_page, screenshot):
    page = new_page(390, 844, is_mobile=True, has_touch=True, locale="vi-VN")
    response = page.goto(demo_site["url"] + "/b/no-such-booking-token")
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("Không tìm thấy lịch hẹn")
    screenshot(page, "booking-missing")
    no_severe_violations(page)


def test_an_office_without_bookings_says_so(demo_site, new_page, screenshot):
    page = new_page(390, 844, is_mobile=True, has_touch=True, locale="vi-VN")
    page.goto(demo_site["url"] + "/book/T1")
    closed = page.locator("#closed")
    expect(closed).to_contain_text("Chưa nhận đặt lịch hẹn")
    expect(closed).to_contain_text("chưa nhận đặt lịch hẹn qua mạng")
    expect(page.locator("#book-form")).to_have_count(0)
    page.evaluate("() => document.fonts.ready")
    screenshot(page, "booking-closed")
    no_severe_violations(page)


def test_the_page_switches_to_english(demo_site, database_url, new_page):
    open_booking(database_url, {"B": 2})
    page = open_phone(new_page, demo_site["url"] + "/book/T1")
    page.locator(".bk-lang").click()
    expect(page.locator("h1")).to_have_text("Book an appointment")
    expect(page.locator(".bk-day").first).to_contain_text("Today")
    expect(page.locator(".bk-lang")).to_have_text("Tiếng Việt")


FITS = """() => {
  const wide = document.documentElement.scrollWidth > document.documentElement.clientWidth;
  const small = Array.from(document.querySelectorAll(
    ".bk-choice, .bk-day, .bk-slot, .bk-confirm, .bk-lang, .bk-btn, .bk-input input"))
    .filter((node) => node.offsetParent !== null)
    .filter((node) => node.getBoundingClientRect().height < 48)
    .map((node) => node.className || node.id);
  return {wide, small};
}"""


def test_the_page_fits_a_small_phone_with_large_targets(demo_site, database_url, new_page):
    base = demo_site["url"]
    open_booking(database_url, {"B": 2})
    page = new_page(360, 640, is_mobile=True, has_touch=True, locale="vi-VN")
    page.goto(f"{base}/book/T1")
    expect(page.locator("html")).to_have_attribute("data-ready", "true")
    choose_slot(page, BOOK_DAY, "09:00")
    assert page.evaluate(FITS) == {"wide": False, "small": []}
    page.fill("#name", NAME)
    page.fill("#phone", PHONE)
    page.locator("#confirm").click()
    expect(page.locator("#result")).to_be_visible()
    assert page.evaluate(FITS) == {"wide": False, "small": []}
    token = page.locator("#result-manage").get_attribute("href").rsplit("/", 1)[1]
    page.goto(f"{base}/b/{token}")
    expect(page.locator("html")).to_have_attribute("data-ready", "true")
    assert page.evaluate(FITS) == {"wide": False, "small": []}


def outbox_code(database_url: str, phone: str) -> str:
    """The code the office texted (the live server has no gateway: it waits in the outbox)."""
    from sqlalchemy import select

    from server.models import OutboxMessage

    db = Database(database_url)
    try:
        with db.read() as session:
            bodies = session.scalars(
                select(OutboxMessage.body).where(
                    OutboxMessage.phone == phone, OutboxMessage.kind == "phone_code"
                )
            ).all()
    finally:
        db.dispose()
    return re.search(r"là (\d{6})", bodies[-1])[1]


def test_a_verifying_office_texts_a_code_and_books_with_it(
    demo_site, database_url, new_page, screenshot
):
    base = demo_site["url"]
    open_booking(database_url, {"B": 2}, verify_phone=True)
    set_settings(database_url, "T1", {"messages": {"channel": "sms"}})
    page = open_phone(new_page, f"{base}/book/T1")
    page.locator('.bk-choice[data-field="B"]').click()
    choose_slot(page, BOOK_DAY, "09:00")
    page.fill("#name", NAME)
    page.fill("#phone", PHONE)
    page.locator("#confirm").click()
    expect(page.locator("#error-phone_code")).to_contain_text("mã xác nhận 6 chữ số")
    page.locator("#send-code").click()
    expect(page.locator("#code-status")).to_contain_text("Đã gửi mã tới số •••••••450")
    page.fill("#phone-code", outbox_code(database_url, "0987123450"))
    screenshot(page, "booking-phone-code")
    no_severe_violations(page)
    page.locator("#confirm").click()
    expect(page.locator("#result")).to_be_visible()
    assert free_of(base, BOOK_DAY, "09:00") == 1


def test_an_office_under_pressure_checks_the_browser_then_books(
    demo_site, database_url, new_page, screenshot
):
    """ALTCHA from static/vendor/ at the server's default cost, within the page's CSP."""
    base = demo_site["url"]
    open_booking(database_url, {"B": 2}, challenge="always")
    without = requests.post(
        f"{base}/api/v1/offices/T1/appointments",
        json={"service": "B", "start": f"{BOOK_DAY}T10:00", "name": "X", "phone": "0912345678"},
        timeout=10,
    )
    assert without.status_code == 422 and "altcha" in without.json()["fields"]
    page = open_phone(new_page, f"{base}/book/T1")
    page.locator('.bk-choice[data-field="B"]').click()
    choose_slot(page, BOOK_DAY, "09:00")
    page.fill("#name", NAME)
    page.fill("#phone", PHONE)
    started = time.monotonic()
    page.locator("#confirm").click()
    expect(page.locator("#check altcha-widget")).to_be_attached()
    screenshot(page, "booking-checking")
    expect(page.locator("#result")).to_be_visible(timeout=30000)
    took = time.monotonic() - started
    assert took < 20, f"the check took {took:.1f} s"
    print(f"booking with the browser check: {took:.1f} s")
    assert free_of(base, BOOK_DAY, "09:00") == 1
