"""The officer's counter console in headless Chromium, end to end with the rating tablet
and the waiting-room display; a second officer's console follows without a reload.

Helpers here are shared by the other test_console_* files.
"""

from __future__ import annotations

import re

import pytest
import requests
from playwright.sync_api import Page, expect

from server.db import Database
from server.engine import credentials
from tests.factories import bearer, make_office, make_token
from tests.signin import sign_in_page as sign_in

pytestmark = pytest.mark.browser

CONSOLE_SIZE = (1366, 768)
TABLET_SIZE = (1280, 800)


# ---------------------------------------------------------------- helpers


def open_console(new_page, base: str, username: str, counter_id: int, size=CONSOLE_SIZE) -> Page:
    """Sign in, pick the counter (if the page asks), and wait until it is live."""
    page = new_page(*size)
    sign_in(page, base, username)
    page.wait_for_selector("#console[data-ready=true]")
    if page.locator("#picker").is_visible():
        page.click(f".cc-pick[data-counter='{counter_id}']")
    expect(page.locator("#console")).to_have_attribute("data-counter", str(counter_id))
    live(page)
    return page


def live(page: Page) -> None:
    expect(page.locator("html")).to_have_attribute("data-live", "online")
    page.wait_for_function("() => window.luotConsole.state.snap !== null")


def issue(base: str, service: str = "A") -> dict:
    response = requests.post(
        f"{base}/api/v1/offices/T1/tickets", json={"service": service}, timeout=10
    )
    assert response.status_code == 201, response.text
    return response.json()


def waiting_codes(page: Page) -> list[str]:
    return page.locator("#waiting-list li").evaluate_all(
        "items => items.map(li => li.dataset.code)"
    )


def expect_waiting(page: Page, codes: list[str]) -> None:
    items = page.locator("#waiting-list li")
    expect(items).to_have_count(len(codes))
    for index, code in enumerate(codes):
        expect(items.nth(index)).to_have_attribute("data-code", code)


def current(page: Page, code: str, status: str) -> None:
    expect(page.locator("#current")).to_have_attribute("data-status", status)
    expect(page.locator("#current-code")).to_have_text(code)


def idle(page: Page) -> None:
    """No action in flight: what a click waits for before the next one."""
    expect(page.locator("#console")).to_have_attribute("data-busy", "")


def open_counter(page: Page) -> None:
    """Open the counter, unless choosing it in the picker has opened it already."""
    idle(page)
    if page.locator("#btn-open").is_enabled():
        page.click("#btn-open")
    expect(page.locator("#counter-state")).to_have_text("Đang mở")
    idle(page)


def rating_device(database_url: str, counter_number: int = 1) -> str:
    db = Database(database_url)
    try:
        with db.write() as session:
            device = credentials.create_device(
                session, "T1", "rating", "Tablet 1", counter_number=counter_number
            )
            return credentials.create_token(session, device, "t")
    finally:
        db.dispose()


def posts(page: Page, pattern: str) -> list:
    """Every POST the page sends whose URL matches `pattern`, from now on."""
    sent: list = []
    page.on(
        "request",
        lambda r: sent.append(r) if r.method == "POST" and re.search(pattern, r.url) else None,
    )
    return sent


# ---------------------------------------------------------------- the whole round


