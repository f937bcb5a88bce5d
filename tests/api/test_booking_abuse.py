"""The public booking page can't be turned against a phone or the calendar.

Messages: one phone is written a capped number of messages a day, whatever is asked of the
public pages (in the outbox, where every message is written); cancelled bookings count in
a phone's day; an office may have the booker show they hold the phone (a code by SMS).

The calendar: limits per network as well as per address (an IPv4 /24, an IPv6 /64), a
share of each field's day per network, a proof-of-work challenge (ALTCHA) when the office
is under pressure, and a manager cancelling one source's bookings in one action.
"""

from __future__ import annotations

import datetime as dt
import re

import altcha
import pytest
from sqlalchemy import select

from server import current
from server.engine import citizen_messages
from server.engine.challenges import challenge_key
from server.engine.rules.slots import WORKING_WEEK as WEEK
from server.models import Appointment, OutboxMessage, PhoneCode
from tests.factories import make_office
from tests.messaging.conftest import enqueue_booked, make_appointment

TOMORROW = "2026-11-24"
BOOK = "/api/v1/offices/T1/appointments"
VICTIM = "0933333333"
# Slots of a working day: 07:30-11:30 and 13:30-17:00 in half hours.
TIMES = [f"{h:02d}:{m:02d}" for h in range(7, 17) for m in (0, 30)]
TIMES = [t for t in TIMES if "07:30" <= t < "11:30" or "13:30" <= t < "17:00"]


def at(address: str) -> dict:
    return {"environ_base": {"REMOTE_ADDR": address}}


def booking_settings(**appointments) -> dict:
    return {
        "hours": WEEK,
        "appointments": {"enabled": True, "capacity": {"B": 1}, **appointments},
        "messages": {"channel": "sms"},
    }


@pytest.fixture
def open_booking(engine, office, clock):
    engine.update_office("T1", {"settings": booking_settings()})
    return office


def book(client, time="09:00", phone="0912345678", address="127.0.0.1", day=TOMORROW, **extra):
    body = {
        "service": "B",
        "start": f"{day}T{time}",
        "name": "Người đặt",
        "phone": phone,
        "consent": True,
        **extra,
    }
    return client.post(BOOK, json=body, **at(address))


def messages_to(engine, phone: str) -> list[OutboxMessage]:
    with engine.db.read() as session:
        return list(
            session.scalars(
                select(OutboxMessage).where(OutboxMessage.phone == phone).order_by(OutboxMessage.id)
            )
        )


# -- one phone, many messages


def test_booking_and_cancelling_someone_elses_number_stops_at_the_phones_daily_cap(
    client, engine, open_booking
):
    """The attack of the issue: book a stranger's number with consent, cancel, again and
    again from several addresses. Cancelled bookings count in the phone's day, and
    whatever gets through, the outbox writes the phone at most its cap."""
    engine.update_office("T1", {"settings": booking_settings(per_phone_per_day=10)})
    answers = []
    for round_ in range(10):
        for n, address in enumerate(f"127.0.0.{11 + k}" for k in range(5)):
            booked = book(client, TIMES[n], VICTIM, address, day=f"2026-11-{24 + round_ % 5}")
            answers.append(booked.status_code)
            if booked.status_code == 201:
                token = booked.get_json()["token"]
                assert client.post(f"/api/v1/appointments/{token}/cancel").status_code == 200
    sent = [m for m in messages_to(engine, VICTIM) if m.status in ("pending", "sent")]
    assert len(sent) <= 10  # the office's default cap, a day
    skipped = [m for m in messages_to(engine, VICTIM) if m.status == "skipped"]
    assert skipped and "cap" in skipped[0].last_error
    # Ten a day per phone, cancelled ones included: 5 days, no more than 50 bookings, and
    # the 11th of a day is refused in the citizen's words.
    assert answers.count(201) <= 50


def test_a_cancelled_booking_still_counts_in_the_phones_day(client, engine, open_booking):
    first = book(client, "09:00", VICTIM)
    assert first.status_code == 201
    token = first.get_json()["token"]
    assert client.post(f"/api/v1/appointments/{token}/cancel").status_code == 200
    again = book(client, "10:00", VICTIM)
    assert again.status_code == 409
    assert "kể cả lịch đã hủy" in again.get_json()["vi"]["message"]
    assert "cancelled ones count" in again.get_json()["message"]


