"""What the engine publishes: after the commit, to the right rooms, and never undoing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from server.engine import InvalidTransition
from server.models import Ticket


def names(events) -> list[tuple[str, tuple[str, ...]]]:
    return [(e.name, e.rooms) for e in events]


def test_issue_publishes_to_the_office_and_the_ticket(engine, office, published):
    ticket = engine.issue("T1", "A")
    assert names(published) == [
        ("ticket_issued", ("office:T1", f"ticket:{ticket['token']}")),
    ]
    payload = published[0].payload["ticket"]
    assert payload["code"] == "A001" and "token" not in payload and "id" not in payload


def test_call_reaches_office_counter_and_ticket(engine, office, open_counters, published):
    ticket = engine.issue("T1", "A")
    published.clear()
    engine.call_next(open_counters[1])
    called = [e for e in published if e.name == "ticket_called"]
    assert len(called) == 1
    assert set(called[0].rooms) == {
        "office:T1",
        f"counter:{open_counters[1]}",
        f"ticket:{ticket['token']}",
    }
    payload = called[0].payload
    assert payload["code"] == "A001"
    assert payload["counter"] == {"id": open_counters[1], "number": 1, "name": "Quầy 1"}
    assert payload["recall"] is False and payload["call_id"] > 0


def test_refresh_snapshots_and_new_places(engine, office, open_counters, refreshes, clock):
    first = engine.issue("T1", "B")
    second = engine.issue("T1", "B")
    refreshes.clear()
    engine.call_next(open_counters[2])
    (refresh,) = refreshes
    events = list(engine.refresh_events(refresh))
    by_room = {room: e for e in events for room in e.rooms}
    office_view = by_room["office:T1"].payload
    assert office_view["recent_calls"][0]["code"] == "1001"
    assert {s["code"]: s["waiting"] for s in office_view["services"]} == {"A": 0, "B": 1}
    counter_view = by_room[f"counter:{open_counters[2]}"].payload
    assert counter_view["current"]["code"] == "1001"
    assert [t["code"] for t in counter_view["waiting"]] == ["1002"]
    # The ticket still waiting moved up: its phone hears about it; the called one doesn't.
    moved = by_room[f"ticket:{second['token']}"].payload["ticket"]
    assert (moved["position"], moved["status"]) == (1, "waiting")
    assert f"ticket:{first['token']}" not in by_room


def test_a_refresh_builds_only_for_rooms_someone_is_in(engine, office, open_counters, refreshes):
    """One process without Redis knows every room's members: a counter screen nobody
    watches, or a ticket no phone follows, gets nothing built after a call."""
    engine.issue("T1", "B")
    followed, unfollowed = engine.issue("T1", "B"), engine.issue("T1", "B")
    refreshes.clear()
    engine.call_next(open_counters[2])
    (refresh,) = refreshes
    present = {f"ticket:{followed['token']}"}
    rooms = [room for e in engine.refresh_events(refresh, present.__contains__) for room in e.rooms]
    assert rooms == ["office:T1", f"ticket:{followed['token']}"]
    moved = next(
        e
        for e in engine.refresh_events(refresh, present.__contains__)
        if e.name == "ticket_updated"
    )
    assert moved.payload["ticket"]["position"] == 1
    assert f"ticket:{unfollowed['token']}" in [
        room for e in engine.refresh_events(refresh) for room in e.rooms
    ]


def test_refused_action_publishes_nothing(engine, office, published, refreshes):
    ticket = engine.issue("T1", "A")
    published.clear()
    refreshes.clear()
    with pytest.raises(InvalidTransition):
        engine.finish(ticket["id"])
    assert published == [] and refreshes == []


def test_a_failing_publisher_never_loses_the_ticket(engine, office, db):
    def broken(event):
        raise ConnectionError("redis is gone")

    engine.publish = broken
    ticket = engine.issue("T1", "A")
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(Ticket)) == 1
    assert engine.ticket(ticket["id"])["code"] == "A001"


def test_dossier_code_is_validated(engine, office):
    ticket = engine.issue("T1", "A")
    good = engine.attach_dossier(ticket["id"], " 000.00.23.h26-250715-0001 ", note="CMND cũ")
    assert good["dossier_code"] == "000.00.23.H26-250715-0001"
    assert good["note"] == "CMND cũ"
    from server.engine import Invalid

    for bad in ["000.00.23.H26-251315-0001", "H26-250715-0001", "000.00.23.H26-250715-01"]:
        with pytest.raises(Invalid, match="V1V2V3"):
            engine.attach_dossier(ticket["id"], bad)
    assert engine.ticket(ticket["id"])["dossier_code"] == "000.00.23.H26-250715-0001"