def test_sign_in_call_display_finish_rate_and_a_second_console_follows(
    demo_site, new_page, screenshot, database_url
):
    base, office = demo_site["url"], demo_site["office"]
    c1, c2 = office["counters"][1], office["counters"][2]
    make_token(Database(database_url), "officer2")  # password pw-officer2
    device_token = rating_device(database_url)

    tablet = new_page(*TABLET_SIZE)
    tablet.goto(f"{base}/rate/{c1}?key={device_token}&idle=3")
    expect(tablet.locator("html")).to_have_attribute("data-live", "online")
    assert "key=" not in tablet.url  # the device key left the address bar
    expect(tablet.locator("#tablet")).to_have_attribute("data-screen", "idle")
    expect(tablet.locator("#idle-title")).to_have_text("Cảm ơn Ông/Bà")

    board = new_page(1280, 720)
    board.goto(f"{base}/display/T1?mute=1")

    console = open_console(new_page, base, "officer1", c1)
    # Choosing the counter in the picker opened it: no second click.
    expect(console.locator("#counter-state")).to_have_text("Đang mở")
    open_counter(console)
    other = open_console(new_page, base, "officer2", c2)
    open_counter(other)

    # Kiosks issue tickets: both consoles list them, with no reload.
    first = issue(base, "A")
    land = issue(base, "B")
    expect_waiting(console, [first["code"], land["code"]])
    expect_waiting(other, [land["code"]])
    extra = [issue(base, service)["code"] for service in ("A", "B", "A", "B", "A")]
    expect_waiting(console, [first["code"], land["code"], *extra])
    expect(console.locator("#stat-waiting")).to_have_text("7")

    # Call next by its key, F2.
    console.keyboard.press("F2")
    current(console, first["code"], "called")
    expect(console.locator("#timer-label")).to_have_text("Đã gọi")
    expect(console.locator("#timer")).to_have_text(re.compile(r"^00:0\d$"))
    expect(console.locator("#btn-start")).to_be_enabled()
    expect(console.locator("#btn-finish")).to_be_disabled()
    expect(console.locator("#btn-next")).to_be_disabled()
    expect(console.locator("#waiting-list li").first).to_have_attribute("data-code", land["code"])
    # The waiting-room display shows the call.
    expect(board.locator("#hero-code")).to_have_text(first["code"])
    queue = requests.get(f"{base}/api/v1/offices/T1/queue", timeout=10).json()
    at_c1 = next(c for c in queue["counters"] if c["id"] == c1)
    assert at_c1["current"]["code"] == first["code"]
    screenshot(console, "console_called_1366x768")

    console.click("#btn-start")
    current(console, first["code"], "serving")
    expect(console.locator("#timer-label")).to_have_text("Phục vụ")
    idle(console)
    console.click("#btn-finish")
    expect(console.locator("#current")).to_have_attribute("data-status", "none")
    expect(console.locator("#stat-done")).to_have_text("1")
    expect(console.locator("#recent-text")).to_contain_text(first["code"])

    # The rating tablet asks about the ticket just finished, naming the officer.
    expect(tablet.locator("#tablet")).to_have_attribute("data-screen", "ask")
    expect(tablet.locator("#ask-code")).to_have_text(first["code"])
    expect(tablet.locator("#ask-field")).to_have_text("Hộ tịch")
    expect(tablet.locator("#ask-officer")).to_have_text("officer1")
    rating_posts = posts(tablet, r"/rating$")
    tablet.locator(".lr-level[data-level=very_satisfied]").click()
    expect(tablet.locator("#tablet")).to_have_attribute("data-screen", "thanks")
    expect(tablet.locator("#thanks-title")).to_have_text("Cảm ơn Ông/Bà đã đánh giá!")
    assert len(rating_posts) == 1
    assert rating_posts[0].headers["authorization"] == f"Bearer {device_token}"
    again = requests.post(
        f"{base}/api/v1/tickets/{first['token']}/rating", json={"level": "satisfied"}, timeout=10
    )
    assert again.status_code == 409 and again.json()["error"] == "conflict"
    expect(tablet.locator("#tablet")).to_have_attribute(
        "data-screen", "idle", timeout=15000
    )  # ?idle=3

    # Officer 1 calls the land ticket: it leaves officer 2's list without a reload.
    idle(console)
    console.click("#btn-next")
    current(console, land["code"], "called")
    expect_waiting(other, extra[1::2])
    expect(other.locator("#stat-waiting")).to_have_text("2")


def test_the_console_page_needs_a_signed_in_officer(demo_site, new_page):
    page = new_page(*CONSOLE_SIZE)
    page.goto(demo_site["url"] + "/counter")
    expect(page).to_have_url(re.compile(r"/login\?next=/counter"))


def test_the_counter_is_remembered_and_can_be_switched(demo_site, new_page):
    base, office = demo_site["url"], demo_site["office"]
    c1, c2 = office["counters"][1], office["counters"][2]
    page = open_console(new_page, base, "officer1", c2)
    expect(page.locator("#counter-title")).to_have_text("Quầy 2")
    page.reload()
    page.wait_for_selector("#console[data-ready=true]")
    expect(page.locator("#desk")).to_be_visible()
    expect(page.locator("#console")).to_have_attribute("data-counter", str(c2))
    page.click("#btn-switch")
    expect(page.locator("#picker")).to_be_visible()
    expect(page.locator(".cc-pick")).to_have_count(2)
    page.click(f".cc-pick[data-counter='{c1}']")
    live(page)
    expect(page.locator("#counter-title")).to_have_text("Quầy 1")
    expect(page.locator("#waiting-fields")).to_have_text("Lĩnh vực: Hộ tịch, Đất đai")


