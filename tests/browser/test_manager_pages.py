"""The manager's pages of issue 25, point 7, in headless Chromium against a live server:
one truth about devices on the devices page and the overview; the booking settings laid
out as a form; a manager adding and deactivating their own office's officers.

(The reports page's fit at 1366 px, its A4 summary and the CSV choice are in
test_reports.py, beside its history of tickets.)"""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from server import accounts
from server.db import Database
from server.models import Device
from tests.browser.axe import describe, severe_violations
from tests.factories import make_token
from tests.signin import sign_in_page as sign_in
from tests.sio_client import Listener

pytestmark = pytest.mark.browser

SCREEN = (1366, 768)
SMALL = (1024, 768)
VIETNAMESE = {"locale": "vi-VN", "timezone_id": "Asia/Ho_Chi_Minh"}
LIVE_TIMEOUT = 10_000


def open_page(new_page, base: str, username: str, target: str, size=SCREEN) -> Page:
    page = new_page(*size, **VIETNAMESE)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.js_errors = errors
    sign_in(page, base, username, target)
    return page


def no_severe_violations(page: Page) -> None:
    severe = severe_violations(page)
    assert not severe, describe(severe)


# ---------------------------------------------------------------- 1. devices: one truth


def four_devices(database_url: str) -> dict[str, str]:
    """A kiosk, a board and a rating tablet with tokens, and a board whose process died
    while it was connected (`connected` still set, unheard of for five minutes)."""
    db = Database(database_url)
    try:
        with db.write() as session:
            kiosk = accounts.create_device(session, "T1", "kiosk", "Kiosk sảnh")
            board = accounts.create_device(session, "T1", "display", "TV sảnh chờ")
            tablet = accounts.create_device(
                session, "T1", "rating", "Tablet quầy 1", counter_number=1
            )
            stale = accounts.create_device(session, "T1", "display", "TV tầng 2")
            stale.connected = True
            stale.last_seen_at = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
            session.flush()
            return {
                name: accounts.create_token(session, device, "t")
                for name, device in (("kiosk", kiosk), ("board", board), ("tablet", tablet))
            }
    finally:
        db.dispose()


def states(page: Page, rows: str) -> dict[str, str]:
    """Device name → the connection a page shows for it (its cell's data-connection)."""
    return page.evaluate(
        """(rows) => Object.fromEntries([...document.querySelectorAll(rows)].map((row) => [
            (row.querySelector("td strong") || row.querySelector("td")).textContent.trim(),
            row.querySelector("[data-connection]").dataset.connection]))""",
        rows,
    )


def test_the_devices_page_and_the_overview_show_one_truth(
    demo_site, new_page, database_url, screenshot
):
    base = demo_site["url"]
    tokens = four_devices(database_url)
    make_token(Database(database_url), "boss", role="manager")
    screens = {name: Listener(base, auth={"token": tokens[name]}) for name in tokens}
    try:
        devices = open_page(new_page, base, "boss", "/admin/devices")
        overview = open_page(new_page, base, "boss", "/admin/overview")
        expect(overview.locator("#overview")).to_have_attribute("data-ready", "true")
        table = "#devices-table tbody tr"
        board = devices.locator(table, has_text="TV sảnh chờ")
        expect(board.locator("[data-col=connection]")).to_have_text("Đã kết nối")
        expected = {
            "Kiosk sảnh": "connected",
            "TV sảnh chờ": "connected",
            "Tablet quầy 1": "connected",
            "TV tầng 2": "lost",
        }
        assert states(devices, table) == expected
        expect(overview.locator("#devices tr[data-device]")).to_have_count(4)
        assert states(overview, "#devices tr[data-device]") == expected
        stale = devices.locator(table, has_text="TV tầng 2")
        expect(stale.locator("[data-col=connection]")).to_contain_text("Mất kết nối từ ")

        # The board and the kiosk go away: both pages follow, without a reload.
        screens.pop("board").client.disconnect()
        screens.pop("kiosk").client.disconnect()
        expect(board.locator("[data-col=connection]")).to_contain_text(
            "Mất kết nối từ ", timeout=LIVE_TIMEOUT
        )
        ov_board = overview.locator("#devices tr", has_text="TV sảnh chờ")
        expect(ov_board).to_have_attribute("data-fault", "true", timeout=LIVE_TIMEOUT)
        expect(
            devices.locator(table, has_text="Kiosk sảnh").locator("[data-connection]")
        ).to_have_attribute("data-connection", "lost", timeout=LIVE_TIMEOUT)
        expect(
            overview.locator("#devices tr", has_text="Kiosk sảnh").locator("[data-connection]")
        ).to_have_attribute("data-connection", "lost", timeout=LIVE_TIMEOUT)
        expected.update({"Kiosk sảnh": "lost", "TV sảnh chờ": "lost"})
        assert states(devices, table) == expected
        assert states(overview, "#devices tr[data-device]") == expected
        # The same words on both pages, the time of leaving included.
        board_words = board.locator("[data-col=connection]").inner_text()
        assert board_words in ov_board.locator("[data-col=status]").inner_text()

        # A device registered now was never seen: both say so.
        db = Database(database_url)
        with db.write() as session:
            accounts.create_device(session, "T1", "display", "TV mới")
        db.dispose()
        devices.click("#devices-refresh")
        overview.reload()
        expect(overview.locator("#devices tr[data-device]")).to_have_count(5)
        expected["TV mới"] = "never"
        expect(devices.locator(table)).to_have_count(5)
        assert states(devices, table) == expected
        assert states(overview, "#devices tr[data-device]") == expected
        fresh = devices.locator(table, has_text="TV mới").locator("[data-col=connection]")
        expect(fresh).to_have_text("Chưa kết nối lần nào")
        no_severe_violations(devices)
        screenshot(devices, "issue25-devices-page")
        screenshot(overview, "issue25-devices-overview")
        assert devices.js_errors == [] and overview.js_errors == []
    finally:
        for screen in screens.values():
            screen.client.disconnect()
    db = Database(database_url)
    with db.read() as session:
        assert session.scalar(select(Device).where(Device.name == "TV tầng 2")).connected
    db.dispose()
