"""The citizen's ticket page (/t/<token>) on a small phone, against a live server."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.display.helpers import Api, offline_engine

pytestmark = pytest.mark.browser

# Phones vibrate; headless Chromium does not, so the page's calls are recorded instead.
RECORD_VIBRATION = """(() => {
  window.__vibrations = [];
  Object.defineProperty(navigator, "vibrate", {
    value: (pattern) => { window.__vibrations.push(pattern); return true; },
  });
})();"""


def open_phone(new_page, url: str):
    page = new_page(390, 844, is_mobile=True, has_touch=True, device_scale_factor=2)
    page.add_init_script(RECORD_VIBRATION)
    page.goto(url)
    return page


@pytest.fixture
def site(demo_site):
    api = Api(demo_site["url"], demo_site["token"])
    counter = demo_site["office"]["counters"][1]
    api.open(counter)
    return {**demo_site, "api": api, "counter": counter}


def test_phone_follows_its_place_and_turns_to_called(site, new_page, screenshot):
    api, counter = site["api"], site["counter"]
    api.issue("A")
    api.issue("A")
    mine = api.issue("A")
    page = open_phone(new_page, site["url"] + f"/t/{mine['token']}")
    expect(page.locator("html")).to_have_attribute("data-live", "online")
    expect(page.locator("#ticket-code")).to_have_text("A003")
    expect(page.locator("#ticket-status")).to_have_text("Đang chờ")
    expect(page.locator("#ticket-ahead")).to_have_text("2")
    expect(page.locator("#ticket-eta")).to_have_text(re.compile(r"khoảng \d+ phút"))
    page.evaluate("() => document.fonts.ready")
    screenshot(page, "phone_waiting")

    first = api.next(counter)
    expect(page.locator("#ticket-ahead")).to_have_text("1")
    api.act(first["id"], "start")
    second = api.next(counter)
    expect(page.locator("#ticket-ahead")).to_have_text("0")
    expect(page.locator("#ticket-eta")).to_have_text("sắp đến lượt")
    assert page.evaluate("() => window.__vibrations") == []

    api.act(second["id"], "start")
    call = api.next(counter)
    assert call["code"] == "A003"
    phone = page.locator("#phone")
    expect(phone).to_have_attribute("data-status", "called")
    expect(page.locator("#called")).to_be_visible()
    expect(page.locator("#called-go")).to_have_text("Mời Ông/Bà đến")
    expect(page.locator("#called-counter")).to_have_text("Quầy 1")
    expect(page.locator("#ticket-status")).to_have_text("Đến lượt Ông/Bà")
    expect(page.locator("#wait")).to_be_hidden()
    assert len(page.evaluate("() => window.__vibrations")) == 1
    assert page.title().startswith("● Quầy 1")
    screenshot(page, "phone_called")

    api.act(call["id"], "recall")  # called again: buzz again
    page.wait_for_function("() => window.__vibrations.length === 2")

    api.act(call["id"], "start")
    expect(page.locator("#called-go")).to_have_text("Ông/Bà đang được phục vụ tại")
    api.act(call["id"], "finish")
    expect(phone).to_have_attribute("data-status", "done")
    expect(page.locator("#done")).to_contain_text("Cảm ơn Ông/Bà đã sử dụng dịch vụ!")
    expect(page.locator("#rating")).to_be_attached()
    expect(page.locator("#called")).to_be_hidden()
    screenshot(page, "phone_done")


def test_phone_polls_when_the_socket_cannot_get_through(site, new_page):
    api, counter = site["api"], site["counter"]
    mine = api.issue("A")
    page = new_page(390, 844, is_mobile=True)
    page.route("**/socket.io/**", lambda route: route.abort())
    page.goto(site["url"] + f"/t/{mine['token']}?poll=2")
    expect(page.locator("html")).to_have_attribute("data-live", "polling", timeout=15_000)
    expect(page.locator("#live-status")).to_have_text(re.compile("Kết nối chậm"))
    api.next(counter)
    expect(page.locator("#phone")).to_have_attribute("data-status", "called", timeout=15_000)
    expect(page.locator("#called-counter")).to_have_text("Quầy 1")


def test_phone_recovers_after_a_server_restart(site, new_page, database_url):
    api, counter = site["api"], site["counter"]
    mine = api.issue("A")
    page = open_phone(new_page, site["url"] + f"/t/{mine['token']}")
    expect(page.locator("html")).to_have_attribute("data-live", "online")
    page.evaluate("() => { window.__sameDocument = true; }")

    site["server"].stop()
    expect(page.locator("#live-status")).to_have_text(re.compile("Mất kết nối"))
    engine, db = offline_engine(database_url)
    assert engine.call_next(counter)["code"] == "A001"
    db.dispose()
    site["server"].start()

    expect(page.locator("#phone")).to_have_attribute("data-status", "called", timeout=20_000)
    expect(page.locator("#called-counter")).to_have_text("Quầy 1")
    expect(page.locator("#live-status")).to_be_hidden()
    assert page.evaluate("() => window.__sameDocument") is True
    # Called while away, and recently: the phone still buzzes, once.
    assert len(page.evaluate("() => window.__vibrations")) == 1


def test_phone_page_in_english(site, new_page):
    mine = site["api"].issue("B")
    page = new_page(390, 844)
    page.goto(site["url"] + f"/t/{mine['token']}?lang=en")
    expect(page.locator("#ticket-label")).to_have_text("Your ticket")
    expect(page.locator("#ticket-status")).to_have_text("Waiting")
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_a_wrong_ticket_link_gets_a_clear_page(site, new_page):
    page = new_page(390, 844)
    response = page.goto(site["url"] + "/t/this-ticket-does-not-exist")
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("Không tìm thấy số thứ tự")


def test_a_finished_ticket_offers_the_rating_on_the_phone(demo_site, new_page):
    """The phone page mounts the same rating as the counter's tablet, once done."""
    import requests

    api, headers = demo_site["url"] + "/api/v1", {"Authorization": f"Bearer {demo_site['token']}"}
    counter = demo_site["office"]["counters"][1]
    ticket = requests.post(f"{api}/offices/T1/tickets", json={"service": "A"}, timeout=10).json()
    requests.post(f"{api}/counters/{counter}/open", headers=headers, timeout=10)
    called = requests.post(f"{api}/counters/{counter}/next", headers=headers, timeout=10).json()
    requests.post(f"{api}/tickets/{called['ticket']['id']}/start", headers=headers, timeout=10)
    page = new_page(390, 844)
    page.goto(f"{demo_site['url']}/t/{ticket['token']}")
    requests.post(f"{api}/tickets/{called['ticket']['id']}/finish", headers=headers, timeout=10)
    choice = page.get_by_role("button", name="Rất hài lòng")
    expect(choice).to_be_visible(timeout=10_000)
    choice.click()
    expect(page.locator("#rating")).to_contain_text("Cảm ơn", timeout=10_000)
    again = requests.post(
        f"{api}/tickets/{ticket['token']}/rating", json={"level": "satisfied"}, timeout=10
    )
    assert again.status_code == 409


