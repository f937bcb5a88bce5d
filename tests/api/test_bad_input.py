"""Input no route may choke on: ids that overflow the database, unpaired surrogates, NUL,
huge numbers, oversized bodies and URLs. Each gets a 4xx JSON error and changes nothing."""

from __future__ import annotations

import pytest
from werkzeug.routing import IntegerConverter

from server.extensions import socketio
from tests.factories import make_token

BIG = 2**63
PG_INT = 2**31  # one past a PostgreSQL INTEGER id
SURROGATE = '"\\ud800"'


def check(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert isinstance(body["error"], str) and body["message"]
    return body


def every_int_route(app) -> list[tuple[str, str]]:
    routes = []
    for rule in app.url_map.iter_rules():
        if not any(isinstance(c, IntegerConverter) for c in rule._converters.values()):
            continue
        path = rule.rule
        for name in rule.arguments:
            path = path.replace(f"<int:{name}>", str(BIG))
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            routes.append((method, path))
    return routes


def test_ids_past_the_database_range_match_no_route(app, client, admin, row_counts):
    routes = every_int_route(app) + [
        (method, path.replace(str(BIG), str(PG_INT))) for method, path in every_int_route(app)
    ]
    assert len(routes) >= 20
    before = row_counts()
    for method, path in routes:
        response = client.open(path, method=method, headers=admin, json={})
        assert response.status_code in (404, 405), (method, path, response.status_code)
        if path.startswith("/api/"):
            check(response, response.status_code)
    assert row_counts() == before


@pytest.mark.parametrize(
    ("url", "body"),
    [
        ("/api/v1/counters/{c}/call", {"ticket": BIG}),
        ("/api/v1/counters/{c}/call", {"ticket": PG_INT}),
        ("/api/v1/tickets/{t}/reprint", {"device": PG_INT}),
        ("/api/v1/counters/{c}/call", {"ticket": 0}),
        ("/api/v1/tickets/{t}/transfer", {"counter": BIG}),
        ("/api/v1/tickets/{t}/resume", {"counter": -1}),
        ("/api/v1/tickets/{t}/reprint", {"device": BIG}),
    ],
)
def test_ids_past_the_range_in_bodies_are_refused(
    client, engine, office, admin, row_counts, url, body
):
    engine.set_counter_state(office["counters"][1], "open")
    ticket = engine.issue("T1", "A")
    url = url.format(c=office["counters"][1], t=ticket["id"])
    before = row_counts()
    check(client.post(url, headers=admin, json=body), 422)
    assert row_counts() == before


@pytest.mark.parametrize(
    ("method", "url", "raw"),
    [
        ("post", "/api/v1/offices/T1/tickets", '{"service": ' + SURROGATE + "}"),
        ("post", "/api/v1/offices/T1/tickets", '{"service": "A", "x\\ud800": 1}'),
        ("post", "/api/v1/offices/T1/tickets", '{"service": "A\\u0000"}'),
        ("patch", "/api/v1/offices/T1", '{"name": ' + SURROGATE + "}"),
        ("patch", "/api/v1/offices/T1", '{"notice": "\\udfff x"}'),
        ("post", "/api/v1/counters/{c}/call", '{"ticket": ' + "9" * 5000 + "}"),
        ("post", "/api/v1/counters/{c}/call", '{"ticket": 1e999}'),
        ("post", "/api/v1/counters/{c}/call", '{"ticket": NaN}'),
        ("post", "/kiosk/T1/scan", '{"payload": ' + SURROGATE + "}"),
        ("post", "/kiosk/T1/scan", "{not json"),
        ("post", "/api/v1/ratings/{token}", '{"level": ' + SURROGATE + "}"),
    ],
)
def test_text_and_numbers_no_database_can_hold_are_refused(
    client, engine, office, admin, row_counts, method, url, raw
):
    ticket = engine.issue("T1", "A")
    url = url.format(c=office["counters"][1], token=ticket["token"])
    before = row_counts()
    check(
        getattr(client, method)(url, headers=admin, data=raw, content_type="application/json"), 400
    )
    assert row_counts() == before
    assert engine.export_office("T1")["name"] == "Trung tâm Phục vụ hành chính công xã Thử"


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/offices/T%001/queue",
        "/api/v1/tickets/ab%00cd",
        "/api/v1/reports?office=T1&from=2026-01-01%00&to=2026-01-02",
        "/kiosk/T%001",
        "/t/abc%00",
    ],
)
def test_nul_in_addresses_is_refused(client, admin, office, url):
    check(client.get(url, headers=admin), 400)


def test_nul_in_a_sign_in_form_is_refused(client, office):
    response = client.post("/login", data={"username": "a\x00b", "password": "x"})
    check(response, 400)


def test_oversized_bodies_and_addresses_answer_json(client, office):
    check(client.post("/kiosk/T1/scan", data="x" * 70_000, content_type="application/json"), 413)
    check(client.get("/api/v1/offices/" + "x" * 5000 + "/queue"), 414)
    check(client.get("/display/" + "x" * 5000), 414)


def test_the_scan_endpoint_answers_json_errors(client, office):
    check(client.post("/kiosk/T1/scan", json={"nothing": 1}), 400)
    check(client.post("/kiosk/T1/scan", data="payload", content_type="text/plain"), 400)
    check(client.post("/kiosk/NOPE/scan", json={"payload": "x"}), 404)


# -- Socket.IO: every bad message gets an answer in the error shape


@pytest.mark.parametrize(
    "room",
    [
        {"counter": 10**30},
        {"counter": 1e30},
        {"counter": BIG},
        {"counter": 0},
        {"rating": -3},
        {"device": BIG},
        {"office": "\ud800"},
        {"office": "T\x001"},
        {"ticket": "x" * 1000},
        {"office": ["T1"]},
        {"staff": None},
        "office",
        None,
    ],
)
def test_socket_joins_with_bad_rooms_are_answered(app, client, engine, office, room):
    token = make_token(engine.db, "officer1")
    sio = socketio.test_client(app, flask_test_client=client, auth={"token": token})
    try:
        ack = sio.emit("join", room, callback=True)
        assert ack["ok"] is False and ack["error"] and ack["message"], ack
        ack = sio.emit("leave", room, callback=True)
        assert ack["ok"] is False and ack["error"], ack
        assert sio.emit("join", {"office": "T1"}, callback=True)["ok"]
    finally:
        sio.disconnect()


@pytest.mark.parametrize("job", [BIG, 10**30, -1, "1", None])
def test_agent_messages_with_bad_job_ids_are_answered(app, client, engine, office, job):
    from server.engine import credentials

    with engine.db.write() as session:
        device = credentials.create_device(session, "T1", "kiosk", "K", "agent:")
        token = credentials.create_token(session, device, "k")
    sio = socketio.test_client(app, flask_test_client=client, auth={"token": token})
    try:
        for event in ("claim_print", "print_result"):
            ack = sio.emit(event, {"job": job, "ok": True}, callback=True)
            assert ack["ok"] is False and ack["error"] == "bad_request", (event, ack)
    finally:
        sio.disconnect()


@pytest.mark.parametrize("token", ["\ud800", "x" * 5000, 5, ["a"]])
def test_socket_connect_with_a_bad_token_is_refused(app, client, office, token):
    sio = socketio.test_client(app, flask_test_client=client, auth={"token": token})
    assert not sio.is_connected()