def test_the_outbox_caps_one_phone_whatever_writes_to_it(make_app, engine, open_booking):
    """Office setting (default 10), under the server's ceiling (LUOT_MESSAGES_PER_PHONE_MAX):
    past it a message is kept as skipped, with its reason, not sent."""
    db = engine.db
    office = {"id": open_booking["id"], "services": open_booking["services"]}
    ids = [enqueue_booked(db, make_appointment(db, office, phone=VICTIM)) for _ in range(12)]
    with db.read() as session:
        statuses = [session.get(OutboxMessage, i).status for i in ids]
    assert statuses == ["pending"] * 10 + ["skipped"] * 2
    # Another phone is not held back by this one.
    other = make_appointment(db, office, phone="0977777777")
    with db.read() as session:
        assert session.get(OutboxMessage, enqueue_booked(db, other)).status == "pending"
    # An office asking for more than the server allows gets the server's ceiling.
    strict = make_app("strict", MESSAGES_PER_PHONE_MAX=3)
    strict_engine = current.engine(strict)
    strict_engine.update_office(
        "T1", {"settings": {"messages": {"channel": "sms", "per_phone_per_day": 50}}}
    )
    made = []
    for _ in range(5):
        appointment = make_appointment(db, office, phone="0966666666")
        with strict_engine.transactions.office(open_booking["id"]) as (session, _outbox):
            row = session.get(Appointment, appointment)
            message = citizen_messages.for_appointment(
                session, row, "booked", {"code": row.code}, strict_engine.clock()
            )
            made.append(message.status)
    assert made == ["pending"] * 3 + ["skipped"] * 2


# -- showing one holds the phone


@pytest.fixture
def verifying(engine, office, clock):
    engine.update_office("T1", {"settings": booking_settings(verify_phone=True)})
    return office


def last_code(engine, phone: str) -> str:
    (message,) = [m for m in messages_to(engine, phone) if m.kind == "phone_code"][-1:]
    return re.search(r"là (\d{6})", message.body)[1]


def test_a_verifying_office_books_only_with_the_code_sent_to_the_phone(client, engine, verifying):
    info = client.get("/api/v1/offices/T1/booking").get_json()
    assert info["verify_phone"] is True
    without = book(client, phone=VICTIM)
    assert without.status_code == 422 and "phone_code" in without.get_json()["fields"]
    assert messages_to(engine, VICTIM) == []  # nothing went to the number
    sent = client.post("/api/v1/offices/T1/phone-codes", json={"phone": VICTIM})
    assert sent.status_code == 202, sent.get_json()
    assert sent.get_json()["phone"] == "•••••••333"
    code = last_code(engine, VICTIM)
    with engine.db.read() as session:
        stored = session.scalars(select(PhoneCode)).one()
        assert code not in stored.code_hash  # only a hash is kept
    booked = book(client, phone=VICTIM, phone_code=code)
    assert booked.status_code == 201, booked.get_json()
    # Used once.
    again = book(client, "10:00", "0933333333", phone_code=code)
    assert again.status_code in (409, 422)


def test_wrong_codes_use_up_the_code(client, engine, verifying):
    client.post("/api/v1/offices/T1/phone-codes", json={"phone": VICTIM})
    code = last_code(engine, VICTIM)
    wrong = "000000" if code != "000000" else "111111"
    answers = [book(client, phone=VICTIM, phone_code=wrong) for _ in range(5)]
    assert [a.status_code for a in answers] == [422] * 5
    assert "còn 4 lần thử" in answers[0].get_json()["vi"]["fields"]["phone_code"][0]
    late = book(client, phone=VICTIM, phone_code=code)
    assert late.status_code == 422
    assert "không còn hiệu lực" in late.get_json()["vi"]["fields"]["phone_code"][0]
    assert engine.appointments_of_day("T1", dt.date(2026, 11, 24)) == []


def test_codes_are_capped_per_phone_and_per_asker(client, engine, verifying):
    answers = [
        client.post("/api/v1/offices/T1/phone-codes", json={"phone": VICTIM}, **at(f"10.0.{n}.1"))
        for n in range(4)
    ]
    assert [a.status_code for a in answers] == [202, 202, 202, 409]
    assert "3 mã" in answers[-1].get_json()["vi"]["message"]
    phones = [f"09700000{n:02d}" for n in range(11)]
    asked = [
        client.post("/api/v1/offices/T1/phone-codes", json={"phone": p}, **at("10.9.9.9"))
        for p in phones
    ]
    assert [a.status_code for a in asked].count(202) == 10 and asked[-1].status_code == 409


def test_an_office_without_verification_sends_no_codes(client, engine, open_booking):
    answer = client.post("/api/v1/offices/T1/phone-codes", json={"phone": VICTIM})
    assert answer.status_code == 409
    assert messages_to(engine, VICTIM) == []


