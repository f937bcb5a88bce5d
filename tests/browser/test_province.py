"""The provincial overview (/admin/province) in Chromium: two centres that pushed their day,
one of which has not been heard from since (marked, faded, left out of the totals), one
invited that never joined; only admins open it."""

from __future__ import annotations

import datetime as dt

import pytest
import requests
from playwright.sync_api import expect
from sqlalchemy import update

from server.db import Database
from server.engine import Engine
from server.models import Centre
from server.ops.migrate import upgrade
from server.province.pusher import live_figures
from tests.browser.test_admin_english import (
    BRAND,
    SWITCH_BACK,
    VIETNAMESE,
    strings,
    vietnamese_left,
)
from tests.browser.test_console_officer import accessibility_problems
from tests.factories import bearer, make_office, make_token
from tests.province.conftest import join, push_all
from tests.signin import sign_in_page

pytestmark = pytest.mark.browser


@pytest.fixture
def province_site(live_server, database_url, tmp_path):
    province_db = Database(database_url)
    province = Engine(province_db)
    make_token(province_db, "tinh", role="admin", offices=())
    # The province also runs an office of its own, whose manager is no provincial admin.
    make_office(province_db, code="TINH", name="Trung tâm Phục vụ hành chính công tỉnh")
    make_token(province_db, "quanly", role="manager", offices=("TINH",))
    centres = []
    for n, waiting in ((1, 4), (2, 7)):
        db = Database(f"sqlite:///{tmp_path / f'centre{n}.db'}")
        upgrade(db)
        office = make_office(db, code=f"X{n}", name=f"Trung tâm Phục vụ hành chính công xã Số {n}")
        centre = Engine(db)
        centre_id = join(province, centre, f"XA{n}")
        centre.set_counter_state(office["counters"][1], "open")
        for _ in range(waiting):
            centre.issue(f"X{n}", "A")
        served = centre.call_next(office["counters"][1])
        centre.start(served["id"])
        centre.finish(served["id"])
        push_all(province, centre, centre_id)
        province.contact(
            centre_id,
            {
                "head": centre.link()["head"],
                "at": dt.datetime.now(dt.UTC),
                "offices": live_figures(centre),
            },
            "10.0.0.1",
        )
        centres.append(centre)
    # The second centre's link went down an hour ago; a third was invited, never joined.
    with province_db.write() as session:
        session.execute(
            update(Centre)
            .where(Centre.code == "XA2")
            .values(last_contact_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1))
        )
    province.add_centre("XA3", "Xã Ba")
    yield live_server
    for centre in centres:
        centre.db.dispose()
    province_db.dispose()


def test_the_province_sees_every_centre_and_which_ones_are_out_of_touch(
    province_site, new_page, screenshot
):
    page = new_page(1366, 900)
    sign_in_page(page, province_site.url, "tinh", "/admin/province")
    expect(page.locator("#province")).to_have_attribute("data-ready", "true")
    rows = page.locator("#centres tbody tr")
    expect(rows).to_have_count(3)
    stale = page.locator("tr[data-centre='XA2']")
    expect(stale).to_have_attribute("data-stale", "true")
    expect(stale).to_contain_text("Mất liên lạc từ")
    expect(stale).to_contain_text("1 giờ")
    fresh = page.locator("tr[data-centre='XA1']")
    expect(fresh).to_contain_text("giây trước")
    expect(fresh.locator("[data-figure=waiting]")).to_have_text("3")
    expect(fresh.locator("[data-figure=served]")).to_have_text("1")
    expect(page.locator("tr[data-centre='XA3']")).to_contain_text("Chưa tham gia")
    # The lost centre's last figures are shown, but not counted in the province's totals.
    # Online out of every registered centre, joined or not yet (issue 25).
    expect(page.locator("#online")).to_have_text("1/3")
    expect(page.locator("#online-note")).to_contain_text("1 trung tâm mất liên lạc")
    expect(page.locator("#online-note")).to_contain_text("1 chưa tham gia")
    expect(page.locator("#waiting")).to_have_text("3")
    order = rows.evaluate_all("rows => rows.map(r => r.dataset.centre)")
    assert order == ["XA2", "XA1", "XA3"]  # the worst first; never joined after those in touch
    expect(page.locator("#province")).to_contain_text("vẫn hoạt động bình thường")
    assert accessibility_problems(page, "#province") == []
    screenshot(page, "province-overview")

    # A search box and a filter for a province's 150 centres.
    page.fill("#centre-search", "ba")
    expect(rows).to_have_count(1)
    expect(rows.first).to_have_attribute("data-centre", "XA3")
    expect(page.locator("#centre-count")).to_have_text("Đang hiện 1/3 trung tâm")
    page.fill("#centre-search", "")
    page.select_option("#centre-filter", "lost")
    expect(rows).to_have_count(1)
    expect(rows.first).to_have_attribute("data-centre", "XA2")
    page.select_option("#centre-filter", "never")
    expect(rows.first).to_have_attribute("data-centre", "XA3")
    screenshot(page, "province-filter")


