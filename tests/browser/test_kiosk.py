"""The kiosk touchscreen in headless Chromium: tap through to a ticket, double taps, paging,
English, a closed field. Screenshots at 1080×1920 and 1920×1080 go to tests/artifacts.

Helpers here are shared by the other test_kiosk_* files.
"""

from __future__ import annotations

import io
import re

import pytest
import requests
from playwright.sync_api import Page, expect
from sqlalchemy import select

from server.db import Database
from server.models import Service
from tests.display.helpers import Api
from tests.factories import make_office

pytestmark = pytest.mark.browser

SIZES = {"portrait": (1080, 1920), "landscape": (1920, 1080)}
MIN_TEXT_PX = 28
MIN_TARGET_PX = 96

MANY_FIELDS = [
    ("HT", "Hộ tịch – Tư pháp", "Civil status and justice"),
    ("CT", "Chứng thực", "Certification"),
    ("DD", "Đất đai", "Land"),
    ("XD", "Xây dựng", "Construction"),
    ("MT", "Tài nguyên – Môi trường", "Environment"),
    ("KD", "Đăng ký kinh doanh", "Business registration"),
    ("DT", "Đầu tư", "Investment"),
    ("LD", "Lao động – Thương binh và Xã hội", "Labour and social affairs"),
    ("BH", "Bảo hiểm xã hội, bảo hiểm y tế", "Social and health insurance"),
    ("GD", "Giáo dục – Đào tạo", "Education"),
    ("NV", "Nội vụ – Tôn giáo, thi đua khen thưởng", "Home affairs"),
    ("TKQ", "Trả kết quả", "Returning results"),
]


# ---------------------------------------------------------------- helpers


def open_kiosk(
    new_page, base: str, size=SIZES["portrait"], office: str = "T1", query: str = ""
) -> Page:
    page = new_page(*size)
    page.goto(f"{base}/kiosk/{office}" + (f"?{query}" if query else ""))
    page.wait_for_selector("#kiosk[data-ready=true]")
    page.evaluate("document.fonts.ready.then(() => true)")
    return page


def screen(page: Page, name: str):
    return page.locator(f"#screen-{name}")


def settled(page: Page, name: str) -> None:
    """The screen is shown and takes taps (it ignores them for a moment after appearing)."""
    expect(screen(page, name)).to_be_visible()
    page.wait_for_function(
        "name => { const s = window.luotKiosk.state(); return s.screen === name"
        " && !document.querySelector('#screen-' + name + ' button:disabled:not(.k-invisible)') }",
        arg=name,
    )


def field(page: Page, name: str):
    return page.locator("#k-services button.k-service", has_text=name)


def waiting(base: str, office: str = "T1") -> dict[str, int]:
    services = requests.get(f"{base}/api/v1/offices/{office}/services", timeout=10).json()
    return {s["code"]: s["waiting"] for s in services}


def ticket_requests(page: Page) -> list:
    """Every ticket POST the page sends from now on."""
    sent: list = []
    page.on(
        "request",
        lambda r: sent.append(r) if r.method == "POST" and r.url.endswith("/tickets") else None,
    )
    return sent


def check_screen(page: Page) -> None:
    """Nothing scrolls or is cut off; text and targets are big enough for poor eyes."""
    problems = page.evaluate(
        """([minText, minTarget]) => {
          const bad = [];
          const doc = document.documentElement;
          if (doc.scrollHeight > innerHeight || doc.scrollWidth > innerWidth) bad.push('page');
          const boxes = '.k-screen:not([hidden]), .k-services, .k-classes, .k-header, .k-greeting';
          for (const el of document.querySelectorAll(boxes)) {
            if (!el.getClientRects().length) continue;
            if (el.scrollHeight > el.clientHeight + 1 || el.scrollWidth > el.clientWidth + 1)
              bad.push('overflow: ' + (el.id || el.className));
          }
          for (const el of document.querySelectorAll('#kiosk *')) {
            const r = el.getBoundingClientRect();
            const style = getComputedStyle(el);
            if (!r.width || !r.height || style.visibility === 'hidden') continue;
            const label = (el.id || el.className || el.tagName) + ' ' +
              (el.textContent || '').trim().slice(0, 30);
            if (r.bottom > innerHeight + 1 || r.right > innerWidth + 1 || r.top < -1 ||
                r.left < -1) bad.push('outside: ' + label);
            const ownText = [...el.childNodes].some(
              n => n.nodeType === 3 && n.textContent.trim());
            if (ownText && parseFloat(style.fontSize) < minText)
              bad.push('small text ' + style.fontSize + ': ' + label);
            if (el.tagName === 'BUTTON' && (r.height < minTarget || r.width < minTarget))
              bad.push('small target ' + Math.round(r.width) + 'x' + Math.round(r.height) +
                       ': ' + label);
          }
          return bad;
        }""",
        [MIN_TEXT_PX, MIN_TARGET_PX],
    )
    assert problems == []


