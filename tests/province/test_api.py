"""The province's endpoints through Flask's test client: who may call what, and bad input
(a wrong code, no token, zipped and unzipped size limits, broken gzip or JSON, bad values)
refused in the one error shape with nothing changed."""

from __future__ import annotations

import datetime as dt
import gzip
import json

import pytest

from server import current
from tests.factories import bearer, make_token


@pytest.fixture
def province(app, admin):
    engine = current.engine(app)
    invite = engine.add_centre("XA1", "Xã Một")
    return engine, invite


def push_body(entries=(), head=0) -> dict:
    return {
        "at": dt.datetime.now(dt.UTC).isoformat(),
        "head": head,
        "offices": [],
        "entries": list(entries),
    }


def post_push(client, token, body, zipped=True, raw: bytes | None = None):
    data = raw if raw is not None else json.dumps(body).encode()
    headers = {**bearer(token), "Content-Type": "application/json"}
    if zipped:
        data = gzip.compress(data) if raw is None else data
        headers["Content-Encoding"] = "gzip"
    return client.post("/api/v1/province/sync", data=data, headers=headers)


def test_join_trades_the_code_once(client, province):
    engine, invite = province
    answer = client.post("/api/v1/province/join", json={"code": invite["join_code"]})
    assert answer.status_code == 200
    token = answer.get_json()["token"]
    assert token.startswith("luotc_") and answer.get_json()["received"] == 0
    again = client.post("/api/v1/province/join", json={"code": invite["join_code"]})
    assert again.status_code == 403 and again.get_json()["error"] == "forbidden"
    assert client.post("/api/v1/province/join", json={"code": ""}).status_code == 422
    pushed = post_push(client, token, push_body())
    assert pushed.status_code == 200, pushed.get_json()
    assert pushed.get_json() == {"received": 0, "rows": 0, "template": None}


def test_an_office_code_the_province_has_is_refused_at_join_and_the_code_stays_good(
    client, province, office
):
    engine, invite = province
    clash = client.post(
        "/api/v1/province/join", json={"code": invite["join_code"], "offices": ["XM", "T1"]}
    )
    body = clash.get_json()
    assert clash.status_code == 409 and body["error"] == "conflict", body
    assert "T1" in body["message"] and "XM" not in body["message"]
    assert "T1" in body["vi"]["message"] and body["vi"]["message"] != body["message"]
    assert engine.centres()[0]["joined_at"] is None  # nothing changed
    renamed = client.post(
        "/api/v1/province/join", json={"code": invite["join_code"], "offices": ["XM", "T2"]}
    )
    assert renamed.status_code == 200, renamed.get_json()


@pytest.fixture
def token(client, province):
    _engine, invite = province
    return client.post("/api/v1/province/join", json={"code": invite["join_code"]}).get_json()[
        "token"
    ]


@pytest.mark.parametrize(
    "case, status",
    [
        ("no token", 401),
        ("a user's token", 401),
        ("broken gzip", 400),
        ("not json", 400),
        ("gzip bomb", 413),
        ("too big as sent", 413),
        ("bad values", 422),
        ("a gap", 409),
    ],
)
def test_a_bad_push_is_refused_and_changes_nothing(app, client, token, admin, case, status):
    engine = current.engine(app)
    body = push_body()
    if case == "no token":
        answer = client.post("/api/v1/province/sync", json=body)
    elif case == "a user's token":
        answer = post_push(client, admin["Authorization"].split()[1], body)
    elif case == "broken gzip":
        answer = post_push(client, token, body, raw=b"\x1f\x8b not gzip at all")
    elif case == "not json":
        answer = post_push(client, token, body, raw=gzip.compress(b"{not json"))
    elif case == "gzip bomb":
        app.config["PROVINCE_PUSH_MAX_JSON"] = 1_000_000
        answer = post_push(client, token, body, raw=gzip.compress(b" " * 5_000_000))
    elif case == "too big as sent":
        app.config["PROVINCE_PUSH_MAX_BYTES"] = 1000
        answer = post_push(client, token, body, zipped=False, raw=b" " * 5000)
    elif case == "bad values":
        answer = post_push(client, token, {**body, "head": -1, "offices": "many"})
    else:
        answer = post_push(client, token, push_body([{"seq": 5, "at": "x", "rows": [[]]}]))
        assert answer.get_json()["received"] == 0
    assert answer.status_code == status, answer.get_json()
    assert "message" in answer.get_json()
    centre = engine.centres()[0]
    assert centre["received_seq"] == 0


def test_only_the_provinces_admins_manage_centres_and_templates(app, client, token, admin):
    officer = bearer(make_token(current.engine(app).db, "canbo"))
    for method, path, body in (
        ("GET", "/api/v1/province/centres", None),
        ("POST", "/api/v1/province/centres", {"code": "XA2"}),
        ("POST", "/api/v1/province/centres/XA1/revoke", None),
        ("PUT", "/api/v1/province/templates/t", {"body": {"settings": {"notice": "x"}}}),
        ("GET", "/api/v1/audit", None),
    ):
        assert client.open(path, method=method, json=body, headers=officer).status_code == 403
        assert client.open(path, method=method, json=body).status_code == 401
    # A centre's token is no admin's either.
    assert client.get("/api/v1/province/centres", headers=bearer(token)).status_code == 401
    listed = client.get("/api/v1/province/centres", headers=admin).get_json()
    assert [c["code"] for c in listed] == ["XA1"] and listed[0]["state"] == "joined"
    bad = client.put(
        "/api/v1/province/templates/t", json={"body": {"settings": {"kiosk": {}}}}, headers=admin
    )
    assert bad.status_code == 422
    good = client.put(
        "/api/v1/province/templates/t",
        json={"body": {"settings": {"notice": "Nghỉ lễ 2/9"}}},
        headers=admin,
    )
    assert good.get_json() == {"name": "t", "version": 1}
    pushed = client.post(
        "/api/v1/province/templates/t/push", json={"centres": ["XA1"]}, headers=admin
    )
    assert pushed.status_code == 200
    note = post_push(client, token, push_body()).get_json()
    assert note["template"] == {"version": 1}
    offered = client.get("/api/v1/province/template", headers=bearer(token)).get_json()
    assert offered["body"] == {"settings": {"notice": "Nghỉ lễ 2/9"}}
    audit = {e["action"] for e in client.get("/api/v1/audit", headers=admin).get_json()}
    assert {"centre.add", "centre.join", "template.save", "template.push"} <= audit
    revoked = client.post("/api/v1/province/centres/XA1/revoke", headers=admin)
    assert revoked.get_json()["state"] == "revoked"
    assert post_push(client, token, push_body()).status_code == 401


def test_a_box_that_has_not_joined_says_so(client, admin):
    answer = client.get("/api/v1/province/link", headers=admin)
    assert answer.status_code == 404 and "not joined" in answer.get_json()["message"]
