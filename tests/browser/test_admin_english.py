"""The staff bar's English switch reaches every word of the admin pages, the words their
scripts write included (issue 24): after the switch the export/import page, the change log,
the fields page (and its dialog) and the office page show English, and no Vietnamese letter
is left in what they show but the office's own data (names it was given in Vietnamese).
So do the devices, users and booking-settings pages, the live overview and the reports."""

from __future__ import annotations

import re

import pytest
import requests
from playwright.sync_api import Page, expect

from tests.browser import axe
from tests.browser.test_admin import open_admin, people
from tests.factories import bearer

pytestmark = pytest.mark.browser

VIETNAMESE = re.compile(
    "[àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ]", re.I
)
BRAND = "Lượt"  # the product's name, in the staff bar and the page titles
SWITCH_BACK = "Tiếng Việt"  # the switch names the other language in that language


def strings(value) -> set[str]:
    """Every string inside an API answer: the office's data, shown as it was typed."""
    if isinstance(value, str):
        return {value}
    if isinstance(value, dict):
        return set().union(*(strings(item) for item in value.values()), set())
    if isinstance(value, list):
        return set().union(*(strings(item) for item in value), set())
    return set()


DATA_PATHS = ("/offices/T1/config", "/offices/T1/audit", "/offices")


def office_data(base: str, token: str, paths: tuple[str, ...] = DATA_PATHS) -> set[str]:
    found: set[str] = {BRAND, SWITCH_BACK}
    for path in paths:
        response = requests.get(f"{base}/api/v1{path}", headers=bearer(token), timeout=10)
        assert response.ok, response.text
        found |= strings(response.json())
    return {text for text in found if VIETNAMESE.search(text)}


def vietnamese_left(page: Page, data: set[str], scope: str = "body") -> list[str]:
    """Lines of the visible text with a Vietnamese letter once the office's data is out."""
    text = page.locator(scope).inner_text()
    for item in sorted(data, key=len, reverse=True):  # "Quầy 1 – Hộ tịch" before "Hộ tịch"
        text = text.replace(item, "")
    return [line for line in text.splitlines() if VIETNAMESE.search(line)]


def test_the_admin_pages_speak_english_once_switched(demo_site, new_page, database_url):
    base = demo_site["url"]
    tokens = people(database_url)
    page = open_admin(new_page, base, "boss", "/admin/config?office=T1")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#import-form")).to_have_attribute("data-ready", "true")
    expect(page.locator("#import-card h2")).to_have_text("Import a configuration into T1")

    # A change or two, so the change log has lines that the script words.
    page.goto(f"{base}/admin/fields?office=T1")
    expect(page.locator("#fields-table tbody tr[data-code]").first).to_be_visible()
    expect(page.locator("#fields-count")).to_contain_text("in use")
    page.click("#field-add")
    expect(page.locator("#field-dialog-title")).to_have_text("Add a field")
    page.locator("#field-form [name=code]").fill("EN")
    page.locator("#field-form [name=name]").fill("Chứng thực")
    page.click("#field-form [data-numbering=letter]")
    expect(page.locator("#numbering-preview")).to_contain_text("tickets a day")
    page.locator("#field-form [name=prefix]").fill("Q1")
    page.click("#field-save")
    expect(page.locator("#field-form .field-error[data-field=prefix]")).to_contain_text(
        "capital letters"
    )
    data = office_data(base, tokens["boss"])
    assert vietnamese_left(page, data | {"Chứng thực"}, "#field-dialog") == []
    page.locator("#field-form [name=prefix]").fill("Q")
    page.click("#field-save")
    expect(page.locator("#toast")).to_have_text("Field “Chứng thực” added.")
    data = office_data(base, tokens["boss"])
    assert vietnamese_left(page, data) == []

    page.goto(f"{base}/admin/audit?office=T1")
    expect(page.locator("#audit-table tr[data-action='service.create']")).to_contain_text(
        "Field added"
    )
    expect(page.locator("#audit-count")).to_contain_text("changes")
    assert vietnamese_left(page, data) == []

    for path in ("/admin/config", "/admin", "/admin/counters", "/admin/priority"):
        page.goto(f"{base}{path}?office=T1")
        page.wait_for_load_state("networkidle")
        assert vietnamese_left(page, data) == [], path

    page.get_by_role("link", name="Tiếng Việt").click()
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    assert page.js_errors == []


