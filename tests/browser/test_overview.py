"""The manager's live overview in headless Chromium against a live server: it follows
tickets being issued and called, and device faults and presence, without a reload.

`sign_in` and `CONSOLE` are shared with test_reports*.py.
"""

from __future__ import annotations

import re

import pytest
import requests
from playwright.sync_api import Page, expect
from sqlalchemy import select

from server.db import Database
from server.engine import credentials
from server.models import Device
from tests.conftest import missing_service
from tests.factories import bearer, make_office, make_token
from tests.live_server import LiveServer, free_port
from tests.redis_server import REDIS_SERVER, RedisServer
from tests.signin import sign_in_page as sign_in
from tests.sio_client import Listener

pytestmark = pytest.mark.browser

CONSOLE = (1366, 768)
VIETNAMESE = {"locale": "vi-VN", "timezone_id": "Asia/Ho_Chi_Minh"}
LIVE_TIMEOUT = 10_000  # ms: the page refetches at most every 2 s


def api(base: str, method: str, path: str, token: str | None = None, **body) -> dict:
    response = requests.request(
        method,
        f"{base}/api/v1{path}",
        json=body or None,
        headers=bearer(token) if token else {},
        timeout=10,
    )
    assert response.ok, response.text
    return response.json()


def devices(database_url: str) -> dict[str, str]:
    """A kiosk whose printer ran out of paper, a display that is connected (it will come
    online once a socket with its token connects) and a rating tablet never seen."""
    db = Database(database_url)
    try:
        with db.write() as session:
            kiosk = credentials.create_device(session, "T1", "kiosk", "Máy lấy số sảnh chính")
            kiosk.printer_status = "error"
            kiosk.printer_error = "Hết giấy"
            display = credentials.create_device(session, "T1", "display", "Màn hình phòng chờ")
            credentials.create_device(
                session, "T1", "rating", "Máy đánh giá quầy 1", counter_number=1
            )
            session.flush()
            return {"display": credentials.create_token(session, display, "t")}
    finally:
        db.dispose()


def open_overview(new_page, base: str, username: str = "boss") -> Page:
    page = new_page(*CONSOLE, **VIETNAMESE)
    sign_in(page, base, username, "/admin/overview")
    expect(page.locator("#overview")).to_have_attribute("data-ready", "true")
    expect(page.locator("html")).to_have_attribute("data-live", "online")
    expect(page.locator("#overview")).to_have_attribute("data-staff-room", "joined")
    page.evaluate("window.__sameDocument = true")
    return page


def test_the_overview_follows_issuing_and_calling_without_a_reload(
    demo_site, new_page, database_url, screenshot
):
    base, office, officer = demo_site["url"], demo_site["office"], demo_site["token"]
    make_token(Database(database_url), "boss", role="manager")
    page = open_overview(new_page, base)

    expect(page.locator("#waiting-total")).to_have_text("0")
    expect(page.locator("#longest-wait")).to_have_text("—")
    expect(page.locator("#open-counters")).to_have_text("0/2")

    api(base, "POST", "/offices/T1/tickets", service="A")
    api(base, "POST", "/offices/T1/tickets", service="B")
    expect(page.locator("#waiting-total")).to_have_text("2", timeout=LIVE_TIMEOUT)
    expect(page.locator("tr[data-service=A] [data-col=waiting]")).to_have_text("1")
    expect(page.locator("tr[data-service=B] [data-col=waiting]")).to_have_text("1")

    # The longest wait ticks by itself between refreshes, in words ("12 giây", "3 phút 5 giây").
    longest = page.locator("#longest-wait")
    expect(longest).to_have_text(re.compile(r"^(\d+ phút )?\d+ giây$"))
    fetches = page.locator("#overview").get_attribute("data-fetches")
    shown = longest.text_content()
    expect(longest).not_to_have_text(shown, timeout=3000)
    assert page.locator("#overview").get_attribute("data-fetches") == fetches

    counter = office["counters"][1]
    api(base, "POST", f"/counters/{counter}/open", officer)
    expect(page.locator("#open-counters")).to_have_text("1/2", timeout=LIVE_TIMEOUT)
    row = page.locator("tr[data-counter='1']")
    expect(row).to_have_attribute("data-state", "open")
    expect(row).to_contain_text("officer1")

    api(base, "POST", f"/counters/{counter}/next", officer)
    expect(row.locator("[data-col=current]")).to_contain_text("A001", timeout=LIVE_TIMEOUT)
    expect(row.locator("[data-col=current]")).to_contain_text("Đang mời")
    expect(page.locator("#waiting-total")).to_have_text("1")
    expect(page.locator("#calls li").first).to_contain_text("A001")

    assert page.evaluate("window.__sameDocument") is True  # never reloaded
    screenshot(page, "overview-live")


