"""Report figures on a fixed day of tickets with known times, checked against values
computed by hand (see the timeline below). Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest

from server import reports
from server.engine import credentials
from tests.factories import make_office

DAY = dt.date(2026, 11, 23)
OFFICE = {
    "code": "R1",
    "name": "Xã Báo Cáo",
    "services": [
        {"code": "A", "name": "Hộ tịch", "prefix": "A", "target_wait_minutes": 10},
        {
            "code": "B",
            "name": "Đất đai",
            "number_start": 1001,
            "number_end": 1999,
            "digits": 4,
            "target_wait_minutes": 6,
        },
    ],
    "counters": [
        {"number": 1, "name": "Quầy 1", "services": ["A", "B"]},
        {"number": 2, "name": "Quầy 2", "services": ["B"]},
    ],
}


@pytest.fixture
def day(engine, db, clock):
    """The timeline, in minutes after 08:00 local (01:00 UTC):

    0 A001, 2 A002, 3 1001, 4 1002 issued · 5 c1 calls A001, c2 calls 1001 · 6 both start ·
    10 c2 finishes 1001 · 11 c2 calls 1002 · 12 recall · 13 no-show · 16 c1 finishes A001 ·
    17 c1 calls A002 · 18 start · 20 transfer to B · 21 c2 calls A002 · 22 start ·
    30 finish · 31 A003 issued · 32 cancelled · 70 1003 issued · 75 c2 calls, starts ·
    81 finishes. Ratings: A001 very satisfied, 1001 unsatisfied.
    """
    office = make_office(db, **OFFICE)
    with db.write() as session:
        lan = credentials.create_user(session, "lan", "officer", ["R1"], "x" * 8, "Trần Thị Lan").id
        hoa = credentials.create_user(session, "hoa", "officer", ["R1"], "x" * 8, "Lê Thị Hoa").id
    c1, c2 = office["counters"][1], office["counters"][2]
    start = clock.now

    def at(minutes: float) -> None:
        clock.now = start + dt.timedelta(minutes=minutes)

    engine.set_counter_state(c1, "open", lan)
    engine.set_counter_state(c2, "open", hoa)
    tickets = {}
    for minute, service in ((0, "A"), (2, "A"), (3, "B"), (4, "B")):
        at(minute)
        ticket = engine.issue("R1", service)
        tickets[ticket["code"]] = ticket
    ids = {code: t["id"] for code, t in tickets.items()}
    at(5)
    assert engine.call_next(c1, lan)["code"] == "A001"
    assert engine.call_next(c2, hoa)["code"] == "1001"
    at(6)
    engine.start(ids["A001"], lan)
    engine.start(ids["1001"], hoa)
    at(10)
    engine.finish(ids["1001"], hoa)
    at(11)
    assert engine.call_next(c2, hoa)["code"] == "1002"
    at(12)
    engine.recall(ids["1002"], hoa)
    at(13)
    engine.no_show(ids["1002"], hoa)
    at(16)
    engine.finish(ids["A001"], lan)
    at(17)
    assert engine.call_next(c1, lan)["code"] == "A002"
    at(18)
    engine.start(ids["A002"], lan)
    at(20)
    engine.transfer(ids["A002"], service_code="B", user_id=lan)
    at(21)
    assert engine.call_next(c2, hoa)["code"] == "A002"
    at(22)
    engine.start(ids["A002"], hoa)
    at(30)
    engine.finish(ids["A002"], hoa)
    at(31)
    a3 = engine.issue("R1", "A")
    at(32)
    engine.cancel(a3["id"], lan)
    at(70)
    t3 = engine.issue("R1", "B")
    at(75)
    assert engine.call_next(c2, hoa)["code"] == "1003"
    engine.start(t3["id"], hoa)
    at(81)
    engine.finish(t3["id"], hoa)
    engine.rate(tickets["A001"]["token"], "very_satisfied")
    engine.rate(tickets["1001"]["token"], "unsatisfied", ["waiting"])
    return {"c1": c1, "c2": c2, "lan": lan, "hoa": hoa}


def run(db, group: str):
    with db.read() as session:
        where = reports.scope(session, ["R1"], DAY, DAY)
        return reports.report(session, where, group)


def by_label(result) -> dict:
    return {row["label"]: row for row in result["rows"]}


def test_by_field(db, day):
    rows = by_label(run(db, "service"))
    a, b = rows["Hộ tịch"], rows["Đất đai"]
    assert (a["issued"], a["served"], a["no_show"], a["cancelled"], a["transferred"]) == (
        2,
        1,
        0,
        1,
        0,
    )
    assert (b["issued"], b["served"], b["no_show"], b["cancelled"], b["transferred"]) == (
        4,
        3,
        1,
        0,
        1,
    )
    assert a["wait"] == {"mean": 300.0, "median": 300.0, "p90": 300.0, "max": 300.0, "count": 1}
    assert b["wait"] == {"mean": 435.0, "median": 360.0, "p90": 756.0, "max": 900.0, "count": 4}
    assert a["service"] == {"mean": 600.0, "median": 600.0, "p90": 600.0, "max": 600.0, "count": 1}
    assert b["service"] == {"mean": 360.0, "median": 360.0, "p90": 456.0, "max": 480.0, "count": 3}
    assert (a["within_target"], b["within_target"]) == (1.0, 0.5)
    assert a["ratings"] == {"very_satisfied": 1} and b["ratings"] == {"unsatisfied": 1}


def test_total(db, day):
    total = run(db, "service")["total"]
    assert (
        total["issued"],
        total["served"],
        total["no_show"],
        total["cancelled"],
        total["transferred"],
    ) == (6, 4, 1, 1, 1)
    assert total["wait"] == {"mean": 408.0, "median": 300.0, "p90": 708.0, "max": 900.0, "count": 5}
    assert total["service"] == {
        "mean": 420.0,
        "median": 420.0,
        "p90": 564.0,
        "max": 600.0,
        "count": 4,
    }
    assert total["rating_shares"] == {"very_satisfied": 0.5, "unsatisfied": 0.5}
    assert total["within_target"] == 0.6  # 3 of the 5 called tickets


def test_by_counter_and_officer(db, day):
    counters = by_label(run(db, "counter"))
    assert counters["Quầy 1"]["issued"] == 1 and counters["Quầy 2"]["issued"] == 4
    assert counters["Quầy 2"]["service"]["mean"] == 360.0
    assert counters[None]["cancelled"] == 1  # A003 never reached a counter
    officers = by_label(run(db, "officer"))
    assert officers["Trần Thị Lan"]["served"] == 1
    assert officers["Lê Thị Hoa"]["served"] == 3 and officers["Lê Thị Hoa"]["no_show"] == 1


def test_charts_get_the_busiest_groups_and_the_rest_as_one(db, day):
    with db.read() as session:
        where = reports.scope(session, ["R1"], DAY, DAY)
        by_field = reports.report(session, where, "service", ("counter", "day"), top=1)
        roomy = reports.report(session, where, "service", top=2)
    rows = by_label(by_field)
    busiest, others = by_field["top_rows"]
    assert busiest == rows["Đất đai"]  # 4 tickets against 2
    # The rest's figures come from their tickets (here one field: exactly its own).
    assert others["key"] == "others" and others["label"] is None and others["members"] == 1
    assert {k: v for k, v in others.items() if k not in ("key", "label", "members", "office")} == {
        k: v for k, v in rows["Hộ tịch"].items() if k not in ("key", "label", "office")
    }
    counters = by_field["also"]["counter"]["top_rows"]
    # Busiest first, then the others, then the tickets no counter took (A003, cancelled).
    assert [(r["label"] or r["key"], r["issued"]) for r in counters] == [
        ("Quầy 2", 4),
        ("others", 1),
        (None, 1),
    ]
    assert "top_rows" not in by_field["also"]["day"]  # days keep their order
    assert "top_rows" not in roomy  # two fields fit in a chart of two


def test_by_day_and_hour_and_busiest_hours(db, day):
    assert [(r["key"], r["issued"]) for r in run(db, "day")["rows"]] == [("2026-11-23", 6)]
    result = run(db, "hour")
    assert [(r["key"], r["issued"]) for r in result["rows"]] == [(8, 5), (9, 1)]
    assert [r["key"] for r in result["busiest_hours"]] == [8, 9]


def test_estimates_against_what_happened(db, day):
    # Told at issue (min): A001 0, A002 5, 1001 0, 1002 3 (2.5 rounded), 1003 0;
    # real waits: 5, 15, 2, 7, 5 → errors 5, 10, 2, 4, 5.
    assert run(db, "total")["estimate"] == {
        "tickets": 5,
        "mean_error": 5.2,
        "mean_abs_error": 5.2,
        "within_5": 0.8,
    }


def test_an_empty_period(db, day):
    with db.read() as session:
        where = reports.scope(
            session, ["R1"], DAY + dt.timedelta(days=1), DAY + dt.timedelta(days=7)
        )
        result = reports.report(session, where, "service")
    assert result["rows"] == [] and result["total"] is None
    assert result["estimate"]["tickets"] == 0


def test_the_raw_log(db, day):
    with db.read() as session:
        where = reports.scope(session, ["R1"], DAY, DAY)
        rows = list(reports.ticket_log(session, where))
    assert [r.code for r in rows] == ["A001", "A002", "1001", "1002", "A003", "1003"]
    a2 = rows[1]
    assert (a2.service, a2.counter, a2.officer, a2.transferred, round(a2.wait_seconds)) == (
        "Đất đai",
        2,
        "Lê Thị Hoa",
        1,
        900,
    )