def decode_qr(page: Page) -> list[str]:
    import zxingcpp
    from PIL import Image

    page.wait_for_function(
        "() => { const i = document.getElementById('k-qr');"
        " return i.complete && i.naturalWidth > 0 }"
    )
    png = page.locator("#k-qr").screenshot()
    return [result.text for result in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]


def add_office(database_url: str, **overrides) -> None:
    db = Database(database_url)
    try:
        make_office(db, **overrides)
    finally:
        db.dispose()


# ---------------------------------------------------------------- tests


@pytest.mark.parametrize("orientation", SIZES)
def test_tap_through_to_a_ticket_and_back_to_the_start(
    demo_site, new_page, screenshot, orientation
):
    base = demo_site["url"]
    page = open_kiosk(new_page, base, SIZES[orientation], query="return=4")
    settled(page, "start")
    expect(page.locator("#k-start-title")).to_have_text("Mời chọn lĩnh vực")
    expect(field(page, "Hộ tịch")).to_contain_text("Không có người chờ")
    check_screen(page)
    screenshot(page, f"kiosk_start_{orientation}")

    field(page, "Hộ tịch").click()
    settled(page, "priority")
    expect(page.locator("#k-chosen-service")).to_have_text("Hộ tịch")
    expect(page.locator("#k-classes button")).to_have_count(5)
    # "Không ưu tiên" comes first and largest; each group has its pictogram.
    plain = page.locator("#k-no-priority").bounding_box()
    first = page.locator("#k-classes button").first.bounding_box()
    assert plain["y"] + plain["height"] <= first["y"], (plain, first)
    assert plain["height"] >= first["height"] and plain["width"] >= first["width"]
    icons = page.locator("#k-classes img.k-class-icon")
    expect(icons).to_have_count(5)
    sources = icons.evaluate_all("imgs => imgs.map(i => i.complete && i.naturalWidth > 0)")
    assert sources == [True] * 5  # every pictogram loaded from the box
    expect(page.locator("#k-classes button[data-code=disability] img")).to_have_attribute(
        "src", "/static/img/priority/disability.svg"
    )
    if orientation == "portrait":  # the height is used: large targets
        assert first["height"] >= 160, first  # 116 px before, at the top half only
    check_screen(page)
    screenshot(page, f"kiosk_priority_{orientation}")

    with page.expect_response(
        lambda r: r.request.method == "POST" and r.url.endswith("/tickets")
    ) as answer:
        page.get_by_role("button", name="Người cao tuổi (từ 60 tuổi)").click()
    ticket = answer.value.json()
    assert answer.value.status == 201
    assert ticket["code"] == "A001" and ticket["priority"] == "elderly"
    assert waiting(base) == {"A": 1, "B": 0}

    settled(page, "ticket")
    expect(page.locator("#k-number")).to_have_text("A001")
    expect(page.locator("#k-ticket-service")).to_have_text("Hộ tịch")
    expect(page.locator("#k-ticket-priority")).to_have_text("Ưu tiên: Người cao tuổi (từ 60 tuổi)")
    expect(page.locator("#k-ahead")).to_have_text("Không có ai")
    expect(page.locator("#k-print")).to_have_attribute("data-state", "none")
    expect(page.locator("#k-countdown")).to_contain_text("giây")
    assert decode_qr(page) == [ticket["track_url"]]
    assert ticket["track_url"].startswith(base + "/t/")
    check_screen(page)
    screenshot(page, f"kiosk_ticket_{orientation}")

    # No touch: the ticket screen goes back to the start by itself.
    expect(screen(page, "start")).to_be_visible(timeout=15_000)
    expect(screen(page, "ticket")).to_be_hidden()
    expect(field(page, "Hộ tịch")).to_contain_text("1 người đang chờ")