# An office network on plain http: no notifications (they need https), as a phone there.
PLAIN_HTTP = """(() => {
  Object.defineProperty(window, "isSecureContext", {value: false});
  delete window.Notification;
  window.__sounds = [];
  HTMLMediaElement.prototype.play = function () {
    window.__sounds.push(this.src.replace(location.origin, ""));
    setTimeout(() => this.dispatchEvent(new Event("ended")), 10);
    return Promise.resolve();
  };
})();"""


def test_after_one_tap_the_phone_rings_and_vibrates_when_near_and_when_called_on_plain_http(
    site, new_page, screenshot
):
    api, counter = site["api"], site["counter"]
    for _ in range(3):
        api.issue("A")
    mine = api.issue("A")  # three ahead
    page = new_page(390, 844, is_mobile=True, has_touch=True, device_scale_factor=2)
    page.add_init_script(RECORD_VIBRATION)
    page.add_init_script(PLAIN_HTTP)
    page.goto(site["url"] + f"/t/{mine['token']}")
    expect(page.locator("html")).to_have_attribute("data-live", "online")
    button = page.locator("#notify")
    expect(button).to_be_visible()  # offered without https
    expect(button).to_have_text("Báo cho tôi khi đến lượt")
    button.tap()
    expect(page.locator("#notify-on")).to_contain_text("Sẽ báo khi đến lượt Ông/Bà")
    # It says only what will happen: this phone can vibrate, and a locked one hears nothing.
    expect(page.locator("#notify-on")).to_contain_text("đổ chuông và rung")
    expect(page.locator("#notify-on")).to_contain_text("Khi điện thoại khóa màn hình")
    expect(button).to_be_hidden()
    assert page.evaluate("window.__sounds") == ["/static/sounds/chime.wav"]  # what it will ring
    page.evaluate("() => document.fonts.ready")
    screenshot(page, "phone_alerts_on_plain_http")

    first = api.next(counter)  # two ahead: near
    page.wait_for_function("() => window.luotPhone.alerts.length === 1")
    (near,) = page.evaluate("window.luotPhone.alerts")
    assert near == {"key": "near", "vibrated": True, "notified": False, "sounded": True}
    assert page.evaluate("window.__vibrations") == [[300, 150, 300]]
    api.act(first["id"], "start")
    second = api.next(counter)  # one ahead: no second "near"
    expect(page.locator("#ticket-ahead")).to_have_text("1")
    api.act(second["id"], "start")
    third = api.next(counter)
    api.act(third["id"], "start")
    call = api.next(counter)
    assert call["code"] == mine["code"]
    page.wait_for_function("() => window.luotPhone.alerts.length === 2")
    called = page.evaluate("window.luotPhone.alerts")[1]
    assert called["vibrated"] and called["sounded"] and not called["notified"]
    # The chime rang once on the tap, once when near, twice on the call.
    page.wait_for_function("() => window.__sounds.length === 4")
    assert len(page.evaluate("window.__vibrations")) == 2


NO_VIBRATION = """(() => {
  Object.defineProperty(Navigator.prototype, "vibrate", {value: undefined});
})();"""


def test_a_phone_that_cannot_vibrate_is_not_promised_it(site, new_page, screenshot):
    mine = site["api"].issue("A")
    page = new_page(390, 844, is_mobile=True, has_touch=True)
    page.add_init_script(NO_VIBRATION)
    page.add_init_script(PLAIN_HTTP)
    page.goto(site["url"] + f"/t/{mine['token']}")
    expect(page.locator("html")).to_have_attribute("data-live", "online")
    page.locator("#notify").tap()
    hint = page.locator("#notify-on")
    expect(hint).to_contain_text("điện thoại sẽ đổ chuông khi gần đến lượt")
    expect(hint).not_to_contain_text("rung")
    page.evaluate("() => document.fonts.ready")
    screenshot(page, "phone_alerts_without_vibration")