# -- one host, many addresses


@pytest.fixture
def limited(make_app):
    """Rate limits on (memory), the network's small enough to reach in a test."""
    app = make_app(
        "limited",
        RATELIMIT_ENABLED=True,
        BOOKING_LIMIT="100 per minute",
        BOOKING_NETWORK_LIMIT="4 per minute",
        PHONE_CODE_LIMIT="2 per minute",
        RATELIMIT_DEFAULT="1000 per minute",
    )
    db = current.database(app)
    make_office(db, settings=booking_settings())
    current.engine(app).clock.now = dt.datetime(2026, 11, 23, 1, 0, tzinfo=dt.UTC)
    return app


@pytest.mark.parametrize(
    ("same", "other"),
    [
        ([f"203.0.113.{n}" for n in range(1, 6)], "203.0.114.1"),
        ([f"2001:db8:1:2::{n:x}" for n in range(1, 6)], "2001:db8:1:3::1"),
        ([f"2001:db8:1:2:{n:x}::1" for n in range(1, 6)], "::ffff:198.51.100.1"),
    ],
)
def test_limits_count_per_network_not_only_per_address(limited, same, other):
    from server.engine import Engine

    engine: Engine = current.engine(limited)
    engine.clock = lambda: dt.datetime(2026, 11, 23, 1, 0, tzinfo=dt.UTC)
    client = limited.test_client()
    answers = [
        book(client, TIMES[n], f"09120000{n:02d}", address).status_code
        for n, address in enumerate(same)
    ]
    assert answers == [201, 201, 201, 201, 429]
    assert book(client, TIMES[6], "0912000099", other).status_code == 201


def test_booking_changing_and_cancelling_share_one_count(make_app):
    app = make_app("shared", RATELIMIT_ENABLED=True, BOOKING_LIMIT="3 per minute")
    make_office(current.database(app), settings=booking_settings())
    current.engine(app).clock = lambda: dt.datetime(2026, 11, 23, 1, 0, tzinfo=dt.UTC)
    client = app.test_client()
    token = book(client, "09:00", "0912000001").get_json()["token"]
    assert client.post(f"/api/v1/appointments/{token}/cancel").status_code == 200
    assert book(client, "10:00", "0912000002").status_code == 201
    assert client.post(f"/api/v1/appointments/{token}/cancel").status_code == 429


def test_phone_codes_are_limited_per_address(make_app):
    app = make_app("codes", RATELIMIT_ENABLED=True, PHONE_CODE_LIMIT="2 per minute")
    make_office(current.database(app), settings=booking_settings(verify_phone=True))
    client = app.test_client()
    answers = [
        client.post(
            "/api/v1/offices/T1/phone-codes", json={"phone": f"09700000{n:02d}"}, **at("10.1.1.1")
        ).status_code
        for n in range(3)
    ]
    assert answers == [202, 202, 429]


def test_one_network_holds_a_share_of_a_fields_day(client, engine, open_booking):
    """15 places a day (capacity 1): one network holds at most 34 %, 6 places; others book."""
    answers = [
        book(client, TIMES[n], f"09120000{n:02d}", f"127.0.1.{n + 1}").status_code for n in range(7)
    ]
    assert answers == [201] * 6 + [409]
    refused = book(client, TIMES[6], "0912000006", "127.0.1.9").get_json()
    assert "dành cho người khác" in refused["vi"]["message"]
    assert book(client, TIMES[6], "0912000099", "127.0.2.1").status_code == 201
    # Another day is another share.
    assert book(client, "09:00", "0912000098", "127.0.1.1", day="2026-11-25").status_code == 201
    with engine.db.read() as session:
        rows = session.scalars(select(Appointment).order_by(Appointment.id)).all()
        assert rows[0].source == "addr:127.0.1.1" and rows[0].network == "127.0.1.0/24"