def test_the_next_citizen_sees_people_ahead_and_xong_returns_at_once(
    demo_site, new_page, screenshot
):
    base = demo_site["url"]
    for _ in range(2):
        response = requests.post(
            f"{base}/api/v1/offices/T1/tickets", json={"service": "B"}, timeout=10
        )
        assert response.status_code == 201
    page = open_kiosk(new_page, base)
    # Every counter is closed: the field shows who waits, and no wait is promised.
    expect(field(page, "Đất đai")).to_contain_text("2 người đang chờ")
    expect(field(page, "Đất đai")).not_to_contain_text("phút")
    field(page, "Đất đai").click()
    settled(page, "priority")
    page.get_by_role("button", name=re.compile("Không ưu tiên")).click()
    settled(page, "ticket")
    expect(page.locator("#k-number")).to_have_text("1003")
    expect(page.locator("#k-ahead")).to_have_text("2 người")
    expect(page.locator("#k-eta")).to_have_text("Chưa ước tính được — chưa có quầy mở")
    screenshot(page, "kiosk_ticket_no_counter_open")
    page.get_by_role("button", name="Xong").click()
    settled(page, "start")

    # A counter of the field opens: the estimate is back.
    Api(base, demo_site["token"]).open(demo_site["office"]["counters"][1])
    field(page, "Đất đai").click()
    settled(page, "priority")
    page.get_by_role("button", name=re.compile("Không ưu tiên")).click()
    settled(page, "ticket")
    expect(page.locator("#k-eta")).to_have_text(re.compile(r"^Khoảng \d+ phút$"))


def test_a_double_tap_issues_one_ticket(demo_site, new_page, database_url):
    base = demo_site["url"]
    page = open_kiosk(new_page, base)
    sent = ticket_requests(page)

    # The second half of a double tap must not land on the priority screen's buttons.
    field(page, "Hộ tịch").dblclick()
    settled(page, "priority")
    assert sent == []

    page.get_by_role("button", name=re.compile("Không ưu tiên")).dblclick()
    settled(page, "ticket")
    expect(page.locator("#k-number")).to_have_text("A001")
    assert len(sent) == 1
    assert waiting(base)["A"] == 1

    # Without a priority screen, a double tap on a field issues at once: still one ticket.
    add_office(
        database_url, code="T2", settings={"issuing": "open", "kiosk": {"ask_priority": False}}
    )
    page = open_kiosk(new_page, base, office="T2")
    sent = ticket_requests(page)
    field(page, "Đất đai").dblclick()
    settled(page, "ticket")
    expect(page.locator("#k-number")).to_have_text("1001")
    # Two clicks in the same instant, from script: the first disables the button.
    page.get_by_role("button", name="Xong").click()
    settled(page, "start")
    field(page, "Đất đai").evaluate("b => { b.click(); b.click(); b.click(); }")
    settled(page, "ticket")
    expect(page.locator("#k-number")).to_have_text("1002")
    assert len(sent) == 2
    assert waiting(base, "T2")["B"] == 2


