"""The rating tablet at a counter and the reusable rating widget, in headless Chromium.

Screenshots at 1280×800 (the tablet) and 390×844 (the widget on the phone page) go to
tests/artifacts/screenshots/.
"""

from __future__ import annotations

import pytest
import requests
from playwright.sync_api import Page, expect
from sqlalchemy import select, update

from server.db import Database
from server.models import Rating, User
from tests.browser.test_console import TABLET_SIZE, posts, rating_device, sign_in
from tests.display.helpers import Api, set_settings

pytestmark = pytest.mark.browser

LEVEL = ".lr-level[data-level='{}']"


def finished(base: str, token: str, counter_id: int, service: str = "A") -> dict:
    """A ticket issued, called, served and finished at the counter; the issued answer."""
    api = Api(base, token)
    issued = api.issue(service)
    api.open(counter_id)
    called = api.next(counter_id)
    assert called["code"] == issued["code"]
    api.act(called["id"], "start")
    api.act(called["id"], "finish")
    return issued


def open_tablet(new_page, base: str, counter_id: int, key: str | None, query: str = "") -> Page:
    page = new_page(*TABLET_SIZE)
    params = "&".join(part for part in (f"key={key}" if key else "", query) if part)
    page.goto(f"{base}/rate/{counter_id}" + (f"?{params}" if params else ""))
    page.evaluate("document.fonts.ready.then(() => true)")
    return page


def screen(page: Page, name: str, timeout: float = 5000) -> None:
    expect(page.locator("#tablet")).to_have_attribute("data-screen", name, timeout=timeout)


def ratings(database_url: str) -> list[dict]:
    db = Database(database_url)
    try:
        with db.read() as session:
            return [
                {
                    "level": r.level,
                    "reasons": r.reasons,
                    "channel": r.channel,
                    "officer_id": r.officer_id,
                }
                for r in session.scalars(select(Rating).order_by(Rating.id))
            ]
    finally:
        db.dispose()


def name_officer(database_url: str, username: str, full_name: str) -> None:
    db = Database(database_url)
    try:
        with db.write() as session:
            session.execute(
                update(User).where(User.username == username).values(full_name=full_name)
            )
    finally:
        db.dispose()


def test_question_then_reasons_then_thanks(demo_site, new_page, screenshot, database_url):
    base, c1 = demo_site["url"], demo_site["office"]["counters"][1]
    name_officer(database_url, "officer1", "Nguyễn Thị Lan")
    tablet = open_tablet(new_page, base, c1, rating_device(database_url), "idle=3")
    expect(tablet.locator("html")).to_have_attribute("data-live", "online")
    screen(tablet, "idle")
    screenshot(tablet, "rating_idle_1280x800")

    ticket = finished(base, demo_site["token"], c1)
    screen(tablet, "ask")
    expect(tablet.locator("#ask-code")).to_have_text(ticket["code"])
    expect(tablet.locator("#ask-officer")).to_have_text("Nguyễn Thị Lan")
    expect(tablet.locator(".lr-question")).to_have_text(
        "Ông/Bà có hài lòng với việc giải quyết thủ tục hôm nay không?"
    )
    levels = tablet.locator(".lr-level")
    expect(levels).to_have_count(3)
    # Vietnamese only unless the citizen switches (issue 13.6).
    expect(levels).to_have_text(["Rất hài lòng", "Hài lòng", "Không hài lòng"])
    expect(tablet.locator(".lr-label-en, .lr-question-en")).to_have_count(0)
    for index in range(3):  # huge targets for elderly citizens
        box = levels.nth(index).bounding_box()
        assert box["width"] >= 300 and box["height"] >= 250, box
    screenshot(tablet, "rating_question_1280x800")

    sent = posts(tablet, r"/rating$")
    tablet.locator(LEVEL.format("unsatisfied")).click()
    expect(tablet.locator(".lr-reasons-title")).to_have_text("Ông/Bà chưa hài lòng về điều gì?")
    reasons = tablet.locator(".lr-reason")
    expect(reasons).to_have_count(5)
    assert sent == []  # nothing is sent before the reasons
    tablet.locator(".lr-reason[data-reason=waiting]").click()
    tablet.locator(".lr-reason[data-reason=guidance]").click()
    tablet.locator(".lr-reason[data-reason=attitude]").click()
    tablet.locator(".lr-reason[data-reason=attitude]").click()  # changed their mind
    expect(tablet.locator(".lr-reason[aria-pressed=true]")).to_have_count(2)
    screenshot(tablet, "rating_reasons_1280x800")
    tablet.locator(".lr-send").click()
    screen(tablet, "thanks")
    screenshot(tablet, "rating_thanks_1280x800")
    assert len(sent) == 1
    (rating,) = ratings(database_url)
    assert rating["level"] == "unsatisfied"
    assert rating["reasons"] == ["waiting", "guidance"]
    assert rating["channel"] == "tablet" and rating["officer_id"]
    screen(tablet, "idle", timeout=15000)  # ?idle=3