def test_a_manager_sees_a_networks_bookings_and_cancels_them_in_one_action(
    client, engine, open_booking, manager
):
    for n in range(4):
        assert book(client, TIMES[n], f"09120000{n:02d}", f"127.0.1.{n + 1}").status_code == 201
    assert book(client, TIMES[5], "0912000099", "198.51.100.7").status_code == 201
    sources = client.get("/api/v1/offices/T1/booking-sources", headers=manager).get_json()
    first = sources[0]
    assert first["source"] == "net:127.0.1.0/24"
    assert first["booked"] == 4 and first["addresses"] == 4
    assert {"addr:127.0.1.1", "addr:198.51.100.7"} <= {s["source"] for s in sources}
    written = len(messages_to(engine, "0912000000"))
    done = client.post(
        "/api/v1/offices/T1/booking-sources/cancel",
        headers=manager,
        json={"source": "net:127.0.1.0/24"},
    )
    assert done.get_json() == {"source": "net:127.0.1.0/24", "cancelled": 4}
    day = engine.appointments_of_day("T1", dt.date(2026, 11, 24))
    assert sorted(a["status"] for a in day) == ["booked"] + ["cancelled"] * 4
    # No "cancelled" message to the numbers of a flood; their reminders are not sent.
    after = messages_to(engine, "0912000000")
    assert len(after) == written and all(m.status != "pending" for m in after)
    slots = client.get(
        "/api/v1/offices/T1/slots", query_string={"service": "B", "from": TOMORROW, "days": 1}
    ).get_json()
    assert [s["free"] for s in slots["days"][0]["slots"][:4]] == [1, 1, 1, 1]
    assert client.get("/api/v1/offices/T1/booking-sources").status_code == 401


# -- proof of work when under pressure


def solved(client, key: str | None = None, expired: bool = False) -> str:
    answer = client.get("/api/v1/offices/T1/booking/challenge").get_json()
    if key is not None or expired:
        expires = int(dt.datetime.now(dt.UTC).timestamp()) + (-5 if expired else 300)
        challenge = altcha.create_challenge(
            "PBKDF2/SHA-256", 100, expires_at=expires, hmac_secret=key or challenge_key("test")
        )
    else:
        challenge = altcha.Challenge.from_dict(answer)
    return altcha.Payload(challenge, altcha.solve_challenge(challenge)).to_base64()


@pytest.fixture
def cheap_challenges(make_app):
    app = make_app("pow", BOOKING_CHALLENGE_COST=100)
    make_office(current.database(app), settings=booking_settings(challenge="always"))
    current.engine(app).clock = lambda: dt.datetime(2026, 11, 23, 1, 0, tzinfo=dt.UTC)
    return app


def test_an_office_under_pressure_books_only_with_a_solved_unused_challenge(cheap_challenges):
    client = cheap_challenges.test_client()
    assert client.get("/api/v1/offices/T1/booking").get_json()["challenge"] is True
    without = book(client)
    assert without.status_code == 422 and "altcha" in without.get_json()["fields"]
    payload = solved(client)
    assert book(client, altcha=payload).status_code == 201
    replayed = book(client, "10:00", "0987654321", altcha=payload)
    assert replayed.status_code == 422
    assert "đã được dùng" in replayed.get_json()["vi"]["fields"]["altcha"][0]
    forged = book(client, "10:00", "0987654321", altcha=solved(client, key="not-ours"))
    assert forged.status_code == 422
    expired = book(client, "10:00", "0987654321", altcha=solved(client, expired=True))
    assert expired.status_code == 422
    assert "hết hạn" in expired.get_json()["vi"]["fields"]["altcha"][0]
    junk = book(client, "10:00", "0987654321", altcha="bm90IGEgcGF5bG9hZA==")
    assert junk.status_code == 422
    assert book(client, "10:00", "0987654321", altcha=solved(client)).status_code == 201


def test_the_challenge_switches_on_when_bookings_pour_in(client, engine, open_booking):
    engine.update_office("T1", {"settings": booking_settings(challenge_after=3)})
    for n in range(3):
        assert book(client, TIMES[n], f"09120000{n:02d}", f"198.51.{n}.1").status_code == 201
    assert client.get("/api/v1/offices/T1/booking").get_json()["challenge"] is True
    refused = book(client, TIMES[4], "0912000009", "198.51.9.1")
    assert refused.status_code == 422 and "altcha" in refused.get_json()["fields"]
    # Ten minutes later it is off again.
    engine.clock.advance(minutes=11)
    assert book(client, TIMES[5], "0912000008", "198.51.8.1").status_code == 201


def test_a_zns_office_without_a_code_template_says_it_sends_no_codes(client, engine, office):
    settings = booking_settings(verify_phone=True)
    engine.update_office("T1", {"settings": {**settings, "messages": {"channel": "zns"}}})
    answer = client.post("/api/v1/offices/T1/phone-codes", json={"phone": VICTIM})
    assert answer.status_code == 409
    assert "không gửi mã xác nhận" in answer.get_json()["vi"]["message"]
    zns = {"channel": "zns", "zns_templates": {"phone_code": "231470"}}
    engine.update_office("T1", {"settings": {**settings, "messages": zns}})
    assert client.post("/api/v1/offices/T1/phone-codes", json={"phone": VICTIM}).status_code == 202
