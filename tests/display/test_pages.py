"""The display pages as HTML: first state rendered in, friendly 404s, no personal data."""

from __future__ import annotations

import json
import re

import pytest

from server.engine import Citizen
from tests.display.helpers import set_settings

PAGE_JSON = re.compile(r'<script type="application/json" id="luot-page">(.*?)</script>', re.S)


def page_config(html: str) -> dict:
    return json.loads(PAGE_JSON.search(html).group(1))


def test_board_carries_its_first_snapshot(client, office, engine):
    engine.issue("T1", "A")
    response = client.get("/display/T1")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Trung tâm Phục vụ hành chính công xã Thử" in html
    assert "Mời công dân có số" in html
    assert '<html lang="vi">' in html
    config = page_config(html)
    assert config["office"] == "T1"
    assert config["announce_max_age"] == 60
    assert config["mute"] is None
    assert config["announce_url"] == "/display/T1/announce.wav"
    assert {s["code"]: s["waiting"] for s in config["snapshot"]["services"]} == {"A": 1, "B": 0}
    assert "/static/vendor/socket.io.min.js" in html


def test_board_in_english_and_muted(client, office):
    html = client.get("/display/T1?lang=en&mute=1").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Now calling" in html
    config = page_config(html)
    assert config["lang"] == "en"
    assert config["mute"] is True
    assert page_config(client.get("/display/T1?mute=0").get_data(as_text=True))["mute"] is False


def test_board_reads_office_settings(client, office, database_url):
    set_settings(database_url, "T1", {"announce_max_age": 15, "notice": "Xin chào"})
    config = page_config(client.get("/display/T1").get_data(as_text=True))
    assert config["announce_max_age"] == 15
    assert config["snapshot"]["office"]["notice"] == "Xin chào"


@pytest.mark.parametrize("value", ["soon", -5, True, None])
def test_a_bad_announce_age_falls_back(client, office, database_url, value):
    set_settings(database_url, "T1", {"announce_max_age": value})
    assert page_config(client.get("/display/T1").get_data(as_text=True))["announce_max_age"] == 60


@pytest.mark.parametrize("path", ["/display/NOPE", "/display/counter/999", "/t/abcdefghijklmnop"])
def test_unknown_things_get_a_friendly_404(client, office, path):
    response = client.get(path, headers={"Accept": "text/html"})
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "Traceback" not in html
    assert "<h1>" in html


def test_counter_screen_names_its_counter(client, office):
    counter = office["counters"][1]
    html = client.get(f"/display/counter/{counter}").get_data(as_text=True)
    assert "Quầy 1" in html
    config = page_config(html)
    assert config["counter"] == counter
    assert config["office"] == "T1"


def test_counter_screen_drops_the_number_repeated_in_the_name(client, database_url):
    from tests.display.helpers import screen_office

    ids = screen_office(database_url)
    html = client.get(f"/display/counter/{ids['counters'][2]}").get_data(as_text=True)
    assert '<p class="counter-sub" id="counter-name">Đất đai, Xây dựng</p>' in html


def test_ticket_page_shows_place_and_no_personal_data(client, office, engine):
    engine.issue("T1", "A")
    mine = engine.issue(
        "T1", "A", citizen=Citizen(name="Nguyễn Văn Bí Mật", id_hash="h" * 64, id_last4="9876")
    )
    response = client.get(f"/t/{mine['token']}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    assert ">A002<" in html
    assert "Hộ tịch" in html
    assert "Đang chờ" in html
    assert '<dd id="ticket-ahead">1</dd>' in html
    assert "Bí Mật" not in html
    assert "9876" not in html
    assert "h" * 64 not in html
    config = page_config(html)
    assert config["api_url"] == f"/api/v1/tickets/{mine['token']}"
    assert config["poll_seconds"] == 10
    assert "citizen_name" not in json.dumps(config)


def test_ticket_page_after_the_visit(client, office, engine):
    ticket = engine.issue("T1", "A")
    counter = office["counters"][1]
    engine.set_counter_state(counter, "open")
    called = engine.call_next(counter)
    engine.start(called["id"])
    engine.finish(called["id"])
    html = client.get(f"/t/{ticket['token']}").get_data(as_text=True)
    assert "Cảm ơn Ông/Bà đã sử dụng dịch vụ!" in html
    assert '<div id="rating"></div>' in html


@pytest.mark.parametrize("token", ["short", "a.b.c.d.e.f.g.h", "x" * 300, "bad token!"])
def test_malformed_tokens_never_reach_the_database(client, office, token):
    response = client.get(f"/t/{token}")
    assert response.status_code == 404
    assert "Không tìm thấy số thứ tự" in response.get_data(as_text=True)
