"""How an office serves: a call that starts the service at once (`start_on_call`), no-show
straight after a call, and one officer holding one counter (`counters_per_officer`)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from server import reports
from server.engine import Conflict, Invalid, InvalidTransition, credentials
from server.engine.snapshots import counter_snapshot
from server.models import Counter, TicketEvent
from tests.factories import make_office

DAY = dt.date(2026, 11, 23)


def events_of(db, ticket_id: int) -> list[tuple[str, dict | None]]:
    with db.read() as session:
        rows = session.execute(
            select(TicketEvent.kind, TicketEvent.data)
            .where(TicketEvent.ticket_id == ticket_id)
            .order_by(TicketEvent.id)
        ).all()
    return [(kind, data) for kind, data in rows]


def snapshot_of(db, counter_id: int, clock) -> dict:
    with db.read() as session:
        return counter_snapshot(session, session.get(Counter, counter_id), clock())


@pytest.fixture
def flowing(engine, db):
    """An office whose calls start the service."""
    office = make_office(db, settings={"issuing": "open", "start_on_call": True})
    for counter_id in office["counters"].values():
        engine.set_counter_state(counter_id, "open")
    return office


# ---------------------------------------------------------------- start_on_call


def test_a_call_starts_the_service_when_the_office_says_so(engine, db, flowing, clock):
    ticket = engine.issue("T1", "A")
    clock.advance(minutes=4)
    called = engine.call_next(flowing["counters"][1])
    assert called["status"] == "serving"
    assert called["started_at"] == called["called_at"]
    assert events_of(db, ticket["id"])[1:] == [
        ("called", None),
        ("started", {"with_call": True}),
    ]
    # Nothing to start by hand: "next" finishes it and calls the next citizen.
    with pytest.raises(InvalidTransition, match="it is serving"):
        engine.start(ticket["id"])
    second = engine.issue("T1", "A")
    clock.advance(minutes=6)
    assert engine.call_next(flowing["counters"][1])["code"] == second["code"]
    assert engine.ticket(ticket["id"])["status"] == "done"
    assert engine.ticket(second["id"])["status"] == "serving"


def test_without_the_setting_a_call_waits_for_start(engine, db, office, open_counters):
    ticket = engine.issue("T1", "A")
    called = engine.call_next(open_counters[1])
    assert called["status"] == "called" and called["started_at"] is None
    with pytest.raises(InvalidTransition, match="has called A001"):
        engine.call_next(open_counters[1])
    engine.start(ticket["id"])
    # A ticket being served is not recalled where the call does not start the service.
    with pytest.raises(InvalidTransition, match="Cannot recall ticket A001: it is serving"):
        engine.recall(ticket["id"])
    assert [kind for kind, _ in events_of(db, ticket["id"])] == ["issued", "called", "started"]


def test_an_unanswered_call_can_be_recalled_and_marked_no_show(engine, db, flowing, clock):
    ticket = engine.issue("T1", "A")
    engine.call_next(flowing["counters"][1])
    actions = snapshot_of(db, flowing["counters"][1], clock)["current"]["actions"]
    assert {"recall", "no_show", "finish", "hold", "transfer"} <= set(actions)
    clock.advance(minutes=2)
    recalled = engine.recall(ticket["id"])
    # Still being served, counted again from the recall the citizen answered.
    assert recalled["status"] == "serving" and recalled["recall_count"] == 1
    assert recalled["started_at"] > recalled["called_at"]
    assert [kind for kind, _ in events_of(db, ticket["id"])][-2:] == ["recalled", "started"]
    assert engine.no_show(ticket["id"])["status"] == "no_show"


def test_report_times_under_start_on_call(engine, db, clock):
    """Wait is issue → call; service is the last start (the call, or the recall the
    citizen answered) → finish; a no-show has no service time."""
    office = make_office(
        db,
        code="R2",
        name="Xã Gọi Là Phục Vụ",
        settings={"issuing": "open", "start_on_call": True},
        services=[{"code": "A", "name": "Hộ tịch", "prefix": "A"}],
        counters=[{"number": 1, "name": "Quầy 1", "services": ["A"]}],
    )
    with db.write() as session:
        lan = credentials.create_user(session, "lan", "officer", ["R2"], "x" * 8, "Trần Thị Lan").id
    counter = office["counters"][1]
    start = clock.now

    def at(minutes: float) -> None:
        clock.now = start + dt.timedelta(minutes=minutes)

    engine.set_counter_state(counter, "open", lan)
    first = engine.issue("R2", "A")  # 0
    second = engine.issue("R2", "A")
    third = engine.issue("R2", "A")
    at(5)
    engine.call_next(counter, lan)  # A001 waited 5 min, served from now
    at(12)
    engine.call_next(counter, lan)  # A001 done after 7 min; A002 called
    at(14)
    engine.recall(second["id"], lan)  # A002 comes at the recall
    at(17)
    engine.call_next(counter, lan)  # A002 served 3 min; A003 called
    at(19)
    engine.no_show(third["id"], lan)
    with db.read() as session:
        result = reports.report(session, reports.scope(session, ["R2"], DAY, DAY), "service")
    total = result["total"]
    assert (total["issued"], total["served"], total["no_show"]) == (3, 2, 1)
    assert total["wait"]["max"] == 17 * 60 and total["wait"]["mean"] == (5 + 12 + 17) * 60 / 3
    assert total["service"]["mean"] == (7 * 60 + 3 * 60) / 2
    assert engine.ticket(first["id"])["status"] == "done"


# ---------------------------------------------------------------- no-show


def test_no_show_straight_after_the_call_by_default(engine, office, open_counters):
    ticket = engine.issue("T1", "A")
    engine.call_next(open_counters[1])
    assert engine.no_show(ticket["id"])["status"] == "no_show"


def test_settings_are_checked_like_every_other(engine, office):
    for bad in ({"start_on_call": "yes"}, {"counters_per_officer": 0}):
        with pytest.raises(Invalid, match="settings"):
            engine.update_office("T1", {"settings": bad})
    engine.update_office("T1", {"settings": {"start_on_call": True, "counters_per_officer": 2}})
    settings = engine.export_office("T1")["settings"]
    assert settings["start_on_call"] is True and settings["counters_per_officer"] == 2


# ---------------------------------------------------------------- one officer, one counter


@pytest.fixture
def one_each(db):
    """An office left with the default: one counter per officer."""
    return make_office(db, settings={"issuing": "open"})


@pytest.fixture
def officer(db, one_each) -> int:
    with db.write() as session:
        return credentials.create_user(session, "lan", "officer", ["T1"], "x" * 8).id


def test_an_officer_holds_one_counter(engine, one_each, officer):
    office = one_each
    c1, c2 = office["counters"][1], office["counters"][2]
    engine.set_counter_state(c1, "open", officer)
    with pytest.raises(Conflict, match="You already hold counter 1"):
        engine.set_counter_state(c2, "open", officer)
    assert engine.counter_snapshot(c2)["counter"]["state"] == "closed"
    # Paused still holds it; opening it again, or opening another after closing it, is fine.
    engine.set_counter_state(c1, "paused", officer)
    with pytest.raises(Conflict, match="hold counter 1"):
        engine.set_counter_state(c2, "open", officer)
    engine.set_counter_state(c1, "open", officer)
    engine.set_counter_state(c1, "closed", officer)
    assert engine.set_counter_state(c2, "open", officer)["state"] == "open"


def test_an_office_may_let_an_officer_hold_more(engine, one_each, officer):
    office = one_each
    engine.update_office("T1", {"settings": {"counters_per_officer": 2}})
    c1, c2 = office["counters"][1], office["counters"][2]
    engine.set_counter_state(c1, "open", officer)
    assert engine.set_counter_state(c2, "open", officer)["state"] == "open"


def test_no_transfer_to_a_closed_counter(engine, office):
    c1, c2 = office["counters"][1], office["counters"][2]
    engine.set_counter_state(c1, "open")
    ticket = engine.issue("T1", "B")
    engine.call_next(c1)
    with pytest.raises(Conflict, match="Counter 2 is closed"):
        engine.transfer(ticket["id"], counter_id=c2)
    assert engine.ticket(ticket["id"])["status"] == "called"
    engine.set_counter_state(c2, "paused")
    assert engine.transfer(ticket["id"], counter_id=c2)["status"] == "waiting"
