"""Appointments for staff (issue 14, point 5 and the officer's side of point 2): today's
appointments on the counter console (live, "result ready" on a return of results), the
"Hẹn trả kết quả" dialog for a ticket with a dossier code, and the manager's overview.

The live server runs on the real clock: times are computed from now in Hà Nội, the office
is open all day every day, and what need not be today is booked a day ahead."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import requests
from playwright.sync_api import Page, expect

from tests.browser.test_console import current, idle, issue, open_console, open_counter
from tests.browser.test_console_officer import CLIPPED, accessibility_problems, manager
from tests.display.helpers import offline_engine
from tests.factories import bearer
from tests.signin import sign_in_page

pytestmark = pytest.mark.browser

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
ALL_DAY = {d: [["00:00", "23:59"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
DOSSIER = "000.00.23.H26-250715-0001"
SETTINGS = {
    "hours": ALL_DAY,
    "appointments": {
        "enabled": True,
        "capacity": {"A": 3, "B": 3},
        "min_notice_minutes": 0,
        # Check-in opens well before the slot: the test checks citizens in an hour or two early.
        "early_minutes": 240,
    },
}


def slots_today(n: int) -> list[dt.datetime]:
    """`n` half-hour slots later today (office wall time, naive), the first one at least
    half an hour away; skipped late in the evening, when today has too few left."""
    now = dt.datetime.now(ZONE).replace(tzinfo=None, second=0, microsecond=0)
    first = now.replace(minute=0) + dt.timedelta(minutes=60 if now.minute < 30 else 90)
    slots = [first + dt.timedelta(minutes=30 * i) for i in range(n)]
    if slots[-1].date() != now.date() or slots[-1].time() > dt.time(23, 0):
        pytest.skip("too late in the day for slots later today")
    return slots


@pytest.fixture
def booked_day(demo_site, database_url):
    """Today: two bookings (one checked in), a return of results; and one tomorrow."""
    engine, db = offline_engine(database_url)
    try:
        engine.update_office("T1", {"settings": SETTINGS})
        first, second, third, fourth = slots_today(4)
        came = engine.book("T1", "A", first, "Nguyễn Thị Hoa", "0912345678")
        waits = engine.book("T1", "B", second, "Trần Văn Bình", "0987654321")
        ticket = engine.issue("T1", "A")
        engine.attach_dossier(ticket["id"], DOSSIER)
        back = engine.set_return(ticket["id"], third, phone="0911222333", consent=True)
        tomorrow = first + dt.timedelta(days=1)
        later = engine.book("T1", "A", tomorrow, "Lê Văn Cường", "0933444555")
        checked = engine.check_in("T1", code=came["code"])
    finally:
        db.dispose()
    return {
        **demo_site,
        "came": came,
        "waits": waits,
        "back": back,
        "later": later,
        "ticket": checked,
        "walk_in": ticket,
        "fourth": fourth,
    }


def book_now(base: str, start: dt.datetime, name: str, phone: str) -> dict:
    response = requests.post(
        f"{base}/api/v1/offices/T1/appointments",
        json={"service": "A", "start": f"{start:%Y-%m-%dT%H:%M}", "name": name, "phone": phone},
        timeout=10,
    )
    assert response.status_code == 201, response.text
    return response.json()


def rows(page: Page):
    return page.locator("#appts-list li")


# ---------------------------------------------------------------- the console's panel


def test_the_console_lists_todays_appointments_live_and_marks_a_result_ready(
    booked_day, new_page, screenshot
):
    base, office = booked_day["url"], booked_day["office"]
    page = open_console(new_page, base, "officer1", office["counters"][1])
    panel = page.locator("#appts")
    expect(panel).to_have_attribute("open", "")
    expect(page.locator("#appts-title")).to_contain_text("Lịch hẹn hôm nay")
    expect(page.locator("#appts-count")).to_have_text("3")  # tomorrow's is not listed
    came, waits, back = booked_day["came"], booked_day["waits"], booked_day["back"]
    expect(rows(page)).to_have_count(3)
    first = page.locator(f"#appts-list li[data-code='{came['code']}']")
    expect(first).to_contain_text("Nguyễn Thị Hoa")
    expect(first).to_contain_text("Đã đến")
    expect(first).to_contain_text(f"Số {booked_day['ticket']['code']}")
    second = page.locator(f"#appts-list li[data-code='{waits['code']}']")
    expect(second).to_contain_text("Chưa đến")
    expect(second.locator("button")).to_have_count(0)
    ret = page.locator(f"#appts-list li[data-code='{back['code']}']")
    expect(ret).to_have_attribute("data-kind", "return")
    expect(ret).to_contain_text(f"Hồ sơ {DOSSIER}")
    expect(ret).to_contain_text(back["start"][11:16])
    assert page.evaluate(CLIPPED) == []
    assert accessibility_problems(page, "#appts") == []
    screenshot(page, "console-appointments-panel")

    # A citizen books a slot of today: the panel follows without a reload.
    fetches = int(panel.get_attribute("data-event-fetches") or 0)
    fresh = book_now(base, booked_day["fourth"], "Phạm Thị Dung", "0944555666")
    expect(page.locator("#appts-count")).to_have_text("4")
    expect(page.locator(f"#appts-list li[data-code='{fresh['code']}']")).to_contain_text(
        "Phạm Thị Dung"
    )
    # One event, one fetch (a counter snapshot's own refetch may come too; it is not counted).
    expect(panel).to_have_attribute("data-event-fetches", str(fetches + 1))
    page.wait_for_timeout(800)  # past the coalescing window: no second fetch for the event
    assert int(panel.get_attribute("data-event-fetches")) == fetches + 1
    # ... and checks in at the kiosk: the ticket number appears.
    checked = requests.post(
        f"{base}/api/v1/offices/T1/check-in", json={"code": fresh["code"]}, timeout=10
    )
    assert checked.status_code == 201, checked.text
    expect(page.locator(f"#appts-list li[data-code='{fresh['code']}']")).to_contain_text(
        f"Số {checked.json()['code']}"
    )

    # The dossier's result is ready: the citizen is told, the row says so.
    ret.get_by_role("button", name="đã có kết quả").click()
    expect(ret.locator(".cc-appt-ready")).to_have_text("Đã báo có kết quả")
    expect(ret.locator("button")).to_have_count(0)
    expect(page.locator("#message")).to_contain_text(
        f"Đã báo có kết quả cho lịch hẹn {back['code']}"
    )
    listed = requests.get(
        f"{base}/api/v1/offices/T1/appointments",
        headers=bearer(booked_day["token"]),
        timeout=10,
    ).json()
    assert [a["result_ready"] for a in listed if a["code"] == back["code"]] == [True]
    screenshot(page, "console-appointments-result-ready")

    # Folded away, it stays folded after a reload.
    page.locator("#appts summary").click()
    expect(panel).not_to_have_attribute("open", "")
    page.reload()
    page.wait_for_selector("#console[data-ready=true]")
    expect(page.locator("#appts")).not_to_have_attribute("open", "")
    expect(page.locator("#appts-count")).to_have_text("4")


def test_the_panel_fits_a_1024x768_console(booked_day, new_page, screenshot):
    base, office = booked_day["url"], booked_day["office"]
    for service in ("A", "B") * 5:
        issue(base, service)
    page = open_console(new_page, base, "officer1", office["counters"][1], size=(1024, 768))
    open_counter(page)
    page.click("#btn-next")
    idle(page)
    expect(rows(page)).to_have_count(3)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024
    # The main work is above the fold; the panel is reached by scrolling.
    for selector in ("#btn-next", "#current-code"):
        box = page.locator(selector).bounding_box()
        assert box and box["y"] + box["height"] <= 768, selector
    last = page.locator("#appts-list li").last
    last.scroll_into_view_if_needed()
    screenshot(page, "console-appointments-1024x768")
    box = last.bounding_box()
    assert box and box["y"] >= 0 and box["y"] + box["height"] <= 768
    assert box["x"] >= 0 and box["x"] + box["width"] <= 1024
    assert page.evaluate(CLIPPED) == []
    screenshot(page, "console-appointments-1024x768")


# ---------------------------------------------------------------- return of results


def test_a_return_of_results_is_set_from_the_current_ticket(
    booked_day, new_page, screenshot, database_url
):
    base, office = booked_day["url"], booked_day["office"]
    page = open_console(new_page, base, "officer1", office["counters"][1])
    open_counter(page)
    button = page.locator("#btn-return")
    # First in line: the walk-in whose dossier was received (its return is already set).
    page.click("#btn-next")
    current(page, booked_day["walk_in"]["code"], "called")
    idle(page)
    expect(button).to_be_enabled()
    expect(page.locator("#return-hint")).to_be_hidden()
    page.keyboard.press("b")
    idle(page)
    # Then the checked-in citizen's ticket: no dossier code yet.
    page.keyboard.press("n")
    current(page, booked_day["ticket"]["code"], "called")
    idle(page)
    code = booked_day["ticket"]["code"]
    expect(button).to_be_disabled()
    expect(button.locator("kbd")).to_have_text("K")
    expect(button).to_have_attribute("aria-keyshortcuts", "K")
    expect(page.locator("#return-hint")).to_have_text("Gắn mã hồ sơ (M) trước khi hẹn trả kết quả.")
    page.keyboard.press("k")
    expect(page.locator("#dlg-return")).to_be_hidden()

    # The dossier is received: its code goes on the ticket, then the return is set.
    page.keyboard.press("m")
    page.locator("#ds-input").fill("000.00.23.H26-250715-0002")
    page.click("#ds-submit")
    expect(page.locator("#current-extra")).to_contain_text("000.00.23.H26-250715-0002")
    idle(page)
    expect(button).to_be_enabled()
    expect(page.locator("#return-hint")).to_be_hidden()
    page.keyboard.press("k")
    dialog = page.get_by_role("dialog", name=f"Hẹn trả kết quả cho số {code}")
    expect(dialog).to_be_visible()
    tomorrow = (dt.datetime.now(ZONE) + dt.timedelta(days=1)).date().isoformat()
    expect(page.locator("#rt-date")).to_have_value(tomorrow)  # the next working day
    shown = f"{tomorrow[8:10]}/{tomorrow[5:7]}/{tomorrow[:4]}"  # whatever the field's order
    expect(page.locator("#rt-hours")).to_have_text(
        re.compile(rf"^(Thứ .+|Chủ [Nn]hật), {shown}: giờ làm việc 00:00–23:59$")
    )
    expect(dialog).to_contain_text("000.00.23.H26-250715-0002")
    assert accessibility_problems(page, "#dlg-return") == []

    page.locator("#rt-time").fill("9h")
    page.click("#rt-submit")
    expect(page.locator("#rt-error")).to_have_text("Nhập giờ dạng GG:PP, ví dụ 14:30.")
    page.locator("#rt-time").fill("9:30")
    page.locator("#rt-phone").fill("12345")
    page.click("#rt-submit")
    expect(page.locator("#rt-error")).to_contain_text("số điện thoại")  # the server's words
    expect(page.locator("#rt-phone")).to_have_attribute("aria-invalid", "true")
    page.locator("#rt-phone").fill("0912 000 111")
    expect(page.locator("#rt-error")).to_be_hidden()  # a correction clears the refusal
    page.locator("#rt-consent").check()
    screenshot(page, "console-appointments-return-dialog")
    page.click("#rt-submit")
    done = page.locator("#rt-done")
    expect(done).to_be_visible()
    expect(page.locator("#rt-done-text")).to_contain_text("Đã hẹn trả kết quả: mã ")
    expect(page.locator("#rt-done-text")).to_contain_text(
        f"09:30 ngày {tomorrow[8:10]}/{tomorrow[5:7]}/{tomorrow[:4]}"
    )
    # The citizen consented, but this office sends no messages (no channel): nothing is
    # promised (issue 25, point 5; the API's `messages` is tested in tests/api).
    expect(page.locator("#rt-done-messages")).to_be_hidden()
    # No slip printer here: the booking's page (with its QR) opens for printing instead,
    # unless the server says it sent the slip to a printer.
    slip = page.locator("#rt-slip")
    printed = page.locator("#rt-done-print")
    expect(printed).to_contain_text(re.compile("Đã gửi in phiếu hẹn|Mở phiếu hẹn"))
    if slip.count():
        assert "/b/" in slip.get_attribute("href")
    screenshot(page, "console-appointments-return-done")
    page.click("#rt-cancel")
    expect(dialog).to_be_hidden()

    listed = requests.get(
        f"{base}/api/v1/offices/T1/appointments",
        params={"day": tomorrow},
        headers=bearer(booked_day["token"]),
        timeout=10,
    ).json()
    returns = [a for a in listed if a["kind"] == "return"]
    assert [(a["time"], a["dossier_code"], a["phone"]) for a in returns] == [
        ("09:30", "000.00.23.H26-250715-0002", "•••••••111")
    ]

    # The citizen who came for their booking is served: the panel follows the ticket.
    row = page.locator(f"#appts-list li[data-code='{booked_day['came']['code']}']")
    expect(row).to_contain_text("Đã đến")
    page.keyboard.press("b")
    current(page, code, "serving")
    idle(page)
    page.keyboard.press("h")
    expect(page.locator("#current")).to_have_attribute("data-status", "none")
    expect(row).to_contain_text("Đã phục vụ", timeout=10000)


# ---------------------------------------------------------------- the overview


def test_the_overview_sums_up_todays_appointments_live(
    booked_day, new_page, screenshot, database_url
):
    base = booked_day["url"]
    manager(database_url)
    page = new_page(1280, 1000)
    sign_in_page(page, base, "boss", "/admin/overview")
    expect(page.locator("#overview")).to_have_attribute("data-ready", "true")
    card = page.locator("#appts-card")
    expect(card.locator("#appts-booked")).to_have_text("3")
    expect(card.locator("#appts-checked-in")).to_have_text("1")
    expect(card.locator("#appts-attended")).to_have_text("0")
    expect(card.locator("#appts-missed")).to_have_text("0")
    upcoming = card.locator("#appts-upcoming li")
    expect(upcoming).to_have_count(2)  # the booking not yet here and the return
    expect(upcoming.first).to_contain_text(booked_day["waits"]["code"])
    expect(upcoming.first).to_contain_text("Trần Văn Bình")
    expect(upcoming.nth(1)).to_contain_text("Trả kết quả")

    fresh = book_now(base, booked_day["fourth"], "Phạm Thị Dung", "0944555666")
    expect(card.locator("#appts-booked")).to_have_text("4")
    expect(upcoming).to_have_count(3)
    expect(upcoming.last).to_contain_text(fresh["code"])
    checked = requests.post(
        f"{base}/api/v1/offices/T1/check-in", json={"code": fresh["code"]}, timeout=10
    )
    assert checked.status_code == 201
    expect(card.locator("#appts-checked-in")).to_have_text("2")
    expect(upcoming).to_have_count(2)
    card.scroll_into_view_if_needed()
    screenshot(page, "overview-appointments")
