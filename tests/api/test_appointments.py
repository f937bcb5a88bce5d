"""Appointments over the REST API: the public booking flow, its refusals in Vietnamese,
check-in by a kiosk (printed like any ticket), and the staff's day list, return of results
and "result ready"."""

from __future__ import annotations

import datetime as dt

import pytest

from server import current
from server.engine import credentials
from server.engine.rules.slots import WORKING_WEEK as WEEK
from tests.factories import bearer, make_token

TOMORROW = "2026-11-24"


@pytest.fixture
def open_booking(engine, office, clock):
    engine.update_office(
        "T1",
        {"settings": {"hours": WEEK, "appointments": {"enabled": True, "capacity": {"B": 1}}}},
    )
    return office


def book(client, start=f"{TOMORROW}T09:00", phone="0912345678", **extra):
    body = {"service": "B", "start": start, "name": "Lê Văn Cường", "phone": phone, **extra}
    return client.post("/api/v1/offices/T1/appointments", json=body)


def test_a_citizen_books_looks_changes_and_cancels(client, open_booking):
    info = client.get("/api/v1/offices/T1/booking").get_json()
    assert info["enabled"] is True and [f["code"] for f in info["fields"]] == ["B"]
    days = client.get(
        "/api/v1/offices/T1/slots", query_string={"service": "B", "from": TOMORROW, "days": 1}
    ).get_json()["days"]
    assert days[0]["slots"][0] == {
        "start": f"{TOMORROW}T07:30:00+07:00",
        "end": f"{TOMORROW}T08:00:00+07:00",
        "time": "07:30",
        "free": 1,
        "bookable": True,
    }
    response = book(client, consent=True)
    assert response.status_code == 201, response.get_json()
    booked = response.get_json()
    token = booked["token"]
    assert booked["manage_url"] == f"http://localhost/b/{token}"
    # Consent given, but the office sends no messages: none is promised.
    assert booked["phone"] == "•••••••678" and booked["messages"] is False
    assert info["messages"] is False
    seen = client.get(f"/api/v1/appointments/{token}").get_json()
    assert seen["code"] == booked["code"] and "token" not in seen
    moved = client.post(f"/api/v1/appointments/{token}/change", json={"start": f"{TOMORROW}T14:00"})
    assert moved.status_code == 200 and moved.get_json()["start"] == f"{TOMORROW}T14:00:00+07:00"
    cancelled = client.post(f"/api/v1/appointments/{token}/cancel")
    assert cancelled.get_json()["status"] == "cancelled"
    again = client.post(f"/api/v1/appointments/{token}/cancel")
    assert again.status_code == 409
    assert client.get("/api/v1/appointments/not-a-token").status_code == 404


@pytest.mark.parametrize(
    ("changes", "status", "field", "vietnamese"),
    [
        ({"phone": "12345"}, 422, "phone", "Xin nhập số điện thoại di động 10 chữ số"),
        ({"start": f"{TOMORROW}T09:10"}, 422, "start", "không có khung giờ 09:10"),
        ({"start": "next tuesday"}, 422, "start", None),
        ({"name": ""}, 422, "name", None),
        ({"service": "A"}, 404, "service", "Lĩnh vực này không nhận đặt lịch hẹn."),
    ],
)
def test_bad_bookings_get_a_clear_refusal(
    client, engine, open_booking, changes, status, field, vietnamese
):
    response = book(client, **changes)
    body = response.get_json()
    assert response.status_code == status, body
    assert field in (body.get("fields") or {}) or body.get("field") == field, body
    if vietnamese:
        assert vietnamese in body["vi"]["message"] + str(body["vi"].get("fields", "")), body
    assert engine.appointments_of_day("T1", dt.date(2026, 11, 24)) == []


def test_a_full_slot_and_a_hoarding_phone_are_told_so(client, open_booking):
    assert book(client).status_code == 201
    full = book(client, phone="0987654321")
    assert full.status_code == 409
    assert full.get_json()["vi"]["message"] == "Khung giờ này đã kín chỗ. Xin chọn khung giờ khác."
    same_phone = book(client, start=f"{TOMORROW}T10:00")
    assert same_phone.status_code == 409
    assert (
        "Số điện thoại này đã có 1 lịch hẹn ngày 24/11/2026"
        in same_phone.get_json()["vi"]["message"]
    )


