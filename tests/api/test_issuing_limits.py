"""Issuing can't be used up by one client: offices issue to registered kiosks unless they
open issuing on purpose, rate limits count per device and per address, a manager cancels a
flood in one action, and an Idempotency-Key is bound to its caller and its request."""

from __future__ import annotations

import threading

import pytest

from server import current
from server.engine import credentials
from server.extensions import limiter
from server.web.rate_limit_storage import SweptMemoryStorage
from tests.factories import SMALL_OFFICE, bearer, make_office, make_token

ISSUE = "/api/v1/offices/T1/tickets"


def kiosk_token(engine, office="T1", kind="kiosk") -> str:
    with engine.db.write() as session:
        device = credentials.create_device(session, office, kind, f"{kind} sảnh", None)
        return credentials.create_token(session, device, kind)


def from_address(address: str) -> dict:
    return {"environ_base": {"REMOTE_ADDR": address}}


@pytest.fixture
def closed_office(engine):
    """An office as `luot serve` creates it: no `issuing` setting, so kiosks only."""
    return make_office(engine.db, settings={})


@pytest.fixture
def limited(make_app):
    """An app with rate limits on (memory storage), small enough to reach in a test."""
    app = make_app(
        "limited",
        RATELIMIT_ENABLED=True,
        ISSUE_LIMIT_ANONYMOUS="5 per minute",
        ISSUE_LIMIT_TRUSTED="8 per minute",
        RATELIMIT_DEFAULT="1000 per minute",
        WTF_CSRF_ENABLED=False,
    )
    make_office(current.database(app))
    return app


# -- who may issue


def test_by_default_only_registered_kiosks_and_staff_issue(client, engine, closed_office):
    refused = client.post(ISSUE, json={"service": "A"})
    assert refused.status_code == 401
    assert refused.get_json()["error"] == "kiosk_required"
    display = bearer(kiosk_token(engine, kind="display"))
    assert client.post(ISSUE, json={"service": "A"}, headers=display).status_code == 401
    kiosk = bearer(kiosk_token(engine))
    assert client.post(ISSUE, json={"service": "A"}, headers=kiosk).status_code == 201
    officer = bearer(make_token(engine.db, "officer1"))
    assert (
        client.post(ISSUE, json={"service": "B", "channel": "officer"}, headers=officer).status_code
        == 201
    )
    assert engine.snapshot("T1")["waiting_total"] == 2


def test_an_office_may_open_issuing_on_purpose(client, engine, closed_office):
    manager = bearer(make_token(engine.db, "boss", role="manager"))
    assert (
        client.patch(
            "/api/v1/offices/T1", headers=manager, json={"settings": {"issuing": "open"}}
        ).status_code
        == 200
    )
    assert client.post(ISSUE, json={"service": "A"}).status_code == 201
    assert (
        client.patch(
            "/api/v1/offices/T1", headers=manager, json={"settings": {"issuing": "kiosk"}}
        ).status_code
        == 200
    )
    assert client.post(ISSUE, json={"service": "A"}).status_code == 401


def test_the_demo_office_keeps_issuing_open():
    from server.ops.demo import DEMO_OFFICE

    assert DEMO_OFFICE["settings"]["issuing"] == "open"
    assert "issuing" not in {**SMALL_OFFICE, "settings": {}}["settings"]


# -- rate limits


def test_an_anonymous_address_is_limited_and_others_are_not(limited):
    client = limited.test_client()
    answers = [
        client.post(ISSUE, json={"service": "A"}, **from_address("10.0.0.9")).status_code
        for _ in range(7)
    ]
    assert answers == [201] * 5 + [429] * 2
    last = client.post(ISSUE, json={"service": "A"}, **from_address("10.0.0.9"))
    assert last.get_json()["error"] == "too_many_requests"
    assert int(last.headers["Retry-After"]) > 0
    assert client.post(ISSUE, json={"service": "A"}, **from_address("10.0.0.10")).status_code == 201
    engine = current.engine(limited)
    assert engine.snapshot("T1")["waiting_total"] == 6