def test_english_toggle_and_back_to_vietnamese_for_the_next_citizen(
    demo_site, new_page, screenshot
):
    page = open_kiosk(new_page, demo_site["url"], query="return=30")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    page.get_by_role("button", name="English").click()
    expect(page.locator("#k-start-title")).to_have_text("Please choose a service")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="Tiếng Việt")).to_be_visible()
    check_screen(page)
    screenshot(page, "kiosk_start_english_portrait")
    field(page, "Hộ tịch").click()  # no English name in this office: the Vietnamese one
    settled(page, "priority")
    expect(page.locator("#k-priority-title")).to_have_text("Do you have priority?")
    page.get_by_role("button", name="Pregnant woman").click()
    settled(page, "ticket")
    expect(page.locator("#k-ticket-label")).to_have_text("Your number")
    expect(page.locator("#k-ticket-priority")).to_have_text("Priority: Pregnant woman")
    page.get_by_role("button", name="Done").click()
    settled(page, "start")
    expect(page.locator("#k-start-title")).to_have_text("Mời chọn lĩnh vực")


def test_touchscreen_guards(demo_site, new_page):
    page = open_kiosk(new_page, demo_site["url"])
    style = page.evaluate(
        """() => { const b = getComputedStyle(document.body);
                   const h = getComputedStyle(document.documentElement);
                   const btn = getComputedStyle(document.querySelector('.k-service'));
                   return {select: b.userSelect, touch: btn.touchAction,
                           overscroll: h.overscrollBehaviorY, overflow: b.overflow,
                           font: parseFloat(b.fontSize)}; }"""
    )
    assert style == {
        "select": "none",
        "touch": "manipulation",
        "overscroll": "none",
        "overflow": "hidden",
        "font": pytest.approx(36.7, abs=0.5),
    }
    viewport = page.eval_on_selector_all("meta[name=viewport]", "ms => ms[ms.length - 1].content")
    assert "user-scalable=no" in viewport
    # A long press opens no context menu.
    prevented = page.evaluate(
        """() => { const e = new MouseEvent('contextmenu', {bubbles: true, cancelable: true});
                   return !document.querySelector('.k-service').dispatchEvent(e); }"""
    )
    assert prevented
    # The page loads nothing from outside the box.
    outside = page.evaluate(
        "() => performance.getEntriesByType('resource').map(e => e.name)"
        ".filter(u => !u.startsWith(location.origin))"
    )
    assert outside == []


def add_many_fields_office(database_url: str, code: str = "T3", **settings) -> None:
    """Twelve fields in three groups (one long name), every one served by a counter."""
    services = [
        {
            "code": code_,
            "name": name,
            "name_en": name_en,
            "number_start": 1000 * (i + 1) + 1,
            "number_end": 1000 * (i + 1) + 999,
            "digits": 4,
        }
        for i, (code_, name, name_en) in enumerate(MANY_FIELDS)
    ]
    groups = [
        {"title": "Tư pháp – Hộ tịch", "title_en": "Justice", "services": ["HT", "CT"]},
        {
            "title": "Đất đai – Xây dựng",
            "title_en": "Land and building",
            "services": ["DD", "XD", "MT"],
        },
        {"title": "Kinh tế", "title_en": "Economy", "services": ["KD", "DT"]},
    ]
    codes = [c for c, _, _ in MANY_FIELDS]
    add_office(
        database_url,
        code=code,
        services=services,
        counters=[
            {"number": 1, "name": "Quầy 1", "services": codes[:6]},
            {"number": 2, "name": "Quầy 2", "services": codes[6:]},
        ],
        settings={"issuing": "open", "kiosk": {"groups": groups, **settings}},
    )


def check_names_whole(page: Page) -> None:
    """Every field's name and count inside its button, none cut or hidden."""
    cut = page.evaluate(
        """() => [...document.querySelectorAll('#k-services .k-service')].filter(b => {
             const r = b.getBoundingClientRect();
             if (b.scrollHeight > b.clientHeight + 1 || b.scrollWidth > b.clientWidth + 1)
               return true;
             return [...b.children].some(c => { const q = c.getBoundingClientRect();
               return q.top < r.top - 1 || q.bottom > r.bottom + 1 || q.left < r.left - 1 ||
                      q.right > r.right + 1; });
           }).map(b => b.dataset.code)"""
    )
    assert cut == []


KIOSK_SIZES = {**SIZES, "landscape_5x4": (1280, 1024), "portrait_tablet": (800, 1280)}