def test_double_clicks_and_held_keys_send_one_call(demo_site, new_page):
    base, office = demo_site["url"], demo_site["office"]
    c1 = office["counters"][1]
    for _ in range(3):
        issue(base, "A")
    page = open_console(new_page, base, "officer1", c1)
    open_counter(page)
    expect(page.locator("#waiting-list li")).to_have_count(3)
    calls = posts(page, r"/counters/\d+/(next|call)$")
    page.dblclick("#btn-next")
    current(page, "A001", "called")
    page.keyboard.press("F2")
    page.keyboard.press("F2")
    idle(page)
    expect(page.locator("#waiting-list li")).to_have_count(2)
    assert len(calls) == 1
    starts = posts(page, r"/tickets/\d+/start$")
    page.locator("#btn-start").dblclick()
    current(page, "A001", "serving")
    idle(page)
    assert len(starts) == 1


def test_buttons_follow_the_ticket_state(demo_site, new_page, screenshot):
    base, office = demo_site["url"], demo_site["office"]
    c1 = office["counters"][1]
    issue(base, "A")
    issue(base, "A")
    page = open_console(new_page, base, "officer1", c1)
    open_counter(page)
    page.click("#btn-next")
    current(page, "A001", "called")
    idle(page)
    # No-show is there from the call on (the office's default asks for no recall first).
    expect(page.locator("#btn-noshow")).to_be_enabled()
    expect(page.locator("#btn-close")).to_be_disabled()
    expect(page.locator("#next-hint")).to_contain_text("A001 đang được gọi")
    page.keyboard.press("F4")
    expect(page.locator("#current-extra")).to_contain_text("Đã gọi lại 1 lần")
    idle(page)
    page.click("#btn-noshow")
    page.click("#ns-submit")  # confirmed
    expect(page.locator("#current")).to_have_attribute("data-status", "none")
    expect(page.locator("#stat-noshow")).to_have_text("1")
    expect(page.locator("#recent-text")).to_have_text("Vừa đánh dấu vắng mặt: số A001")
    # The citizen turns up after all: back in line at the old place.
    idle(page)
    page.click("#btn-requeue")
    expect_waiting(page, ["A001", "A002"])
    expect(page.locator("#recent")).to_be_hidden()

    # Hold and resume.
    idle(page)
    page.click("#btn-next")
    current(page, "A001", "called")
    idle(page)
    page.click("#btn-start")
    current(page, "A001", "serving")
    idle(page)
    expect(page.locator("#next-label")).to_have_text("Hoàn thành & gọi số tiếp theo")
    page.click("#btn-hold")
    expect(page.locator("#current")).to_have_attribute("data-status", "none")
    held = page.locator("#held-list li[data-code=A001]")
    expect(held).to_be_visible()
    idle(page)
    page.click("#btn-next")
    current(page, "A002", "called")
    expect(held.get_by_role("button", name="Tiếp tục")).to_be_disabled()  # the counter is busy
    idle(page)
    page.click("#btn-start")
    current(page, "A002", "serving")
    screenshot(page, "console_serving_held_1366x768")
    idle(page)
    page.click("#btn-finish")
    expect(page.locator("#current")).to_have_attribute("data-status", "none")
    idle(page)
    held.get_by_role("button", name="Tiếp tục").click()
    current(page, "A001", "serving")
    expect(page.locator("#held-list li")).to_have_count(0)

    # A refused action shows a Vietnamese message and changes nothing.
    idle(page)
    page.click("#btn-pause")
    expect(page.locator("#counter-state")).to_have_text("Tạm nghỉ")
    expect(page.locator("#btn-next")).to_be_disabled()
    expect(page.locator("#next-hint")).to_have_text("Mở quầy để gọi số.")


