"""An early no-show over the API: a 409 that says why and when, in Vietnamese too, and the
citizen's phone page keeps showing the call (issue 25, point 3)."""

from __future__ import annotations

from tests.engine.test_no_show_grace import DEFAULTS
from tests.factories import bearer, make_token


def test_an_early_no_show_is_a_clear_409_and_the_phone_still_shows_the_call(
    client, engine, clock, row_counts
):
    engine.create_office(DEFAULTS)
    counter = engine.snapshot("G1")["counters"][0]["id"]
    engine.set_counter_state(counter, "open")
    ticket = engine.issue("G1", "B")
    engine.call_ticket(counter, ticket["id"])
    engine.recall(ticket["id"])
    officer = bearer(make_token(engine.db, "officer-g1", offices=("G1",)))
    clock.advance(seconds=1)
    before = row_counts()

    response = client.post(f"/api/v1/tickets/{ticket['id']}/no-show", headers=officer)

    assert response.status_code == 409
    body = response.get_json()
    assert body["error"] == "invalid_transition"
    assert "wait 59 s more" in body["message"]
    assert body["vi"]["message"].startswith("Số 1001 vừa được gọi: chờ thêm 59 giây")
    assert body["no_show_at"] == "2026-11-23T01:01:00Z"
    assert row_counts() == before
    phone = client.get(f"/api/v1/tickets/{ticket['token']}").get_json()
    assert phone["status"] == "called"

    clock.advance(seconds=59)
    response = client.post(f"/api/v1/tickets/{ticket['id']}/no-show", headers=officer)
    assert response.status_code == 200
    assert client.get(f"/api/v1/tickets/{ticket['token']}").get_json()["status"] == "no_show"
