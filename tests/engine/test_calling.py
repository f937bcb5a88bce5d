"""Who "next" calls: the counter's fields, priority first, the interleave cap, transfers."""

from __future__ import annotations

import pytest

from server.engine import Conflict, InvalidTransition
from tests.factories import make_office


def codes_called(engine, counter_id: int, times: int) -> list[str]:
    """Call `times` tickets in a row at one counter, serving each briefly."""
    called = []
    for _ in range(times):
        ticket = engine.call_next(counter_id)
        if ticket is None:
            break
        called.append(ticket["code"])
        engine.start(ticket["id"])
    return called


def test_call_next_takes_oldest_of_the_counters_fields(engine, office, open_counters, clock):
    engine.issue("T1", "B")  # 1001
    clock.advance(minutes=1)
    engine.issue("T1", "A")  # A001
    clock.advance(minutes=1)
    engine.issue("T1", "B")  # 1002
    # Counter 2 serves only B; counter 1 serves A and B, by issue time.
    assert codes_called(engine, open_counters[2], 1) == ["1001"]
    assert codes_called(engine, open_counters[1], 2) == ["A001", "1002"]
    assert engine.call_next(open_counters[1]) is None


def test_priority_goes_first_within_the_counters_fields(engine, office, open_counters, clock):
    engine.issue("T1", "A")
    clock.advance(minutes=1)
    engine.issue("T1", "A", priority="elderly")
    assert codes_called(engine, open_counters[1], 2) == ["A002", "A001"]


@pytest.mark.parametrize(
    ("limit", "expected"),
    [
        (2, ["A001", "A002", "A005", "A003", "A004", "A006"]),
        (1, ["A001", "A005", "A002", "A006", "A003", "A004"]),
        (None, ["A001", "A002", "A003", "A004", "A005", "A006"]),
    ],
)
def test_interleave_cap_lets_ordinary_tickets_move(engine, db, clock, limit, expected):
    office = make_office(db, code="T2", priority_streak_limit=limit)
    engine.set_counter_state(office["counters"][1], "open")
    for _ in range(4):
        engine.issue("T2", "A", priority="pregnant")  # A001..A004
        clock.advance(seconds=10)
    for _ in range(2):
        engine.issue("T2", "A")  # A005, A006
        clock.advance(seconds=10)
    assert codes_called(engine, office["counters"][1], 6) == expected


def test_priority_calls_without_ordinary_waiting_do_not_count(engine, db, clock):
    """The cap is about ordinary tickets waiting: none waited, so no streak builds up."""
    office = make_office(db, code="T3", priority_streak_limit=1)
    counter = office["counters"][1]
    engine.set_counter_state(counter, "open")
    engine.issue("T3", "A", priority="elderly")
    engine.issue("T3", "A", priority="elderly")
    assert codes_called(engine, counter, 2) == ["A001", "A002"]
    engine.issue("T3", "A", priority="elderly")  # A003
    engine.issue("T3", "A")  # A004
    assert codes_called(engine, counter, 2) == ["A003", "A004"]


def test_next_finishes_the_ticket_being_served(engine, office, open_counters):
    first = engine.issue("T1", "A")
    engine.issue("T1", "A")
    called = engine.call_next(open_counters[1])
    engine.start(called["id"])
    engine.call_next(open_counters[1])
    assert engine.ticket(first["id"])["status"] == "done"


def test_next_is_refused_while_a_called_ticket_is_unanswered(engine, office, open_counters):
    engine.issue("T1", "A")
    engine.issue("T1", "A")
    engine.call_next(open_counters[1])
    with pytest.raises(InvalidTransition, match="has called A001"):
        engine.call_next(open_counters[1])


@pytest.mark.parametrize("state", ["paused", "closed"])
def test_a_counter_that_is_not_open_cannot_call(engine, office, state):
    counter = office["counters"][1]
    engine.set_counter_state(counter, "open")
    engine.set_counter_state(counter, state)
    engine.issue("T1", "A")
    with pytest.raises(Conflict, match=f"is {state}"):
        engine.call_next(counter)