def test_the_devices_users_booking_overview_and_reports_speak_english(
    demo_site, new_page, database_url
):
    base = demo_site["url"]
    tokens = people(database_url)
    page = open_admin(new_page, base, "boss", "/admin/devices?office=T1")
    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")

    # Devices: the list, the dialog and the token shown once, in the script's words.
    expect(page.locator("#device-add")).to_be_enabled()
    expect(page.locator("#devices-count")).to_contain_text("devices")
    page.click("#device-add")
    expect(page.locator("#device-dialog-title")).to_have_text("Register a device")
    page.click("#device-save")
    expect(page.locator("#device-form .field-error[data-field=name]")).to_have_text(
        "Give the device a name."
    )
    page.locator("#device-form [name=name]").fill("Kiosk sảnh")
    page.click("#device-save")
    expect(page.locator("#token-panel h2")).to_have_text("Token of “Kiosk sảnh” — shown only once")
    expect(page.locator("#toast")).to_have_text("“Kiosk sảnh” registered.")
    data = office_data(base, tokens["boss"], (*DATA_PATHS, "/offices/T1/devices", "/users"))
    assert vietnamese_left(page, data) == []

    # Users: a manager's officers; the dialog and its checks.
    page.goto(f"{base}/admin/users?office=T1")
    expect(page.locator("#users-count")).to_contain_text("accounts in use")
    page.click("#user-add")
    page.click("#user-save")
    expect(page.locator("#user-form .field-error[data-field=password]")).to_have_text(
        "The password needs at least 8 characters."
    )
    assert vietnamese_left(page, data) == []
    page.locator("#user-dialog [data-close]").click()

    # Booking settings: a number out of range, worded by the script.
    page.goto(f"{base}/admin/booking?office=T1")
    expect(page.locator("[data-loading]")).to_be_hidden()
    page.locator("#booking-form [name=slot_minutes]").fill("1")
    expect(page.locator("#booking-state")).to_have_text("Unsaved changes.")
    page.click("#booking-save")
    expect(page.locator("#booking-form .field-error[data-field=slot_minutes]")).to_have_text(
        "From 5 to 240."
    )
    assert vietnamese_left(page, data) == []

    page.goto(f"{base}/admin/overview?office=T1")
    expect(page.locator("#overview")).to_have_attribute("data-ready", "true")
    expect(page.locator("h1")).to_have_text("Live overview")
    assert vietnamese_left(page, data) == []

    page.goto(f"{base}/admin/reports?office=T1")
    expect(page.locator("#reports")).to_have_attribute("data-ready", "true")
    expect(page.locator("h1")).to_have_text("Waiting and service report")
    assert vietnamese_left(page, data) == []

    page.get_by_role("link", name="Tiếng Việt").click()
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    assert page.js_errors == []


def test_the_opening_hours_stay_readable_when_not_in_use(demo_site, new_page, database_url):
    """axe found the hours table's headers at 2.58:1 and 3.64:1 once "tickets only during
    opening hours" was unticked (the whole table faded); now they keep WCAG AA's 4.5:1."""
    people(database_url)
    page = open_admin(new_page, demo_site["url"], "boss", "/admin?office=T1")
    expect(page.locator("[data-loading]")).to_be_hidden()
    for use in (True, False):
        page.locator("[name=use_hours]").set_checked(use)
        expect(page.locator("#hours-grid")).to_have_class(
            re.compile("disabled") if not use else re.compile("^hours$")
        )
        problems = axe.violations(page, "#hours-grid", tags=axe.WCAG_AA)
        assert problems == [], axe.describe(problems)
    problems = axe.severe_violations(page)
    assert problems == [], axe.describe(problems)
    assert page.js_errors == []
