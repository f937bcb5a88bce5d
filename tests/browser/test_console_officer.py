"""The officer's day at the console: a key for every action (shown on its button), the call
that starts the service where the office says so, no-show with a confirmation, landing on
the counter the officer holds, counter names said once, and a 1024×768 screen."""

from __future__ import annotations

import re

import pytest
import requests
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect

from server.db import Database
from tests.browser import axe
from tests.browser.test_console import (
    CONSOLE_SIZE,
    current,
    idle,
    issue,
    live,
    open_console,
    open_counter,
)
from tests.factories import bearer, make_office, make_token
from tests.signin import sign_in_page

pytestmark = pytest.mark.browser


def office_settings(base: str, token: str, settings: dict) -> None:
    response = requests.patch(
        f"{base}/api/v1/offices/T1", json={"settings": settings}, headers=bearer(token), timeout=10
    )
    assert response.status_code == 200, response.text


def manager(database_url: str) -> str:
    db = Database(database_url)
    try:
        return make_token(db, "boss", role="manager")
    finally:
        db.dispose()


def accessibility_problems(page: Page, scope: str = "body") -> list[str]:
    """What axe-core finds against WCAG 2.1 A and AA in `scope`: one line per rule and
    element."""
    found = axe.violations(page, scope, tags=axe.WCAG_AA)
    return [f"{v['id']}: {n['target']}" for v in found for n in v["nodes"]]


def no_show_dialog(page: Page, code: str):
    dialog = page.get_by_role("dialog", name=f"Đánh dấu vắng mặt số {code}")
    expect(dialog).to_be_visible()
    return dialog


# ---------------------------------------------------------------- keys and legends


def test_every_action_has_a_key_shown_on_its_button(demo_site, new_page, screenshot):
    base, office = demo_site["url"], demo_site["office"]
    page = open_console(new_page, base, "officer1", office["counters"][1])
    buttons = page.locator("#desk [data-key]")
    assert buttons.count() >= 10
    for index in range(buttons.count()):
        button = buttons.nth(index)
        shown = button.get_attribute("aria-keyshortcuts")
        # The legend is on the button, and the key is told to assistive technology as a
        # shortcut rather than read out as part of the button's name.
        expect(button.locator("kbd")).to_have_text(shown)
        expect(button.locator("kbd")).to_have_attribute("aria-hidden", "true")
        expect(button).not_to_have_accessible_name(re.compile(rf"\b{shown}$"))
    expect(page.locator("#btn-next kbd")).to_have_text("N")
    expect(page.locator("#btn-noshow")).to_have_accessible_name("Vắng mặt")
    expect(page.locator("#btn-noshow")).to_have_attribute("aria-keyshortcuts", "V")

    issue(base, "A")
    issue(base, "A")
    open_counter(page)
    page.keyboard.press("n")
    current(page, "A001", "called")
    idle(page)
    page.keyboard.press("l")  # Gọi lại
    expect(page.locator("#current-extra")).to_contain_text("Đã gọi lại 1 lần")
    idle(page)
    page.keyboard.press("b")  # Bắt đầu
    current(page, "A001", "serving")
    idle(page)
    page.keyboard.press("t")  # Tạm dừng
    expect(page.locator("#held-list li[data-code=A001]")).to_be_visible()
    idle(page)
    page.keyboard.press("N")
    current(page, "A002", "called")
    idle(page)
    page.keyboard.press("b")
    current(page, "A002", "serving")
    idle(page)
    page.keyboard.press("m")  # Mã hồ sơ: a dialog, where letters are typed, not actions
    expect(page.locator("#dlg-dossier")).to_be_visible()
    page.keyboard.type("hn")
    expect(page.locator("#ds-input")).to_have_value("hn")
    current(page, "A002", "serving")
    page.keyboard.press("Escape")
    expect(page.locator("#dlg-dossier")).to_be_hidden()
    # Keys typed into a field are not actions: the closed dialog's field must have let go
    # of the focus before H means "Hoàn thành" (a loaded machine lags there).
    expect(page.locator("#ds-input")).not_to_be_focused()
    idle(page)
    page.keyboard.press("h")  # Hoàn thành
    expect(page.locator("#current")).to_have_attribute("data-status", "none")
    expect(page.locator("#stat-done")).to_have_text("1")
    assert page.evaluate(CLIPPED) == []  # the office's long name is not cut either
    screenshot(page, "console_keys_legend_1366x768")


