"""The counter console and rating tablet pages, without a browser: who may open them, what
they carry, and the console's CSRF refresh."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from server.engine import credentials
from server.models import User
from tests.factories import bearer, make_office, make_token
from tests.signin import post_sign_in, sign_in


def page_json(html: str) -> dict:
    found = re.search(r'<script type="application/json" id="luot-page">(.*?)</script>', html, re.S)
    assert found, "the page carries its start data"
    return json.loads(found.group(1))


@pytest.fixture
def officer(engine, office) -> str:
    make_token(engine.db, "lan")
    return "lan"


def test_the_console_sends_strangers_to_sign_in(client, office):
    response = client.get("/counter")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/counter")


def test_the_console_lists_only_the_officers_offices(client, engine, office, officer):
    make_office(engine.db, code="T2", name="Another office")
    sign_in(client, officer)
    response = client.get("/counter")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<meta name="csrf-token"' in html
    page = page_json(html)
    assert [o["code"] for o in page["offices"]] == ["T1"]
    (t1,) = page["offices"]
    assert [(c["number"], c["services"]) for c in t1["counters"]] == [(1, ["A", "B"]), (2, ["B"])]
    assert [s["code"] for s in t1["services"]] == ["A", "B"]
    assert t1["recalls_before_no_show"] == 0
    assert t1["transfer_keeps_place"] is True
    assert page["user"]["name"] and page["user"]["role"] == "officer"


def test_the_console_knows_the_hours_for_a_return_date(client, engine, office, officer):
    """The return-of-results dialog proposes the next working day and shows its hours."""
    sign_in(client, officer)
    (plain,) = page_json(client.get("/counter").get_data(as_text=True))["offices"]
    assert (plain["hours"], plain["closed_days"]) == (None, [])  # no hours: always open
    hours = {"mon": [["07:30", "11:30"], ["13:30", "17:00"]], "sat": [["07:30", "11:30"]]}
    engine.update_office("T1", {"settings": {"hours": hours, "closed_days": ["2026-12-01"]}})
    (t1,) = page_json(client.get("/counter").get_data(as_text=True))["offices"]
    assert t1["hours"] == hours and t1["closed_days"] == ["2026-12-01"]
    assert t1["timezone"] == "Asia/Ho_Chi_Minh"


def test_an_admin_sees_every_office(client, engine, office):
    make_office(engine.db, code="T2", name="Another office")
    make_token(engine.db, "root", role="admin", offices=())
    sign_in(client, "root")
    page = page_json(client.get("/counter").get_data(as_text=True))
    assert [o["code"] for o in page["offices"]] == ["T1", "T2"]


def test_a_preselected_counter_is_passed_to_the_page(client, office, officer):
    sign_in(client, officer)
    counter = office["counters"][2]
    page = page_json(client.get(f"/counter?counter={counter}").get_data(as_text=True))
    assert page["preselect"] == counter


def test_a_fresh_csrf_token_works_for_api_calls(client, office, officer):
    assert client.get("/csrf").status_code == 401
    sign_in(client, officer)
    response = client.get("/csrf")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    token = response.get_json()["csrf_token"]
    counter = office["counters"][1]
    opened = client.post(f"/api/v1/counters/{counter}/open", headers={"X-CSRFToken": token})
    assert opened.status_code == 200 and opened.get_json()["state"] == "open"


# ---------------------------------------------------------------- the rating tablet


def finished_ticket(client, headers, counter: int) -> dict:
    issued = client.post("/api/v1/offices/T1/tickets", json={"service": "A"}).get_json()
    assert client.post(f"/api/v1/counters/{counter}/open", headers=headers).status_code == 200
    ticket = client.post(f"/api/v1/counters/{counter}/next", headers=headers).get_json()["ticket"]
    for action in ("start", "finish"):
        response = client.post(f"/api/v1/tickets/{ticket['id']}/{action}", headers=headers)
        assert response.status_code == 200, response.get_json()
    return issued


def test_the_rating_page_is_public_and_never_carries_a_ticket_token(client, engine, office):
    headers = bearer(make_token(engine.db, "lan"))
    counter = office["counters"][1]
    issued = finished_ticket(client, headers, counter)
    response = client.get(f"/rate/{counter}?idle=3&key=dev-secret")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    html = response.get_data(as_text=True)
    assert issued["token"] not in html
    assert "dev-secret" not in html
    assert "csrf-token" not in html  # nobody is signed in
    page = page_json(html)
    assert page["counter"] == {"id": counter, "number": 1, "name": "Quầy 1"}
    assert page["office"]["code"] == "T1"
    assert [level["key"] for level in page["scale"]["levels"]] == [
        "very_satisfied",
        "satisfied",
        "unsatisfied",
    ]
    assert page["idle_seconds"] == 3 and page["ask_seconds"] == 120
    assert page["signed_in"] is False


def test_rating_page_timers_are_clamped(client, office):
    counter = office["counters"][1]
    page = page_json(client.get(f"/rate/{counter}?idle=0&ask=99999").get_data(as_text=True))
    assert page["idle_seconds"] == 2 and page["ask_seconds"] == 1800
    page = page_json(client.get(f"/rate/{counter}?idle=abc").get_data(as_text=True))
    assert page["idle_seconds"] == 30


def test_rating_page_for_an_unknown_counter_is_404(client, office):
    assert client.get("/rate/9999").status_code == 404


def test_rating_page_in_english(client, office):
    counter = office["counters"][1]
    html = client.get(f"/rate/{counter}?lang=en").get_data(as_text=True)
    assert page_json(html)["lang"] == "en"
    assert "Counter 1" in html


def test_a_signed_in_officer_gets_a_csrf_token_on_the_rating_page(client, office, officer):
    sign_in(client, officer)
    counter = office["counters"][1]
    html = client.get(f"/rate/{counter}").get_data(as_text=True)
    assert '<meta name="csrf-token"' in html
    assert page_json(html)["signed_in"] is True


def test_the_rating_device_posts_as_the_tablet(client, engine, office):
    """What rate_tablet.js sends: the device token as bearer, one rating per ticket."""
    headers = bearer(make_token(engine.db, "lan"))
    counter = office["counters"][1]
    with engine.db.write() as session:
        device = credentials.create_device(session, "T1", "rating", "Tablet 1", counter_number=1)
        device_headers = bearer(credentials.create_token(session, device, "t"))
    issued = finished_ticket(client, headers, counter)
    url = f"/api/v1/tickets/{issued['token']}/rating"
    body = {"level": "unsatisfied", "reasons": ["waiting"], "comment": None}
    first = client.post(url, json=body, headers=device_headers)
    assert first.status_code == 201, first.get_json()
    assert first.get_json()["channel"] == "tablet"
    again = client.post(url, json=body, headers=device_headers)
    assert again.status_code == 409 and again.get_json()["error"] == "conflict"


@pytest.mark.parametrize(
    ("role", "lands_on"), [("officer", "/counter"), ("manager", "/admin"), ("admin", "/admin")]
)
def test_signing_in_lands_each_role_on_its_work(client, engine, office, role, lands_on):
    make_token(engine.db, "who", role=role)
    response = post_sign_in(client, "who")
    assert (response.status_code, response.headers["Location"]) == (302, lands_on)


def test_the_console_knows_the_counter_its_officer_holds(client, engine, office, officer):
    sign_in(client, officer)
    assert page_json(client.get("/counter").get_data(as_text=True))["held"] == []
    with engine.db.read() as session:
        user_id = session.scalar(select(User.id).where(User.username == officer))
    engine.set_counter_state(office["counters"][2], "open", user_id)
    page = page_json(client.get("/counter").get_data(as_text=True))
    assert page["held"] == [office["counters"][2]]
    assert page["offices"][0]["counters_per_officer"] == 2  # tests/factories.py
