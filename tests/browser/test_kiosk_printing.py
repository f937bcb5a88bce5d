"""A registered kiosk: its token from the URL, its printer's reports on the ticket screen,
scans pushed by the kiosk agent into its Socket.IO room."""

from __future__ import annotations

import re

import pytest
import requests
from playwright.sync_api import Page, expect

from server.db import Database
from server.engine import credentials
from tests.browser.test_kiosk import SIZES, check_screen, field, open_kiosk, settled, waiting
from tests.browser.test_kiosk_scan import ELDERLY
from tests.factories import bearer
from tests.fake_printer import LOOPBACK_POLICY, StuckPrinter
from tests.live_server import free_port

pytestmark = pytest.mark.browser


def make_kiosk(database_url: str, printer_url: str | None) -> tuple[int, str]:
    db = Database(database_url)
    try:
        with db.write() as session:
            device = credentials.create_device(
                session, "T1", "kiosk", "Kiosk sảnh", printer_url, policy=LOOPBACK_POLICY
            )
            return device.id, credentials.create_token(session, device, "test")
    finally:
        db.dispose()


def open_registered(new_page, base: str, token: str, size=SIZES["portrait"]) -> Page:
    page = open_kiosk(new_page, base, size, query=f"return=60&key={token}")
    page.wait_for_function("() => window.luotKiosk.state().joined")
    return page


def take_ticket(page: Page) -> dict:
    field(page, "Hộ tịch").click()
    settled(page, "priority")
    with page.expect_response(
        lambda r: r.request.method == "POST" and r.url.endswith("/tickets")
    ) as answer:
        page.get_by_role("button", name=re.compile("Không ưu tiên")).click()
    settled(page, "ticket")
    return answer.value.json()


@pytest.mark.parametrize("orientation", SIZES)
def test_the_ticket_prints_on_the_kiosks_printer(
    demo_site, new_page, database_url, screenshot, orientation
):
    base = demo_site["url"]
    device_id, token = make_kiosk(database_url, "dummy:")
    page = open_registered(new_page, base, token, SIZES[orientation])

    # The token left the address bar and stays on the kiosk.
    assert "key=" not in page.url and page.url.endswith("/kiosk/T1?return=60")
    stored = page.evaluate("localStorage.getItem('luot.kiosk.token.T1')")
    assert stored == token
    assert page.evaluate("window.luotKiosk.state().device") == device_id

    sent: list = []
    page.on("request", lambda r: sent.append(r) if r.url.endswith("/tickets") else None)
    ticket = take_ticket(page)
    assert sent[0].headers["authorization"] == f"Bearer {token}"
    assert ticket["print_job"] is not None
    expect(page.locator("#k-print")).to_have_attribute("data-state", "printed")
    expect(page.locator("#k-print")).to_have_text("Đã in vé. Mời Ông/Bà nhận vé.")
    expect(page.locator("#k-slot")).to_be_visible()  # and where it comes out
    expect(page.locator("#k-slot")).to_have_text("Vé ra ở khe phía dưới màn hình")
    check_screen(page)
    screenshot(page, f"kiosk_ticket_printed_{orientation}")

    # Reloaded without the key: still the same kiosk.
    page.goto(f"{base}/kiosk/T1")
    page.wait_for_function("() => window.luotKiosk.state().joined")
    assert page.evaluate("window.luotKiosk.state().device") == device_id


@pytest.mark.parametrize("orientation", SIZES)
def test_a_printer_fault_shows_on_screen_and_the_ticket_stays(
    demo_site, new_page, database_url, screenshot, orientation
):
    base = demo_site["url"]
    _device, token = make_kiosk(database_url, f"tcp://127.0.0.1:{free_port()}")  # switched off
    page = open_registered(new_page, base, token, SIZES[orientation])
    ticket = take_ticket(page)
    expect(page.locator("#k-number")).to_have_text(ticket["code"])
    expect(page.locator("#k-print")).to_have_attribute("data-state", "failed", timeout=15_000)
    expect(page.locator("#k-print")).to_contain_text("Máy in đang gặp sự cố")
    expect(page.locator("#k-print")).to_contain_text("Ông/Bà vui lòng nhớ số")
    assert waiting(base)["A"] == 1
    check_screen(page)
    screenshot(page, f"kiosk_ticket_print_failed_{orientation}")