# ---------------------------------------------------------------- no-show


def test_no_show_straight_after_the_call_asks_first(demo_site, new_page, screenshot):
    base, office = demo_site["url"], demo_site["office"]
    issue(base, "A")
    page = open_console(new_page, base, "officer1", office["counters"][1])
    open_counter(page)
    page.click("#btn-next")
    current(page, "A001", "called")
    idle(page)
    # No recall needed (the office's default), but the officer confirms.
    expect(page.locator("#btn-noshow")).to_be_enabled()
    page.keyboard.press("v")
    dialog = no_show_dialog(page, "A001")
    expect(dialog.get_by_role("button", name="Vắng mặt")).to_be_focused()
    screenshot(page, "console_no_show_confirm_1366x768")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    current(page, "A001", "called")
    page.click("#btn-noshow")
    no_show_dialog(page, "A001").get_by_role("button", name="Hủy").click()
    current(page, "A001", "called")
    page.click("#btn-noshow")
    page.keyboard.press("Enter")
    expect(page.locator("#current")).to_have_attribute("data-status", "none")
    expect(page.locator("#stat-noshow")).to_have_text("1")
    expect(page.locator("#recent-text")).to_have_text("Vừa đánh dấu vắng mặt: số A001")


def test_a_call_that_starts_the_service(demo_site, new_page, screenshot, database_url):
    """Settings start_on_call: "next" serves the called citizen and finishes at the next
    press; recall and no-show stay for the citizen who does not come."""
    base, office = demo_site["url"], demo_site["office"]
    office_settings(base, manager(database_url), {"start_on_call": True})
    for _ in range(3):
        issue(base, "A")
    page = open_console(new_page, base, "officer1", office["counters"][1])
    open_counter(page)
    page.keyboard.press("n")
    current(page, "A001", "serving")
    expect(page.locator("#btn-start")).to_be_disabled()
    expect(page.locator("#next-label")).to_have_text("Hoàn thành & gọi số tiếp theo")
    expect(page.locator("#btn-recall")).to_be_enabled()
    expect(page.locator("#btn-noshow")).to_be_enabled()
    screenshot(page, "console_start_on_call_1366x768")
    idle(page)
    page.keyboard.press("n")
    current(page, "A002", "serving")
    expect(page.locator("#stat-done")).to_have_text("1")
    expect(page.locator("#recent-text")).to_have_text("Vừa hoàn thành: số A001")
    idle(page)
    page.keyboard.press("l")
    expect(page.locator("#current-extra")).to_contain_text("Đã gọi lại 1 lần")
    current(page, "A002", "serving")
    idle(page)
    page.keyboard.press("v")
    page.keyboard.press("Enter")
    expect(page.locator("#stat-noshow")).to_have_text("1")
    idle(page)
    page.keyboard.press("n")
    current(page, "A003", "serving")


# ---------------------------------------------------------------- landing, one counter


def test_an_officer_lands_on_the_counter_they_hold(demo_site, new_page, screenshot, database_url):
    base, office = demo_site["url"], demo_site["office"]
    c1, c2 = office["counters"][1], office["counters"][2]
    office_settings(base, manager(database_url), {"counters_per_officer": 1})  # the default
    opened = requests.post(
        f"{base}/api/v1/counters/{c2}/open", headers=bearer(demo_site["token"]), timeout=10
    )
    assert opened.status_code == 200
    page = new_page(*CONSOLE_SIZE)
    page.goto(f"{base}/login")
    page.fill("input[name=username]", "officer1")
    page.fill("input[name=password]", "pw-officer1")
    page.click("button[type=submit]")
    # Straight to the console and the counter already open: no links page, no picker.
    page.wait_for_url(re.compile(re.escape(base) + r"/counter$"))
    page.wait_for_selector("#console[data-ready=true]")
    expect(page.locator("#picker")).to_be_hidden()
    expect(page.locator("#console")).to_have_attribute("data-counter", str(c2))
    live(page)
    expect(page.locator("#counter-state")).to_have_text("Đang mở")
    expect(page.locator("#btn-next")).to_be_enabled()

    # The picker marks it; another counter is refused while this one is held.
    page.click("#btn-switch")
    expect(page.locator(f".cc-pick[data-counter='{c2}']")).to_contain_text("Quầy bạn đang giữ")
    expect(page.locator(f".cc-pick[data-counter='{c1}']")).not_to_contain_text("đang giữ")
    screenshot(page, "console_picker_held_1366x768")
    page.click(f".cc-pick[data-counter='{c1}']")
    live(page)
    expect(page.locator("#next-hint")).to_have_text(
        "Bạn đang giữ Quầy 2: hãy đóng quầy đó trước khi mở quầy này."
    )
    page.click("#btn-open")
    expect(page.locator("#message")).to_have_text(
        "Bạn đang giữ Quầy 2: hãy đóng quầy đó trước khi mở quầy khác."
    )
    expect(page.locator("#counter-state")).to_have_text("Đã đóng")


