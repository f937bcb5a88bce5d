"""Check-in of an appointment at the kiosk (issue 14): "Tôi đã đặt lịch hẹn" on the start
screen, the booking code on the on-screen keyboard, the booking's QR through a keyboard-mode
scanner, a wrong code, too early, and the same code twice. The live server runs on the real
clock, so the office is open all day and the slot booked is the next one.

Screenshots: kiosk-checkin-start, kiosk-checkin-keyboard-{portrait,landscape},
kiosk-checkin-ticket-{portrait,landscape}, kiosk-checkin-wrong-code, kiosk-checkin-too-early,
kiosk-checkin-scanned, kiosk-checkin-again (tests/artifacts/screenshots/).
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import requests
from playwright.sync_api import Page, expect

from tests.browser.axe import describe, severe_violations
from tests.browser.test_accessibility import big_targets
from tests.browser.test_kiosk import SIZES, check_screen, decode_qr, open_kiosk, settled, waiting
from tests.browser.test_kiosk_printing import make_kiosk, open_registered
from tests.browser.test_kiosk_scan import YOUNG, scan
from tests.display.helpers import offline_engine
from tests.fake_printer import FakePrinter

pytestmark = pytest.mark.browser

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SLOT = dt.timedelta(minutes=30)
LAST_SLOT = dt.time(23, 0)  # 30-minute slots cut from 00:00–23:59


def open_booking(database_url: str, early_minutes: int = 60) -> None:
    """Open all day every day, booking field A (Hộ tịch) with no notice needed."""
    engine, db = offline_engine(database_url)
    try:
        engine.update_office(
            "T1",
            {
                "settings": {
                    "issuing": "open",
                    "hours": {day: [["00:00", "23:59"]] for day in DAYS},
                    "appointments": {
                        "enabled": True,
                        "capacity": {"A": 2},
                        "min_notice_minutes": 0,
                        "early_minutes": early_minutes,
                        "per_phone_per_day": 5,
                    },
                }
            },
        )
    finally:
        db.dispose()


def slot_ahead(index: int = 0) -> dt.datetime:
    """The start of the index-th slot from now (0: the next one, at least a minute away),
    in the office's wall time; skipped when today has no such slot left."""
    now = dt.datetime.now(ZONE).replace(second=0, microsecond=0)
    first = now.replace(minute=0) + SLOT * ((now.minute // 30) + 1)
    if first - now < dt.timedelta(minutes=1):
        first += SLOT
    start = first + SLOT * index
    if start.date() != now.date() or start.time() > LAST_SLOT:
        pytest.skip(f"too near midnight ({now:%H:%M} in Hà Nội): no slot {index + 1} left today")
    return start


def book(base: str, start: dt.datetime, phone: str = "0912345678") -> dict:
    response = requests.post(
        f"{base}/api/v1/offices/T1/appointments",
        json={
            "service": "A",
            "start": f"{start:%Y-%m-%dT%H:%M}",
            "name": "Lê Văn Cường",
            "phone": phone,
        },
        timeout=10,
    )
    assert response.status_code == 201, response.text
    return response.json()


def booking_status(base: str, token: str) -> str:
    return requests.get(f"{base}/api/v1/appointments/{token}", timeout=10).json()["status"]


def to_checkin(page: Page) -> None:
    settled(page, "start")
    page.get_by_role("button", name="Tôi đã đặt lịch hẹn").click()
    settled(page, "checkin")


def type_code(page: Page, code: str) -> None:
    for ch in code:
        page.locator(f'#k-keys button[data-key="{ch}"]').click()
    expect(page.locator("#k-code")).to_have_attribute("data-code", code)


def confirm(page: Page):
    """Tap "Xác nhận"; the check-in request's answer."""
    with page.expect_response(
        lambda r: r.request.method == "POST" and r.url.endswith("/check-in")
    ) as answer:
        page.get_by_role("button", name="Xác nhận", exact=True).click()
    return answer.value


def accessible(page: Page) -> None:
    violations = severe_violations(page)
    assert violations == [], describe(violations)
    big_targets(page)
    check_screen(page)


@pytest.mark.parametrize("orientation", SIZES)
def test_a_typed_code_checks_in_and_the_ticket_prints(
    demo_site, new_page, database_url, screenshot, orientation
):
    base = demo_site["url"]
    open_booking(database_url)
    start = slot_ahead()
    booked = book(base, start)
    printer = FakePrinter().start()
    try:
        _device, token = make_kiosk(database_url, printer.url)
        page = open_registered(new_page, base, token, SIZES[orientation])
        settled(page, "start")
        expect(page.locator("#k-have-appointment")).to_contain_text("Tôi đã đặt lịch hẹn")
        check_screen(page)
        if orientation == "portrait":
            screenshot(page, "kiosk-checkin-start")

        to_checkin(page)
        expect(page.locator("#k-checkin-title")).to_have_text("Xác nhận lịch hẹn")
        expect(page.locator("#k-keys button")).to_have_count(24)  # 23 letters and Xóa
        type_code(page, booked["code"][:5] + "A")
        page.get_by_role("button", name="Xóa").click()  # a slip of the finger, undone
        page.locator(f'#k-keys button[data-key="{booked["code"][5]}"]').click()
        expect(page.locator("#k-code")).to_have_attribute("data-code", booked["code"])
        accessible(page)
        screenshot(page, f"kiosk-checkin-keyboard-{orientation}")

        answer = confirm(page)
        assert answer.status == 201, answer.text()
        ticket = answer.json()
        assert ticket["appointment"]["code"] == booked["code"]
        assert ticket["print_job"] is not None
        settled(page, "ticket")
        expect(page.locator("#k-number")).to_have_text(ticket["code"])
        expect(page.locator("#k-ticket-service")).to_have_text("Hộ tịch")
        expect(page.locator("#k-ticket-appointment")).to_have_text(
            f"Số của lịch hẹn lúc {start:%H:%M}"
        )
        expect(page.locator("#k-print")).to_have_attribute("data-state", "printed")
        expect(page.locator("#k-slot")).to_be_visible()
        assert len(printer.wait_for_jobs(1)) == 1  # the bytes reached the printer, once
        assert decode_qr(page) == [ticket["track_url"]]
        assert booking_status(base, booked["token"]) == "checked_in"
        assert waiting(base)["A"] == 1
        check_screen(page)
        screenshot(page, f"kiosk-checkin-ticket-{orientation}")

        page.locator("#k-lang").click()  # in English too
        expect(page.locator("#k-ticket-appointment")).to_have_text(
            f"For your appointment at {start:%H:%M}"
        )
    finally:
        printer.stop()


def test_the_bookings_qr_through_a_scanner_checks_in(demo_site, new_page, database_url, screenshot):
    base = demo_site["url"]
    open_booking(database_url)
    start = slot_ahead()
    booked = book(base, start)
    page = open_kiosk(new_page, base)
    to_checkin(page)
    with page.expect_response(
        lambda r: r.request.method == "POST" and r.url.endswith("/check-in")
    ) as answer:
        scan(page, booked["manage_url"])  # what the booking's QR holds: <base>/b/<token>
    assert answer.value.request.post_data_json == {"token": booked["token"]}
    assert answer.value.status == 201
    settled(page, "ticket")
    expect(page.locator("#k-number")).to_have_text(answer.value.json()["code"])
    expect(page.locator("#k-ticket-appointment")).to_have_text(f"Số của lịch hẹn lúc {start:%H:%M}")
    assert booking_status(base, booked["token"]) == "checked_in"
    check_screen(page)
    screenshot(page, "kiosk-checkin-scanned")


def test_a_wrong_code_is_refused_in_vietnamese_and_nothing_is_issued(
    demo_site, new_page, database_url, screenshot
):
    base = demo_site["url"]
    open_booking(database_url)
    booked = book(base, slot_ahead())
    wrong = "AAAAAA" if booked["code"] != "AAAAAA" else "CCCCCC"
    page = open_kiosk(new_page, base)
    to_checkin(page)
    # "Xác nhận" does nothing before the sixth character.
    type_code(page, wrong[:5])
    sent: list = []
    page.on("request", lambda r: sent.append(r) if r.url.endswith("/check-in") else None)
    expect(page.locator("#k-checkin-confirm")).to_have_attribute("aria-disabled", "true")
    page.locator("#k-checkin-confirm").click(force=True)  # a finger taps it all the same
    assert sent == [] and page.evaluate("window.luotKiosk.state().screen") == "checkin"

    page.locator(f'#k-keys button[data-key="{wrong[5]}"]').click()
    answer = confirm(page)
    assert answer.status == 404
    settled(page, "checkin")
    refused = page.locator("#k-checkin-refused")
    expect(refused).to_be_visible()
    expect(page.locator("#k-checkin-refused-title")).to_have_text("Không tìm thấy lịch hẹn")
    expect(page.locator("#k-checkin-refused-message")).to_contain_text(
        "Ông/Bà vui lòng kiểm tra và nhập lại mã"
    )
    expect(page.locator("#k-checkin-refused-tried")).to_contain_text(f"Mã đã nhập: {wrong}")
    expect(page.locator("#k-code")).to_have_attribute("data-code", "")  # ready for a new try
    assert waiting(base) == {"A": 0, "B": 0}
    assert booking_status(base, booked["token"]) == "booked"
    accessible(page)
    screenshot(page, "kiosk-checkin-wrong-code")

    # Typing again clears the refusal; "Quay lại" goes back to the start.
    page.locator('#k-keys button[data-key="H"]').click()
    expect(refused).to_be_hidden()
    page.get_by_role("button", name="Quay lại").click()
    settled(page, "start")


def test_too_early_says_from_what_time(demo_site, new_page, database_url, screenshot):
    base = demo_site["url"]
    open_booking(database_url, early_minutes=10)
    start = slot_ahead(1)  # 30 to 60 minutes away: check-in opens 10 minutes before it
    booked = book(base, start)
    opens = start - dt.timedelta(minutes=10)
    page = open_kiosk(new_page, base)
    to_checkin(page)
    type_code(page, booked["code"])
    answer = confirm(page)
    assert answer.status == 409
    settled(page, "checkin")
    expect(page.locator("#k-checkin-refused-title")).to_have_text("Chưa xác nhận được lịch hẹn")
    expect(page.locator("#k-checkin-refused-message")).to_have_text(
        f"Lịch hẹn {booked['code']}: xin quay lại xác nhận từ {opens:%H:%M}."
    )
    assert waiting(base) == {"A": 0, "B": 0}
    assert booking_status(base, booked["token"]) == "booked"
    check_screen(page)
    screenshot(page, "kiosk-checkin-too-early")

    page.locator("#k-lang").click()
    expect(page.locator("#k-checkin-refused-message")).to_have_text(
        f"Appointment {booked['code']} opens for check-in at {opens:%H:%M}."
    )


def test_the_same_booking_twice_shows_the_same_number(
    demo_site, new_page, database_url, screenshot
):
    base = demo_site["url"]
    open_booking(database_url)
    booked = book(base, slot_ahead())
    page = open_kiosk(new_page, base, query="return=60")
    to_checkin(page)
    type_code(page, booked["code"])
    first = confirm(page).json()
    settled(page, "ticket")
    expect(page.locator("#k-number")).to_have_text(first["code"])
    page.get_by_role("button", name="Xong").click()

    # Again by its code: the same ticket.
    to_checkin(page)
    type_code(page, booked["code"])
    again = confirm(page)
    assert again.status == 201 and again.json()["id"] == first["id"]
    settled(page, "ticket")
    expect(page.locator("#k-number")).to_have_text(first["code"])
    page.get_by_role("button", name="Xong").click()

    # And by its QR on the start screen, where a scan of a booking opens its check-in.
    settled(page, "start")
    with page.expect_response(lambda r: r.url.endswith("/check-in")) as answer:
        scan(page, booked["manage_url"])
    assert answer.value.json()["id"] == first["id"]
    settled(page, "ticket")
    expect(page.locator("#k-number")).to_have_text(first["code"])
    assert waiting(base)["A"] == 1  # one ticket in all
    screenshot(page, "kiosk-checkin-again")


def test_a_cccd_scanned_at_the_check_in_finds_the_return_of_results(
    demo_site, new_page, database_url, screenshot
):
    """The citizen scanned their card when they handed in the dossier; the officer set the
    return of its result for today. At the check-in the same card finds it."""
    base = demo_site["url"]
    open_booking(database_url)
    start = slot_ahead()
    page = open_kiosk(new_page, base, query="return=60")
    settled(page, "start")
    scan(page, YOUNG)
    expect(page.locator("#k-greeting-hello")).to_have_text("Kính chào Ông/Bà Trần Thị Thử")
    settled(page, "start")
    page.locator("#k-services button.k-service", has_text="Hộ tịch").click()
    settled(page, "priority")
    with page.expect_response(lambda r: r.url.endswith("/tickets")) as answer:
        page.get_by_role("button", name=re.compile("Không ưu tiên")).click()
    received = answer.value.json()
    engine, db = offline_engine(database_url)
    try:
        engine.attach_dossier(received["id"], "000.00.23.H26-250715-0001")
        engine.set_return(received["id"], start.replace(tzinfo=None))
    finally:
        db.dispose()
    page.get_by_role("button", name="Xong").click()

    to_checkin(page)
    with page.expect_response(lambda r: r.url.endswith("/check-in")) as answer:
        scan(page, YOUNG)
    assert answer.value.status == 201, answer.value.text()
    assert set(answer.value.request.post_data_json) == {"citizen"}
    settled(page, "ticket")
    expect(page.locator("#k-number")).to_have_text(answer.value.json()["code"])
    expect(page.locator("#k-ticket-appointment")).to_have_text(
        f"Số của lịch hẹn trả kết quả lúc {start:%H:%M}"
    )
    expect(page.locator("#k-greeting")).to_be_hidden()
    check_screen(page)
    screenshot(page, "kiosk-checkin-return-by-card")


def test_a_check_in_left_half_done_returns_to_the_start(demo_site, new_page, database_url):
    open_booking(database_url)
    page = open_kiosk(new_page, demo_site["url"], query="idle=3")
    to_checkin(page)
    page.locator('#k-keys button[data-key="H"]').click()
    page.locator("#k-lang").click()
    settled(page, "start")  # by itself, in Vietnamese, with nothing typed kept
    expect(page.locator("#k-start-title")).to_have_text("Mời chọn lĩnh vực")
    page.get_by_role("button", name="Tôi đã đặt lịch hẹn").click()
    settled(page, "checkin")
    expect(page.locator("#k-code")).to_have_attribute("data-code", "")


def test_no_booking_no_button(demo_site, new_page):
    page = open_kiosk(new_page, demo_site["url"])
    settled(page, "start")
    expect(page.locator("#k-have-appointment")).to_have_count(0)
    expect(page.locator("#screen-checkin")).to_have_count(0)
