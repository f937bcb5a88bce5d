"""Appointments in the engine: slots from the office's hours, capacity and the limits per
phone, cancel and change, check-in placing the citizen in line at the slot's time, the
return of a dossier's result. Runs on SQLite and PostgreSQL.

The clock starts on Monday 2026-11-23 at 08:00 in Hà Nội (tests/conftest.py).
"""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import select

from server.engine import Citizen
from server.engine.errors import Closed, Conflict, Invalid, NotFound
from server.engine.rules.slots import WORKING_WEEK as WEEK
from server.models import OutboxMessage

DAY = dt.date(2026, 11, 23)
DOSSIER = "000.00.23.H26-250715-0001"


def at(hour: int, minute: int = 0, day: dt.date = DAY) -> dt.datetime:
    """A local wall time, as the booking page sends it."""
    return dt.datetime.combine(day, dt.time(hour, minute))


def utc(hour: int, minute: int = 0, day: dt.date = DAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), dt.UTC) - dt.timedelta(hours=7)


@pytest.fixture
def booking(engine, office, clock):
    engine.update_office(
        "T1",
        {
            "settings": {
                "hours": WEEK,
                "appointments": {"enabled": True, "capacity": {"A": 2}, "per_phone_open": 3},
            }
        },
    )
    return office


def book(engine, hour, minute=0, phone="0912345678", day=DAY, **kwargs):
    return engine.book("T1", "A", at(hour, minute, day), "Nguyễn Văn An", phone, **kwargs)


def test_slots_come_from_the_opening_hours(engine, booking):
    result = engine.slots("T1", "A", days=2)
    today, tomorrow = result["days"]
    times = [s["time"] for s in today["slots"]]
    # 07:30–11:30 and 13:30–17:00 in half hours: 8 + 7 slots.
    assert times[:3] == ["07:30", "08:00", "08:30"] and times[-1] == "16:30" and len(times) == 15
    # It is 08:00: a slot must start an hour from now at the earliest.
    assert [s["bookable"] for s in today["slots"][:5]] == [False, False, False, True, True]
    assert today["slots"][3]["start"] == "2026-11-23T09:00:00+07:00"
    assert all(s["free"] == 2 for s in tomorrow["slots"])
    with pytest.raises(NotFound):
        engine.slots("T1", "B")  # field B takes no bookings


def test_a_slot_holds_its_capacity_and_no_more(engine, booking):
    first = book(engine, 9, phone="0912345678")
    assert len(first["code"]) == 6 and first["status"] == "booked"
    assert first["phone"] == "•••••••678" and first["start"] == "2026-11-23T09:00:00+07:00"
    assert first["token"] and "token" not in engine.appointment(first["token"])
    book(engine, 9, phone="0987654321")
    with pytest.raises(Conflict) as full:
        book(engine, 9, phone="0901234567")
    assert full.value.details["field"] == "start"
    nine = engine.slots("T1", "A", days=1)["days"][0]["slots"][3]
    assert (nine["time"], nine["free"], nine["bookable"]) == ("09:00", 0, False)
    # A cancelled booking gives its place back.
    engine.cancel_appointment(first["token"])
    assert book(engine, 9, phone="0901234567")["status"] == "booked"
    with pytest.raises(Conflict):
        engine.cancel_appointment(first["token"])


def test_a_phone_cannot_hoard_slots(engine, booking):
    book(engine, 9, phone="0912 345 678")
    with pytest.raises(Conflict) as same_day:
        book(engine, 10, phone="+84912345678")  # the same number, written otherwise
    assert same_day.value.details["field"] == "phone"
    book(engine, 9, phone="0912345678", day=DAY + dt.timedelta(days=1))
    book(engine, 9, phone="0912345678", day=DAY + dt.timedelta(days=2))
    with pytest.raises(Conflict) as held:
        book(engine, 9, phone="0912345678", day=DAY + dt.timedelta(days=3))
    assert "upcoming" in str(held.value)


@pytest.mark.parametrize(
    ("hour", "minute", "phone", "error"),
    [
        (9, 10, "0912345678", Invalid),  # no slot starts at 09:10
        (12, 0, "0912345678", Invalid),  # the lunch break
        (8, 30, "0912345678", Conflict),  # less than an hour from now
        (9, 0, "12345", Invalid),
        (9, 0, "0212345678", Invalid),  # a landline
    ],
)
def test_bad_bookings_are_refused_and_change_nothing(engine, booking, hour, minute, phone, error):
    with pytest.raises(error):
        book(engine, hour, minute, phone=phone)
    assert engine.appointments_of_day("T1") == []