def test_only_admins_open_the_provincial_overview(province_site, new_page):
    page = new_page(1366, 900)
    sign_in_page(page, province_site.url, "quanly", "/admin/province")
    expect(page.locator("body")).to_contain_text("không có quyền")


def test_a_centre_restored_from_a_backup_is_followed_in_words(
    province_site, database_url, new_page, screenshot
):
    """Diverged (its push refused), its state arriving, then done with what was dropped:
    the row says each, and an unsettled centre comes first among those in touch."""
    page = new_page(1366, 900)
    sign_in_page(page, province_site.url, "tinh", "/admin/province")
    row = page.locator("tr[data-centre='XA1']")
    db = Database(database_url)
    states = [
        ({"state": "diverged", "since": "2026-12-07T02:00:00+00:00"}, "khác bản ở tỉnh"),
        ({"state": "running", "start": 1, "end": 40, "since": "x"}, "Đang nhận lại toàn bộ"),
        (
            {"state": "done", "start": 1, "end": 2, "done_at": "2026-12-07T02:05:00+00:00"}
            | {"dropped": {"ticket": 5, "ticket_event": 15}},
            "bỏ 5 phiếu trung tâm không còn",
        ),
    ]
    try:
        for resync, words in states:
            with db.write() as session:
                session.execute(update(Centre).where(Centre.code == "XA1").values(resync=resync))
            page.reload()
            expect(page.locator("#province")).to_have_attribute("data-ready", "true")
            expect(row).to_contain_text(words)
            if resync["state"] == "running":
                expect(row).to_contain_text("/40 bản ghi")
                screenshot(page, "province-overview-resync")
    finally:
        db.dispose()


def test_the_provincial_overview_speaks_english_once_switched(
    province_site, new_page, database_url
):
    """The staff bar's English switch reaches the words province.js writes (issue 24): no
    Vietnamese letter is left but the centres' and offices' own names."""
    page = new_page(1366, 900)
    sign_in_page(page, province_site.url, "tinh", "/admin/province")
    expect(page.locator("#province")).to_have_attribute("data-ready", "true")
    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#province")).to_have_attribute("data-ready", "true")
    expect(page.locator("tr[data-centre='XA2']")).to_contain_text("Lost contact since")
    expect(page.locator("tr[data-centre='XA1']")).to_contain_text("s ago")
    expect(page.locator("tr[data-centre='XA3']")).to_contain_text("Not joined yet")
    expect(page.locator("#online-note")).to_contain_text("1 centres lost contact")
    expect(page.locator("#conn")).to_have_text("Online")
    db = Database(database_url)
    token = make_token(db, "tinh2", role="admin", offices=())
    db.dispose()
    answer = requests.get(
        f"{province_site.url}/api/v1/province/centres", headers=bearer(token), timeout=10
    )
    assert answer.ok, answer.text
    data = {
        text for text in strings(answer.json()) | {BRAND, SWITCH_BACK} if VIETNAMESE.search(text)
    }
    assert vietnamese_left(page, data) == []