def test_five_stars_and_choosing_again(demo_site, new_page, screenshot, database_url):
    base, c1 = demo_site["url"], demo_site["office"]["counters"][1]
    set_settings(database_url, "T1", {"rating": {"preset": "five"}})
    tablet = open_tablet(new_page, base, c1, rating_device(database_url))
    expect(tablet.locator("html")).to_have_attribute("data-live", "online")
    finished(base, demo_site["token"], c1)
    screen(tablet, "ask")
    levels = tablet.locator(".lr-level")
    expect(levels).to_have_count(5)
    expect(tablet.locator(".lr-level .lr-star")).to_have_count(15)
    for index in range(5):
        assert levels.nth(index).bounding_box()["height"] >= 80
    screenshot(tablet, "rating_five_stars_1280x800")
    tablet.locator(LEVEL.format("2")).click()  # a low answer asks for reasons
    expect(tablet.locator(".lr-reason")).to_have_count(5)
    tablet.locator(".lr-back").click()
    expect(levels).to_have_count(5)
    tablet.locator(LEVEL.format("4")).click()
    screen(tablet, "thanks")
    assert [r["level"] for r in ratings(database_url)] == ["4"]


def test_a_double_tap_sends_one_rating(demo_site, new_page, database_url):
    base, c1 = demo_site["url"], demo_site["office"]["counters"][1]
    tablet = open_tablet(new_page, base, c1, rating_device(database_url))
    finished(base, demo_site["token"], c1)
    screen(tablet, "ask")
    sent = posts(tablet, r"/rating$")
    tablet.locator(LEVEL.format("satisfied")).dblclick()
    screen(tablet, "thanks")
    assert len(sent) == 1
    assert [r["level"] for r in ratings(database_url)] == ["satisfied"]


def test_a_tablet_opened_later_still_asks_and_an_unanswered_question_times_out(
    demo_site, new_page, database_url
):
    base, c1 = demo_site["url"], demo_site["office"]["counters"][1]
    key = rating_device(database_url)
    ticket = finished(base, demo_site["token"], c1)
    tablet = open_tablet(new_page, base, c1, key, "ask=5")
    screen(tablet, "ask")  # from `pending` in the join snapshot
    expect(tablet.locator("#ask-code")).to_have_text(ticket["code"])
    tablet.reload()  # the key is remembered
    screen(tablet, "ask")
    expect(tablet.locator("#ask-code")).to_have_text(ticket["code"])
    screen(tablet, "idle", timeout=15000)  # nobody touched it for 5 s
    assert ratings(database_url) == []


def test_rated_on_the_phone_meanwhile(demo_site, new_page, database_url):
    base, c1 = demo_site["url"], demo_site["office"]["counters"][1]
    tablet = open_tablet(new_page, base, c1, rating_device(database_url))
    ticket = finished(base, demo_site["token"], c1)
    screen(tablet, "ask")
    response = requests.post(
        f"{base}/api/v1/tickets/{ticket['token']}/rating", json={"level": "satisfied"}, timeout=10
    )
    assert response.status_code == 201
    screen(tablet, "thanks")
    expect(tablet.locator("#thanks-title")).to_have_text("Đánh giá đã được ghi nhận. Xin cảm ơn!")


def test_a_tablet_without_a_valid_key_says_so(demo_site, new_page, database_url):
    base, office = demo_site["url"], demo_site["office"]
    c1, c2 = office["counters"][1], office["counters"][2]
    stranger = open_tablet(new_page, base, c1, None)
    screen(stranger, "setup")
    expect(stranger.locator("#setup-title")).to_have_text("Máy đánh giá chưa được đăng ký")

    wrong_counter = open_tablet(new_page, base, c1, rating_device(database_url, 2))
    screen(wrong_counter, "setup")
    expect(wrong_counter.locator("#setup-title")).to_have_text("Máy đánh giá không thuộc quầy này")

    revoked = open_tablet(new_page, base, c2, "luot_not-a-real-token")
    screen(revoked, "setup")
    expect(revoked.locator("#setup-title")).to_have_text(
        "Mã thiết bị không hợp lệ hoặc đã bị thu hồi"
    )