def test_refusals_are_explained_in_vietnamese(demo_site, new_page):
    base, office = demo_site["url"], demo_site["office"]
    c1 = office["counters"][1]
    issue(base, "A")
    page = open_console(new_page, base, "officer1", c1)
    open_counter(page)
    page.click("#btn-next")
    current(page, "A001", "called")
    idle(page)
    # A view a moment out of date (another tab acted): the button is enabled by hand and
    # the server refuses; the officer reads why, in Vietnamese.
    page.evaluate("""() => { const button = document.getElementById('btn-finish');
                             button.disabled = false; button.click(); }""")
    message = page.locator("#message")
    expect(message).to_have_attribute("data-kind", "error")
    expect(message).to_contain_text("Không thể hoàn thành số A001")
    expect(message).to_contain_text("Đang gọi")
    current(page, "A001", "called")


def test_call_a_ticket_out_of_order(demo_site, new_page):
    base, office = demo_site["url"], demo_site["office"]
    c1 = office["counters"][1]
    codes = [issue(base, "A")["code"] for _ in range(3)]
    page = open_console(new_page, base, "officer1", c1)
    idle(page)
    page.click("#btn-close")
    expect(page.locator("#waiting-list .cc-call").first).to_be_disabled()  # counter closed
    open_counter(page)
    page.locator(f"#waiting-list li[data-code='{codes[2]}']").get_by_role("button").click()
    current(page, codes[2], "called")
    expect(page.locator("#message")).to_have_text(f"Đã gọi số {codes[2]} (ngoài thứ tự)")
    expect_waiting(page, codes[:2])
    expect(page.locator("#waiting-list .cc-call").first).to_be_disabled()  # a call is pending


def test_transfer_to_another_field_and_counter(demo_site, new_page, screenshot, database_url):
    base, office = demo_site["url"], demo_site["office"]
    c1, c2 = office["counters"][1], office["counters"][2]
    colleague = make_token(Database(database_url), "officer2")
    opened = requests.post(
        f"{base}/api/v1/counters/{c2}/open", headers=bearer(colleague), timeout=10
    )
    assert opened.status_code == 200  # only counters someone is at are offered
    ticket = issue(base, "A")
    page = open_console(new_page, base, "officer1", c1)
    open_counter(page)
    page.click("#btn-next")
    current(page, ticket["code"], "called")
    idle(page)
    page.click("#btn-transfer")
    dialog = page.locator("#dlg-transfer")
    expect(dialog).to_be_visible()
    expect(page.locator("#tr-submit")).to_be_disabled()  # nowhere chosen yet
    dialog.get_by_label("Đất đai").check()
    dialog.get_by_label(re.compile("^Quầy 2")).check()
    screenshot(page, "console_transfer_1366x768")
    page.click("#tr-submit")
    expect(dialog).to_be_hidden()
    expect(page.locator("#current")).to_have_attribute("data-status", "none")
    expect(page.locator("#message")).to_contain_text("Đã chuyển số")
    snapshot = requests.get(
        f"{base}/api/v1/counters/{c2}", headers=bearer(demo_site["token"]), timeout=10
    ).json()
    (moved,) = snapshot["waiting"]
    assert moved["code"] == ticket["code"] and moved["service"]["code"] == "B"
    assert moved["target_counter"]["id"] == c2


def test_dossier_code_is_checked_on_the_page_then_saved(demo_site, new_page, screenshot):
    base, office = demo_site["url"], demo_site["office"]
    c1 = office["counters"][1]
    issue(base, "A")
    page = open_console(new_page, base, "officer1", c1)
    open_counter(page)
    page.click("#btn-next")
    current(page, "A001", "called")
    idle(page)
    page.click("#btn-start")
    current(page, "A001", "serving")
    idle(page)
    sent = posts(page, r"/dossier$")
    page.click("#btn-dossier")
    expect(page.locator("#dlg-dossier")).to_be_visible()
    page.fill("#ds-input", "000.00.23.H26-251345-0001")  # month 13
    page.click("#ds-submit")
    expect(page.locator("#ds-error")).to_contain_text("không có thật")
    page.fill("#ds-input", "12345")
    expect(page.locator("#ds-error")).to_contain_text("V1V2V3.Z1Z2.Y1Y2.MX1X2-YYMMDD-XXXX")
    assert sent == []
    page.fill("#ds-input", "000.00.23.h26-250715-0001")
    expect(page.locator("#ds-error")).to_be_hidden()
    page.fill("#ds-note", "Thiếu bản sao CCCD")
    screenshot(page, "console_dossier_1366x768")
    page.click("#ds-submit")
    expect(page.locator("#dlg-dossier")).to_be_hidden()
    expect(page.locator("#current-extra")).to_contain_text("Mã hồ sơ: 000.00.23.H26-250715-0001")
    expect(page.locator("#current-extra")).to_contain_text("Ghi chú: Thiếu bản sao CCCD")
    assert len(sent) == 1
    assert sent[0].post_data_json == {
        "dossier_code": "000.00.23.H26-250715-0001",
        "note": "Thiếu bản sao CCCD",
    }


