"""Every action from every status: allowed ones move the ticket, refused ones change nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from server.engine import InvalidTransition
from server.models import TicketEvent

STATUSES = ["waiting", "called", "serving", "done", "no_show", "on_hold", "cancelled"]

# Hand-written from the design: action -> status it leads to, per starting status.
ALLOWED = {
    "call": {"waiting": "called"},
    "recall": {"called": "called"},
    "start": {"called": "serving"},
    "finish": {"serving": "done"},
    "no_show": {"called": "no_show"},
    "hold": {"called": "on_hold", "serving": "on_hold"},
    "resume": {"on_hold": "serving"},
    "transfer": {
        "waiting": "waiting",
        "called": "waiting",
        "serving": "waiting",
        "on_hold": "waiting",
    },
    "cancel": {"waiting": "cancelled", "called": "cancelled", "on_hold": "cancelled"},
    "requeue": {"no_show": "waiting"},
}


def ticket_in(engine, counters, status: str) -> int:
    """A ticket of field B brought to `status` through counter 1 (counter 2 stays free)."""
    ticket_id = engine.issue("T1", "B")["id"]
    if status == "waiting":
        return ticket_id
    if status == "cancelled":
        engine.cancel(ticket_id)
        return ticket_id
    engine.call_ticket(counters[1], ticket_id)
    engine.recall(ticket_id)  # so that no-show is allowed from "called"
    if status == "no_show":
        engine.no_show(ticket_id)
    elif status != "called":
        engine.start(ticket_id)
        if status == "done":
            engine.finish(ticket_id)
        elif status == "on_hold":
            engine.hold(ticket_id)
    assert engine.ticket(ticket_id)["status"] == status
    return ticket_id


def perform(engine, counters, action: str, ticket_id: int):
    if action == "call":
        return engine.call_ticket(counters[2], ticket_id)
    if action == "transfer":
        return engine.transfer(ticket_id, service_code="A")
    return getattr(engine, action)(ticket_id)


def event_count(db) -> int:
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(TicketEvent))


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("action", list(ALLOWED))
def test_action_from_status(engine, db, office, open_counters, action, status):
    ticket_id = ticket_in(engine, open_counters, status)
    before, events_before = engine.ticket(ticket_id), event_count(db)
    expected = ALLOWED[action].get(status)
    if expected is None:
        with pytest.raises(InvalidTransition, match=f"it is {status}"):
            perform(engine, open_counters, action, ticket_id)
        assert engine.ticket(ticket_id) == before
        assert event_count(db) == events_before
    else:
        result = perform(engine, open_counters, action, ticket_id)
        assert result["status"] == expected
        assert engine.ticket(ticket_id)["status"] == expected
        assert event_count(db) == events_before + 1


def test_no_show_needs_a_recall_first_where_the_office_says_so(engine, db, office, open_counters):
    engine.update_office("T1", {"recalls_before_no_show": 1})
    ticket_id = engine.issue("T1", "B")["id"]
    engine.call_ticket(open_counters[1], ticket_id)
    events_before = event_count(db)
    with pytest.raises(InvalidTransition, match="Recall 1001 at least 1"):
        engine.no_show(ticket_id)
    assert engine.ticket(ticket_id)["status"] == "called"
    assert event_count(db) == events_before


def test_resume_at_a_busy_counter_is_refused(engine, office, open_counters):
    held = ticket_in(engine, open_counters, "on_hold")
    engine.issue("T1", "B")
    engine.call_next(open_counters[1])
    from server.engine import Conflict

    with pytest.raises(Conflict, match="busy"):
        engine.resume(held)
    assert engine.resume(held, counter_id=open_counters[2])["status"] == "serving"


def test_every_change_writes_its_event_in_order(engine, db, office, open_counters):
    ticket_id = ticket_in(engine, open_counters, "done")
    with db.read() as session:
        kinds = session.scalars(
            select(TicketEvent.kind)
            .where(TicketEvent.ticket_id == ticket_id)
            .order_by(TicketEvent.id)
        ).all()
    assert kinds == ["issued", "called", "recalled", "started", "finished"]