def test_a_printer_that_takes_the_connection_and_never_reads_is_a_fault_on_screen(
    demo_site, new_page, database_url, screenshot
):
    """Before, this printer's tickets were recorded as printed: the citizen waited at the
    slot for paper that never came."""
    base = demo_site["url"]
    printer = StuckPrinter().start()
    try:
        _device, token = make_kiosk(database_url, printer.url)
        page = open_registered(new_page, base, token)
        ticket = take_ticket(page)
        expect(page.locator("#k-print")).to_have_attribute("data-state", "failed", timeout=15_000)
        expect(page.locator("#k-print")).to_contain_text("Máy in đang gặp sự cố")
        # The number and the QR code stay on screen, to remember or photograph.
        expect(page.locator("#k-number")).to_have_text(ticket["code"])
        expect(page.locator("#k-qr")).to_be_visible()
        assert page.locator("#k-qr").evaluate("img => img.complete && img.naturalWidth > 0")
        assert ticket["track_url"] in page.locator("#k-qr").evaluate(
            "img => decodeURIComponent(img.src)"
        )
        assert printer.connections == 1
        check_screen(page)
        screenshot(page, "kiosk_ticket_printer_never_reads")
    finally:
        printer.stop()


def test_a_serial_scan_pushed_by_the_agent_greets_the_citizen(demo_site, new_page, database_url):
    base = demo_site["url"]
    _device, token = make_kiosk(database_url, "dummy:")
    page = open_registered(new_page, base, token)
    # What `luot kiosk-agent` does with a serial scanner's read.
    response = requests.post(
        f"{base}/kiosk/T1/scan",
        json={"payload": ELDERLY, "forward": True},
        headers=bearer(token),
        timeout=10,
    )
    assert response.status_code == 200
    expect(page.locator("#k-greeting-hello")).to_have_text("Kính chào Ông/Bà Nguyễn Văn Mẫu")
    expect(page.locator("#k-greeting-note")).to_contain_text("sẽ được ưu tiên")
    refused = requests.post(
        f"{base}/kiosk/T1/scan",
        json={"payload": "x" * 30, "forward": True},
        headers=bearer(token),
        timeout=10,
    )
    assert refused.status_code == 400
    expect(page.locator("#k-toast")).to_contain_text("Không đọc được mã QR trên thẻ CCCD")


def test_a_revoked_token_still_issues_without_printing(demo_site, new_page):
    base = demo_site["url"]
    page = open_kiosk(new_page, base, query="key=not-a-real-token")
    page.wait_for_function("() => localStorage.getItem('luot.kiosk.token.T1') === null")
    ticket = take_ticket(page)
    assert ticket["print_job"] is None
    expect(page.locator("#k-print")).to_have_attribute("data-state", "none")


def test_a_scan_through_a_serial_scanner_and_the_agent_greets_the_citizen(
    demo_site, new_page, database_url
):
    """End to end: a pseudo-terminal stands in for a virtual-COM scanner read by
    `luot kiosk-agent`; the kiosk page, in the device's room, greets the person."""
    import os

    from kiosk.agent.main import AgentConfig, KioskAgent
    from tests.fake_printer import FakePrinter

    base = demo_site["url"]
    _device, token = make_kiosk(database_url, "agent:")
    master, slave = os.openpty()
    printer = FakePrinter().start()
    agent = KioskAgent(
        AgentConfig(base, token, printer.url, os.ttyname(slave), policy=LOOPBACK_POLICY)
    )
    agent.start()
    try:
        page = open_registered(new_page, base, token)
        page.wait_for_function("() => window.luotKiosk && window.luotKiosk.state().joined")
        os.write(master, ELDERLY.encode() + b"\r\n")
        expect(page.locator("#k-greeting-hello")).to_have_text("Kính chào Ông/Bà Nguyễn Văn Mẫu")
        # And the ticket it then takes is printed by the agent on its local printer.
        field(page, "Hộ tịch").click()  # the card's priority applies at once
        settled(page, "ticket")
        expect(page.locator("#k-ticket-priority")).to_contain_text("Người cao tuổi")
        expect(page.locator("#k-print")).to_have_attribute("data-state", "printed", timeout=15_000)
        assert len(printer.wait_for_jobs(1)) == 1
    finally:
        agent.stop()
        printer.stop()
        os.close(master)
        os.close(slave)