def test_too_far_ahead_on_a_closed_day_or_while_bookings_are_off(engine, booking):
    with pytest.raises(Conflict):
        book(engine, 9, day=DAY + dt.timedelta(days=15))
    with pytest.raises(Invalid):
        book(engine, 9, day=dt.date(2026, 11, 29))  # a Sunday
    engine.update_office("T1", {"settings": {"appointments": {"enabled": False}}})
    with pytest.raises(Closed):
        book(engine, 9)


def test_a_change_moves_the_booking_and_counts_the_new_slot(engine, booking):
    mine = book(engine, 9)
    book(engine, 10, phone="0987654321")
    book(engine, 10, phone="0901234567")
    with pytest.raises(Conflict):
        engine.change_appointment(mine["token"], at(10))  # full
    moved = engine.change_appointment(mine["token"], at(10, 30))
    assert moved["start"] == "2026-11-23T10:30:00+07:00" and moved["code"] == mine["code"]
    free = {s["time"]: s["free"] for s in engine.slots("T1", "A", days=1)["days"][0]["slots"]}
    assert (free["09:00"], free["10:30"]) == (2, 1)


def serve_next(engine, counter):
    ticket = engine.call_next(counter)
    engine.start(ticket["id"])
    engine.finish(ticket["id"])
    return ticket


def test_check_in_places_the_citizen_at_the_slot_time(engine, booking, clock):
    mine = book(engine, 9)
    counter = booking["counters"][1]
    clock.now = utc(8, 50)
    early = engine.issue("T1", "A")
    clock.now = utc(9, 2)
    later = engine.issue("T1", "A")
    clock.now = utc(9, 5)  # five minutes late: still on time
    ticket = engine.check_in("T1", code=mine["code"].lower())
    assert ticket["appointment"]["status"] == "checked_in"
    assert ticket["position"] == 2 and ticket["ahead"] == 1  # behind 08:50, before 09:02
    # Checking in again (a kiosk retrying) gives the same ticket.
    again = engine.check_in("T1", code=mine["code"])
    assert again["id"] == ticket["id"] and again["replayed"]
    engine.set_counter_state(counter, "open")
    order = [serve_next(engine, counter)["id"] for _ in range(3)]
    assert order == [early["id"], ticket["id"], later["id"]]
    (row,) = engine.appointments_of_day("T1")
    assert row["state"] == "attended" and row["ticket"]["code"] == ticket["code"]


def test_early_late_and_the_wrong_day(engine, booking, clock):
    nine = book(engine, 9)
    tomorrow = book(engine, 9, phone="0987654321", day=DAY + dt.timedelta(days=1))
    clock.now = utc(8, 20)
    with pytest.raises(Conflict) as early:
        engine.check_in("T1", code=nine["code"])
    assert "08:30" in str(early.value)  # check-in opens half an hour before
    with pytest.raises(Conflict):
        engine.check_in("T1", code=tomorrow["code"])
    with pytest.raises(NotFound):
        engine.check_in("T1", code="XXXXXX")
    clock.now = utc(9, 40)  # past the 15 minutes: an ordinary place at the back
    walk_in = engine.issue("T1", "A")
    clock.advance(minutes=1)
    late = engine.check_in("T1", token=nine["token"])
    assert late["ahead"] == 1 and late["queued_at"] > walk_in["queued_at"]


def test_an_office_may_refuse_late_arrivals_or_let_walk_ins_go_first(engine, booking, clock):
    engine.update_office(
        "T1",
        {
            "settings": {
                "appointments": {
                    "enabled": True,
                    "capacity": {"A": 2},
                    "late_rule": "refuse",
                    "queue_offset_minutes": 10,
                }
            }
        },
    )
    nine, half = book(engine, 9), book(engine, 9, 30, phone="0987654321")
    clock.now = utc(9, 5)
    walk_in = engine.issue("T1", "A")
    # Queued at 09:10: the walk-in of 09:05 goes first.
    assert engine.check_in("T1", code=nine["code"])["ahead"] == 1
    clock.now = utc(9, 50)
    with pytest.raises(Conflict) as late:
        engine.check_in("T1", code=half["code"])
    assert "ordinary ticket" in str(late.value)
    assert walk_in["position"] == 1