def test_a_field_no_counter_serves_is_a_warning_on_the_overview(
    demo_site, new_page, database_url, screenshot
):
    base, office = demo_site["url"], demo_site["office"]
    boss = make_token(Database(database_url), "boss", role="manager")
    api(base, "POST", "/offices/T1/services", boss, code="YT", name="Y tế", prefix="Y")
    page = open_overview(new_page, base)
    warning = page.locator("#unserved")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("Chưa có quầy nào phục vụ lĩnh vực: Y tế.")
    expect(warning).to_contain_text("Máy lấy số không cấp số cho các lĩnh vực này")
    expect(page.locator("tr[data-service=YT]")).to_contain_text("Chưa có quầy")
    expect(page.locator("tr[data-service=A]")).not_to_contain_text("Chưa có quầy")
    screenshot(page, "overview_unserved_field")

    # Counter 2 takes it on: the warning goes, and the field takes tickets again.
    api(base, "PATCH", f"/counters/{office['counters'][2]}", boss, services=["B", "YT"])
    page.reload()
    expect(page.locator("#overview")).to_have_attribute("data-ready", "true")
    expect(page.locator("#unserved")).to_be_hidden()
    assert api(base, "POST", "/offices/T1/tickets", service="YT")["code"] == "Y001"


def test_device_faults_are_red_and_presence_updates_live(
    demo_site, new_page, database_url, screenshot
):
    base, office, officer = demo_site["url"], demo_site["office"], demo_site["token"]
    tokens = devices(database_url)
    make_token(Database(database_url), "boss", role="manager")
    for counter in office["counters"].values():
        api(base, "POST", f"/counters/{counter}/open", officer)
    for service in ("A", "B", "B", "A", "B"):
        api(base, "POST", "/offices/T1/tickets", service=service)
    api(base, "POST", f"/counters/{office['counters'][2]}/next", officer)

    page = open_overview(new_page, base)
    expect(page.locator("#fault-count")).to_have_text("3 lỗi")
    kiosk = page.locator("#devices tr", has_text="Máy lấy số sảnh chính")
    expect(kiosk).to_have_attribute("data-fault", "true")
    expect(kiosk.locator("[data-col=status]")).to_contain_text("Lỗi máy in: Hết giấy")
    display = page.locator("#devices tr", has_text="Màn hình phòng chờ")
    expect(display.locator("[data-col=status]")).to_have_text("Chưa kết nối lần nào")
    assert (
        page.evaluate(
            "() => getComputedStyle(document.querySelector('#devices tr.mg-fault td'))"
            ".backgroundColor"
        )
        == "rgb(253, 236, 234)"
    )
    screenshot(page, "overview-device-fault")

    # The display connects: device_status in the staff room, the page refetches.
    screen = Listener(base, auth={"token": tokens["display"]})
    try:
        expect(display).to_have_attribute("data-fault", "false", timeout=LIVE_TIMEOUT)
        expect(display.locator("[data-col=status]")).to_have_text("Hoạt động")
        expect(page.locator("#fault-count")).to_have_text("2 lỗi")
    finally:
        screen.client.disconnect()
    expect(display).to_have_attribute("data-fault", "true", timeout=LIVE_TIMEOUT)
    expect(display.locator("[data-col=status]")).to_contain_text("Mất kết nối từ ")

    # A printer recovers (as a kiosk's print result would record it) and the next poll or
    # event shows it; here an issued ticket triggers the refetch.
    db = Database(database_url)
    with db.write() as session:
        device = session.scalar(select(Device).where(Device.kind == "kiosk"))
        device.printer_status, device.printer_error = "ok", None
    db.dispose()
    api(base, "POST", "/offices/T1/tickets", service="A")
    expect(kiosk.locator("[data-col=status]")).to_have_text(
        "Chưa kết nối lần nào", timeout=LIVE_TIMEOUT
    )


