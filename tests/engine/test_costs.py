"""What the hot paths cost in statements, and that what is kept in memory is never stale.

Statement counts, not times: they are exact on any machine, and they are what grows when
a path starts scanning the line or loading objects one by one.
"""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import event

from server.db import Database
from server.engine import Engine

pytestmark = pytest.mark.slow  # long: started first (tests/conftest.py)


@contextmanager
def counted(db: Database):
    statements: list[str] = []

    def note(_conn, _cursor, statement, *_args) -> None:
        if not statement.startswith(("BEGIN", "SAVEPOINT", "RELEASE")):
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", note)


def test_an_issue_costs_the_same_few_statements_however_long_the_line(engine, db, office):
    costs = []
    for line in (10, 200):
        while engine.snapshot("T1")["waiting_total"] < line:
            engine.issue("T1", "A")
        with counted(db) as statements:
            engine.issue("T1", "A")
        costs.append(len(statements))
    # The field's estimate figures are kept between issues, and the count ahead comes back
    # with the next number: the office lock, the field, the number, the ticket, its event.
    assert costs[0] == costs[1] <= 5


def test_a_call_and_the_next_steps_cost_the_same_few_statements_however_long_the_line(
    engine, db, office
):
    """Call: the lock, the counter with its current ticket, the heads of its lines, the
    one called, its update and event. Start and finish: the lock, the ticket, update, event."""
    counter = office["counters"][1]
    engine.set_counter_state(counter, "open")
    costs = []
    for line in (10, 200):
        while engine.snapshot("T1")["waiting_total"] < line:
            engine.issue("T1", "A")
        with counted(db) as called:
            ticket = engine.call_next(counter)
        with counted(db) as started:
            engine.start(ticket["id"])
        with counted(db) as finished:
            engine.finish(ticket["id"])
        costs.append((len(called), len(started), len(finished)))
    assert costs[0] == costs[1]
    assert costs[0][0] <= 6 and costs[0][1] <= 4 and costs[0][2] <= 4


def test_kept_estimate_figures_follow_a_finish_in_another_process(db, office, clock):
    first, second = Engine(db, clock=clock), Engine(db, clock=clock)
    counter = office["counters"][1]
    first.set_counter_state(counter, "open")
    for _ in range(3):
        first.issue("T1", "A")
    assert first.issue("T1", "A")["eta_minutes"] == 15  # 3 ahead, 5 minutes each, 1 counter
    ticket = second.call_next(counter)
    second.start(ticket["id"])
    clock.advance(minutes=1)
    second.finish(ticket["id"])
    # 3 ahead at the one-minute mean the other process just made (kept: 15).
    assert first.issue("T1", "A")["eta_minutes"] == 3


def test_a_current_snapshot_costs_one_statement(engine, db, office):
    engine.issue("T1", "A")
    engine.snapshot("T1")
    with counted(db) as statements:
        engine.snapshot("T1")
        engine.snapshot_body("T1")
    assert len(statements) == 2


def test_a_kept_snapshot_follows_every_write(engine, office, clock):
    before, etag = engine.snapshot_body("T1")
    engine.issue("T1", "A")
    after = engine.snapshot("T1")
    assert after["waiting_total"] == 1
    assert engine.snapshot_body("T1")[1] != etag
    engine.set_counter_state(office["counters"][1], "open")
    called = engine.call_next(office["counters"][1])
    snapshot = engine.snapshot("T1")
    assert snapshot["waiting_total"] == 0
    assert snapshot["recent_calls"][0]["code"] == called["code"]


def test_another_process_sees_a_write_at_once(db, office, clock):
    """Two engines on one database are two server processes: a snapshot kept by one is
    dropped as soon as the other writes (the office row's version moved)."""
    first, second = Engine(db, clock=clock), Engine(db, clock=clock)
    assert second.snapshot("T1")["waiting_total"] == 0
    first.issue("T1", "B")
    assert second.snapshot("T1")["waiting_total"] == 1


def test_the_snapshot_is_stamped_when_sent_and_its_tag_ignores_that(engine, office, clock):
    body, etag = engine.snapshot_body("T1")
    clock.advance(seconds=2)
    later, later_etag = engine.snapshot_body("T1")
    assert later != body and later_etag == etag
    assert engine.snapshot("T1")["at"] == clock.now.isoformat().replace("+00:00", "Z")


def test_a_new_local_day_is_a_new_snapshot(engine, office, clock):
    engine.issue("T1", "A")
    assert engine.snapshot("T1")["waiting_total"] == 1
    clock.advance(days=1)
    assert engine.snapshot("T1")["waiting_total"] == 0
