"""Appointment figures of the reports, on a day whose outcome is known: five bookings at
09:00–10:30 on Monday 2026-11-23 (Hà Nội), seen at 12:00. Runs on both databases.

- A: checked in at 08:50 (early), served;
- B: checked in at 09:40 for 09:30 (within the 15-minute late window), still waiting;
- C: checked in at 10:20 for 10:00 (late);
- D: never came (10:30, over by noon);
- E: cancelled.
"""

from __future__ import annotations

import datetime as dt

import pytest

from server import reports
from server.engine.rules.slots import WORKING_WEEK as WEEK
from server.reports import appointments as appointment_reports

DAY = dt.date(2026, 11, 23)


def local(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(DAY, dt.time(hour, minute), dt.UTC) - dt.timedelta(hours=7)


@pytest.fixture
def day(engine, office, clock):
    engine.update_office(
        "T1",
        {
            "settings": {
                "hours": WEEK,
                "appointments": {
                    "enabled": True,
                    "capacity": {"A": 5, "B": 5},
                    "min_notice_minutes": 0,
                },
            }
        },
    )
    clock.now = local(7, 30)

    def book(hour, minute, phone, field="A"):
        start = dt.datetime.combine(DAY, dt.time(hour, minute))
        return engine.book("T1", field, start, "Công dân", phone)

    a, b = book(9, 0, "0900000001"), book(9, 30, "0900000002", "B")
    c, d, e = book(10, 0, "0900000003"), book(10, 30, "0900000004"), book(10, 0, "0900000005")
    engine.cancel_appointment(e["token"])
    counter = office["counters"][1]
    engine.set_counter_state(counter, "open")
    clock.now = local(8, 50)
    served = engine.check_in("T1", code=a["code"])
    engine.call_next(counter)
    engine.start(served["id"])
    engine.finish(served["id"])
    clock.now = local(9, 40)
    engine.check_in("T1", code=b["code"])
    clock.now = local(10, 20)
    engine.check_in("T1", code=c["code"])
    clock.now = local(12)
    return d


def run(db, group, now):
    with db.read() as session:
        where = reports.scope(session, ["T1"], DAY, DAY)
        return appointment_reports.figures(session, where, group, now)


def test_the_day_in_figures(db, day, clock):
    total = run(db, "total", clock.now)["total"]
    assert {k: total[k] for k in appointment_reports.COLUMNS} == {
        "booked": 4,
        "cancelled": 1,
        "arrived": 3,
        "served": 1,
        "missed": 1,
        "on_time": 2,
    }
    assert total["punctuality"] == 0.667
    assert total["lateness_minutes"] == 6.7  # (-10 + 10 + 20) / 3


def test_by_field_and_before_the_slot_is_over(db, day, clock):
    rows = {row["label"]: row for row in run(db, "counter", clock.now)["rows"]}  # → by field
    assert (rows["Hộ tịch"]["booked"], rows["Hộ tịch"]["missed"]) == (3, 1)
    assert (rows["Đất đai"]["arrived"], rows["Đất đai"]["on_time"]) == (1, 1)
    # At 10:40 the 10:30 booking is not missed yet: its late window is still open.
    assert run(db, "total", local(10, 40))["total"]["missed"] == 0
