"""Socket.IO rooms with Flask-SocketIO's test client: join → snapshot, events by room."""

from __future__ import annotations

import pytest

from server.extensions import socketio
from tests.factories import make_token


@pytest.fixture
def connect(app, client):
    clients = []

    def make(auth=None):
        sio = socketio.test_client(app, flask_test_client=client, auth=auth)
        clients.append(sio)
        return sio

    yield make
    for sio in clients:
        if sio.is_connected():
            sio.disconnect()


def received(sio, name: str) -> list[dict]:
    return [m["args"][0] for m in sio.get_received() if m["name"] == name]


def test_join_office_gets_a_snapshot(connect, office, client):
    client.post("/api/v1/offices/T1/tickets", json={"service": "A"})
    sio = connect()
    ack = sio.emit("join", {"office": "T1"}, callback=True)
    assert ack == {"ok": True, "room": "office:T1"}
    (snapshot,) = received(sio, "snapshot")
    assert snapshot["room"] == "office:T1"
    assert {s["code"]: s["waiting"] for s in snapshot["services"]} == {"A": 1, "B": 0}


def test_a_call_reaches_office_counter_and_only_its_own_ticket(connect, office, engine):
    token = make_token(engine.db, "officer1")
    mine = engine.issue("T1", "A")
    other = engine.issue("T1", "A")
    counter = office["counters"][1]
    engine.set_counter_state(counter, "open")

    display, console = connect(), connect({"token": token})
    phone, other_phone = connect(), connect()
    display.emit("join", {"office": "T1"}, callback=True)
    assert console.emit("join", {"counter": counter}, callback=True)["ok"]
    phone.emit("join", {"ticket": mine["token"]}, callback=True)
    other_phone.emit("join", {"ticket": other["token"]}, callback=True)
    for sio in (display, console, phone, other_phone):
        sio.get_received()

    engine.call_next(counter)
    for sio in (display, console, phone):
        (call,) = received(sio, "ticket_called")
        assert call["code"] == "A001" and call["counter"]["number"] == 1
    # The other phone hears only that its own place changed, never someone else's call.
    names = {m["name"] for m in other_phone.get_received()}
    assert "ticket_called" not in names
    assert names <= {"ticket_updated"}


def test_counter_room_needs_an_officer_of_the_office(connect, office, engine):
    counter = office["counters"][1]
    anonymous = connect()
    ack = anonymous.emit("join", {"counter": counter}, callback=True)
    assert ack["ok"] is False and ack["error"] == "forbidden"
    assert received(anonymous, "snapshot") == []


def test_a_wrong_token_is_refused_at_connect(connect, office):
    sio = connect({"token": "luot_wrong"})
    assert not sio.is_connected()


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"office": "NOPE"}, "not_found"),
        ({"ticket": "no-such-token"}, "not_found"),
        ({"counter": 999}, "not_found"),
        ({"counter": "1"}, "bad_request"),
        ({"office": "T1", "ticket": "x"}, "bad_request"),
        ("T1", "bad_request"),
        (None, "bad_request"),
    ],
)
def test_bad_joins_get_an_error_ack(connect, office, data, error):
    sio = connect()
    ack = sio.emit("join", data, callback=True)
    assert ack["ok"] is False and ack["error"] == error
    assert received(sio, "snapshot") == []


def test_leave_stops_the_events(connect, office, engine):
    sio = connect()
    sio.emit("join", {"office": "T1"}, callback=True)
    sio.emit("leave", {"office": "T1"}, callback=True)
    sio.get_received()
    engine.issue("T1", "A")
    assert sio.get_received() == []


def test_snapshots_sent_at_once_are_built_only_for_rooms_someone_is_in(connect, office, engine):
    """One process without Redis, no fan-out delay (the tests' setting): a write builds the
    office's and a counter's snapshots only when a client is in their room."""
    sent: list = []
    forward = engine.publish

    def publish(event) -> None:
        sent.append(event)
        forward(event)

    engine.publish = publish
    counter = office["counters"][1]
    engine.set_counter_state(counter, "open")
    engine.issue("T1", "A")
    assert [e for e in sent if e.name == "queue_changed"] == []

    display = connect()
    display.emit("join", {"office": "T1"}, callback=True)
    display.get_received()
    engine.issue("T1", "A")
    rooms = [e.rooms for e in sent if e.name == "queue_changed"]
    assert rooms == [("office:T1",)]  # the counter's room is still empty
    assert [
        m["args"][0]["waiting_total"]
        for m in display.get_received()
        if m["name"] == "queue_changed"
    ] == [2]