def test_connection_lost_is_shown_and_the_console_recovers(demo_site, new_page):
    base, office, server = demo_site["url"], demo_site["office"], demo_site["server"]
    c1 = office["counters"][1]
    page = open_console(new_page, base, "officer1", c1)
    open_counter(page)
    server.stop()
    expect(page.locator("#conn")).to_be_visible()
    expect(page.locator("#conn")).to_contain_text("Mất kết nối")
    server.start()
    expect(page.locator("html")).to_have_attribute("data-live", "online")
    expect(page.locator("#conn")).to_be_hidden()
    ticket = issue(base, "B")
    expect_waiting(page, [ticket["code"]])


def test_reprint_on_the_kiosk_that_issued_the_ticket(demo_site, new_page, database_url):
    base, office = demo_site["url"], demo_site["office"]
    db = Database(database_url)
    with db.write() as session:
        kiosk = credentials.create_device(session, "T1", "kiosk", "Kiosk 1", "dummy:")
        kiosk_token = credentials.create_token(session, kiosk, "k")
    db.dispose()
    response = requests.post(
        f"{base}/api/v1/offices/T1/tickets",
        json={"service": "A"},
        headers=bearer(kiosk_token),
        timeout=10,
    )
    assert response.status_code == 201
    issue(base, "A")  # taken without a kiosk (e.g. through the API)
    page = open_console(new_page, base, "officer1", office["counters"][1])
    open_counter(page)
    page.click("#btn-next")
    current(page, "A001", "called")
    idle(page)
    reprints = posts(page, r"/reprint$")
    page.click("#btn-reprint")
    expect(page.locator("#message")).to_have_text("Đã gửi lệnh in lại số A001")
    idle(page)
    page.click("#btn-start")
    idle(page)
    page.click("#btn-next")  # finishes A001, calls A002
    current(page, "A002", "called")
    idle(page)
    page.click("#btn-reprint")
    expect(page.locator("#message")).to_have_text(
        "Không in lại được: số này không được cấp từ một máy kiosk đang hoạt động."
    )
    assert len(reprints) == 2


def test_an_officer_of_several_offices_picks_one(demo_site, new_page, database_url):
    db = Database(database_url)
    other = make_office(
        db,
        code="T2",
        name="Trung tâm xã Khác",
        counters=[{"number": 7, "name": "Quầy 7", "services": ["A"]}],
    )
    make_token(db, "both", offices=("T1", "T2"))
    db.dispose()
    page = new_page(*CONSOLE_SIZE)
    sign_in(page, demo_site["url"], "both")
    expect(page.locator("#picker")).to_be_visible()
    expect(page.locator("#picker-office")).to_have_value("T1")
    expect(page.locator(".cc-pick")).to_have_count(2)
    page.select_option("#picker-office", "T2")
    expect(page.locator(".cc-pick")).to_have_count(1)
    page.click(".cc-pick")
    live(page)
    expect(page.locator("#counter-title")).to_have_text("Quầy 7")
    assert page.evaluate("window.luotConsole.state.counterId") == other["counters"][7]


def test_a_stale_csrf_token_is_renewed_once(demo_site, new_page):
    base, office = demo_site["url"], demo_site["office"]
    page = open_console(new_page, base, "officer1", office["counters"][1])
    idle(page)
    page.click("#btn-close")  # the picker opened it
    expect(page.locator("#counter-state")).to_have_text("Đã đóng")
    idle(page)
    page.evaluate("window.luotConsole.state.csrf = 'stale'")
    opens = posts(page, r"/open$")
    page.click("#btn-open")
    expect(page.locator("#counter-state")).to_have_text("Đang mở")
    assert len(opens) == 2  # refused (changed nothing), renewed, sent again
    assert page.evaluate("window.luotConsole.state.csrf") != "stale"
