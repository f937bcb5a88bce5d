"""Several `luot serve` processes on one database (and Redis): numbering stays unique and
gapless, and a call made through one process reaches clients of the other."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis
import requests

from server.db import Database
from tests.factories import bearer, make_office, make_token
from tests.live_server import LiveServer, free_port
from tests.sio_client import Listener, close_all
from tests.waiting import wait_until

pytestmark = pytest.mark.multiproc

TICKETS, CLIENTS = 500, 16


@pytest.fixture
def seeded(database_url):
    db = Database(database_url)
    office = make_office(db)
    token = make_token(db, "officer1")
    db.dispose()
    return office, token


@pytest.fixture
def redis_env(redis_url):
    return {"REDIS_URL": redis_url, "LUOT_SOCKETIO_CHANNEL": f"luot-test-{uuid.uuid4().hex}"}


@pytest.fixture
def servers(database_url, tmp_path, redis_env):
    """Two processes on the same database, sharing events through Redis (without it, the
    second refuses to start: tests/multiproc/test_process_liveness.py)."""
    started = []
    for name in ("a", "b"):
        server = LiveServer(database_url, tmp_path / name, free_port(), **redis_env)
        server.start()
        started.append(server)
    yield started
    for server in started:
        server.stop()


def issue_concurrently(urls: list[str]) -> list[tuple[str, int]]:
    local = threading.local()

    def take(i: int) -> tuple[str, int]:
        if not hasattr(local, "session"):
            local.session = requests.Session()
        service = "A" if i % 2 else "B"
        url = urls[i % len(urls)] + "/api/v1/offices/T1/tickets"
        response = local.session.post(url, json={"service": service}, timeout=30)
        assert response.status_code == 201, response.text
        return service, response.json()["number"]

    with ThreadPoolExecutor(CLIENTS) as pool:
        return list(pool.map(take, range(TICKETS)))


def assert_unique_and_gapless(results: list[tuple[str, int]]) -> None:
    a = sorted(n for s, n in results if s == "A")
    b = sorted(n for s, n in results if s == "B")
    assert a == list(range(1, TICKETS // 2 + 1))
    assert b == list(range(1001, 1001 + TICKETS // 2))


def test_one_process_sixteen_clients(live_server, seeded):
    assert_unique_and_gapless(issue_concurrently([live_server.url]))


@pytest.mark.redis
def test_two_processes_share_the_numbering(servers, seeded):
    assert_unique_and_gapless(issue_concurrently([s.url for s in servers]))


@pytest.mark.redis
def test_two_officers_on_two_processes_never_get_the_same_citizen(servers, seeded):
    office, token = seeded
    a, b = servers
    for server, counter in ((a, 1), (b, 2)):
        requests.post(
            f"{server.url}/api/v1/counters/{office['counters'][counter]}/open",
            headers=bearer(token),
            timeout=5,
        )
    for _ in range(60):
        requests.post(f"{a.url}/api/v1/offices/T1/tickets", json={"service": "B"}, timeout=5)

    def officer(server: LiveServer, counter_id: int) -> list[int]:
        session, got = requests.Session(), []
        while True:
            body = session.post(
                f"{server.url}/api/v1/counters/{counter_id}/next", headers=bearer(token), timeout=30
            ).json()
            if body["ticket"] is None:
                return got
            got.append(body["ticket"]["id"])
            session.post(
                f"{server.url}/api/v1/tickets/{body['ticket']['id']}/start",
                headers=bearer(token),
                timeout=30,
            )

    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(officer, a, office["counters"][1])
        second = pool.submit(officer, b, office["counters"][2])
        got_a, got_b = first.result(), second.result()
    assert not set(got_a) & set(got_b)
    assert len(got_a) + len(got_b) == 60


@pytest.mark.redis
def test_a_call_through_one_process_reaches_clients_of_the_other(
    redis_env, database_url, tmp_path, seeded
):
    office, token = seeded
    a = LiveServer(database_url, tmp_path / "a", free_port(), **redis_env)
    b = LiveServer(database_url, tmp_path / "b", free_port(), **redis_env)
    a.start()
    b.start()
    display = None
    try:
        display = Listener(a.url)
        assert display.join(office="T1")["ok"]
        display.wait_for("snapshot")
        # Process A subscribes to the Redis channel in the background after its first
        # client: what is published before that reaches nobody (the snapshot covers it).
        channel = redis_env["LUOT_SOCKETIO_CHANNEL"]
        queue = redis.Redis.from_url(redis_env["REDIS_URL"])
        wait_until(
            lambda: dict(queue.pubsub_numsub(channel)).get(channel.encode(), 0) >= 1,
            what="process A listening on Redis",
        )
        counter = office["counters"][1]
        requests.post(f"{b.url}/api/v1/offices/T1/tickets", json={"service": "A"}, timeout=5)
        requests.post(f"{b.url}/api/v1/counters/{counter}/open", headers=bearer(token), timeout=5)
        requests.post(f"{b.url}/api/v1/counters/{counter}/next", headers=bearer(token), timeout=5)
        call = display.wait_for("ticket_called")
        assert (call["code"], call["counter"]["number"]) == ("A001", 1)
        snapshot = display.wait_for("queue_changed", lambda s: s["recent_calls"])
        assert snapshot["recent_calls"][0]["code"] == "A001"
    finally:
        if display:
            close_all(display)
        a.stop()
        b.stop()


@pytest.mark.redis
def test_counter_screens_and_phones_on_the_other_process_follow_its_writes(
    servers, seeded, redis_env
):
    """Each process builds counter and phone snapshots for its own sockets, from the
    refresh the writing process shares through Redis."""
    office, token = seeded
    a, b = servers
    counter = office["counters"][2]
    first = requests.post(f"{b.url}/api/v1/offices/T1/tickets", json={"service": "B"}, timeout=5)
    second = requests.post(f"{b.url}/api/v1/offices/T1/tickets", json={"service": "B"}, timeout=5)
    console = Listener(a.url, auth={"token": token})
    phone = Listener(a.url)
    try:
        assert console.join(counter=counter)["ok"]
        assert phone.join(ticket=second.json()["token"])["ok"]
        channel = redis_env["LUOT_SOCKETIO_CHANNEL"] + ":refresh"
        queue = redis.Redis.from_url(redis_env["REDIS_URL"])
        wait_until(
            lambda: dict(queue.pubsub_numsub(channel)).get(channel.encode(), 0) >= 1,
            what="process A listening for shared refreshes",
        )
        requests.post(f"{b.url}/api/v1/counters/{counter}/open", headers=bearer(token), timeout=5)
        requests.post(f"{b.url}/api/v1/counters/{counter}/next", headers=bearer(token), timeout=5)
        view = console.wait_for("queue_changed", lambda s: s.get("current"))
        assert view["current"]["code"] == first.json()["code"]
        assert [t["code"] for t in view["waiting"]] == [second.json()["code"]]
        moved = phone.wait_for("ticket_updated", lambda t: t["ticket"]["position"] == 1)
        assert moved["ticket"]["code"] == second.json()["code"]
    finally:
        close_all(console, phone)
