"""The waiting-room board in headless Chromium against a live server.

Calls are driven through the REST API (and, while the server is down, through the engine
on the same database). What the page does with them is read from its own state:
`window.luotAnnouncer` (queue, playing, history with start/end times, skipped).
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
import time

import pytest
from playwright.sync_api import expect

from server.db import Database
from tests.display.helpers import (
    SCREEN_OFFICE,
    Api,
    offline_engine,
    screen_office,
    set_settings,
)
from tests.factories import make_token
from tests.waiting import wait_until

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ANNOUNCER = """() => JSON.parse(JSON.stringify({
  queue: luotAnnouncer.queue, playing: luotAnnouncer.playing, history: luotAnnouncer.history,
  skipped: luotAnnouncer.skipped, muted: luotAnnouncer.muted, blocked: luotAnnouncer.blocked,
}))"""

# Chromium here runs with --autoplay-policy=no-user-gesture-required (as a kiosk should);
# this puts back the default policy: play() is refused until the user touches the page.
BLOCK_AUTOPLAY = """(() => {
  let allowed = false;
  const allow = () => { allowed = true; };
  window.addEventListener("pointerdown", allow, true);
  window.addEventListener("keydown", allow, true);
  const play = HTMLMediaElement.prototype.play;
  HTMLMediaElement.prototype.play = function () {
    if (!allowed) return Promise.reject(new DOMException("test policy", "NotAllowedError"));
    return play.call(this);
  };
})();"""

COUNT_PLAYS = """(() => {
  window.__plays = [];
  const play = HTMLMediaElement.prototype.play;
  HTMLMediaElement.prototype.play = function () {
    if (!this.src.startsWith("data:")) window.__plays.push(this.src);
    return play.call(this);
  };
})();"""

FAST_VOICE = {"voice": {"speed": 260}}


def announcer(page) -> dict:
    return page.evaluate(ANNOUNCER)


def open_board(new_page, url: str, width: int = 1280, height: int = 720, script: str = ""):
    page = new_page(width, height)
    if script:
        page.add_init_script(script)
    page.goto(url)
    expect(page.locator("html")).to_have_attribute("data-live", "online")
    return page


@pytest.fixture
def t1(demo_site, database_url):
    set_settings(database_url, "T1", FAST_VOICE)
    api = Api(demo_site["url"], demo_site["token"])
    counters = demo_site["office"]["counters"]
    api.open(counters[1])
    api.open(counters[2])
    return {**demo_site, "api": api, "c1": counters[1], "c2": counters[2]}


def test_a_call_reaches_the_board_within_a_second(t1, new_page):
    api = t1["api"]
    for _ in range(5):
        api.issue("A")
    page = open_board(new_page, t1["url"] + "/display/T1", 1920, 1080)
    page.evaluate("""() => {
      window.__seen = {};
      new MutationObserver(() => {
        const code = document.querySelector('[data-counter="1"] .counter-code');
        const text = code && code.textContent;
        if (text && !(text in window.__seen)) window.__seen[text] = Date.now();
      }).observe(document.getElementById("counter-grid"), {childList: true, subtree: true});
    }""")
    latencies = []
    for number in range(1, 6):
        code = f"A{number:03d}"
        sent = time.time() * 1000
        ticket = api.next(t1["c1"])
        assert ticket["code"] == code
        page.wait_for_function(f"() => '{code}' in window.__seen", timeout=10_000)
        latencies.append(page.evaluate(f"() => window.__seen['{code}']") - sent)
        api.act(ticket["id"], "start")
    print(
        f"\ncall-to-screen latency over {len(latencies)} calls (POST sent → board updated): "
        f"median {statistics.median(latencies):.0f} ms, max {max(latencies):.0f} ms, "
        f"all {[round(x) for x in latencies]}"
    )
    # The panel and the list follow the voice: once it has said them all, A005 is in the
    # panel and A004 heads the list.
    expect(page.locator("#hero-code")).to_have_text("A005", timeout=60_000)
    expect(page.locator("#recent-list .recent-code").first).to_have_text("A004")


def test_announcements_play_one_at_a_time_in_call_order(t1, new_page, screenshot):
    api = t1["api"]
    api.issue("A")
    api.issue("B")
    page = open_board(new_page, t1["url"] + "/display/T1")

    first = api.next(t1["c1"])  # A001 at counter 1
    second = api.next(t1["c2"])  # 1001 at counter 2
    api.act(first["id"], "recall")  # A001 again: a new call

    # The big panel shows the call being spoken, not a newer one the voice has not reached:
    # while the voice says 1001, the panel says 1001 at counter 2.
    page.wait_for_function(
        "() => luotAnnouncer.playing && luotAnnouncer.playing.code === '1001'", timeout=30_000
    )
    expect(page.locator("#hero-code")).to_have_text("1001")
    expect(page.locator("#hero-counter")).to_have_text("Quầy 2")
    expect(page.locator("#hero")).to_have_class(re.compile("is-speaking"))
    # "Vừa gọi": what the voice has said, the panel's ticket left out.
    expect(page.locator("#recent-list .recent-code")).to_have_text(["A001"])
    screenshot(page, "display_speaking")
    page.wait_for_function("() => luotAnnouncer.history.length === 3", timeout=60_000)
    # The recall said, A001 is in the panel again, and 1001 is the one line of the list: a
    # ticket is listed once, with its latest call.
    expect(page.locator("#hero-code")).to_have_text("A001")
    expect(page.locator("#hero-service")).to_have_text("Hộ tịch · gọi lại")
    expect(page.locator("#recent-list .recent-code")).to_have_text(["1001"])

    state = announcer(page)
    history = state["history"]
    assert [(h["code"], h["counter"], h["recall"]) for h in history] == [
        ("A001", 1, False),
        ("1001", 2, False),
        ("A001", 1, True),
    ]
    ids = [h["call_id"] for h in history]
    assert ids == sorted(ids) and len(set(ids)) == 3
    for earlier, later in zip(history, history[1:], strict=False):
        assert later["start"] >= earlier["end"], (earlier, later)
    for item in history:
        assert item["end"] > item["start"]
        assert item["outcome"] == "ended"
        assert f"code={item['code']}" in item["src"]
        assert f"counter={item['counter']}" in item["src"]
        assert ("recall=1" in item["src"]) == item["recall"]  # said "Mời lại …"
    assert state["queue"] == [] and state["playing"] is None
    assert second["code"] == "1001"


def test_board_recovers_after_a_server_restart(t1, new_page, database_url, screenshot):
    api, server = t1["api"], t1["server"]
    for service in ("A", "A", "B"):
        api.issue(service)
    page = open_board(new_page, t1["url"] + "/display/T1")
    page.evaluate("() => { window.__sameDocument = true; }")
    first = api.next(t1["c1"])
    page.wait_for_function("() => luotAnnouncer.history.length === 1", timeout=30_000)
    api.act(first["id"], "start")

    server.stop()
    status = page.locator("#live-status")
    expect(status).to_be_visible()
    expect(status).to_have_text(re.compile("Mất kết nối"))
    expect(page.locator("html")).to_have_attribute("data-live", "offline")
    screenshot(page, "display_offline")

    # While the server is down: a call now, and one stamped five minutes ago.
    engine, db = offline_engine(database_url)
    assert engine.call_next(t1["c1"])["code"] == "A002"
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    old, old_db = offline_engine(database_url, clock=lambda: long_ago)
    assert old.call_next(t1["c2"])["code"] == "1001"
    db.dispose()
    old_db.dispose()

    server.start()
    expect(status).to_be_hidden(timeout=20_000)
    expect(page.locator("html")).to_have_attribute("data-live", "online")
    expect(page.locator('[data-counter="1"] .counter-code')).to_have_text("A002")
    expect(page.locator('[data-counter="2"] .counter-code')).to_have_text("1001")
    page.wait_for_function("() => luotAnnouncer.history.length === 2", timeout=30_000)
    state = announcer(page)
    assert [h["code"] for h in state["history"]] == ["A001", "A002"]  # A001 not repeated
    assert [(s["code"], s["reason"]) for s in state["skipped"]] == [("1001", "stale")]
    assert page.evaluate("() => window.__sameDocument") is True  # no reload
    # Idle again, the big panel shows the newest call; the one before it is listed.
    expect(page.locator("#hero-code")).to_have_text("1001")
    expect(page.locator("#recent-list")).to_contain_text("A002")


def test_a_reload_does_not_repeat_announcements(t1, new_page):
    api = t1["api"]
    api.issue("A")
    page = open_board(new_page, t1["url"] + "/display/T1")
    api.next(t1["c1"])
    page.wait_for_function("() => luotAnnouncer.history.length === 1", timeout=30_000)
    page.reload()
    expect(page.locator("html")).to_have_attribute("data-live", "online")
    expect(page.locator("#hero-code")).to_have_text("A001")
    state = announcer(page)
    assert state["history"] == [] and state["queue"] == [] and state["playing"] is None


def test_a_board_opened_later_announces_no_ticket_already_served(t1, new_page):
    """A call still recent, but its ticket served since: shown in the list, never spoken,
    and the panel shows the call whose citizen is still awaited."""
    api = t1["api"]
    api.issue("A")
    api.issue("B")
    served = api.next(t1["c1"])
    api.act(served["id"], "start")
    api.act(served["id"], "finish")
    awaited = api.next(t1["c2"])
    page = open_board(new_page, t1["url"] + "/display/T1")
    page.wait_for_function("() => luotAnnouncer.history.length === 1", timeout=30_000)
    state = announcer(page)
    assert [h["code"] for h in state["history"]] == [awaited["code"]]
    assert [(s["code"], s["reason"]) for s in state["skipped"]] == [("A001", "over")]
    expect(page.locator("#hero-code")).to_have_text("1001")
    expect(page.locator("#recent-list .recent-code")).to_have_text(["A001"])


def test_recent_calls_list_each_ticket_once_four_to_six_rows(t1, new_page, screenshot):
    api = t1["api"]
    for _ in range(8):
        api.issue("B")
    tickets = []
    for _ in range(7):
        ticket = api.next(t1["c2"])
        tickets.append(ticket["code"])
        api.act(ticket["id"], "recall")
        api.act(ticket["id"], "start")
    page = open_board(new_page, t1["url"] + "/display/T1?mute=1", 1920, 1080)
    rows = page.locator("#recent-list .recent-row:visible")
    codes = rows.locator(".recent-code").all_text_contents()
    assert len(set(codes)) == len(codes), codes  # one row a ticket, its latest call
    assert 4 <= len(codes) <= 6, codes
    assert codes == list(reversed(tickets[:-1]))[: len(codes)]
    expect(page.locator("#hero-code")).to_have_text(tickets[-1])
    screenshot(page, "display_recent_calls")


def test_a_muted_board_shows_calls_and_stays_silent(t1, new_page):
    api = t1["api"]
    api.issue("A")
    url = t1["url"] + "/display/T1"
    page = open_board(new_page, url + "?mute=1", script=COUNT_PLAYS)
    toggle = page.locator("#sound-toggle")
    expect(toggle).to_have_attribute("aria-pressed", "false")
    api.next(t1["c1"])
    expect(page.locator("#hero-code")).to_have_text("A001")
    page.wait_for_function("() => luotAnnouncer.skipped.length === 1")
    state = announcer(page)
    assert state["skipped"][0]["reason"] == "muted" and state["history"] == []
    assert page.evaluate("() => window.__plays") == []

    # The on-screen toggle is remembered by this screen.
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    page.goto(url)
    expect(page.locator("#sound-toggle")).to_have_attribute("aria-pressed", "true")
    page.locator("#sound-toggle").click()
    page.goto(url)
    expect(page.locator("#sound-toggle")).to_have_attribute("aria-pressed", "false")
    assert announcer(page)["muted"] is True


def test_blocked_autoplay_asks_for_one_tap(t1, new_page, screenshot):
    api = t1["api"]
    api.issue("A")
    page = open_board(new_page, t1["url"] + "/display/T1", script=BLOCK_AUTOPLAY)
    overlay = page.locator("#sound-overlay")
    expect(overlay).to_be_visible()
    expect(overlay).to_contain_text("Chạm để bật âm thanh")
    api.next(t1["c1"])
    page.wait_for_function("() => luotAnnouncer.queue.length === 1 && luotAnnouncer.blocked")
    expect(page.locator("#hero-code")).to_have_text("A001")
    # Asked in the header: it covers no call, counter or waiting count.
    covered = page.evaluate(
        """() => {
          const o = document.getElementById('sound-overlay').getBoundingClientRect();
          return [...document.querySelectorAll('.hero, .recent, .counter-card, .waiting-item')]
            .filter(el => { const r = el.getBoundingClientRect();
              return r.left < o.right && o.left < r.right
                && r.top < o.bottom && o.top < r.bottom; })
            .map(el => el.className);
        }"""
    )
    assert covered == []
    screenshot(page, "display_sound_prompt")

    page.locator("#sound-unlock").click()
    expect(overlay).to_be_hidden()
    page.wait_for_function("() => luotAnnouncer.history.length === 1", timeout=30_000)
    assert announcer(page)["history"][0]["code"] == "A001"
    assert page.evaluate("() => localStorage.getItem('luot.sound')") == "on"


# An element that never says "ended" (seen with some TV browsers and sound drivers).
NEVER_ENDED = """(() => {
  const add = HTMLMediaElement.prototype.addEventListener;
  HTMLMediaElement.prototype.addEventListener = function (name, ...rest) {
    if (name !== "ended") return add.call(this, name, ...rest);
  };
})();"""


def test_an_audio_element_that_never_ends_cannot_block_the_queue(t1, new_page):
    api = t1["api"]
    api.issue("A")
    api.issue("B")
    page = open_board(new_page, t1["url"] + "/display/T1", script=NEVER_ENDED)
    api.next(t1["c1"])
    api.next(t1["c2"])
    page.wait_for_function("() => luotAnnouncer.history.length === 2", timeout=60_000)
    history = announcer(page)["history"]
    outcomes = [(h["code"], h["outcome"]) for h in history]
    assert outcomes == [("A001", "timeout"), ("1001", "timeout")]
    assert history[1]["start"] >= history[0]["end"]


def test_missing_call_audio_falls_back_to_the_chime(t1, new_page):
    api = t1["api"]
    api.issue("A")
    page = new_page(1280, 720)
    page.add_init_script(COUNT_PLAYS)
    page.route("**/announce.wav*", lambda route: route.fulfill(status=503, body="no voice"))
    page.goto(t1["url"] + "/display/T1")
    expect(page.locator("html")).to_have_attribute("data-live", "online")
    api.next(t1["c1"])
    page.wait_for_function("() => luotAnnouncer.history.length === 1", timeout=30_000)
    assert announcer(page)["history"][0]["outcome"] == "error"
    plays = page.evaluate("() => window.__plays")
    assert [p.rsplit("/", 1)[-1].split("?")[0] for p in plays] == ["announce.wav", "chime.wav"]
    expect(page.locator("#hero-code")).to_have_text("A001")


# Twelve fields (the screen office's six and six more, some with long names) and six
# counters, the sixth closed: what a district centre's board has to hold.
MORE_FIELDS = [
    ("CT", "Chứng thực", 6001),
    ("MT", "Tài nguyên – Môi trường", 7001),
    ("DT", "Đầu tư", 8001),
    ("BH", "Bảo hiểm xã hội, bảo hiểm y tế", 9001),
    ("GD", "Giáo dục – Đào tạo", 10001),
    ("NV", "Nội vụ – Tôn giáo, thi đua khen thưởng", 11001),
]


def _busy_office(live_server, database_url) -> dict:
    office = {
        **SCREEN_OFFICE,
        "services": SCREEN_OFFICE["services"]
        + [
            {"code": c, "name": n, "number_start": s, "number_end": s + 998, "digits": 5}
            for c, n, s in MORE_FIELDS
        ],
        "counters": SCREEN_OFFICE["counters"]
        + [
            {
                "number": 6,
                "name": "Quầy 6 – Chứng thực",
                "services": [c for c, _, _ in MORE_FIELDS],
            }
        ],
    }
    made = screen_office(database_url, office)
    counters, token = made["counters"], made["token"]
    set_settings(database_url, "XA-MAU", {"announce_max_age": 0})  # shown, not spoken
    api = Api(live_server.url, token, office="XA-MAU")
    for service in ("HT", "HT", "HT", "DD", "DD", "KD", "LD", "TKQ", "TKQ", "XD", "HT", "DD"):
        api.issue(service)
    for service in ("NV", "BH", "BH", "MT"):
        api.issue(service)
    for number in (1, 2, 3, 4, 5):
        api.open(counters[number])
    serving = api.next(counters[1])
    api.act(serving["id"], "start")
    for number in (2, 3, 5):
        api.next(counters[number])
    return {"api": api, "counters": counters}


# Every piece of text on the board: its size, and whether it is cut or outside the screen.
LEGIBILITY = """() => {
  const px = (el) => parseFloat(getComputedStyle(el).fontSize);
  const clipped = [...document.querySelectorAll(
      '.hero-code, .counter-code, .recent-row, .waiting-item, .clock, .board-office h1,'
      + ' .closed-item, .section-title')]
    .filter((el) => el.getClientRects().length && !el.closest('.visually-hidden'))
    .filter((el) => el.scrollWidth > el.clientWidth + 1).map((el) => el.textContent);
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const el = node.parentElement;
    if (!node.textContent.trim() || !el.getClientRects().length) continue;
    if (el.closest('[hidden], script, .visually-hidden, .notice')) continue;
    const r = el.getBoundingClientRect();
    if (r.bottom > innerHeight + 1 || r.right > innerWidth + 1)
      clipped.push('outside: ' + node.textContent);
    texts.push([px(el), node.textContent.trim().slice(0, 40)]);
  }
  texts.sort((a, b) => a[0] - b[0]);
  return {
    hero: px(document.getElementById("hero-code")),
    counters: [...document.querySelectorAll(".counter-code")].map(px),
    smallest: texts.slice(0, 3),
    overflow: document.documentElement.scrollWidth > innerWidth
      || document.documentElement.scrollHeight > innerHeight,
    clipped: clipped,
  };
}"""

# The smallest text readable from 5 m on a 55" 1080p screen (0.63 mm a pixel): a capital
# letter of 1 inch per 25 feet of distance (16.7 mm), at Be Vietnam Pro's cap height of 0.7
# of the font size.
FIVE_METRES_MM = 5000 / (25 * 12)  # 16.7 mm
PIXEL_MM = 0.63
CAP_HEIGHT = 0.7
MIN_TEXT_PX = FIVE_METRES_MM / PIXEL_MM / CAP_HEIGHT  # 37.8 px


@pytest.mark.parametrize(
    ("name", "width", "height"),
    [
        ("display_landscape", 1920, 1080),
        ("display_portrait", 1080, 1920),
    ],
)
def test_board_with_twelve_fields_is_readable_from_five_metres(
    live_server, database_url, new_page, screenshot, name, width, height
):
    _busy_office(live_server, database_url)
    page = open_board(new_page, live_server.url + "/display/XA-MAU", width, height)
    page.evaluate("() => document.fonts.ready")
    expect(page.locator("#notice-text")).to_contain_text("Công dân vui lòng lấy số")
    expect(page.locator("#counter-grid .counter-card")).to_have_count(5)
    screenshot(page, name)
    expect(page.locator('[data-counter="1"]')).to_have_class(re.compile("is-serving"))
    expect(page.locator('[data-counter="2"]')).to_have_class(re.compile("is-calling"))
    expect(page.locator('[data-counter="4"] .counter-code')).to_have_text("")  # no dash
    # The closed counter: a grey bar that says so, not a card.
    closed = page.locator('#closed-list [data-counter="6"]')
    expect(closed).to_have_text("Quầy 6Tạm đóng")
    expect(page.locator('#counter-grid [data-counter="6"]')).to_have_count(0)
    # Every field and its count on the screen at once, none cut.
    items = page.locator("#waiting-list .waiting-item")
    expect(items).to_have_count(12)
    expect(page.locator("#waiting-list .waiting-item:visible")).to_have_count(12)
    expect(page.locator('[data-service="HT"] .waiting-count')).to_have_text("2")
    expect(page.locator('[data-service="NV"] .waiting-name')).to_have_text(
        "Nội vụ – Tôn giáo, thi đua khen thưởng"
    )
    sizes = page.evaluate(LEGIBILITY)
    assert sizes["smallest"][0][0] >= MIN_TEXT_PX, sizes
    # The call and the counters' numbers far larger still (100 px: a 44 mm capital).
    assert sizes["hero"] >= 150, sizes
    assert min(sizes["counters"]) >= 100, sizes
    assert not sizes["overflow"], sizes
    assert sizes["clipped"] == [], sizes


def test_board_in_english(t1, new_page):
    page = open_board(new_page, t1["url"] + "/display/T1?lang=en")
    expect(page.locator("#hero-title")).to_have_text("Now calling")
    expect(page.locator('[data-counter="1"] .counter-label')).to_have_text("Counter 1")


def test_a_registered_board_shows_as_online_in_the_overview(demo_site, new_page, database_url):
    """Opened with its device key, the board connects as that device (presence)."""
    import requests

    from server.engine import credentials

    db = Database(database_url)
    with db.write() as session:
        device = credentials.create_device(session, "T1", "display", "TV sảnh")
        token = credentials.create_token(session, device, "t")
    manager = make_token(db, "boss", role="manager")
    db.dispose()
    page = new_page(1920, 1080)
    page.goto(f"{demo_site['url']}/display/T1?key={token}")
    expect(page).to_have_url(re.compile(r"/display/T1$"))

    def online() -> bool:
        view = requests.get(
            f"{demo_site['url']}/api/v1/offices/T1/overview",
            headers={"Authorization": f"Bearer {manager}"},
            timeout=10,
        ).json()
        return view["devices"][0]["online"]

    wait_until(online, what="the board seen online")