def test_a_manager_lands_on_the_administration(demo_site, new_page, database_url):
    manager(database_url)
    page = new_page(*CONSOLE_SIZE)
    page.goto(f"{demo_site['url']}/login")
    page.fill("input[name=username]", "boss")
    page.fill("input[name=password]", "pw-boss")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/admin$"))
    expect(page.get_by_text("OpenAPI")).to_have_count(0)


# ---------------------------------------------------------------- names, transfer, 1024×768


@pytest.fixture
def named_site(live_server, database_url):
    """Counters named the way offices name them: "Quầy 1 – Hộ tịch"."""
    db = Database(database_url)
    office = make_office(
        db,
        counters=[
            {"number": 1, "name": "Quầy 1 – Hộ tịch", "services": ["A", "B"]},
            {"number": 2, "name": "Quầy 2 – Đất đai", "services": ["B"]},
            {"number": 3, "name": "Quầy 3", "services": ["A", "B"]},
            {"number": 4, "name": "Chứng thực", "services": ["A"]},
        ],
    )
    token = make_token(db, "officer1")
    other = make_token(db, "officer2")
    db.dispose()
    return {"url": live_server.url, "office": office, "token": token, "other": other}


def test_counter_names_are_said_once_and_closed_counters_get_no_transfer(
    named_site, new_page, screenshot
):
    base, counters = named_site["url"], named_site["office"]["counters"]
    opened = requests.post(
        f"{base}/api/v1/counters/{counters[2]}/open",
        headers=bearer(named_site["other"]),
        timeout=10,
    )
    assert opened.status_code == 200
    issue(base, "A")
    page = new_page(*CONSOLE_SIZE)
    sign_in_page(page, base, "officer1")
    expect(page.locator("#picker")).to_be_visible()
    expect(page.locator(f".cc-pick[data-counter='{counters[1]}'] .cc-pick-name")).to_have_text(
        "Hộ tịch"
    )
    expect(page.locator(f".cc-pick[data-counter='{counters[3]}'] .cc-pick-name")).to_have_text("")
    page.click(f".cc-pick[data-counter='{counters[1]}']")
    live(page)
    expect(page.locator("#counter-title")).to_have_text("Quầy 1 · Hộ tịch")
    open_counter(page)
    page.click("#btn-next")
    current(page, "A001", "called")
    idle(page)
    page.click("#btn-transfer")
    dialog = page.locator("#dlg-transfer")
    expect(dialog).to_be_visible()
    choices = dialog.locator("#tr-counters .cc-choice")
    # "Any counter" and the one open counter; closed counters 3 and 4 are not offered.
    expect(choices).to_have_count(2)
    expect(choices.nth(1)).to_contain_text("Quầy 2 · Đất đai")
    expect(dialog).not_to_contain_text("Quầy 3")
    expect(dialog).not_to_contain_text("Chứng thực")
    screenshot(page, "console_transfer_open_counters_1366x768")


CLIPPED = """() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  for (const el of document.querySelectorAll(
      '#desk button, #desk h1, #desk h2, #desk dd, #desk .cc-sub, #desk .cc-code')) {
    if (!el.offsetParent) continue;  // not shown
    const box = el.getBoundingClientRect();
    if (box.left < 0 || box.right > width + 0.5) out.push(el.id || el.textContent.trim());
    // Text cut inside its own box (overflow hidden, ellipsis, a too-narrow button).
    if (el.scrollWidth > el.clientWidth + 1) out.push((el.id || el.textContent.trim()) + ' (cut)');
  }
  return out;
}"""


