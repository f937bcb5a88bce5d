"""Offices, fields, the queue snapshot and issuing through /api/v1."""

from __future__ import annotations


def test_offices_and_services(client, office):
    offices = client.get("/api/v1/offices").get_json()
    assert [o["code"] for o in offices] == ["T1"]
    services = client.get("/api/v1/offices/T1/services").get_json()
    assert [(s["code"], s["waiting"]) for s in services] == [("A", 0), ("B", 0)]
    classes = client.get("/api/v1/offices/T1/priority-classes").get_json()
    assert "elderly" in [c["code"] for c in classes]


def test_issue_returns_everything_the_kiosk_needs(client, office):
    response = client.post("/api/v1/offices/T1/tickets", json={"service": "B", "priority": None})
    assert response.status_code == 201
    body = response.get_json()
    assert body["code"] == "1001" and body["number"] == 1001
    assert body["service"]["code"] == "B" and body["status"] == "waiting"
    # No counter is open yet: there is no wait to promise (issue 13.4).
    assert body["position"] == 1 and body["eta_minutes"] is None
    assert body["track_url"] == f"http://localhost/t/{body['token']}"
    public = client.get(f"/api/v1/tickets/{body['token']}").get_json()
    assert public["code"] == "1001" and public["position"] == 1
    assert not {"id", "citizen_name", "citizen_id_last4", "token", "note"} & set(public)


def test_an_estimate_only_while_an_open_counter_serves_the_field(client, office, officer):
    """Closed counters give no estimate anywhere: the answer, the kiosk's fields, the
    office snapshot and the phone; opening a counter of the field brings it back."""
    issue = "/api/v1/offices/T1/tickets"
    first = client.post(issue, json={"service": "A"}).get_json()
    client.post(issue, json={"service": "A"})

    def estimates() -> tuple:
        services = {s["code"]: s for s in client.get("/api/v1/offices/T1/services").get_json()}
        queue = client.get("/api/v1/offices/T1/queue").get_json()
        snapshot = {s["code"]: s for s in queue["services"]}
        phone = client.get(f"/api/v1/tickets/{first['token']}").get_json()
        return services["A"]["eta_minutes"], snapshot["A"]["eta_minutes"], phone["eta_minutes"]

    assert estimates() == (None, None, None)
    counter = office["counters"][1]
    client.post(f"/api/v1/counters/{counter}/open", headers=officer)
    with_counter = estimates()
    assert all(isinstance(minutes, int) for minutes in with_counter), with_counter
    assert with_counter[0] > 0 and with_counter[2] == 0
    client.post(f"/api/v1/counters/{counter}/close", headers=officer)
    assert estimates() == (None, None, None)


def test_issue_with_priority(client, office):
    client.post("/api/v1/offices/T1/tickets", json={"service": "A"})
    body = client.post(
        "/api/v1/offices/T1/tickets", json={"service": "A", "priority": "elderly"}
    ).get_json()
    assert body["priority"] == "elderly" and body["position"] == 1


def test_queue_snapshot(client, office, officer):
    client.post("/api/v1/offices/T1/tickets", json={"service": "A"})
    counter = office["counters"][1]
    client.post(f"/api/v1/counters/{counter}/open", headers=officer)
    client.post(f"/api/v1/counters/{counter}/next", headers=officer)
    snap = client.get("/api/v1/offices/T1/queue").get_json()
    assert snap["office"]["code"] == "T1"
    assert snap["recent_calls"][0]["code"] == "A001"
    assert snap["counters"][0]["current"]["code"] == "A001"
    assert snap["version"] > 0


def test_openapi_is_generated_from_the_code(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    paths = spec["paths"]
    for path in (
        "/api/v1/offices",
        "/api/v1/offices/{office}/tickets",
        "/api/v1/tickets/{token}",
        "/api/v1/counters/{counter_id}/next",
        "/api/v1/tickets/{ticket_id}/no-show",
        "/api/v1/tickets/{ticket_id}/transfer",
    ):
        assert path in paths, path
    issue = paths["/api/v1/offices/{office}/tickets"]["post"]
    assert "201" in issue["responses"]
    assert paths["/api/v1/counters/{counter_id}/next"]["post"]["security"] == [{"bearerAuth": []}]


def test_device_token_can_be_required_for_issuing(app, client, office, engine):
    app.config["REQUIRE_DEVICE_TOKEN_FOR_ISSUE"] = True
    refused = client.post("/api/v1/offices/T1/tickets", json={"service": "A"})
    assert refused.status_code == 401
    from tests.factories import bearer, make_token

    kiosk = bearer(make_token(engine.db, "kiosk1"))
    ok = client.post("/api/v1/offices/T1/tickets", json={"service": "A"}, headers=kiosk)
    assert ok.status_code == 201


def test_a_repeated_request_returns_the_same_ticket(client, office):
    headers = {"Idempotency-Key": "kiosk-1-7f3a9c2e"}
    first = client.post("/api/v1/offices/T1/tickets", json={"service": "A"}, headers=headers)
    again = client.post("/api/v1/offices/T1/tickets", json={"service": "A"}, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json()["token"] == first.get_json()["token"]
    other = client.post(
        "/api/v1/offices/T1/tickets",
        json={"service": "A"},
        headers={"Idempotency-Key": "kiosk-1-0000aaaa"},
    )
    assert other.get_json()["code"] == "A002"
    assert client.get("/api/v1/offices/T1/services").get_json()[0]["waiting"] == 2
    bad = client.post(
        "/api/v1/offices/T1/tickets", json={"service": "A"}, headers={"Idempotency-Key": "x"}
    )
    assert bad.status_code == 400


def test_a_poller_gets_304_until_the_queue_changes(client, office):
    first = client.get("/api/v1/offices/T1/queue")
    etag = first.headers["ETag"]
    assert first.status_code == 200 and etag.startswith('W/"')
    again = client.get("/api/v1/offices/T1/queue", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert client.post("/api/v1/offices/T1/tickets", json={"service": "A"}).status_code == 201
    changed = client.get("/api/v1/offices/T1/queue", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert changed.get_json()["waiting_total"] == first.get_json()["waiting_total"] + 1


def test_opening_says_closed_with_todays_hours_and_the_next_opening(client, office, manager):
    assert client.get("/api/v1/offices/T1/opening").get_json()["open"] is True
    import datetime as dt
    from zoneinfo import ZoneInfo

    later = dt.datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")) + dt.timedelta(hours=12)
    period = [later.strftime("%H:00"), later.strftime("%H:01")]  # half a day from now
    days = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    everyday = {day: [period] for day in days}
    response = client.patch(
        "/api/v1/offices/T1", headers=manager, json={"settings": {"hours": everyday}}
    )
    assert response.status_code == 200, response.get_json()
    state = client.get("/api/v1/offices/T1/opening").get_json()
    assert state["open"] is False and state["today"] == [period]
    assert state["next_open"].endswith(f"T{period[0]}:00+07:00")
    assert client.get("/api/v1/offices/NOPE/opening").status_code == 404
