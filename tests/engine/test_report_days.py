"""Long reports from day rollups (server/reports/days.py) against the exact report over the
same tickets: counts, means, maxima, targets, ratings, the estimate's accuracy and the top
rows equal; medians and 90th percentiles within their histogram bucket. Both databases."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import func, select

from server import reports
from server.models import Rating, Ticket, report_day_marks
from server.models import report_days as rollups
from server.reports import days as report_days
from tests.factories import make_token

GROUPS = ("office", "service", "counter", "officer", "day", "hour")
DAYS = 4


def history(engine, office, clock) -> None:
    """Four days of tickets: waits and services of many lengths, a no-show, a transfer,
    a cancellation, ratings of every level."""
    officer = engine.users()[0]["id"]
    counters = list(office["counters"].values())
    for counter in counters:
        engine.set_counter_state(counter, "open", officer)
    start = clock()
    for day in range(DAYS):
        clock.now = start + dt.timedelta(days=day)
        issued = [engine.issue("T1", "A" if n % 3 else "B") for n in range(10 + day)]
        engine.cancel(issued[-1]["id"])
        for n in range(len(issued) - 1):
            clock.advance(minutes=2 + (n * 7 + day * 5) % 23)
            ticket = engine.call_next(counters[n % 2], officer)
            if ticket is None:
                break
            if n == 3:
                engine.no_show(ticket["id"], officer)
                continue
            if n == 5 and day == 1:
                engine.transfer(ticket["id"], counter_id=counters[1], user_id=officer)
                continue
            engine.start(ticket["id"], officer)
            clock.advance(seconds=40 + (n * 97 + day * 31) % 900)
            engine.finish(ticket["id"], officer)
            if n % 4 != 1:  # some are never rated
                token = _token(engine, ticket["id"])
                engine.rate(token, ("very_satisfied", "satisfied", "unsatisfied")[n % 3])


def _token(engine, ticket_id):
    with engine.db.read() as session:
        return session.scalar(select(Ticket.token).where(Ticket.id == ticket_id))


@pytest.fixture
def days_of_tickets(engine, office, clock):
    make_token(engine.db, "canbo")
    engine.update_service("T1", "A", {"target_wait_minutes": 10})
    history(engine, office, clock)
    first = dt.date(2026, 11, 23)
    return first, first + dt.timedelta(days=DAYS - 1)


def both(engine, start, end, now, **options):
    """The exact report and the rolled-up one, as the API would send them."""
    with engine.db.read() as session:
        where = reports.scope(session, ["T1"], start, end)
        exact = reports.report(session, where, **options)  # short: read ticket by ticket
        rolled = report_days.report(session, where, now, **options)
    return json.loads(json.dumps(exact)), json.loads(json.dumps(rolled))


def in_bucket(exact: float, approximate: float, edges) -> bool:
    """Whether the estimate lies in the bucket of the exact value or a neighbour's."""
    bounds = [*edges, float("inf")]
    i = max(n for n, low in enumerate(edges) if exact >= low)
    return bounds[max(i - 1, 0)] <= approximate <= bounds[min(i + 2, len(bounds) - 1)]


def assert_agree(exact: dict, rolled: dict) -> int:
    checked = 0
    assert rolled.pop("approximate") is True and exact.pop("approximate") is False
    for result in (exact, rolled):
        for grouped in (result, *result["also"].values()):
            grouped.pop("approximate", None)
    pairs = [(exact, rolled)] + [(exact["also"][g], rolled["also"][g]) for g in exact["also"]]
    for one, other in pairs:
        rows_one = [one["total"], *one["rows"], *one.get("top_rows", [])]
        rows_other = [other["total"], *other["rows"], *other.get("top_rows", [])]
        assert len(rows_one) == len(rows_other)
        for a, b in zip(rows_one, rows_other, strict=True):
            for measure, edges in (
                ("wait", report_days.WAIT_EDGES),
                ("service", report_days.SERVICE_EDGES),
            ):
                if a[measure] is None:
                    assert b[measure] is None
                    continue
                for point in ("median", "p90"):
                    assert in_bucket(a[measure][point], b[measure][point], edges), (
                        a["key"],
                        measure,
                        point,
                        a[measure][point],
                        b[measure][point],
                    )
                    b[measure][point] = a[measure][point]
                checked += 1
        assert {k: v for k, v in one.items() if k != "also"} == {
            k: v for k, v in other.items() if k != "also"
        }
    return checked


def test_rolled_up_reports_agree_with_the_tickets(engine, days_of_tickets, clock):
    start, end = days_of_tickets
    now = clock()  # the last day is today: everything is rolled up live
    exact, rolled = both(engine, start, end, now, group="counter", also=GROUPS, top=1)
    assert exact["total"]["issued"] == sum(10 + d for d in range(DAYS))
    assert exact["total"]["rated"] > 12 and exact["total"]["no_show"] == DAYS
    assert assert_agree(exact, rolled) > 20


def test_stored_rollups_give_the_same_report_and_a_late_change_is_rolled_up_again(
    engine, days_of_tickets, clock
):
    start, end = days_of_tickets
    later = clock() + dt.timedelta(days=5)
    with engine.db.read() as session:
        where = reports.scope(session, ["T1"], start, end)
    assert report_days.ensure(engine.db, where, later) == DAYS
    assert report_days.ensure(engine.db, where, later) == 0  # all marked
    with engine.db.read() as session:
        assert session.scalar(select(func.count()).select_from(report_day_marks)) == DAYS
        assert session.scalar(select(func.count()).select_from(rollups)) > DAYS * 3
    live = both(engine, start, end, clock())[1]
    stored = both(engine, start, end, later)[1]
    assert stored == live

    # A rating of a first-day ticket, given days later: that day is rolled up again.
    clock.now = later
    with engine.db.read() as session:
        unrated = session.scalar(
            select(Ticket.token)
            .where(Ticket.status == "done", Ticket.service_day == start)
            .where(~Ticket.id.in_(select(Rating.ticket_id)))
        )
    assert unrated is not None
    engine.rate(unrated, "unsatisfied")
    with engine.db.read() as session:
        marks = {d for (d,) in session.execute(select(report_day_marks.c.day))}
    assert start not in marks and len(marks) == DAYS - 1
    exact, rolled = both(engine, start, end, later, group="day")
    assert_agree(exact, rolled)


def test_long_periods_read_the_rollups(engine, days_of_tickets, clock):
    start, end = days_of_tickets
    with engine.db.read() as session:
        year = reports.scope(session, ["T1"], end - dt.timedelta(days=364), end)
        short = reports.scope(session, ["T1"], start, end)
        assert reports.report(session, year, now=clock())["approximate"] is True
        assert reports.report(session, short, now=clock())["approximate"] is False
        assert (
            reports.report(session, year, now=clock())["total"]["issued"]
            == reports.report(session, short)["total"]["issued"]
        )


def test_an_empty_period_has_no_total(engine, office, clock):
    with engine.db.read() as session:
        where = reports.scope(session, ["T1"], dt.date(2025, 1, 1), dt.date(2025, 12, 31))
        result = reports.report(session, where, "office", now=clock())
    assert result["total"] is None and result["rows"][0]["issued"] == 0
