"""Messages about tickets: "called" to a citizen who booked, "your turn is near" once to
those with an appointment whose place in line reaches the office's `near_ahead`."""

from __future__ import annotations

from server.models import Ticket
from tests.messaging.conftest import all_messages, make_appointment


def check_in(db, engine, office, service: str = "A", **appointment) -> dict:
    """A ticket carrying an appointment (what check-in at the kiosk will do)."""
    ticket = engine.issue("T1", service)
    appointment_id = make_appointment(db, office, **appointment)
    with db.write() as session:
        session.get(Ticket, ticket["id"]).appointment_id = appointment_id
    return ticket


def test_called_and_turn_near(db, engine, office, clock):
    engine.set_counter_state(office["counters"][1], "open")
    first = check_in(db, engine, office, code="AP1")
    walk_ins = [engine.issue("T1", "A") for _ in range(4)]
    near = check_in(db, engine, office, code="AP2")  # 5 ahead now
    far = check_in(db, engine, office, code="AP3", consent=False)
    assert all_messages(db) == []

    called = engine.call_next(office["counters"][1])  # AP2: 4 ahead, more than 3
    assert called["id"] == first["id"]
    messages = all_messages(db)
    assert [(m.kind, m.ticket_id) for m in messages] == [("called", first["id"])]
    assert messages[0].body == "Trung tâm Phục vụ hành chính công xã Thử: mời số A001 đến Quầy 1."

    engine.call_next(office["counters"][1])  # a walk-in: AP2 has 3 ahead now
    kinds = [(m.kind, m.ticket_id) for m in all_messages(db)]
    assert kinds[1:] == [("turn_near", near["id"])]
    assert "còn 3 người trước" in all_messages(db)[1].body
    engine.call_next(office["counters"][1])  # 2 ahead: no second "turn near"
    assert len(all_messages(db)) == 2
    assert far["id"] not in {m.ticket_id for m in all_messages(db)}  # no consent
    assert walk_ins


def test_nothing_looked_at_when_the_channel_is_off(db, engine, office, monkeypatch):
    from server.engine import steps
    from tests.messaging.conftest import set_channel

    set_channel(db, "T1", "off")
    engine.set_counter_state(office["counters"][1], "open")
    check_in(db, engine, office)
    seen: list[object] = []
    monkeypatch.setattr(steps, "call_messages", lambda *args: seen.append(args))
    engine.call_next(office["counters"][1])
    assert seen == [] and all_messages(db) == []