@pytest.mark.parametrize("size", KIOSK_SIZES)
def test_twelve_fields_show_on_one_screen_names_whole(
    demo_site, new_page, database_url, screenshot, size
):
    add_many_fields_office(database_url)
    page = open_kiosk(new_page, demo_site["url"], KIOSK_SIZES[size], office="T3")
    settled(page, "start")
    screenshot(page, f"kiosk_start_12_fields_{size}")
    state = page.evaluate("window.luotKiosk.state()")
    assert state["pages"] == 1, state
    expect(page.locator("#k-pager")).to_be_hidden()
    seen = page.locator("#k-services button").evaluate_all("bs => bs.map(b => b.dataset.code)")
    # Every field once, in group order, the ungrouped ones last under "Lĩnh vực khác".
    assert seen == [c for c, _, _ in MANY_FIELDS]
    titles = page.locator(".k-group-title").all_text_contents()
    if size in SIZES:  # a smaller screen gives up the group titles before a second page
        assert titles == ["Tư pháp – Hộ tịch", "Đất đai – Xây dựng", "Kinh tế", "Lĩnh vực khác"]
    # The long name wraps onto more lines rather than being cut.
    long_name = field(page, "Lao động – Thương binh và Xã hội").locator(".k-service-name")
    expect(long_name).to_have_text("Lao động – Thương binh và Xã hội")
    check_screen(page)
    check_names_whole(page)
    if size in SIZES:  # the grid uses the screen: columns side by side, not one long list
        assert state["layout"]["cols"] >= (3 if size == "landscape" else 2), state

    page.get_by_role("button", name="English").click()
    expect(field(page, "Labour and social affairs")).to_be_visible()
    assert page.evaluate("window.luotKiosk.state()")["pages"] == 1
    check_screen(page)
    check_names_whole(page)
    page.get_by_role("button", name="Tiếng Việt").click()

    field(page, "Trả kết quả").click()
    settled(page, "priority")
    page.get_by_role("button", name=re.compile("Không ưu tiên")).click()
    settled(page, "ticket")
    expect(page.locator("#k-number")).to_have_text("12001")


@pytest.mark.parametrize("orientation", SIZES)
def test_more_fields_than_a_page_takes_are_paged_never_scrolled(
    demo_site, new_page, database_url, screenshot, orientation
):
    add_many_fields_office(database_url, services_per_page=5)
    page = open_kiosk(new_page, demo_site["url"], SIZES[orientation], office="T3")
    settled(page, "start")
    pager = page.locator("#k-pager")
    expect(pager).to_be_visible()
    state = page.evaluate("window.luotKiosk.state()")
    assert state["pages"] >= 3
    expect(page.locator("#k-page-of")).to_have_text(f"Trang 1/{state['pages']}")
    expect(page.locator(".k-group-title").first).to_have_text("Tư pháp – Hộ tịch")
    check_screen(page)
    screenshot(page, f"kiosk_start_paged_{orientation}")

    seen: list[str] = []
    for number in range(1, state["pages"] + 1):
        settled(page, "start")
        expect(page.locator("#k-page-of")).to_have_text(f"Trang {number}/{state['pages']}")
        check_screen(page)
        check_names_whole(page)
        seen += page.locator("#k-services button").evaluate_all("bs => bs.map(b => b.dataset.code)")
        if number < state["pages"]:
            page.get_by_role("button", name="Trang sau").click()
    assert seen == [c for c, _, _ in MANY_FIELDS]
    expect(page.get_by_role("button", name="Trang sau")).to_be_hidden()

    # A double tap on "Trang trước" moves one page, not two.
    page.get_by_role("button", name="Trang trước").dblclick()
    expect(page.locator("#k-page-of")).to_have_text(f"Trang {state['pages'] - 1}/{state['pages']}")


