"""A running `luot serve` (gevent) driven over HTTP and real Socket.IO clients."""

from __future__ import annotations

import pytest
import requests

from tests.factories import bearer, make_office, make_token
from tests.sio_client import Listener, close_all

pytestmark = pytest.mark.multiproc


@pytest.fixture
def setup(live_server, database_url):
    from server.db import Database

    db = Database(database_url)
    office = make_office(db)
    token = make_token(db, "officer1")
    db.dispose()
    return live_server, office, token


def test_snapshot_on_join_and_call_reaches_display_counter_and_phone(setup):
    server, office, token = setup
    counter = office["counters"][1]
    api = server.url + "/api/v1"
    mine = requests.post(f"{api}/offices/T1/tickets", json={"service": "A"}, timeout=5).json()
    other = requests.post(f"{api}/offices/T1/tickets", json={"service": "A"}, timeout=5).json()
    requests.post(f"{api}/counters/{counter}/open", headers=bearer(token), timeout=5)

    display = Listener(server.url)
    console = Listener(server.url, auth={"token": token})
    phone = Listener(server.url)
    other_phone = Listener(server.url)
    try:
        assert display.join(office="T1")["ok"]
        snapshot = display.wait_for("snapshot")
        assert {s["code"]: s["waiting"] for s in snapshot["services"]}["A"] == 2
        assert console.join(counter=counter)["ok"]
        assert [t["code"] for t in console.wait_for("snapshot")["waiting"]] == ["A001", "A002"]
        assert phone.join(ticket=mine["token"])["ok"]
        assert phone.wait_for("snapshot")["ticket"]["position"] == 1
        assert other_phone.join(ticket=other["token"])["ok"]
        other_phone.wait_for("snapshot")

        response = requests.post(f"{api}/counters/{counter}/next", headers=bearer(token), timeout=5)
        assert response.json()["ticket"]["code"] == "A001"
        for listener in (display, console, phone):
            call = listener.wait_for("ticket_called")
            assert (call["code"], call["counter"]["number"]) == ("A001", 1)
        # The display's snapshot follows; the other phone learns its new place only.
        display.wait_for("queue_changed", lambda s: s["recent_calls"])
        moved = other_phone.wait_for("ticket_updated", lambda d: d["ticket"]["position"] == 1)
        assert moved["ticket"]["code"] == "A002"
        assert other_phone.events("ticket_called") == []
    finally:
        close_all(display, console, phone, other_phone)