def test_closing_a_busy_counter_is_refused(engine, office, open_counters):
    engine.issue("T1", "A")
    engine.call_next(open_counters[1])
    with pytest.raises(Conflict, match="still has A001"):
        engine.set_counter_state(open_counters[1], "closed")


def test_call_out_of_order_is_recorded(engine, office, open_counters, db):
    engine.issue("T1", "B")
    second = engine.issue("T1", "B")
    called = engine.call_ticket(open_counters[2], second["id"])
    assert called["code"] == "1002"
    from sqlalchemy import select

    from server.models import TicketEvent

    with db.read() as session:
        event = session.scalars(
            select(TicketEvent).where(
                TicketEvent.ticket_id == second["id"], TicketEvent.kind == "called"
            )
        ).one()
    assert event.data == {"out_of_order": True}


def test_transfer_to_another_field_keeps_the_place(engine, office, open_counters, clock):
    a = engine.issue("T1", "A")  # 08:00
    clock.advance(minutes=5)
    engine.issue("T1", "B")  # 1001 at 08:05
    clock.advance(minutes=5)
    called = engine.call_next(open_counters[1])
    assert called["code"] == "A001"
    engine.start(a["id"])
    moved = engine.transfer(a["id"], service_code="B")
    assert moved["status"] == "waiting"
    assert moved["position"] == 1  # queued at 08:00, ahead of 1001 from 08:05
    assert codes_called(engine, open_counters[2], 2) == ["A001", "1001"]


def test_transfer_to_the_back_when_the_office_says_so(engine, db, clock):
    office = make_office(db, code="T4", transfer_keeps_place=False)
    for counter in office["counters"].values():
        engine.set_counter_state(counter, "open")
    a = engine.issue("T4", "A")
    clock.advance(minutes=5)
    engine.issue("T4", "B")
    clock.advance(minutes=5)
    engine.call_next(office["counters"][1])
    engine.transfer(a["id"], service_code="B")
    assert codes_called(engine, office["counters"][2], 2) == ["1001", "A001"]


def test_transfer_to_a_counter_only_that_counter_calls_it(engine, office, open_counters, clock):
    ticket = engine.issue("T1", "B")
    engine.call_next(open_counters[2])
    engine.transfer(ticket["id"], counter_id=open_counters[1])
    clock.advance(minutes=1)
    engine.issue("T1", "B")  # 1002
    assert codes_called(engine, open_counters[2], 1) == ["1002"]
    assert codes_called(engine, open_counters[1], 1) == ["1001"]


def test_no_show_can_come_back_the_same_day_at_its_place(engine, office, open_counters, clock):
    first = engine.issue("T1", "B")
    clock.advance(minutes=1)
    engine.issue("T1", "B")
    engine.call_next(open_counters[2])
    engine.recall(first["id"])
    assert engine.no_show(first["id"])["status"] == "no_show"
    back = engine.requeue(first["id"])
    assert (back["status"], back["position"]) == ("waiting", 1)


def test_a_no_show_from_yesterday_cannot_come_back(engine, office, open_counters, clock):
    ticket = engine.issue("T1", "B")
    engine.call_next(open_counters[2])
    engine.recall(ticket["id"])
    engine.no_show(ticket["id"])
    clock.advance(days=1)
    with pytest.raises(InvalidTransition, match="take a new ticket"):
        engine.requeue(ticket["id"])


def test_two_officers_calling_at_once_never_get_the_same_citizen(engine, office, open_counters):
    """Threads hammer "next" at two counters serving the same field."""
    import threading

    for _ in range(100):
        engine.issue("T1", "B")
    got: dict[int, list[int]] = {1: [], 2: []}
    # Both press "next" at the same moment, round after round: on a loaded machine one
    # thread could otherwise drain the queue before the other ever got the lock.
    rounds = threading.Barrier(2, timeout=30)

    def officer(number: int) -> None:
        while True:
            rounds.wait()
            ticket = engine.call_next(open_counters[number])
            if ticket is None:
                return
            got[number].append(ticket["id"])
            engine.start(ticket["id"])

    threads = [threading.Thread(target=officer, args=(n,)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not set(got[1]) & set(got[2])
    assert len(got[1]) + len(got[2]) == 100
    assert got[1] and got[2]  # both counters really worked in parallel