def test_counting_starts_no_thread_per_request_and_a_window_still_ends(limited, monkeypatch):
    """limits' memory storage started a timer thread (a greenlet under gevent) on almost
    every counted request; ours sweeps inline, and a key's window still ends on time."""
    started: list[threading.Timer] = []
    start = threading.Timer.start
    monkeypatch.setattr(
        threading.Timer, "start", lambda timer: (started.append(timer), start(timer))
    )
    client = limited.test_client()
    for n in range(20):
        client.post(ISSUE, json={"service": "A"}, **from_address(f"10.0.1.{n}"))
    assert started == []
    with limited.app_context():
        assert isinstance(limiter.storage, SweptMemoryStorage)
    storage = SweptMemoryStorage("luot-memory://")
    now = [1000.0]
    monkeypatch.setattr("limits.storage.memory.time.time", lambda: now[0])
    assert [storage.incr("k", 60) for _ in range(3)] == [1, 2, 3]
    now[0] += 61
    assert storage.get("k") == 0 and storage.incr("k", 60) == 1


def test_a_flood_cannot_use_up_the_numbers_and_the_real_kiosk_still_issues(limited):
    """The reported attack: 4 threads trying for 999 tickets from one address."""
    engine = current.engine(limited)
    kiosk = bearer(kiosk_token(engine))
    results: list[int] = []
    lock = threading.Lock()

    def flood() -> None:
        client = limited.test_client()
        for _ in range(60):
            status = client.post(
                ISSUE, json={"service": "A"}, **from_address("203.0.113.5")
            ).status_code
            with lock:
                results.append(status)

    threads = [threading.Thread(target=flood) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count(201) == 5 and results.count(429) == 235
    client = limited.test_client()
    assert (
        client.post(
            ISSUE, json={"service": "A"}, headers=kiosk, **from_address("203.0.113.5")
        ).status_code
        == 201
    )


def test_a_registered_kiosk_has_its_own_limit(limited):
    engine = current.engine(limited)
    kiosk = bearer(kiosk_token(engine))
    client = limited.test_client()
    answers = [
        client.post(ISSUE, json={"service": "B"}, headers=kiosk).status_code for _ in range(9)
    ]
    assert answers == [201] * 8 + [429]
    assert client.post(ISSUE, json={"service": "B"}).status_code == 201


def test_scan_and_sign_in_are_limited_per_address(limited):
    limited.config.update(SCAN_LIMIT="3 per minute", SIGN_IN_LIMIT="3 per minute")
    client = limited.test_client()
    scans = [client.post("/kiosk/T1/scan", json={"payload": "x"}).status_code for _ in range(4)]
    assert scans == [400, 400, 400, 429]
    logins = [
        client.post("/login", data={"username": f"u{n}", "password": "x"}).status_code
        for n in range(4)
    ]
    assert logins == [401, 401, 401, 429]


def test_files_and_health_are_not_limited(limited):
    limited.config["RATELIMIT_DEFAULT"] = "2 per minute"
    client = limited.test_client()
    assert all(client.get("/healthz").status_code == 200 for _ in range(5))
    for _ in range(5):
        with client.get("/static/css/kiosk.css") as response:
            assert response.status_code == 200


# -- a flood is undone in one action


def test_a_manager_cancels_every_waiting_ticket_of_one_source(client, engine, office):
    kiosk = bearer(kiosk_token(engine))
    manager = bearer(make_token(engine.db, "boss", role="manager"))
    for _ in range(6):
        client.post(ISSUE, json={"service": "A"}, **from_address("198.51.100.7"))
    real = client.post(ISSUE, json={"service": "A"}, headers=kiosk).get_json()
    sources = client.get("/api/v1/offices/T1/sources", headers=manager).get_json()
    assert [(s["source"], s["issued"], s["waiting"]) for s in sources] == [
        ("addr:198.51.100.7", 6, 6),
        (f"device:{real['kiosk']}", 1, 1),
    ]
    assert sources[0]["label"] == "198.51.100.7"
    assert sources[1]["label"] == "kiosk sảnh"

    done = client.post(
        "/api/v1/offices/T1/sources/cancel", headers=manager, json={"source": "addr:198.51.100.7"}
    )
    assert done.get_json() == {"source": "addr:198.51.100.7", "cancelled": 6}
    snapshot = engine.snapshot("T1")
    assert snapshot["waiting_total"] == 1
    assert client.get(f"/api/v1/tickets/{real['token']}").get_json()["status"] == "waiting"
    audit = client.get("/api/v1/offices/T1/audit", headers=manager).get_json()
    assert audit[0]["action"] == "tickets.cancel_source"
    assert audit[0]["after"] == {"cancelled": 6}


def test_only_managers_cancel_a_source(client, engine, office):
    officer = bearer(make_token(engine.db, "officer1"))
    client.post(ISSUE, json={"service": "A"})
    for headers in ({}, officer):
        response = client.post(
            "/api/v1/offices/T1/sources/cancel", headers=headers, json={"source": "addr:127.0.0.1"}
        )
        assert response.status_code in (401, 403)
    assert engine.snapshot("T1")["waiting_total"] == 1


# -- Idempotency-Key bound to the caller and the request


def test_a_key_replays_only_for_the_same_caller_and_request(client, engine, office):
    key = {"Idempotency-Key": "kiosk-retry-0001"}
    first = client.post(ISSUE, json={"service": "A"}, headers=key, **from_address("10.1.1.1"))
    again = client.post(ISSUE, json={"service": "A"}, headers=key, **from_address("10.1.1.1"))
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json()["token"] == first.get_json()["token"]

    other_body = client.post(ISSUE, json={"service": "B"}, headers=key, **from_address("10.1.1.1"))
    assert other_body.status_code == 422
    assert other_body.get_json()["error"] == "idempotency_key_reused"

    stranger = client.post(ISSUE, json={"service": "A"}, headers=key, **from_address("10.6.6.6"))
    assert stranger.status_code == 201
    assert "Idempotent-Replayed" not in stranger.headers
    assert stranger.get_json()["token"] != first.get_json()["token"]
    assert engine.snapshot("T1")["waiting_total"] == 2


def test_a_replayed_key_never_hands_out_a_citizens_ticket(client, engine, office):
    """The reported leak: a kiosk's ticket with the citizen's name and last ID digits went
    to an anonymous caller who sent the same key with another body."""
    from server.engine import Citizen
    from server.web.citizen_tokens import sign_citizen

    kiosk = bearer(kiosk_token(engine))
    with client.application.app_context():
        scan = sign_citizen("T1", Citizen(name="Nguyễn Văn An", id_hash="h" * 64, id_last4="1234"))
    key = {"Idempotency-Key": "shared-key-0001"}
    mine = client.post(ISSUE, json={"service": "A", "citizen": scan}, headers={**kiosk, **key})
    assert mine.get_json()["citizen_name"] == "Nguyễn Văn An"
    for address, body in (
        ("10.2.2.2", {"service": "A"}),
        ("10.3.3.3", {"service": "A", "citizen": scan}),
    ):
        other = client.post(ISSUE, json=body, headers=key, **from_address(address))
        assert other.status_code == 201, other.get_json()
        assert "Idempotent-Replayed" not in other.headers
        assert other.get_json()["token"] != mine.get_json()["token"]
        # Only a caller who brought the citizen's own signed scan gets their name on a ticket.
        assert other.get_json()["citizen_name"] == ("Nguyễn Văn An" if "citizen" in body else None)


def test_with_redis_away_limits_fall_back_to_memory_and_issuing_goes_on(make_app):
    from tests.live_server import free_port

    app = make_app(
        "noredis",
        RATELIMIT_ENABLED=True,
        ISSUE_LIMIT_ANONYMOUS="3 per minute",
        RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{free_port()}/0",
        RATELIMIT_STORAGE_OPTIONS={"socket_connect_timeout": 0.2},
    )
    make_office(current.database(app))
    client = app.test_client()
    answers = [client.post(ISSUE, json={"service": "A"}).status_code for _ in range(4)]
    assert answers == [201, 201, 201, 429]
