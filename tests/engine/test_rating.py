"""Ratings: one per finished ticket, tied to counter and officer, on the office's scale."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from server.engine import Conflict, Invalid, InvalidTransition, credentials
from server.models import Rating, User


@pytest.fixture
def finished(engine, db, office, open_counters):
    with db.write() as session:
        officer = credentials.create_user(
            session, "lan", "officer", ["T1"], "x" * 8, "Trần Thị Lan"
        )
        officer_id = officer.id
    ticket = engine.issue("T1", "A")
    engine.call_next(open_counters[1], user_id=officer_id)
    engine.start(ticket["id"], user_id=officer_id)
    engine.finish(ticket["id"], user_id=officer_id)
    return ticket, officer_id


def test_a_rating_is_tied_to_ticket_counter_and_officer(engine, db, finished, open_counters):
    ticket, officer_id = finished
    result = engine.rate(ticket["token"], "unsatisfied", ["waiting", "attitude"], " Chờ lâu ")
    assert result == {
        "ticket": "A001",
        "level": "unsatisfied",
        "score": 0.0,
        "reasons": ["waiting", "attitude"],
        "channel": "phone",
    }
    with db.read() as session:
        rating = session.scalars(select(Rating)).one()
        assert (rating.counter_id, rating.officer_id) == (open_counters[1], officer_id)
        assert rating.comment == "Chờ lâu"


def test_one_rating_per_ticket(engine, finished):
    ticket, _ = finished
    engine.rate(ticket["token"], "very_satisfied")
    with pytest.raises(Conflict, match="rated already"):
        engine.rate(ticket["token"], "satisfied")


def test_only_finished_tickets_are_rated(engine, office):
    ticket = engine.issue("T1", "A")
    with pytest.raises(InvalidTransition, match="not finished"):
        engine.rate(ticket["token"], "satisfied")


@pytest.mark.parametrize(("level", "reasons"), [("great", []), ("satisfied", ["smell"])])
def test_unknown_levels_and_reasons_are_refused(engine, finished, level, reasons):
    ticket, _ = finished
    with pytest.raises(Invalid):
        engine.rate(ticket["token"], level, reasons)


def test_five_stars_when_the_office_says_so(engine, finished):
    engine.update_office("T1", {"settings": {"rating": {"preset": "five"}}})
    scale = engine.rating_scale("T1")
    assert [level["key"] for level in scale["levels"]] == ["5", "4", "3", "2", "1"]
    ticket, _ = finished
    assert engine.rate(ticket["token"], "4")["score"] == 0.75


def test_finishing_asks_the_counters_rating_tablet(engine, office, open_counters, published):
    ticket = engine.issue("T1", "A")
    engine.call_next(open_counters[1])
    engine.start(ticket["id"])
    published.clear()
    engine.finish(ticket["id"])
    (event,) = [e for e in published if e.name == "rating_requested"]
    assert event.rooms == (f"rating:{open_counters[1]}",)
    assert event.payload["token"] == ticket["token"] and event.payload["code"] == "A001"
    prompt = engine.rating_prompt(open_counters[1])
    assert prompt["pending"]["code"] == "A001"
    engine.rate(ticket["token"], "satisfied")
    assert engine.rating_prompt(open_counters[1])["pending"] is None


def test_the_officer_is_named_on_the_prompt(engine, db, finished, open_counters):
    prompt = engine.rating_prompt(open_counters[1])
    with db.read() as session:
        assert session.scalar(select(User.full_name)) == prompt["pending"]["officer"]
