"""Ticket numbers: per field and local day, display codes, no duplicates or gaps."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from server.engine import Conflict, NotFound
from server.engine.errors import Invalid, NotServed
from server.models import Ticket, TicketEvent
from tests.factories import make_office


def counts(db) -> tuple[int, int]:
    with db.read() as session:
        return (
            session.scalar(select(func.count()).select_from(Ticket)),
            session.scalar(select(func.count()).select_from(TicketEvent)),
        )


def test_prefix_and_block_codes(engine, office):
    a = [engine.issue("T1", "A")["code"] for _ in range(3)]
    b = [engine.issue("T1", "B") for _ in range(2)]
    assert a == ["A001", "A002", "A003"]
    assert [t["code"] for t in b] == ["1001", "1002"]
    assert [t["number"] for t in b] == [1001, 1002]


def test_numbers_restart_on_the_next_local_day(engine, office, clock):
    assert engine.issue("T1", "A")["code"] == "A001"
    # 16:59 UTC is still 23:59 on the 23rd in Hà Nội ...
    clock.now = dt.datetime(2026, 11, 23, 16, 59, tzinfo=dt.UTC)
    assert engine.issue("T1", "A")["code"] == "A002"
    # ... and 17:00 UTC is midnight, a new local day.
    clock.now = dt.datetime(2026, 11, 23, 17, 0, tzinfo=dt.UTC)
    assert engine.issue("T1", "A")["code"] == "A001"
    assert engine.issue("T1", "B")["code"] == "1001"


def test_a_new_day_closes_tickets_left_open_the_day_before(engine, office, clock, db):
    old = engine.issue("T1", "A")
    clock.advance(days=1)
    engine.issue("T1", "A")
    with db.read() as session:
        ticket = session.get(Ticket, old["id"])
        kinds = session.scalars(
            select(TicketEvent.kind).where(TicketEvent.ticket_id == old["id"])
        ).all()
    assert ticket.status == "cancelled"
    assert kinds == ["issued", "expired"]


def test_yesterdays_waiting_ticket_is_not_called_today(engine, office, clock, open_counters):
    engine.issue("T1", "B")
    clock.advance(days=1)
    assert engine.call_next(open_counters[2]) is None


def test_exhausted_block_is_refused_and_changes_nothing(engine, db):
    make_office(
        db,
        code="T9",
        services=[
            {"code": "S", "name": "Small", "prefix": "S", "number_start": 1, "number_end": 2}
        ],
        counters=[{"number": 1, "name": "Quầy 1", "services": ["S"]}],
    )
    engine.issue("T9", "S")
    engine.issue("T9", "S")
    before = counts(db)
    with pytest.raises(Conflict, match="used all 2 numbers"):
        engine.issue("T9", "S")
    assert counts(db) == before


@pytest.mark.parametrize(
    ("office_code", "service", "priority", "error"),
    [
        ("NOPE", "A", None, NotFound),
        ("T1", "ZZ", None, NotFound),
        ("T1", "A", "vip", Invalid),
    ],
)
def test_bad_issue_requests_change_nothing(
    engine, office, db, office_code, service, priority, error
):
    before = counts(db)
    with pytest.raises(error):
        engine.issue(office_code, service, priority)
    assert counts(db) == before


def test_inactive_field_takes_no_tickets(engine, db):
    make_office(
        db,
        code="T8",
        services=[{"code": "X", "name": "Closed field", "active": False}],
        counters=[],
    )
    with pytest.raises(Conflict, match="not taking tickets"):
        engine.issue("T8", "X")


def test_a_field_no_counter_serves_takes_no_tickets(engine, db):
    """Its tickets would never be called: refused, and nothing written, until a counter
    is set to serve it."""
    make_office(
        db,
        code="T7",
        services=[
            {"code": "A", "name": "Hộ tịch", "prefix": "A"},
            {"code": "Y", "name": "Y tế", "prefix": "Y"},
        ],
        counters=[{"number": 1, "name": "Quầy 1", "services": ["A"]}],
        settings={"issuing": "open"},
    )
    assert {s["code"]: s["served"] for s in engine.services("T7")} == {"A": True, "Y": False}
    before = counts(db)
    with pytest.raises(NotServed, match="No counter serves field Y tế"):
        engine.issue("T7", "Y")
    assert counts(db) == before
    assert engine.issue("T7", "A")["code"] == "A001"


def test_concurrent_issuing_is_unique_and_gapless(engine, office, db):
    """16 threads, 500 tickets over two fields: every number once, none skipped."""

    def take(i: int) -> tuple[str, int]:
        service = "A" if i % 2 else "B"
        return service, engine.issue("T1", service)["number"]

    with ThreadPoolExecutor(16) as pool:
        results = list(pool.map(take, range(500)))
    a = sorted(n for s, n in results if s == "A")
    b = sorted(n for s, n in results if s == "B")
    assert a == list(range(1, 251))
    assert b == list(range(1001, 1251))
    with db.read() as session:
        assert session.scalar(select(func.count(func.distinct(Ticket.token)))) == 500
