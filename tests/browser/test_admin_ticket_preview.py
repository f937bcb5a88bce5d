"""/admin "Xem trước vé": a manager sees the ticket as the kiosk's printer would print it,
a picture as wide as the paper in printer dots (issue 25, point 8)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.axe import SEVERE, describe, violations
from tests.browser.test_admin import open_admin, people

pytestmark = pytest.mark.browser


def natural_width(page) -> int:
    return page.eval_on_selector("#ticket-preview-image", "img => img.naturalWidth")


def test_a_manager_previews_the_ticket(demo_site, new_page, database_url, screenshot):
    base = demo_site["url"]
    people(database_url)
    page = open_admin(new_page, base, "boss", "/admin?office=T1")

    card = page.locator("#ticket-preview")
    expect(card.get_by_role("heading", name="Xem trước vé")).to_be_visible()
    field = page.locator("#ticket-preview-field")
    expect(field.locator("option")).to_have_count(2)
    field.select_option("B")
    page.click("#ticket-preview-show")
    picture = page.locator("#ticket-preview-image")
    expect(picture).to_be_visible()
    assert natural_width(page) == 576  # no kiosk with a printer: 80 mm paper
    expect(picture).to_have_attribute(
        "alt", "Vé mẫu của lĩnh vực Đất đai, như máy in sẽ in, rộng 576 điểm in"
    )
    # The form above is untouched: choosing a field is no unsaved change of the office.
    expect(page.locator("#office-state")).to_have_text("Chưa có thay đổi.")

    page.locator("#ticket-preview-paper").select_option("58")
    page.click("#ticket-preview-show")
    page.wait_for_function(
        "() => document.querySelector('#ticket-preview-image').naturalWidth === 384"
    )
    expect(picture).to_have_attribute(
        "alt", "Vé mẫu của lĩnh vực Đất đai, như máy in sẽ in, rộng 384 điểm in"
    )

    # The preview's card (the hours grid above has contrast faults of its own, not this one's).
    severe = violations(page, "#ticket-preview", impacts=SEVERE)
    assert not severe, describe(severe)
    card.scroll_into_view_if_needed()
    screenshot(page, "admin_ticket_preview")
    assert page.js_errors == []
