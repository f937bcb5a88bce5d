"""The administration pages in headless Chromium against a live server: a manager sets up
the office, fields, counters and devices and finds it all in the audit log; an admin adds a
user; an exported configuration imported into an empty office reproduces it exactly."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
import requests
from playwright.sync_api import Page, expect

from server.db import Database
from server.engine import credentials
from tests.factories import bearer, make_token
from tests.signin import sign_in_page as sign_in

pytestmark = pytest.mark.browser

SCREEN = (1366, 768)
VIETNAMESE = {"locale": "vi-VN", "timezone_id": "Asia/Ho_Chi_Minh"}


def api(
    base: str,
    method: str,
    path: str,
    token: str | None = None,
    body=None,
    status: int | None = None,
):
    response = requests.request(
        method,
        f"{base}/api/v1{path}",
        json=body,
        headers=bearer(token) if token else {},
        timeout=10,
    )
    if status is None:
        assert response.ok, response.text
    else:
        assert response.status_code == status, response.text
    return response.json()


def people(database_url: str) -> dict[str, str]:
    """Bearer tokens of a manager of T1 (boss) and an admin (root), to check results."""
    db = Database(database_url)
    try:
        return {
            "boss": make_token(db, "boss", role="manager"),
            "root": make_token(db, "root", role="admin", offices=()),
        }
    finally:
        db.dispose()


def open_admin(new_page, base: str, username: str, target: str, **options) -> Page:
    page = new_page(*SCREEN, **VIETNAMESE, **options)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.js_errors = errors
    sign_in(page, base, username, target)
    return page


def dialog_field(page: Page, dialog: str, name: str):
    return page.locator(f"{dialog} [name={name}]")


def test_a_manager_sets_up_the_office_and_finds_it_in_the_audit_log(
    demo_site, new_page, database_url, screenshot
):
    base = demo_site["url"]
    tokens = people(database_url)
    page = open_admin(new_page, base, "boss", "/admin")

    # -- the office: notice, hours, a closed day, the rating scale, the interleave rule
    form = page.locator("#office-form")
    expect(form.locator("[name=name]")).to_have_value("Trung tâm Phục vụ hành chính công xã Thử")
    # Users: a manager's own officers (test_manager_pages.py)
    expect(page.locator("nav.admin-menu")).to_contain_text("Người dùng")
    form.locator("[name=notice]").fill("Chiều thứ Sáu chỉ trả kết quả.")
    expect(page.locator("#office-state")).to_have_text("Có thay đổi chưa lưu.")
    page.click("#hours-default")
    form.locator("[name='hours.sat.0.0']").fill("7:30")
    form.locator("[name='hours.sat.0.1']").fill("1130")
    form.locator("[name='hours.sun.0.0']").fill("14:00")
    form.locator("[name='hours.sun.0.1']").fill("13:00")
    page.fill("#closed-day-input", "2026-09-02")
    page.click("#closed-day-add")
    expect(page.locator("#closed-days")).to_contain_text("02/09/2026")
    form.locator("[name=rating_preset][value=five]").check()
    expect(form.locator("[name=issuing][value=open]")).to_be_checked()  # the test office's
    form.locator("[name=issuing][value=kiosk]").check()
    form.locator("[name=priority_streak_limit]").fill("101")
    expect(form.locator("[name=target_wait]")).to_have_value("80")  # the default targets
    form.locator("[name=target_wait]").fill("90")
    form.locator("[name=target_no_show]").fill("150")
    page.click("#office-save")
    expect(form.locator(".field-error[data-field=target_no_show]")).to_have_text("Từ 0 đến 100.")
    form.locator("[name=target_no_show]").fill("5")
    expect(form.locator(".field-error[data-field=priority_streak_limit]")).to_contain_text(
        "từ 0 đến 100"
    )
    expect(form.locator("[data-error-for=hours] .field-error")).to_contain_text(
        "Chủ nhật: giờ kết thúc phải sau giờ bắt đầu."
    )
    form.locator("[name=priority_streak_limit]").fill("2")
    expect(form.locator(".field-error[data-field=priority_streak_limit]")).to_have_count(0)
    form.locator("[name='hours.sun.0.0']").fill("")
    form.locator("[name='hours.sun.0.1']").fill("")
    page.click("#office-save")
    expect(page.locator("#toast")).to_have_text("Đã lưu thông tin đơn vị.")
    expect(page.locator("#office-state")).to_have_text("Chưa có thay đổi.")
    config = api(base, "GET", "/offices/T1/config", tokens["boss"])
    assert config["settings"]["notice"] == "Chiều thứ Sáu chỉ trả kết quả."
    assert config["settings"]["hours"]["mon"] == [["07:30", "11:30"], ["13:30", "17:00"]]
    assert config["settings"]["hours"]["sat"] == [["07:30", "11:30"]]
    assert config["settings"]["hours"]["sun"] == []
    assert config["settings"]["closed_days"] == ["2026-09-02"]
    assert config["settings"]["rating"] == {"preset": "five"}
    assert config["settings"]["issuing"] == "kiosk"
    assert config["priority_streak_limit"] == 2
    assert config["settings"]["targets"] == {
        "wait": 90,
        "satisfied": 85,
        "no_show": 5,
        "margin": 10,
    }
    page.reload()
    expect(form.locator("[name=notice]")).to_have_value("Chiều thứ Sáu chỉ trả kết quả.")
    expect(form.locator("[name='hours.fri.1.1']")).to_have_value("17:00")
    expect(page.locator("#hours-grid tr[data-day=sun] .day-state")).to_have_text("Nghỉ")
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "admin_office")

    # -- a field: checked on the page first, then saved
    page.click("nav.admin-menu a[data-section=fields]")
    expect(page.locator("#fields-table tr[data-code=B]")).to_contain_text("1001 – 1999")
    page.click("#field-add")
    dialog = "#field-dialog"
    dialog_field(page, dialog, "code").fill("A")
    page.click("#field-save")
    expect(page.locator(f"{dialog} .field-error[data-field=code]")).to_contain_text(
        "Đã có lĩnh vực"
    )
    expect(page.locator(f"{dialog} .field-error[data-field=name]")).to_be_visible()
    dialog_field(page, dialog, "code").fill("TP")
    dialog_field(page, dialog, "name").fill("Tư pháp – Chứng thực")
    page.click(f"{dialog} [data-numbering=letter]")
    expect(dialog_field(page, dialog, "prefix")).to_have_value("T")
    dialog_field(page, dialog, "number_end").fill("500")
    expect(page.locator("#numbering-preview")).to_contain_text("T001")
    expect(page.locator("#numbering-preview")).to_contain_text("tối đa 500 vé")
    screenshot(page, "admin_fields_dialog")
    page.click("#field-save")
    expect(page.locator(dialog)).to_be_hidden()
    row = page.locator("#fields-table tr[data-code=TP]")
    expect(row).to_contain_text("Tư pháp – Chứng thực")
    expect(row).to_contain_text("T001 – T500")
    # No counter serves it yet: never ticketed, and the page says so.
    expect(row).to_contain_text("Chưa có quầy — không cấp số")
    expect(page.locator("#fields-unserved")).to_contain_text(
        "Chưa có quầy nào phục vụ: Tư pháp – Chứng thực."
    )
    # edit: deactivate B through its button, rename A in the dialog
    page.locator("#fields-table tr[data-code=B] button", has_text="Tạm ngừng").click()
    expect(page.locator("#fields-table tr[data-code=B]")).to_contain_text("Tạm ngừng")
    page.locator("#fields-table tr[data-code=A] button", has_text="Sửa").click()
    expect(dialog_field(page, dialog, "code")).to_have_attribute("readonly", "")
    dialog_field(page, dialog, "name").fill("Hộ tịch – Khai sinh")
    page.click("#field-save")
    expect(page.locator("#fields-table tr[data-code=A]")).to_contain_text("Hộ tịch – Khai sinh")
    screenshot(page, "admin_fields")

    # -- a counter serving TP then A, in that order
    page.click("nav.admin-menu a[data-section=counters]")
    expect(page.locator("#counters-table tr[data-number='2']")).to_contain_text("Đất đai")
    page.click("#counter-add")
    dialog = "#counter-dialog"
    expect(dialog_field(page, dialog, "number")).to_have_value("3")
    dialog_field(page, dialog, "name").fill("Quầy 3 — Tư pháp")
    page.check("#counter-services li[data-code=A] input")
    page.check("#counter-services li[data-code=TP] input")
    page.locator("#counter-services li[data-code=TP] button[aria-label='Lên']").click()
    expect(page.locator("#counter-services li.on .order")).to_have_text(["1", "2"])
    expect(page.locator("#counter-services li.on").first).to_have_attribute("data-code", "TP")
    page.click("#counter-save")
    row = page.locator("#counters-table tr[data-number='3']")
    expect(row).to_contain_text("Quầy 3 — Tư pháp")
    expect(row.locator("ol li")).to_have_text(["TP Tư pháp – Chứng thực", "A Hộ tịch – Khai sinh"])
    # edit counter 2: it also serves TP now
    page.locator("#counters-table tr[data-number='2'] button", has_text="Sửa").click()
    page.check("#counter-services li[data-code=TP] input")
    page.click("#counter-save")
    expect(page.locator("#counters-table tr[data-number='2'] ol li")).to_have_count(2)
    screenshot(page, "admin_counters")
    counters = {
        c["number"]: c for c in api(base, "GET", "/offices/T1/config", tokens["boss"])["counters"]
    }
    assert counters[3] == {"number": 3, "name": "Quầy 3 — Tư pháp", "services": ["TP", "A"]}
    assert counters[2]["services"] == ["B", "TP"]

    # -- a priority class, added then deactivated
    page.click("nav.admin-menu a[data-section=priority]")
    page.click("#class-add")
    dialog = "#class-dialog"
    dialog_field(page, dialog, "code").fill("veteran")
    dialog_field(page, dialog, "name").fill("Cựu chiến binh")
    page.click("#class-save")
    row = page.locator("#classes-table tr[data-code=veteran]")
    expect(row).to_contain_text("Đang áp dụng")
    row.locator("button", has_text="Tạm ngừng").click()
    # Saved once the row offers to apply it again (its "Tạm ngừng" button said so already).
    expect(row.locator("button", has_text="Áp dụng lại")).to_be_visible()
    expect(row).to_contain_text("Tạm ngừng")
    kiosk_classes = [c["code"] for c in api(base, "GET", "/offices/T1/priority-classes")]
    assert "veteran" not in kiosk_classes and "elderly" in kiosk_classes

    # -- the audit log shows every change, who made it and what changed
    page.click("nav.admin-menu a[data-section=audit]")
    table = page.locator("#audit-table")
    expect(table.locator("tbody tr")).to_have_count(8)
    office_row = table.locator("tr[data-action='office.update']")
    expect(office_row).to_contain_text("boss")
    expect(office_row).to_contain_text("Sửa thông tin đơn vị")
    expect(office_row).to_contain_text("Thông báo")
    expect(office_row).to_contain_text("Chiều thứ Sáu chỉ trả kết quả.")
    expect(office_row).to_contain_text("Số người ưu tiên liên tiếp: 3→2")
    expect(office_row).to_contain_text("Đánh giá › Thang: (trống)→Năm sao")
    expect(office_row).to_contain_text("Giờ nhận số › Thứ Bảy: (trống)→07:30–11:30")
    expect(table.locator("tr[data-action='service.create']")).to_contain_text("TP")
    renamed = table.locator("tr[data-action='service.update']", has_text="Hộ tịch – Khai sinh")
    expect(renamed).to_contain_text("Hộ tịch→Hộ tịch – Khai sinh")
    expect(table.locator("tr[data-action='counter.create']")).to_contain_text("Quầy 3 — Tư pháp")
    expect(table.locator("tr[data-action='counter.update']")).to_contain_text("B→B, TP")
    when = table.locator("tbody tr").first.locator("td.when").inner_text()
    assert re.fullmatch(r"\d\d/\d\d/20\d\d \d\d:\d\d:\d\d", when), when
    page.select_option("#audit-filter", "service")
    expect(table.locator("tbody tr")).to_have_count(3)
    page.select_option("#audit-filter", "office")
    expect(table.locator("tbody tr")).to_have_count(1)
    screenshot(page, "admin_audit_office")
    page.select_option("#audit-filter", "")
    screenshot(page, "admin_audit")
    assert page.js_errors == []


def test_devices_get_a_token_shown_once_and_a_printer_url_checked(
    demo_site, new_page, database_url, screenshot
):
    base = demo_site["url"]
    people(database_url)
    db = Database(database_url)
    with db.write() as session:  # a kiosk whose printer ran out of paper at 08:05 local time
        kiosk = credentials.create_device(
            session, "T1", "kiosk", "Kiosk cửa phụ", "tcp://192.168.1.50:9100"
        )
        kiosk.printer_status = "error"
        kiosk.printer_error = "Hết giấy"
        kiosk.printer_checked_at = dt.datetime(2026, 11, 23, 1, 5, tzinfo=dt.UTC)
    db.dispose()
    page = open_admin(
        new_page, base, "boss", "/admin/devices", permissions=["clipboard-read", "clipboard-write"]
    )
    faulty = page.locator("#devices-table tbody tr", has_text="Kiosk cửa phụ")
    expect(faulty).to_contain_text("Lỗi")
    expect(faulty).to_contain_text("Hết giấy")
    expect(faulty).to_contain_text("Lúc 23/11/2026 08:05")

    page.click("#device-add")
    dialog = "#device-dialog"
    dialog_field(page, dialog, "name").fill("Kiosk sảnh chính")
    dialog_field(page, dialog, "printer_url").fill("http://printer")
    page.click("#device-save")
    expect(page.locator(f"{dialog} .field-error[data-field=printer_url]")).to_contain_text(
        "tcp://192.168.1.50:9100"
    )
    # passes the page's check, refused by the server: the message sits by the same input
    dialog_field(page, dialog, "printer_url").fill("tcp://printer.local:notaport")
    page.click("#device-save")
    expect(page.locator(f"{dialog} .field-error[data-field=printer_url]")).to_contain_text(
        "Địa chỉ máy in không hợp lệ"
    )
    dialog_field(page, dialog, "printer_url").fill("dummy:")
    dialog_field(page, dialog, "paper").select_option("58")
    page.click("#device-save")

    box = page.locator("#token-panel .token-box")
    expect(box).to_contain_text("chỉ hiện một lần")
    token = page.input_value("#new-token")
    assert token.startswith("luot_")
    assert page.input_value("#new-token-url") == f"{base}/kiosk/T1?key={token}"
    me = requests.get(f"{base}/api/v1/devices/me", headers=bearer(token), timeout=10)
    assert me.ok and me.json()["name"] == "Kiosk sảnh chính" and me.json()["paper"] == 58
    box.locator("button", has_text="Sao chép").first.click()
    expect(box.locator("button", has_text="Đã chép")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == token
    row = page.locator("#devices-table tbody tr", has_text="Kiosk sảnh chính")
    expect(row).to_contain_text("dummy:")
    expect(row).to_contain_text("Chưa in lần nào")
    screenshot(page, "admin_devices_token")
    page.click("#token-done")
    expect(box).to_have_count(0)
    expect(page.locator("body")).not_to_contain_text(token)

    # a new token replaces the old one at once
    page.once("dialog", lambda confirm: confirm.accept())
    row.locator("button", has_text="Cấp mã mới").click()
    expect(page.locator("#token-panel .token-box")).to_be_visible()
    fresh = page.input_value("#new-token")
    assert fresh != token
    assert (
        requests.get(f"{base}/api/v1/devices/me", headers=bearer(token), timeout=10).status_code
        == 401
    )
    assert requests.get(f"{base}/api/v1/devices/me", headers=bearer(fresh), timeout=10).ok
    page.click("#token-done")

    # a rating screen belongs to a counter, and opens that counter's rating page
    page.click("#device-add")
    page.check(f"{dialog} [name=kind][value=rating]")
    expect(dialog_field(page, dialog, "printer_url")).to_be_hidden()
    dialog_field(page, dialog, "name").fill("Máy đánh giá quầy 2")
    page.click("#device-save")
    expect(page.locator(f"{dialog} .field-error[data-field=counter_number]")).to_be_visible()
    dialog_field(page, dialog, "counter_number").select_option("2")
    page.click("#device-save")
    rating_token = page.input_value("#new-token")
    counter_id = demo_site["office"]["counters"][2]
    assert page.input_value("#new-token-url") == f"{base}/rate/{counter_id}?key={rating_token}"
    page.click("#token-done")
    expect(page.locator("#devices-table tbody tr")).to_have_count(3)
    expect(page.locator("#devices-table")).to_contain_text("Quầy 2")
    assert page.js_errors == []


def test_an_admin_adds_a_user_who_can_then_sign_in(demo_site, new_page, database_url, screenshot):
    base = demo_site["url"]
    people(database_url)
    page = open_admin(new_page, base, "root", "/admin/users")
    expect(page.locator("#users-table tr[data-username=boss]")).to_contain_text("Quản lý")

    page.click("#user-add")
    dialog = "#user-dialog"
    dialog_field(page, dialog, "username").fill("hoa")
    dialog_field(page, dialog, "full_name").fill("Lê Thị Hoa")
    dialog_field(page, dialog, "password").fill("mat-khau-1")
    dialog_field(page, dialog, "password2").fill("mat-khau-2")
    page.uncheck(f"{dialog} [name=offices][value=T1]")
    page.click("#user-save")
    expect(page.locator(f"{dialog} .field-error[data-field=offices]")).to_be_visible()
    expect(page.locator(f"{dialog} .field-error[data-field=password2]")).to_contain_text(
        "không khớp"
    )
    screenshot(page, "admin_users_dialog")
    page.check(f"{dialog} [name=offices][value=T1]")
    page.check(f"{dialog} [name=role][value=manager]")
    dialog_field(page, dialog, "password2").fill("mat-khau-1")
    page.click("#user-save")
    row = page.locator("#users-table tr[data-username=hoa]")
    expect(row).to_contain_text("Lê Thị Hoa")
    expect(row).to_contain_text("Quản lý")
    expect(row).to_contain_text("T1 — Trung tâm Phục vụ hành chính công xã Thử")
    # a taken username comes back from the server and sits by its input
    page.click("#user-add")
    dialog_field(page, dialog, "username").fill("HOA")
    dialog_field(page, dialog, "password").fill("12345678")
    dialog_field(page, dialog, "password2").fill("12345678")
    page.route(
        "**/api/v1/users",
        lambda route: (
            route.fulfill(
                status=400,
                content_type="application/json",
                body=json.dumps(
                    {
                        "error": "invalid",
                        "message": "User 'HOA' already exists.",
                        "fields": {"username": ["User 'HOA' already exists."]},
                        "vi": {
                            "message": "Đã có tên đăng nhập “HOA”.",
                            "fields": {"username": ["Đã có tên đăng nhập “HOA”."]},
                        },
                    }
                ),
            )
            if route.request.method == "POST"
            else route.continue_()
        ),
    )
    page.click("#user-save")
    expect(page.locator(f"{dialog} .field-error[data-field=username]")).to_have_text(
        "Đã có tên đăng nhập “HOA”."
    )
    page.unroute("**/api/v1/users")
    page.click(f"{dialog} [data-close]")
    screenshot(page, "admin_users")

    other = new_page(*SCREEN, **VIETNAMESE)
    other.goto(f"{base}/login?next=/admin")
    other.fill("input[name=username]", "hoa")
    other.fill("input[name=password]", "mat-khau-1")
    other.click("button[type=submit]")
    expect(other.locator("#office-form [name=name]")).to_have_value(
        "Trung tâm Phục vụ hành chính công xã Thử"
    )

    # locking: the account stays listed (when asked) and can no longer sign in
    page.once("dialog", lambda confirm: confirm.accept())
    row.locator("button", has_text="Khóa").click()
    expect(row).to_have_count(0)
    page.check("#users-inactive")
    expect(row).to_contain_text("Đã khóa")
    expect(
        page.locator("#users-table tr[data-username=root] button", has_text="Khóa")
    ).to_have_count(0)
    assert page.js_errors == []


def test_an_exported_configuration_imported_into_an_empty_office_reproduces_it(
    demo_site, new_page, database_url, screenshot, tmp_path
):
    base = demo_site["url"]
    tokens = people(database_url)
    boss, root = tokens["boss"], tokens["root"]
    # T1 with more than the defaults: settings, an inactive field, a changed class, counter 3
    api(
        base,
        "PATCH",
        "/offices/T1",
        boss,
        {
            "address": "Số 1 đường Thử",
            "priority_streak_limit": None,
            "elderly_age": 65,
            "transfer_keeps_place": False,
            "recalls_before_no_show": 2,
            "settings": {
                "notice": "Nghỉ trưa 11:30–13:30",
                "closed_days": ["2026-09-02"],
                "hours": {"mon": [["07:30", "11:30"]], "sat": []},
                "rating": {"preset": "three", "question": "Ông/Bà thấy thế nào?"},
                "ticket_footer": "Cảm ơn quý khách",
            },
        },
    )
    api(
        base,
        "POST",
        "/offices/T1/services",
        boss,
        {
            "code": "C",
            "name": "Chứng thực",
            "prefix": "C",
            "number_start": 1,
            "number_end": 300,
            "digits": 3,
            "default_service_minutes": 7.5,
            "target_wait_minutes": 20,
        },
    )
    api(base, "PATCH", "/offices/T1/services/B", boss, {"active": False})
    api(base, "PUT", "/offices/T1/priority-classes/merit", boss, {"active": False})
    api(base, "PUT", "/offices/T1/priority-classes/veteran", boss, {"name": "Cựu chiến binh"})
    api(
        base,
        "POST",
        "/offices/T1/counters",
        boss,
        {"number": 3, "name": "Quầy 3", "services": ["C", "A"]},
    )

    page = open_admin(new_page, base, "root", "/admin/config?office=T1")
    with page.expect_download() as download_info:
        page.click("#export-link")
    download = download_info.value
    assert download.suggested_filename == "T1.json"
    path = tmp_path / "T1.json"
    download.save_as(path)
    exported = json.loads(path.read_text(encoding="utf-8"))
    assert exported == api(base, "GET", "/offices/T1/config", boss)

    # an empty office T9, created on the page (POST /api/v1/offices {"code", "name"})
    form = page.locator("#create-form")
    form.locator("[name=code]").fill("T1")
    form.locator("[name=name]").fill("Trung tâm xã Chín")
    page.click("#create-save")
    expect(form.locator(".field-error[data-field=code]")).to_contain_text("Đã có đơn vị")
    form.locator("[name=code]").fill("T9")
    page.click("#create-save")
    expect(page.locator("#create-done")).to_contain_text("Đã tạo đơn vị T9")
    empty = api(base, "GET", "/offices/T9/config", root)
    assert empty["services"] == [] and empty["counters"] == []

    # import the file into T9: preview first, then apply
    page.click("#create-open")
    page.click("nav.admin-menu a[data-section=config]")
    expect(page.locator("#import-card h2")).to_have_text("Nhập cấu hình vào T9")
    # The page's module scripts run after its HTML shows: wait until the form listens.
    expect(page.locator("#import-form")).to_have_attribute("data-ready", "true")
    page.set_input_files(
        "#import-file",
        files=[
            {"name": "khong-phai.json", "mimeType": "application/json", "buffer": b"{ not json"}
        ],
    )
    expect(page.locator("#import-form .form-error")).to_contain_text("không phải JSON")
    page.set_input_files("#import-file", str(path))
    preview = page.locator("#import-preview")
    expect(preview).to_contain_text("Lĩnh vực (3)")
    expect(preview).to_contain_text("Quầy 3: C, A")
    expect(preview).to_contain_text("Nghỉ trưa 11:30–13:30")
    expect(preview).to_contain_text("Thêm lĩnh vực: A, B, C")
    expect(preview).to_contain_text("Thêm quầy: 1, 2, 3")
    expect(preview).to_contain_text("Tệp được xuất từ đơn vị T1")
    screenshot(page, "admin_config_import")
    assert api(base, "GET", "/offices/T9/config", root) == empty, "nothing before confirming"
    page.click("#import-apply")
    expect(page.locator("#import-done")).to_have_text("Đã nhập cấu hình vào T9.")

    imported = api(base, "GET", "/offices/T9/config", root)
    original = api(base, "GET", "/offices/T1/config", boss)
    assert imported["code"] == "T9"
    assert {**imported, "code": "T1"} == original
    audit = api(base, "GET", "/offices/T9/audit", root)
    assert [entry["action"] for entry in audit] == ["office.import", "office.create"]
    assert audit[0]["user"] == "root"
    assert page.js_errors == []


def test_booking_settings_open_unchanged_where_the_office_has_none_yet(
    demo_site, new_page, database_url
):
    """An office without booking settings shows the defaults; that is not a change the
    manager made, so the page does not greet them with "unsaved changes"."""
    base = demo_site["url"]
    people(database_url)
    page = open_admin(new_page, base, "boss", "/admin/booking")
    form = page.locator("#booking-form")
    expect(form.locator("[data-loading]")).to_be_hidden()
    expect(page.locator("#booking-state")).to_have_text("Chưa có thay đổi.")
    form.locator("[name=late_minutes]").fill("25")
    expect(page.locator("#booking-state")).to_have_text("Có thay đổi chưa lưu.")
    form.locator("[name=late_minutes]").fill("15")
    expect(page.locator("#booking-state")).to_have_text("Chưa có thay đổi.")
    assert page.js_errors == []


def test_a_manager_opens_booking_and_chooses_messages(
    demo_site, new_page, database_url, screenshot
):
    base = demo_site["url"]
    tokens = people(database_url)
    page = open_admin(new_page, base, "boss", "/admin/booking")
    form = page.locator("#booking-form")
    expect(form.locator("[data-loading]")).to_be_hidden()
    expect(form.locator("[name=slot_minutes]")).to_have_value("30")  # the defaults shown
    expect(form.locator("[name=channel][value=off]")).to_be_checked()
    expect(page.locator("#capacity-table tbody tr")).to_have_count(2)
    # Booking on without a single place is refused on the page.
    form.locator("[name=enabled]").check()
    page.click("#booking-save")
    expect(form.locator(".field-error[data-field=enabled]")).to_contain_text("ít nhất một lĩnh vực")
    form.locator("[name='capacity.B']").fill("3")
    form.locator("[name=late_minutes]").fill("300")
    page.click("#booking-save")
    expect(form.locator(".field-error[data-field=late_minutes]")).to_have_text("Từ 0 đến 240.")
    form.locator("[name=late_minutes]").fill("10")
    form.locator("[name=late_rule][value=refuse]").check()
    # Codes to phones need a channel to go by.
    form.locator("[name=verify_phone]").check()
    page.click("#booking-save")
    expect(form.locator(".field-error[data-field=verify_phone]")).to_contain_text("kênh tin nhắn")
    form.locator("[name=channel][value=sms]").check()
    form.locator("[name=near_ahead]").fill("2")
    form.locator("[name=network_share]").fill("50")
    form.locator("[name=challenge][value=always]").check()
    form.locator("[name=messages_per_phone_per_day]").fill("5")
    expect(page.locator("#booking-state")).to_have_text("Có thay đổi chưa lưu.")
    page.click("#booking-save")
    expect(page.locator("#toast")).to_have_text("Đã lưu đặt lịch hẹn và tin nhắn.")
    expect(page.locator("#booking-state")).to_have_text("Chưa có thay đổi.")
    settings = api(base, "GET", "/offices/T1/config", tokens["boss"])["settings"]
    assert settings["appointments"]["enabled"] is True
    assert settings["appointments"]["capacity"] == {"B": 3}
    assert (settings["appointments"]["late_minutes"], settings["appointments"]["late_rule"]) == (
        10,
        "refuse",
    )
    assert (settings["messages"]["channel"], settings["messages"]["near_ahead"]) == ("sms", 2)
    assert settings["messages"]["per_phone_per_day"] == 5
    rules = settings["appointments"]
    assert (rules["verify_phone"], rules["network_share"], rules["challenge"]) == (
        True,
        50,
        "always",
    )
    booking = api(base, "GET", "/offices/T1/booking")
    assert booking["enabled"] is True and [f["code"] for f in booking["fields"]] == ["B"]
    assert page.js_errors == []
    screenshot(page, "admin_booking")