def test_a_return_of_results_from_the_dossier_and_check_in_by_card(engine, booking, clock):
    card = Citizen(name="Trần Thị Bình", id_hash="c" * 64, id_last4="1234")
    ticket = engine.issue("T1", "B", citizen=card)
    with pytest.raises(Conflict) as no_dossier:
        engine.set_return(ticket["id"], at(14, day=DAY + dt.timedelta(days=3)))
    assert no_dossier.value.details["field"] == "dossier_code"
    engine.attach_dossier(ticket["id"], DOSSIER)
    with pytest.raises(Closed):
        engine.set_return(ticket["id"], at(12, day=DAY + dt.timedelta(days=3)))
    back = engine.set_return(
        ticket["id"], at(14, day=DAY + dt.timedelta(days=3)), phone="0912345678", consent=True
    )
    assert back["kind"] == "return" and back["dossier_code"] == DOSSIER
    assert back["service"]["code"] == "B" and back["name"] == "Trần Thị Bình"
    engine.result_ready("T1", back["id"])
    clock.now = utc(14, 5, DAY + dt.timedelta(days=3))
    checked = engine.check_in("T1", citizen=card)
    assert checked["appointment"]["code"] == back["code"] and checked["service"]["code"] == "B"


def test_messages_are_written_with_the_booking_and_cancelled_with_it(engine, booking, clock):
    engine.update_office("T1", {"settings": {"messages": {"channel": "sms"}}})
    silent = book(engine, 9, phone="0987654321")  # no consent: nothing
    mine = book(engine, 10, day=DAY + dt.timedelta(days=1), consent=True)

    def outbox():
        with engine.db.read() as session:
            rows = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
            return [(m.kind, m.status, m.due_at) for m in rows]

    assert outbox() == [
        ("booked", "pending", clock.now),
        ("reminder_day", "pending", utc(17)),  # the evening before
        ("reminder_hour", "pending", utc(9, 0, DAY + dt.timedelta(days=1))),
    ]
    assert silent["messages"] is False and mine["messages"] is True
    with engine.db.read() as session:
        body = session.scalar(select(OutboxMessage.body).order_by(OutboxMessage.id))
    # The confirmation carries what the citizen needs and no more: no name, no phone.
    assert mine["code"] in body and "10:00" in body and "24/11/2026" in body
    assert "Nguyễn" not in body and "0912345678" not in body
    engine.cancel_appointment(mine["token"])
    assert [(kind, status) for kind, status, _ in outbox()] == [
        ("booked", "cancelled"),
        ("reminder_day", "cancelled"),
        ("reminder_hour", "cancelled"),
        ("cancelled", "pending"),
    ]


def test_concurrent_bookings_never_overbook_a_slot(engine, booking):
    """Twelve citizens at once for a slot of two: two get it, ten are told it is full."""
    results: list[str] = []
    barrier = threading.Barrier(12)

    def attempt(n: int) -> None:
        barrier.wait()
        try:
            book(engine, 9, phone=f"09{n:08d}")
            results.append("booked")
        except Conflict:
            results.append("full")

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["booked"] * 2 + ["full"] * 10
    assert len(engine.appointments_of_day("T1")) == 2


def test_an_office_open_around_the_clock_books_a_working_week(engine, office):
    engine.update_office(
        "T1", {"settings": {"appointments": {"enabled": True, "capacity": {"A": 1}}}}
    )
    days = engine.slots("T1", "A", start=dt.date(2026, 11, 27), days=2)["days"]
    friday, saturday = days
    assert [s["time"] for s in friday["slots"]][:2] == ["07:30", "08:00"]
    assert saturday["slots"] == []
    # Its own booking hours, where the office sets them.
    engine.update_office(
        "T1",
        {
            "settings": {
                "appointments": {
                    "enabled": True,
                    "capacity": {"A": 1},
                    "hours": {"sat": [["08:00", "09:00"]]},
                }
            }
        },
    )
    days = engine.slots("T1", "A", start=dt.date(2026, 11, 27), days=2)["days"]
    assert days[0]["slots"] == [] and [s["time"] for s in days[1]["slots"]] == ["08:00", "08:30"]


def test_a_return_of_results_tells_the_citizen_what_was_received(engine, booking, clock):
    engine.update_office("T1", {"settings": {"messages": {"channel": "sms"}}})
    ticket = engine.issue("T1", "B")
    engine.attach_dossier(ticket["id"], DOSSIER)
    engine.set_return(
        ticket["id"], at(14, day=DAY + dt.timedelta(days=3)), phone="0912345678", consent=True
    )
    with engine.db.read() as session:
        first = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).first()
    assert first.kind == "return_set"
    assert first.body.startswith("Trung tâm Phục vụ hành chính công xã Thử: đã tiếp nhận hồ sơ")
    assert DOSSIER in first.body and "14:00 ngày 26/11/2026" in first.body
