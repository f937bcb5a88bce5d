"""A booked citizen's whole day, end to end over the REST API with the real outbox worker
and the local gateway: book → confirmation → the evening-before and hour-before reminders
→ check-in at the kiosk → called in order among walk-ins ("your turn is near", "called")
→ rated. Every message reaches the phone exactly once, in Vietnamese, with no name."""

from __future__ import annotations

import datetime as dt

from server.engine import credentials
from server.engine.rules.slots import WORKING_WEEK as WEEK
from server.models import OutboxMessage
from tests.factories import bearer, make_token
from tests.messaging.conftest import START


def local(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """A time in Hà Nội on November `day` 2026, as the engine's UTC clock holds it."""
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=dt.UTC) - dt.timedelta(hours=7)


def delivered(db, gateway) -> list[tuple[str, str]]:
    """(kind, text) of what reached the phone, in the order messages were written."""
    with db.read() as session:
        rows = session.query(OutboxMessage).order_by(OutboxMessage.id).all()
        kinds = {m.ref: m.kind for m in rows}
    order = [m.ref for m in rows]
    return [
        (kinds[ref], gateway.delivered[ref]["Content"]) for ref in order if ref in gateway.delivered
    ]


def test_book_remind_check_in_call_and_rate(app, db, engine, office, gateway, worker, clock):
    engine.update_office(
        "T1",
        {"settings": {"hours": WEEK, "appointments": {"enabled": True, "capacity": {"A": 2}}}},
    )
    client = app.test_client()
    assert clock.now == START  # Monday 08:00
    booked = client.post(
        "/api/v1/offices/T1/appointments",
        json={
            "service": "A",
            "start": "2026-11-24T09:00",
            "name": "Phạm Thị Dung",
            "phone": "0912345678",
            "consent": True,
        },
    ).get_json()
    code = booked["code"]
    worker.run_once()
    (confirmation,) = delivered(db, gateway)
    assert confirmation[0] == "booked" and code in confirmation[1] and "09:00" in confirmation[1]
    assert booked["manage_url"] in confirmation[1]

    # Nothing more until each reminder is due.
    clock.now = local(23, 16, 59)
    worker.run_once()
    assert len(delivered(db, gateway)) == 1
    clock.now = local(23, 17)
    worker.run_once()
    clock.now = local(24, 8)
    worker.run_once()
    assert [kind for kind, _ in delivered(db, gateway)] == [
        "booked",
        "reminder_day",
        "reminder_hour",
    ]

    # Tuesday at the office: a walk-in before the slot, the citizen, a walk-in after.
    officer = bearer(make_token(db, "lan"))
    with db.write() as session:
        kiosk = credentials.create_device(session, "T1", "kiosk", "Kiosk sảnh", None)
        kiosk_token = bearer(credentials.create_token(session, kiosk, "kiosk"))
    clock.now = local(24, 8, 45)
    before = client.post("/api/v1/offices/T1/tickets", json={"service": "A"}).get_json()
    clock.now = local(24, 9, 1)
    after = client.post("/api/v1/offices/T1/tickets", json={"service": "A"}).get_json()
    clock.now = local(24, 9, 4)  # four minutes late: still on time
    ticket = client.post(
        "/api/v1/offices/T1/check-in", json={"code": code}, headers=kiosk_token
    ).get_json()
    assert ticket["appointment"]["status"] == "checked_in"
    counter = office["counters"][1]
    client.post(f"/api/v1/counters/{counter}/open", headers=officer)
    called = []
    for _ in range(3):
        clock.advance(minutes=5)
        answer = client.post(f"/api/v1/counters/{counter}/next", headers=officer).get_json()
        called.append(answer["ticket"]["code"])
    # In line at 09:00: after the walk-in of 08:45, before the one who came at 09:01.
    assert called == [before["code"], ticket["code"], after["code"]]
    rating = client.post(f"/api/v1/tickets/{ticket['token']}/rating", json={"level": "satisfied"})
    assert rating.status_code == 201

    worker.run_once()
    messages = delivered(db, gateway)
    assert [kind for kind, _ in messages] == [
        "booked",
        "reminder_day",
        "reminder_hour",
        "turn_near",
        "called",
    ]
    assert all(count == 1 for count in gateway.requests.values())  # each sent exactly once
    called_text = messages[-1][1]
    assert ticket["code"] in called_text and "Quầy 1" in called_text
    for _kind, text in messages:
        assert "Phạm Thị Dung" not in text and "0912345678" not in text
        assert "Ông/Bà" in text or "mời số" in text
    day = client.get(
        "/api/v1/offices/T1/appointments", query_string={"day": "2026-11-24"}, headers=officer
    ).get_json()
    assert [(a["code"], a["state"]) for a in day] == [(code, "attended")]