def test_a_kiosk_checks_a_citizen_in_and_prints_the_ticket(client, engine, open_booking, clock):
    booked = book(client).get_json()
    with engine.db.write() as session:
        kiosk = credentials.create_device(session, "T1", "kiosk", "Kiosk", "dummy:")
        token = credentials.create_token(session, kiosk, "kiosk")
    clock.now = dt.datetime(2026, 11, 24, 1, 50, tzinfo=dt.UTC)  # 08:50, ten minutes early
    response = client.post(
        "/api/v1/offices/T1/check-in", json={"code": booked["code"]}, headers=bearer(token)
    )
    body = response.get_json()
    assert response.status_code == 201, body
    assert body["service"]["code"] == "B" and body["print_job"]["status"] == "pending"
    assert body["appointment"]["status"] == "checked_in" and body["track_url"].endswith(
        body["token"]
    )
    again = client.post(
        "/api/v1/offices/T1/check-in", json={"token": booked["token"]}, headers=bearer(token)
    )
    assert again.status_code == 201 and again.get_json()["id"] == body["id"]
    missing = client.post("/api/v1/offices/T1/check-in", json={"code": "AAAAAA"})
    assert missing.status_code == 404
    assert missing.get_json()["vi"]["message"] == "Không tìm thấy lịch hẹn với mã này tại đơn vị."


def test_staff_set_a_return_mark_the_result_ready_and_see_the_day(client, engine, open_booking):
    officer = bearer(make_token(engine.db, "lan"))
    ticket = engine.issue("T1", "B")
    path = f"/api/v1/tickets/{ticket['id']}/return-appointment"
    refused = client.post(path, json={"start": f"{TOMORROW}T15:00"}, headers=officer)
    assert refused.status_code == 409
    assert "gắn mã hồ sơ" in refused.get_json()["vi"]["message"]
    engine.attach_dossier(ticket["id"], "000.00.23.H26-250715-0001")
    response = client.post(
        path,
        json={"start": f"{TOMORROW}T15:00", "phone": "0912 345 678", "consent": True},
        headers=officer,
    )
    back = response.get_json()
    assert response.status_code == 201, back
    assert back["kind"] == "return" and back["dossier_code"] == "000.00.23.H26-250715-0001"
    ready = client.post(
        f"/api/v1/offices/T1/appointments/{back['id']}/result-ready", headers=officer
    )
    assert ready.status_code == 200 and ready.get_json()["result_ready"] is True
    day = client.get(
        "/api/v1/offices/T1/appointments", query_string={"day": TOMORROW}, headers=officer
    ).get_json()
    assert [(a["code"], a["kind"], a["time"], a["phone"]) for a in day] == [
        (back["code"], "return", "15:00", "•••••••678")
    ]


def test_reports_count_appointments_and_export_them(client, engine, open_booking, manager):
    book(client)
    cancelled = book(client, start=f"{TOMORROW}T10:00", phone="0987654321").get_json()
    client.post(f"/api/v1/appointments/{cancelled['token']}/cancel")
    period = {"office": "T1", "from": TOMORROW, "to": TOMORROW, "group": "service"}
    result = client.get("/api/v1/reports", query_string=period, headers=manager).get_json()
    (row,) = result["appointments"]["rows"]
    assert (row["label"], row["booked"], row["cancelled"], row["arrived"]) == ("Đất đai", 1, 1, 0)
    response = client.get(
        "/api/v1/reports/export",
        query_string={**period, "kind": "appointments", "format": "csv", "csv": "plain"},
        headers=manager,
    )
    assert response.status_code == 200
    assert "lich-hen" in response.headers["Content-Disposition"]
    lines = response.data.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Lĩnh vực,Lịch hẹn đã đặt,Đã hủy,Đã đến")
    assert lines[1].startswith("Đất đai,1,1,0") and lines[-1].startswith("Tổng cộng,1,1,0")


def test_hammering_the_booking_route_is_stopped_and_told_in_vietnamese(
    make_app, engine, open_booking, clock
):
    limited = make_app("limited", RATELIMIT_ENABLED=True, BOOKING_LIMIT="2 per minute")
    current.engine(limited).clock = clock
    client = limited.test_client()
    codes = [book(client, phone=f"090000000{n}").status_code for n in range(3)]
    assert codes[:2] == [201, 409] and codes[2] == 429  # one slot place, then the limit
    response = book(client, phone="0900000009")
    assert response.status_code == 429
    assert response.get_json()["vi"]["message"] == (
        "Đã đặt quá nhiều lịch từ máy này. Xin chờ một phút rồi thử lại."
    )


def test_an_anonymous_check_in_is_refused_where_only_kiosks_issue(
    client, engine, open_booking, clock
):
    """A booking's code is no way round the office's rule: no kiosk token, no ticket."""
    booked = book(client).get_json()
    engine.update_office("T1", {"settings": {"issuing": "kiosk"}})
    clock.now = dt.datetime(2026, 11, 24, 1, 50, tzinfo=dt.UTC)
    response = client.post("/api/v1/offices/T1/check-in", json={"code": booked["code"]})
    assert response.status_code == 401, response.get_json()  # as issuing answers it
    assert response.get_json()["error"] == "kiosk_required"
    assert client.get(f"/api/v1/appointments/{booked['token']}").get_json()["status"] == "booked"
