"""The office's messages settings through the API (refused with the reason, nothing
changed), and the managers' list of messages."""

from __future__ import annotations

import pytest

from server import current
from tests.factories import bearer, make_token
from tests.messaging.conftest import enqueue_booked, make_appointment


def settings_of(client, manager) -> dict:
    return client.get("/api/v1/offices/T1/config", headers=manager).get_json()["settings"]


@pytest.mark.parametrize(
    ("messages", "field", "words"),
    [
        ({"channel": "fax"}, "channel", "Must be one of: off, sms, zns."),
        (
            {"templates": {"booked": "{office}: xin chào {name}"}},
            "templates",
            "Unknown placeholder {name}",
        ),
        ({"templates": {"booked": "Mã {code"}}, "templates", "Unbalanced braces"),
        ({"templates": {"booked": "Số {ticket}"}}, "templates", "Unknown placeholder {ticket}"),
        ({"templates": {"called": "x" * 321}}, "templates", "Length must be between 1 and 320."),
        ({"near_ahead": 0}, "near_ahead", "Must be greater than or equal to 1"),
        ({"reminder_day_at": "25:00"}, "reminder_day_at", "A time like 07:30."),
        ({"zns_templates": {"booked": "có dấu"}}, "zns_templates", "A ZNS template id"),
    ],
)
def test_bad_settings_are_refused_and_nothing_changes(client, manager, messages, field, words):
    before = settings_of(client, manager)
    answer = client.patch(
        "/api/v1/offices/T1", json={"settings": {"messages": messages}}, headers=manager
    )
    assert answer.status_code == 422, answer.get_json()
    body = answer.get_json()
    errors = body["fields"]["settings"]["messages"][field]
    assert words in str(errors)
    assert body["vi"]  # worded in Vietnamese too
    assert settings_of(client, manager) == before


def test_good_settings_are_kept(client, manager):
    messages = {
        "channel": "zns",
        "near_ahead": 5,
        "templates": {"called": "Mời số {ticket} đến {counter} ạ."},
        "zns_templates": {"called": "231457"},
        "reminder_day_at": "16:30",
        "reminder_hour_minutes": 90,
    }
    answer = client.patch(
        "/api/v1/offices/T1", json={"settings": {"messages": messages}}, headers=manager
    )
    assert answer.status_code == 200, answer.get_json()
    assert settings_of(client, manager)["messages"] == messages


def test_managers_list_the_messages_with_the_phone_masked(client, manager, db, office, gateway):
    enqueue_booked(db, make_appointment(db, office, phone="0912345678"))
    gateway.mode = "refuse"
    current.messages(client.application).run_once()
    enqueue_booked(db, make_appointment(db, office, phone="0987654321"))
    answer = client.get("/api/v1/offices/T1/messages", headers=manager)
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["channel"] == "sms"
    assert body["counts"]["failed"] == 1 and body["counts"]["pending"] == 1
    newest, failed = body["messages"]
    assert newest["phone"] == "•••••••321" and newest["status"] == "pending"
    assert failed["status"] == "failed" and "Phone number invalid" in failed["last_error"]
    assert "0912345678" not in answer.get_data(as_text=True)
    assert body["worker"]["last_error"] and body["worker"]["channels"]["sms"] is True
    only = client.get("/api/v1/offices/T1/messages?status=failed", headers=manager).get_json()
    assert [m["id"] for m in only["messages"]] == [failed["id"]]


def test_officers_may_not_list_messages(client, db, office):
    officer = bearer(make_token(db, "an", role="officer"))
    assert client.get("/api/v1/offices/T1/messages", headers=officer).status_code == 403
    assert client.get("/api/v1/offices/T1/messages").status_code == 401


def test_the_listing_is_in_the_openapi_description(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert "/api/v1/offices/{office}/messages" in spec["paths"]
    assert "MessagesOut" in spec["components"]["schemas"]
    assert "MessageSettings" in spec["components"]["schemas"]
