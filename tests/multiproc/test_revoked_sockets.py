"""Revocation reaches sockets of every process: an officer deactivated through process A
is disconnected from process B, and receives no more snapshots with citizens' names."""

from __future__ import annotations

import uuid

import pytest
import requests

from server.db import Database
from tests.factories import bearer, make_office, make_token
from tests.live_server import LiveServer, free_port
from tests.sio_client import Listener
from tests.waiting import wait_until

pytestmark = [pytest.mark.multiproc, pytest.mark.redis, pytest.mark.slow]


def test_a_deactivated_officer_is_cut_off_on_the_other_process(redis_url, database_url, tmp_path):
    db = Database(database_url)
    office = make_office(db)
    officer = make_token(db, "lan")
    admin = make_token(db, "root", role="admin", offices=())
    db.dispose()
    env = {"REDIS_URL": redis_url, "LUOT_SOCKETIO_CHANNEL": f"luot-test-{uuid.uuid4().hex}"}
    a, b = (LiveServer(database_url, tmp_path / n, free_port(), **env) for n in "ab")
    a.start()
    b.start()
    console = None
    try:
        console = Listener(b.url, auth={"token": officer})
        counter = office["counters"][1]
        assert console.join(counter=counter)["ok"]
        users = requests.get(f"{a.url}/api/v1/users", headers=bearer(admin), timeout=5).json()
        lan = next(u for u in users if u["username"] == "lan")
        changed = requests.patch(
            f"{a.url}/api/v1/users/{lan['id']}",
            headers=bearer(admin),
            json={"active": False},
            timeout=5,
        )
        assert changed.status_code == 200
        wait_until(lambda: not console.client.connected, what="B closing the socket")
        seen = len(console.received)
        requests.post(f"{a.url}/api/v1/offices/T1/tickets", json={"service": "A"}, timeout=5)
        requests.post(f"{b.url}/api/v1/offices/T1/tickets", json={"service": "B"}, timeout=5)
        assert len(console.received) == seen
    finally:
        if console is not None and console.client.connected:
            console.close()
        a.stop()
        b.stop()
