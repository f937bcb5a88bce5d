"""Signing in: password, throttling, session expiry, CSRF on cookie-authenticated calls."""

from __future__ import annotations

import datetime as dt

import pytest

from server.extensions import socketio
from tests.factories import make_token
from tests.signin import csrf_from
from tests.signin import post_sign_in as sign_in


@pytest.fixture
def officer(engine, office):
    make_token(engine.db, "lan")  # password "pw-lan"
    return "lan"


def test_sign_in_and_act_with_the_session(client, officer, office):
    response = sign_in(client, officer, "pw-lan")
    assert response.status_code == 302
    me = client.get("/api/v1/me").get_json()
    assert me["role"] == "officer" and [o["code"] for o in me["offices"]] == ["T1"]
    counter = office["counters"][1]
    # A state change through the cookie needs the page's CSRF token ...
    refused = client.post(f"/api/v1/counters/{counter}/open")
    assert refused.status_code == 400 and "CSRF" in refused.get_json()["message"]
    token = csrf_from(client, "/login")
    ok = client.post(f"/api/v1/counters/{counter}/open", headers={"X-CSRFToken": token})
    assert ok.status_code == 200 and ok.get_json()["officer"] == "lan"


def test_the_form_needs_its_csrf_token(client, officer):
    response = client.post("/login", data={"username": officer, "password": "pw-lan"})
    assert response.status_code == 400
    assert client.get("/api/v1/me").status_code == 401


def test_wrong_password_and_throttling(client, officer, engine):
    for _ in range(5):
        assert sign_in(client, officer, "wrong").status_code == 401
    # The sixth try is refused without looking at the password, even the right one.
    throttled = sign_in(client, officer, "pw-lan")
    assert throttled.status_code == 429
    assert "thử lại sau" in throttled.get_data(as_text=True)
    assert client.get("/api/v1/me").status_code == 401


def test_throttling_doubles_then_wears_off(engine, officer):
    from server.engine import credentials

    start = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)

    def attempt(password: str, minutes: float):
        with engine.db.write() as session:
            return credentials.sign_in(
                session, officer, password, "127.0.0.1", start + dt.timedelta(minutes=minutes)
            )

    for i in range(5):
        assert attempt("wrong", i * 0.1) is None
    with pytest.raises(credentials.Throttled):
        attempt("pw-lan", 0.5)  # within a minute of the fifth failure
    assert attempt("wrong", 1.5) is None  # a sixth failure: now two minutes
    with pytest.raises(credentials.Throttled):
        attempt("pw-lan", 3.0)
    assert attempt("pw-lan", 3.6).username == officer


def test_sessions_expire(app, client, officer):
    app.config["PERMANENT_SESSION_LIFETIME"] = dt.timedelta(seconds=-1)
    sign_in(client, officer, "pw-lan")
    assert client.get("/api/v1/me").status_code == 401


def test_logout(client, officer):
    sign_in(client, officer, "pw-lan")
    token = csrf_from(client, "/login")
    client.post("/logout", data={"csrf_token": token})
    assert client.get("/api/v1/me").status_code == 401


def test_only_local_redirects_after_sign_in(client, officer):
    token = csrf_from(client)
    response = client.post(
        "/login?next=https://evil.example/x",
        data={"username": officer, "password": "pw-lan", "csrf_token": token},
    )
    assert response.headers["Location"] == "/counter"  # an officer's own landing


def test_the_session_authenticates_the_socket(app, client, officer, office):
    sign_in(client, officer, "pw-lan")
    sio = socketio.test_client(app, flask_test_client=client)
    try:
        ack = sio.emit("join", {"counter": office["counters"][1]}, callback=True)
        assert ack["ok"], ack
    finally:
        sio.disconnect()
