"""A no-show waits for the citizen: a grace period after the call and, by default, one
recall (issue 25, point 3). Refusals change nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from server.engine import InvalidTransition
from server.engine.errors import InvalidValues
from server.models import TicketEvent
from tests.factories import SMALL_OFFICE

# The small office as a new office gets it: the no-show rules left at their defaults.
DEFAULTS = {
    key: value for key, value in SMALL_OFFICE.items() if key != "recalls_before_no_show"
} | {"code": "G1", "settings": {"issuing": "open", "counters_per_officer": 2}}


@pytest.fixture
def counters(engine, db):
    engine.create_office(DEFAULTS)
    counters = {c["number"]: c["id"] for c in engine.snapshot("G1")["counters"]}
    for counter_id in counters.values():
        engine.set_counter_state(counter_id, "open")
    return counters


def events(db) -> int:
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(TicketEvent))


def called(engine, counters) -> int:
    ticket_id = engine.issue("G1", "B")["id"]
    engine.call_ticket(counters[1], ticket_id)
    return ticket_id


def test_a_new_office_waits_one_recall_and_a_minute(engine, counters):
    doc = engine.export_office("G1")
    assert doc["recalls_before_no_show"] == 1
    assert engine.office_settings("G1").get("no_show_grace_seconds", 60) == 60


def test_no_show_one_second_after_the_call_is_refused(engine, db, clock, counters):
    ticket_id = called(engine, counters)
    clock.advance(seconds=1)
    before = (engine.ticket(ticket_id), events(db))
    with pytest.raises(InvalidTransition, match="Recall 1001 at least 1"):
        engine.no_show(ticket_id)
    assert (engine.ticket(ticket_id), events(db)) == before


def test_after_a_recall_the_grace_period_still_holds(engine, db, clock, counters):
    ticket_id = called(engine, counters)
    clock.advance(seconds=10)
    engine.recall(ticket_id)
    clock.advance(seconds=20)
    before = (engine.ticket(ticket_id), events(db))
    with pytest.raises(InvalidTransition, match="wait 30 s more") as refused:
        engine.no_show(ticket_id)
    assert refused.value.details["seconds_left"] == 30
    assert refused.value.details["no_show_at"] == "2026-11-23T01:01:00Z"
    assert (engine.ticket(ticket_id), events(db)) == before
    clock.advance(seconds=30)
    assert engine.no_show(ticket_id)["status"] == "no_show"


def test_the_console_snapshot_says_when_no_show_is_allowed(engine, clock, counters):
    ticket_id = called(engine, counters)
    current = engine.counter_snapshot(counters[1])["current"]
    assert current["id"] == ticket_id
    assert current["no_show_at"] == "2026-11-23T01:01:00Z"
    assert current["recalls_needed"] == 1
    assert "no_show" not in current["actions"]
    engine.recall(ticket_id)
    assert "no_show" in engine.counter_snapshot(counters[1])["current"]["actions"]


def test_an_office_may_choose_its_grace_and_no_recall(engine, clock, counters):
    engine.update_office(
        "G1", {"recalls_before_no_show": 0, "settings": {"no_show_grace_seconds": 0}}
    )
    ticket_id = called(engine, counters)
    assert engine.no_show(ticket_id)["status"] == "no_show"


def test_the_grace_also_holds_where_the_call_starts_the_service(engine, clock, counters):
    engine.update_office(
        "G1",
        {"recalls_before_no_show": 0, "settings": {"start_on_call": True}},
    )
    ticket_id = called(engine, counters)
    assert engine.ticket(ticket_id)["status"] == "serving"
    with pytest.raises(InvalidTransition, match="wait 60 s more"):
        engine.no_show(ticket_id)
    clock.advance(minutes=1)
    assert engine.no_show(ticket_id)["status"] == "no_show"


@pytest.mark.parametrize("value", [-1, 1801, "60", None, 1.5])
def test_a_bad_grace_is_refused_and_changes_nothing(engine, counters, value):
    before = engine.export_office("G1")
    with pytest.raises(InvalidValues) as refused:
        engine.update_office("G1", {"settings": {"no_show_grace_seconds": value}})
    assert "settings" in refused.value.details["fields"]
    assert engine.export_office("G1") == before


def test_the_grace_is_counted_from_the_call(engine, clock, counters):
    ticket_id = called(engine, counters)
    engine.recall(ticket_id)
    clock.advance(seconds=59)
    with pytest.raises(InvalidTransition, match="wait 1 s more"):
        engine.no_show(ticket_id)
    clock.advance(seconds=1)
    gone = engine.no_show(ticket_id)
    assert gone["status"] == "no_show"
    assert dt.datetime.fromisoformat(gone["finished_at"].replace("Z", "+00:00")) == clock.now