@pytest.mark.parametrize("orientation", SIZES)
def test_a_field_no_counter_serves_is_not_offered_nor_ticketed(
    demo_site, new_page, database_url, screenshot, orientation
):
    base = demo_site["url"]
    fields = [
        {"code": "A", "name": "Hộ tịch", "prefix": "A"},
        {"code": "Y", "name": "Y tế", "prefix": "Y"},
    ]
    counters = [{"number": 1, "name": "Quầy 1", "services": ["A"]}]
    add_office(database_url, code="T4", services=fields, counters=counters)
    page = open_kiosk(new_page, base, SIZES[orientation], office="T4")
    settled(page, "start")
    expect(field(page, "Hộ tịch")).to_be_visible()
    expect(field(page, "Y tế")).to_have_count(0)
    check_screen(page)
    # Nor by any other way in: a ticket nobody would ever call is refused.
    refused = requests.post(f"{base}/api/v1/offices/T4/tickets", json={"service": "Y"}, timeout=10)
    assert refused.status_code == 409 and refused.json()["error"] == "not_served"
    assert refused.json()["vi"]["message"].startswith("Lĩnh vực Y tế hiện chưa có quầy phục vụ")

    # An office that wants it seen: greyed out, saying so, and a tap issues nothing.
    add_office(
        database_url,
        code="T5",
        services=fields,
        counters=counters,
        settings={"issuing": "open", "kiosk": {"unserved": "show"}},
    )
    page = open_kiosk(new_page, base, SIZES[orientation], office="T5")
    settled(page, "start")
    sent = ticket_requests(page)
    off = field(page, "Y tế")
    expect(off).to_contain_text("Hiện chưa có quầy phục vụ")
    expect(off).to_have_attribute("aria-disabled", "true")
    expect(off).to_have_class(re.compile("k-service-off"))
    check_screen(page)
    screenshot(page, f"kiosk_start_unserved_shown_{orientation}")
    off.click(force=True)  # aria-disabled: Playwright would wait for it to be enabled
    expect(page.locator("#k-toast")).to_have_text(
        "Lĩnh vực Y tế hiện chưa có quầy phục vụ. Vui lòng hỏi cán bộ hướng dẫn."
    )
    expect(screen(page, "start")).to_be_visible()
    assert sent == []
    assert waiting(base, "T5") == {"A": 0, "Y": 0}


def test_a_closed_field_shows_the_servers_message(demo_site, new_page, database_url, screenshot):
    base = demo_site["url"]
    page = open_kiosk(new_page, base)
    db = Database(database_url)
    with db.write() as session:
        session.scalar(select(Service).where(Service.code == "A")).active = False
    db.dispose()

    field(page, "Hộ tịch").click()
    settled(page, "priority")
    page.get_by_role("button", name=re.compile("Không ưu tiên")).click()
    settled(page, "refused")
    expect(page.locator("#k-refused-title")).to_have_text("Lĩnh vực này hiện chưa nhận hồ sơ")
    expect(page.locator("#k-refused-server")).to_have_text(
        "Hệ thống báo: Lĩnh vực Hộ tịch hiện tạm ngừng nhận hồ sơ."
    )
    check_screen(page)
    screenshot(page, "kiosk_refused_portrait")
    page.locator("#k-lang").click()  # a citizen who switched reads it in English
    expect(page.locator("#k-refused-server")).to_have_text(
        "The system says: Field Hộ tịch is not taking tickets now."
    )
    page.locator("#k-lang").click()
    assert waiting(base) == {"B": 0}

    page.get_by_role("button", name="Về đầu").click()
    settled(page, "start")
    expect(field(page, "Hộ tịch")).to_have_count(0)
    expect(field(page, "Đất đai")).to_have_count(1)


def test_a_half_finished_choice_is_dropped_after_the_idle_time(demo_site, new_page):
    page = open_kiosk(new_page, demo_site["url"], query="idle=2")
    page.get_by_role("button", name="English").click()
    field(page, "Hộ tịch").click()
    settled(page, "priority")
    # Nobody touches the screen: back to the start, in Vietnamese, for the next citizen.
    expect(screen(page, "start")).to_be_visible(timeout=10_000)
    expect(page.locator("#k-start-title")).to_have_text("Mời chọn lĩnh vực")
    assert waiting(demo_site["url"]) == {"A": 0, "B": 0}
