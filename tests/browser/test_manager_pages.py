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

from server.db import Database
from server.engine import credentials
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
            kiosk = credentials.create_device(session, "T1", "kiosk", "Kiosk sảnh")
            board = credentials.create_device(session, "T1", "display", "TV sảnh chờ")
            tablet = credentials.create_device(
                session, "T1", "rating", "Tablet quầy 1", counter_number=1
            )
            stale = credentials.create_device(session, "T1", "display", "TV tầng 2")
            stale.connected = True
            stale.last_seen_at = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
            session.flush()
            return {
                name: credentials.create_token(session, device, "t")
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
            credentials.create_device(session, "T1", "display", "TV mới")
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
        # The column added fits: the whole table, its buttons too, at 1366 px.
        wide = devices.evaluate(
            "() => [document.documentElement.scrollWidth, window.innerWidth,"
            " Math.max(...[...document.querySelectorAll('#devices-table button')]"
            ".map((b) => b.getBoundingClientRect().right))]"
        )
        assert wide[0] <= wide[1] and wide[2] <= wide[1], wide
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


# ---------------------------------------------------------------- 4. a manager's officers


def user_id(database_url: str, username: str) -> int:
    from server.models import User

    db = Database(database_url)
    try:
        with db.read() as session:
            return session.scalar(select(User.id).where(User.username == username))
    finally:
        db.dispose()


def test_a_manager_adds_locks_and_unlocks_their_own_officers(
    demo_site, new_page, database_url, screenshot
):
    from tests.factories import make_office

    base = demo_site["url"]
    db = Database(database_url)
    make_office(db, code="T2", name="Trung tâm Phục vụ hành chính công xã Hai")
    make_token(db, "boss", role="manager")
    make_token(db, "boss2", role="manager")
    make_token(db, "officer2", offices=("T2",))
    db.dispose()
    page = open_page(new_page, base, "boss", "/admin/users")
    expect(page.locator("nav.admin-menu")).to_contain_text("Người dùng")
    rows = "#users-table tbody tr"
    expect(page.locator(f"{rows}[data-username=officer1]")).to_be_visible()
    # Only their office's people; managers (themselves too) are an administrator's.
    expect(page.locator(f"{rows}[data-username=officer2]")).to_have_count(0)
    expect(page.locator(f"{rows}[data-username=boss2] td.actions")).to_have_text(
        "Quản trị viên sửa"
    )
    expect(page.locator(f"{rows}[data-username=boss] button")).to_have_count(0)
    expect(page.locator("#user-add")).to_have_text("+ Thêm cán bộ")

    page.click("#user-add")
    dialog = "#user-dialog"
    expect(page.locator(f"{dialog} [name=role][value=manager]")).to_be_hidden()
    expect(page.locator(f"{dialog} [name=role][value=admin]")).to_be_hidden()
    expect(page.locator(f"{dialog} [name=role][value=officer]")).to_be_checked()
    expect(page.locator(f"{dialog} [name=offices]")).to_have_count(1)  # T1 alone
    expect(page.locator(f"{dialog} [name=offices][value=T1]")).to_be_checked()
    page.fill(f"{dialog} [name=username]", "hoa")
    page.fill(f"{dialog} [name=full_name]", "Lê Thị Hoa")
    page.fill(f"{dialog} [name=password]", "mat-khau-1")
    page.fill(f"{dialog} [name=password2]", "mat-khau-1")
    screenshot(page, "issue25-manager-adds-officer")
    page.click("#user-save")
    row = page.locator(f"{rows}[data-username=hoa]")
    expect(row).to_contain_text("Lê Thị Hoa")
    expect(row).to_contain_text("Cán bộ")
    expect(row).to_contain_text("Đang dùng")

    # The new officer signs in; locked, they no longer can; unlocked, they can again.
    def signs_in() -> bool:
        other = new_page(*SCREEN, **VIETNAMESE)
        other.goto(f"{base}/login")
        other.fill("input[name=username]", "hoa")
        other.fill("input[name=password]", "mat-khau-1")
        other.click("button[type=submit]")
        other.wait_for_load_state()
        ok = "/login" not in other.url
        other.context.close()
        return ok

    assert signs_in()
    page.once("dialog", lambda confirm: confirm.accept())
    row.locator("button", has_text="Khóa").click()
    expect(page.locator("#toast")).to_have_text("Đã khóa “hoa”.")
    assert not signs_in()
    page.check("#users-inactive")
    expect(row).to_contain_text("Đã khóa")
    row.locator("button", has_text="Mở khóa").click()
    expect(page.locator("#toast")).to_have_text("Đã mở khóa “hoa”.")
    expect(row).to_contain_text("Đang dùng")
    assert signs_in()

    # What the server refuses a manager, the page shows in its words (a forged request).
    refused = page.evaluate(
        """async (id) => {
            const kit = await import(
                document.querySelector("script[src*='admin_users.js']").src
                    .replace("admin_users.js", "lib/admin_kit.js"));
            try { await kit.api("PATCH", "/users/" + id, {active: false}); }
            catch (error) { return [error.status, error.message]; }
        }""",
        user_id(database_url, "boss2"),
    )
    assert refused == [403, "Tài khoản “boss2” không phải cán bộ: chỉ quản trị viên sửa được."]

    audit = open_page(new_page, base, "boss", "/admin/audit")
    expect(audit.locator("table")).to_contain_text("hoa")
    no_severe_violations(page)
    screenshot(page, "issue25-manager-officers")
    assert page.js_errors == []


# ---------------------------------------------------------------- 3. booking settings

# Every label's words, every control and every heading of the form, as boxes: none may
# overlap another (a label's words beside or above its own input, never over it).
BOXES = """() => {
  const form = document.getElementById("booking-form");
  const boxes = [];
  const add = (kind, node, rect) => {
    if (rect.width < 1 || rect.height < 1) return;
    boxes.push({kind, name: node.name || node.id || node.textContent.trim().slice(0, 40),
                x: rect.left, y: rect.top + window.scrollY, right: rect.right,
                bottom: rect.bottom + window.scrollY});
  };
  const controls = form.querySelectorAll(
    ".card input, .card select, .card button, .card textarea");
  controls.forEach((node) => add("control", node, node.getBoundingClientRect()));
  const walker = document.createTreeWalker(form, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.textContent.trim() || node.parentElement.closest(".save-bar, [hidden]")) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const rect of range.getClientRects()) add("text", node.parentElement, rect);
  }
  return {boxes, width: document.documentElement.scrollWidth, viewport: window.innerWidth,
          right: form.getBoundingClientRect().right};
}"""


def overlaps(boxes: list[dict]) -> list[tuple[str, str]]:
    found = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            if a["kind"] == b["kind"] == "text" and a["name"] == b["name"]:
                continue  # the lines of one paragraph
            if (
                min(a["right"], b["right"]) - max(a["x"], b["x"]) > 1
                and min(a["bottom"], b["bottom"]) - max(a["y"], b["y"]) > 1
            ):
                found.append((a["name"], b["name"]))
    return found


@pytest.mark.parametrize("size", [SCREEN, SMALL], ids=["1366x768", "1024x768"])
def test_the_booking_settings_are_a_clean_form(demo_site, new_page, database_url, screenshot, size):
    make_token(Database(database_url), "boss", role="manager")
    page = open_page(new_page, demo_site["url"], "boss", "/admin/booking", size)
    form = page.locator("#booking-form")
    expect(form.locator("[data-loading]")).to_be_hidden()
    expect(page.locator("#capacity-table tbody tr")).to_have_count(2)
    # Groups with headings.
    expect(form.locator("fieldset > legend")).to_have_text(
        [
            "Khung giờ",
            "Số chỗ mỗi khung giờ theo lĩnh vực",
            "Chống giữ chỗ",
            "Khi công dân đến",
            "Kênh gửi",
            "Khi nào gửi",
        ]
    )
    layout = page.evaluate(BOXES)
    assert layout["width"] <= layout["viewport"], layout["width"]
    assert overlaps(layout["boxes"]) == []
    # Each number's label stands above its input, the inputs of a row on one line.
    for name in (
        "slot_minutes",
        "days_ahead",
        "min_notice_minutes",
        "queue_offset_minutes",
        "messages_per_phone_per_day",
        "reminder_day_at",
    ):
        label = form.locator(f"label:has([name={name}])")
        words = label.evaluate(
            "(l) => { const r = document.createRange(); r.selectNodeContents(l.firstChild);"
            " return r.getBoundingClientRect().bottom; }"
        )
        assert words <= form.locator(f"[name={name}]").bounding_box()["y"] + 1, name
    # A row's inputs on one line (three to a row at 1366 px, two at 1024 px).
    names = ("early_minutes", "late_minutes", "queue_offset_minutes")
    row = [form.locator(f"[name={n}]").bounding_box()["y"] for n in names]
    across = 3 if size == SCREEN else 2
    assert max(row[:across]) - min(row[:across]) <= 1, row
    # An error sits by its input without covering anything either.
    form.locator("[name=late_minutes]").fill("300")
    page.click("#booking-save")
    expect(form.locator(".field-error[data-field=late_minutes]")).to_have_text("Từ 0 đến 240.")
    assert overlaps(page.evaluate(BOXES)["boxes"]) == []
    no_severe_violations(page)
    form.locator("[name=late_minutes]").fill("10")
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, f"issue25-booking-{size[0]}")
    assert page.js_errors == []
