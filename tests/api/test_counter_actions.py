"""A counter's day through the API: open, next, recall, start, finish, transfer, close."""

from __future__ import annotations

from tests.factories import bearer, make_token


def post(client, url, headers, json=None):
    response = client.post(url, headers=headers, json=json)
    return response.status_code, response.get_json()


def test_a_counter_day(client, engine, office, officer):
    c1, c2 = office["counters"][1], office["counters"][2]
    # One officer holds one counter: a colleague opens the other.
    colleague = bearer(make_token(engine.db, "officer2"))
    assert post(client, f"/api/v1/counters/{c1}/open", officer)[0] == 200
    assert post(client, f"/api/v1/counters/{c2}/open", colleague)[0] == 200
    first = client.post("/api/v1/offices/T1/tickets", json={"service": "B"}).get_json()
    client.post("/api/v1/offices/T1/tickets", json={"service": "B"})

    status, body = post(client, f"/api/v1/counters/{c2}/next", colleague)
    assert status == 200 and body["ticket"]["code"] == "1001"
    tid = body["ticket"]["id"]
    assert post(client, f"/api/v1/tickets/{tid}/recall", officer)[1]["recall_count"] == 1
    assert post(client, f"/api/v1/tickets/{tid}/start", officer)[1]["status"] == "serving"
    status, body = post(
        client,
        f"/api/v1/tickets/{tid}/dossier",
        officer,
        {"dossier_code": "000.00.23.H26-261123-0042"},
    )
    assert status == 200 and body["dossier_code"] == "000.00.23.H26-261123-0042"
    status, body = post(client, f"/api/v1/tickets/{tid}/transfer", officer, {"service": "A"})
    assert (status, body["status"], body["service"]["code"]) == (200, "waiting", "A")

    status, body = post(client, f"/api/v1/counters/{c1}/next", officer)
    assert body["ticket"]["code"] == "1001"  # transferred, kept its early place
    post(client, f"/api/v1/tickets/{tid}/start", officer)
    assert post(client, f"/api/v1/tickets/{tid}/finish", officer)[1]["status"] == "done"

    view = client.get(f"/api/v1/counters/{c2}", headers=officer).get_json()
    assert [t["code"] for t in view["waiting"]] == ["1002"]
    status, body = post(client, f"/api/v1/counters/{c2}/call", officer, {"ticket": tid + 1})
    assert (status, body["code"]) == (200, "1002")
    assert client.get(f"/api/v1/tickets/{first['token']}").get_json()["status"] == "done"

    status, body = post(client, f"/api/v1/counters/{c1}/close", officer)
    assert (status, body["state"]) == (200, "closed")


def test_next_with_nobody_waiting(client, office, officer):
    counter = office["counters"][1]
    post(client, f"/api/v1/counters/{counter}/open", officer)
    status, body = post(client, f"/api/v1/counters/{counter}/next", officer)
    assert status == 200 and body["ticket"] is None


def test_an_officer_holds_one_counter_unless_the_office_allows_more(
    client, engine, office, officer
):
    engine.update_office("T1", {"settings": {"counters_per_officer": 1}})  # the default
    c1, c2 = office["counters"][1], office["counters"][2]
    assert post(client, f"/api/v1/counters/{c1}/open", officer)[0] == 200
    status, body = post(client, f"/api/v1/counters/{c2}/open", officer)
    assert (status, body["error"]) == (409, "conflict")
    assert body["message"] == "You already hold counter 1; close it before opening another."
    assert body["vi"]["message"] == (
        "Bạn đang giữ Quầy 1: hãy đóng quầy đó trước khi mở quầy khác."
    )
    assert client.get(f"/api/v1/counters/{c2}", headers=officer).get_json()["counter"]["state"] == (
        "closed"
    )
    engine.update_office("T1", {"settings": {"counters_per_officer": 2}})
    assert post(client, f"/api/v1/counters/{c2}/open", officer)[0] == 200