def test_a_signed_in_officer_can_try_the_tablet(demo_site, new_page, database_url):
    """No device key: the session cookie joins the room and the CSRF header goes along."""
    base, c1 = demo_site["url"], demo_site["office"]["counters"][1]
    page = new_page(*TABLET_SIZE)
    sign_in(page, base, "officer1", f"/rate/{c1}")
    expect(page.locator("html")).to_have_attribute("data-live", "online")
    screen(page, "idle")
    finished(base, demo_site["token"], c1)
    screen(page, "ask")
    page.locator(LEVEL.format("very_satisfied")).click()
    screen(page, "thanks")
    assert [(r["level"], r["channel"]) for r in ratings(database_url)] == [
        ("very_satisfied", "phone")
    ]


def test_the_widget_mounts_on_the_phone_page(demo_site, new_page, screenshot, database_url):
    """How the phone page (/t/<token>) will use rating.js once the ticket is finished."""
    base, c1 = demo_site["url"], demo_site["office"]["counters"][1]
    ticket = finished(base, demo_site["token"], c1, service="B")
    phone = new_page(390, 844, is_mobile=True, has_touch=True)
    phone.goto(f"{base}/t/{ticket['token']}")
    phone.add_style_tag(url=f"{base}/static/css/rating.css")
    phone.add_script_tag(url=f"{base}/static/js/rating.js", type="module")
    phone.evaluate(
        """token => {
      window.stages = [];
      window.widget = Luot.rating.mount(document.getElementById("rating"), {
        ticket: token, office: "T1", lang: "vi",
        onStage: stage => window.stages.push(stage),
      });
    }""",
        ticket["token"],
    )
    rating = phone.locator("#rating")
    expect(rating.locator(".lr-level")).to_have_count(3)
    rating.locator(".lr-level").first.scroll_into_view_if_needed()
    screenshot(phone, "rating_phone_widget_390x844")
    rating.locator(LEVEL.format("satisfied")).tap()
    expect(rating.locator(".lr-thanks")).to_have_text("Cảm ơn Ông/Bà đã đánh giá!")
    assert phone.evaluate("window.widget.stage") == "done"
    assert phone.evaluate("window.stages") == ["loading", "choose", "sending", "done"]
    assert [(r["level"], r["channel"]) for r in ratings(database_url)] == [("satisfied", "phone")]
    # Mounted again later (a reload of the page): "already rated" is shown as done.
    phone.evaluate(
        """token => { window.again = Luot.rating.mount(
        document.getElementById("rating"), {ticket: token, office: "T1"}); }""",
        ticket["token"],
    )
    rating.locator(LEVEL.format("very_satisfied")).tap()
    expect(rating.locator(".lr-thanks")).to_have_text("Phiếu này đã được đánh giá. Xin cảm ơn!")
    assert len(ratings(database_url)) == 1


def test_a_citizen_can_switch_the_tablet_to_english_for_their_rating(
    demo_site, new_page, screenshot, database_url
):
    base, c1 = demo_site["url"], demo_site["office"]["counters"][1]
    tablet = open_tablet(new_page, base, c1, rating_device(database_url), "idle=2")
    expect(tablet.locator("html")).to_have_attribute("data-live", "online")
    finished(base, demo_site["token"], c1)
    screen(tablet, "ask")
    switch = tablet.locator("#ask-lang")
    expect(switch).to_have_text("English")
    box = switch.bounding_box()
    assert box["height"] >= 64, box
    switch.click()
    expect(tablet.locator(".lr-level")).to_have_text(
        ["Very satisfied", "Satisfied", "Not satisfied"]
    )
    expect(tablet.locator("#ask-ticket-label")).to_have_text("Ticket")
    expect(switch).to_have_text("Tiếng Việt")
    screenshot(tablet, "rating_question_english_1280x800")
    tablet.locator(LEVEL.format("satisfied")).click()
    screen(tablet, "thanks")
    expect(tablet.locator("#thanks-title")).to_have_text("Thank you for your feedback!")
    screen(tablet, "idle", timeout=15000)
    # The next citizen starts in Vietnamese again.
    finished(base, demo_site["token"], c1)
    screen(tablet, "ask")
    expect(tablet.locator(".lr-level").first).to_have_text("Rất hài lòng")
    expect(tablet.locator("#ask-ticket-label")).to_have_text("Số")