def scrolled_into_view(target) -> dict | None:
    """Scroll to `target` and measure it; a list redrawn by a live update meanwhile (the
    element replaced by its new copy) is measured again, as a person would look again."""
    for attempt in range(3):
        try:
            target.scroll_into_view_if_needed()
            box = target.bounding_box()
        except PlaywrightError as error:
            if "not attached" not in str(error) or attempt == 2:
                raise
            continue
        # Replaced between the scroll and the measure: no box (no error) for the old copy.
        if box is not None:
            return box
    return None


def test_the_console_fits_1024x768(named_site, new_page, screenshot):
    base, counters = named_site["url"], named_site["office"]["counters"]
    for service in ("A", "B") * 8:
        issue(base, service)
    page = open_console(new_page, base, "officer1", counters[1], size=(1024, 768))
    open_counter(page)
    page.click("#btn-next")
    current(page, "A001", "called")
    idle(page)
    page.click("#btn-start")
    idle(page)
    page.click("#btn-hold")
    idle(page)
    page.click("#btn-next")
    current(page, "1001", "called")
    idle(page)
    page.keyboard.press("l")
    idle(page)
    expect(page.locator("#held-list li")).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024  # no sideways scroll
    screenshot(page, "console_1024x768")
    assert page.evaluate(CLIPPED) == []
    # Whatever is below the fold is reached by scrolling, and then fully in view.
    for selector in ("#btn-reprint", "#held-list li button", "#waiting-list li:last-child"):
        box = scrolled_into_view(page.locator(selector).first)
        assert box and box["y"] >= 0 and box["y"] + box["height"] <= 768, selector
        assert box["x"] >= 0 and box["x"] + box["width"] <= 1024, selector
    screenshot(page, "console_1024x768_scrolled")
    # The dialogs fit too.
    page.click("#btn-transfer")
    dialog = page.locator("#dlg-transfer")
    expect(dialog).to_be_visible()
    box = dialog.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 1024 and box["height"] <= 768
    screenshot(page, "console_1024x768_transfer")


def test_a_manager_sets_the_serving_rules_on_the_office_page(
    demo_site, new_page, database_url, screenshot
):
    base = demo_site["url"]
    token = manager(database_url)
    page = new_page(1280, 900)
    sign_in_page(page, base, "boss", "/admin")
    form = page.locator("#office-form")
    expect(form.locator("[name=counters_per_officer]")).to_have_value("2")  # the test office's
    expect(form.locator("[name=start_on_call]")).not_to_be_checked()
    form.locator("[name=start_on_call]").check()
    form.locator("[name=counters_per_officer]").fill("0")
    page.click("#office-save")
    expect(form.locator(".field-error[data-field=counters_per_officer]")).to_contain_text(
        "Từ 1 đến 50"
    )
    form.locator("[name=counters_per_officer]").fill("1")
    page.click("#office-save")
    expect(page.locator("#toast")).to_have_text("Đã lưu thông tin đơn vị.")
    settings = requests.get(
        f"{base}/api/v1/offices/T1/config", headers=bearer(token), timeout=10
    ).json()["settings"]
    assert (settings["start_on_call"], settings["counters_per_officer"]) == (True, 1)
    form.locator("[name=start_on_call]").scroll_into_view_if_needed()
    screenshot(page, "admin_office_serving_rules")


def test_the_console_passes_an_accessibility_check_in_each_state(demo_site, new_page):
    base, office = demo_site["url"], demo_site["office"]
    issue(base, "A")
    page = open_console(new_page, base, "officer1", office["counters"][1])
    assert accessibility_problems(page) == []  # closed
    open_counter(page)
    page.keyboard.press("n")
    current(page, "A001", "called")
    idle(page)
    assert accessibility_problems(page) == []  # called
    page.keyboard.press("v")
    no_show_dialog(page, "A001")
    assert accessibility_problems(page, "#dlg-noshow") == []
    page.keyboard.press("Escape")
    page.keyboard.press("b")
    current(page, "A001", "serving")
    idle(page)
    assert accessibility_problems(page) == []  # serving
    page.keyboard.press("c")
    expect(page.locator("#dlg-transfer")).to_be_visible()
    assert accessibility_problems(page, "#dlg-transfer") == []
    page.keyboard.press("Escape")
    page.click("#btn-switch")
    expect(page.locator("#picker")).to_be_visible()
    expect(page.locator(".cc-pick")).to_have_count(2)
    assert accessibility_problems(page) == []  # the picker