def test_a_manager_of_several_offices_picks_one(demo_site, new_page, database_url):
    from tests.factories import make_office

    base = demo_site["url"]
    db = Database(database_url)
    make_office(db, code="T2", name="Trung tâm Phục vụ hành chính công xã Hai")
    make_token(db, "boss", role="manager", offices=("T1", "T2"))
    db.dispose()
    api(base, "POST", "/offices/T2/tickets", service="B")
    page = open_overview(new_page, base)
    expect(page.locator("#waiting-total")).to_have_text("0")
    page.select_option("#office-pick", "T2")
    page.wait_for_url(re.compile(r"/admin/overview\?office=T2$"))
    expect(page.locator("#overview")).to_have_attribute("data-ready", "true")
    expect(page.locator("#office-title")).to_have_text("Trung tâm Phục vụ hành chính công xã Hai")
    expect(page.locator("#waiting-total")).to_have_text("1")


def test_a_manager_cancels_a_flood_from_one_source_on_the_overview(
    demo_site, new_page, database_url, screenshot
):
    base = demo_site["url"]
    make_token(Database(database_url), "boss", role="manager")
    for _ in range(5):
        api(base, "POST", "/offices/T1/tickets", service="A")
    page = open_overview(new_page, base)
    row = page.locator("#sources tr[data-source='addr:127.0.0.1']")
    expect(row.locator("td").nth(1)).to_have_text("5")
    expect(row.locator("td").nth(2)).to_have_text("5")
    screenshot(page, "overview-sources")
    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="Hủy số đang chờ").click()
    expect(page.locator("#sources-note")).to_have_text(re.compile("Đã hủy 5 số"))
    expect(page.locator("#waiting-total")).to_have_text("0", timeout=LIVE_TIMEOUT)
    expect(row.locator("td").nth(2)).to_have_text("0", timeout=LIVE_TIMEOUT)
    assert page.evaluate("window.__sameDocument") is True


def test_server_faults_show_as_a_banner_live(database_url, tmp_path, new_page, screenshot):
    """Redis stops: the manager sees it on the overview without a reload, and sees it go."""
    if REDIS_SERVER is None:
        missing_service("redis-server is not installed")
    db = Database(database_url)
    make_office(db)
    make_token(db, "boss", role="manager")
    db.dispose()
    queue = RedisServer(tmp_path / "redis")
    server = LiveServer(
        database_url,
        tmp_path / "live",
        free_port(),
        REDIS_URL=queue.url,
        LUOT_SOCKETIO_CHANNEL=f"overview-{tmp_path.name}",
        LUOT_HEARTBEAT_SECONDS="0.5",
    )
    try:
        queue.start()
        server.start()
        page = open_overview(new_page, server.url)
        banner = page.locator("#health")
        expect(banner).to_be_hidden()
        expect(page.locator("#overview")).to_have_attribute("data-health", "ok")
        queue.kill()
        expect(banner).to_be_visible(timeout=LIVE_TIMEOUT)
        expect(banner.locator("li[data-check=redis]")).to_contain_text("Mất kết nối Redis")
        screenshot(page, "overview-server-fault")
        queue.start()
        expect(banner).to_be_hidden(timeout=LIVE_TIMEOUT)
        assert page.evaluate("window.__sameDocument") is True
    finally:
        try:
            server.stop()
        finally:
            queue.kill()


def test_a_manager_cancels_the_bookings_of_one_network_on_the_overview(
    demo_site, new_page, database_url, screenshot
):
    import datetime as dt
    from zoneinfo import ZoneInfo

    from tests.display.helpers import set_settings

    base = demo_site["url"]
    make_token(Database(database_url), "boss", role="manager")
    hours = {d: [["07:30", "11:30"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    set_settings(
        database_url,
        "T1",
        {"hours": hours, "appointments": {"enabled": True, "capacity": {"B": 3}}},
    )
    day = (dt.datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date() + dt.timedelta(days=3)).isoformat()
    for n in range(3):
        body = {
            "service": "B",
            "start": f"{day}T{8 + n:02d}:00",
            "name": "X",
            "phone": f"091234567{n}",
        }
        response = requests.post(f"{base}/api/v1/offices/T1/appointments", json=body, timeout=10)
        assert response.status_code == 201, response.text
    page = open_overview(new_page, base)
    row = page.locator("#booking-sources tr[data-source='net:127.0.0.0/24']")
    expect(row.locator("td").nth(1)).to_have_text("3")
    expect(row.locator("td").first).to_contain_text("1 địa chỉ")
    screenshot(page, "overview-booking-sources")
    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="Hủy các lịch này").click()
    expect(page.locator("#booking-sources-note")).to_have_text(re.compile("Đã hủy 3 lịch hẹn"))
    free = requests.get(
        f"{base}/api/v1/offices/T1/slots",
        params={"service": "B", "from": day, "days": 1},
        timeout=10,
    ).json()["days"][0]["slots"]
    assert all(slot["free"] == 3 for slot in free)
