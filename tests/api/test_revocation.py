"""Sessions and tokens end when they should, on the server: after sign-out (a replayed
cookie opens nothing), a password change, deactivation, or revocation by an admin; and the
sockets that signed in with them are closed."""

from __future__ import annotations

import pytest

from server import current
from server.engine import credentials
from server.extensions import socketio
from tests.factories import bearer, make_token
from tests.signin import csrf_from
from tests.signin import post_sign_in as sign_in
from tests.waiting import wait_until


@pytest.fixture
def officer(engine, office):
    """Officer `lan` (password pw-lan) with a bearer token; returns (user id, token)."""
    token = make_token(engine.db, "lan")
    user_id = next(u["id"] for u in engine.users() if u["username"] == "lan")
    return user_id, token


def session_cookie(client) -> str:
    return client.get_cookie("session").value


def with_cookie(app, value: str):
    other = app.test_client()
    other.set_cookie("session", value)
    return other


def test_a_cookie_replayed_after_sign_out_opens_nothing(app, client, officer):
    assert sign_in(client, "lan", "pw-lan").status_code == 302
    stolen = session_cookie(client)
    assert with_cookie(app, stolen).get("/api/v1/me").status_code == 200
    client.post("/logout", data={"csrf_token": csrf_from(client, "/login")})
    replay = with_cookie(app, stolen)
    assert replay.get("/api/v1/me").status_code == 401
    page = replay.get("/counter")
    assert page.status_code == 302 and "/login" in page.headers["Location"]


def test_a_password_change_ends_tokens_and_other_sessions(app, client, engine, admin, officer):
    user_id, token = officer
    assert sign_in(client, "lan", "pw-lan").status_code == 302
    cookie = session_cookie(client)
    changed = client.patch(
        f"/api/v1/users/{user_id}", headers=admin, json={"password": "mat-khau-moi-dai"}
    )
    assert changed.status_code == 200
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401
    assert with_cookie(app, cookie).get("/api/v1/me").status_code == 401
    fresh = app.test_client()
    assert sign_in(fresh, "lan", "mat-khau-moi-dai").status_code == 302
    assert fresh.get("/api/v1/me").status_code == 200


def test_changing_ones_own_password_keeps_ones_own_session(app, engine, office):
    make_token(engine.db, "root2", role="admin", offices=())
    client = app.test_client()
    assert sign_in(client, "root2", "pw-root2").status_code == 302
    me = client.get("/api/v1/me").get_json()
    csrf = csrf_from(client, "/login")
    response = client.patch(
        f"/api/v1/users/{me['user_id']}",
        headers={"X-CSRFToken": csrf},
        json={"password": "mat-khau-moi-dai"},
    )
    assert response.status_code == 200, response.get_json()
    assert client.get("/api/v1/me").status_code == 200


def test_deactivation_and_role_changes_end_sessions(app, client, engine, admin, officer):
    user_id, token = officer
    sign_in(client, "lan", "pw-lan")
    cookie = session_cookie(client)
    client.patch(f"/api/v1/users/{user_id}", headers=admin, json={"role": "manager"})
    assert with_cookie(app, cookie).get("/api/v1/me").status_code == 401
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401


def test_admins_list_and_revoke_tokens(client, engine, admin, officer):
    user_id, token = officer
    listed = client.get("/api/v1/tokens?user=lan", headers=admin).get_json()
    assert [(t["user"], t["active"]) for t in listed] == [("lan", True)]
    assert "token" not in listed[0] and "token_hash" not in listed[0]
    revoked = client.delete(f"/api/v1/tokens/{listed[0]['id']}", headers=admin)
    assert revoked.status_code == 200 and revoked.get_json()["active"] is False
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401
    officer_headers = bearer(make_token(engine.db, "lan2"))
    assert client.get("/api/v1/tokens", headers=officer_headers).status_code == 403
    assert (
        client.delete(f"/api/v1/tokens/{listed[0]['id']}", headers=officer_headers).status_code
        == 403
    )


def test_sign_out_everywhere(app, client, engine, admin, officer):
    user_id, token = officer
    sign_in(client, "lan", "pw-lan")
    cookie = session_cookie(client)
    answer = client.post(f"/api/v1/users/{user_id}/sign-out", headers=admin).get_json()
    assert answer == {"user": user_id, "signed_out": 2}
    assert with_cookie(app, cookie).get("/api/v1/me").status_code == 401
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401


# -- sockets


def closed(app, sio) -> None:
    """The socket is closed, by the re-check the revocation started or by one now."""
    current.socket_credentials(app).check()
    wait_until(lambda: not sio.is_connected(), what="the revoked socket closed")


def connect(app, client, token: str):
    return socketio.test_client(app, flask_test_client=client, auth={"token": token})


def test_a_deactivated_officers_socket_is_closed(app, client, engine, admin, officer, office):
    user_id, token = officer
    sio = connect(app, client, token)
    assert sio.emit("join", {"counter": office["counters"][1]}, callback=True)["ok"]
    bystander = connect(app, client, make_token(engine.db, "hung"))
    engine.update_user(user_id, {"active": False})
    closed(app, sio)
    assert bystander.is_connected()
    bystander.disconnect()


def test_a_session_socket_is_closed_when_the_session_is_revoked(
    app, client, engine, admin, officer, office
):
    user_id, _token = officer
    sign_in(client, "lan", "pw-lan")
    sio = socketio.test_client(app, flask_test_client=client)
    assert sio.emit("join", {"counter": office["counters"][1]}, callback=True)["ok"]
    engine.sign_out_everywhere(user_id)
    closed(app, sio)


def test_a_replaced_device_token_closes_the_devices_socket(app, client, engine, office):
    with engine.db.write() as session:
        device = credentials.create_device(session, "T1", "display", "TV", None)
        raw = credentials.create_token(session, device, "tv")
        device_id = device.id
    sio = connect(app, client, raw)
    assert sio.is_connected()
    engine.new_device_token(device_id)
    closed(app, sio)
