"""Redis stops in the middle of a working day and comes back: two `luot serve` processes on
one database, a private `redis-server` that the test kills and restarts, displays on both
processes. Every display must end with every call, and the log must not fill up."""

from __future__ import annotations

import time
import uuid

import pytest
import requests

from server.db import Database
from tests.factories import bearer, make_office, make_token
from tests.live_server import LiveServer, free_port
from tests.sio_client import Listener, close_all
from tests.waiting import wait_until

pytestmark = [pytest.mark.multiproc, pytest.mark.redis, pytest.mark.slow]


def codes_seen(display: Listener) -> set[str]:
    """What a board holds: the recent calls of its latest snapshot, plus every call event."""
    with display._changed:
        received = list(display.received)
    latest = None
    codes = set()
    for _at, name, data in received:
        if name in ("snapshot", "queue_changed") and "recent_calls" in data:
            latest = data
        elif name == "ticket_called":
            codes.add(data["code"])
    if latest:
        codes |= {call["code"] for call in latest["recent_calls"]}
    return codes


def health(server: LiveServer) -> int:
    return requests.get(server.url + "/healthz", timeout=5).status_code


def test_no_display_loses_a_call_across_a_redis_restart(database_url, tmp_path, private_redis):
    db = Database(database_url)
    office = make_office(db)
    token = make_token(db, "officer1")
    db.dispose()
    env = {"REDIS_URL": private_redis.url, "LUOT_SOCKETIO_CHANNEL": f"luot-{uuid.uuid4().hex}"}
    a = LiveServer(database_url, tmp_path / "a", free_port(), **env)
    b = LiveServer(database_url, tmp_path / "b", free_port(), **env)
    a.start()
    b.start()
    displays: list[Listener] = []
    try:
        for server in (a, b, a, b):
            display = Listener(server.url)
            assert display.join(office="T1")["ok"]
            displays.append(display)
        c1, c2 = office["counters"][1], office["counters"][2]
        for service in "AAAAABBBB":
            requests.post(
                f"{a.url}/api/v1/offices/T1/tickets", json={"service": service}, timeout=5
            ).raise_for_status()
        for server, counter in ((a, c1), (b, c2)):
            requests.post(
                f"{server.url}/api/v1/counters/{counter}/open", headers=bearer(token), timeout=5
            ).raise_for_status()
        called: list[str] = []

        def call(server: LiveServer, counter: int) -> None:
            answer = requests.post(
                f"{server.url}/api/v1/counters/{counter}/next", headers=bearer(token), timeout=10
            )
            answer.raise_for_status()
            ticket = answer.json()["ticket"]
            called.append(ticket["code"])
            # Answered: the counter's next "next" finishes it and calls the one after.
            requests.post(
                f"{server.url}/api/v1/tickets/{ticket['id']}/start",
                headers=bearer(token),
                timeout=10,
            ).raise_for_status()

        def every_display_has_every_call(what: str) -> None:
            wanted, start = set(called), time.monotonic()
            wait_until(
                lambda: all(codes_seen(d) >= wanted for d in displays),
                timeout=20,
                what=f"every display showing {sorted(wanted)} {what}",
            )
            print(
                f"\n{len(wanted)} calls on all {len(displays)} displays {what}: "
                f"{(time.monotonic() - start) * 1000:.0f} ms after the last call"
            )

        for server, counter in ((a, c1), (b, c2), (b, c1)):
            call(server, counter)
        every_display_has_every_call("before the outage")

        private_redis.kill()
        wait_until(lambda: health(a) == 503 and health(b) == 503, what="both report Redis down")
        for server, counter in ((a, c1), (b, c2), (b, c1)):
            call(server, counter)
        every_display_has_every_call("while Redis is down")

        private_redis.start()
        wait_until(
            lambda: health(a) == 200 and health(b) == 200, timeout=20, what="both healthy again"
        )
        for server, counter in ((a, c2), (b, c1), (a, c1)):
            call(server, counter)
        assert len(set(called)) == 9
        every_display_has_every_call("after Redis is back")
    finally:
        close_all(*displays)
        a.stop()
        b.stop()
    for server in (a, b):
        log = server.log.read_text()
        assert "Cannot publish" not in log, log[-3000:]
        assert "Cannot receive" not in log, log[-3000:]
        redis_lines = [line for line in log.splitlines() if "Redis" in line]
        assert 2 <= len(redis_lines) <= 4, redis_lines
