"""The counter snapshot says which actions each ticket allows, over REST as over sockets."""

from __future__ import annotations


def test_the_rest_snapshot_carries_each_tickets_actions(client, office, officer):
    c1 = office["counters"][1]
    client.post(f"/api/v1/counters/{c1}/open", headers=officer)
    for _ in range(2):
        client.post("/api/v1/offices/T1/tickets", json={"service": "A"})
    client.post(f"/api/v1/counters/{c1}/next", headers=officer)
    snap = client.get(f"/api/v1/counters/{c1}", headers=officer).get_json()
    assert snap["current"]["actions"] == [
        "recall",
        "start",
        "no_show",
        "hold",
        "transfer",
        "cancel",
    ]
    assert [ticket["actions"] for ticket in snap["waiting"]] == [["call", "transfer", "cancel"]]
