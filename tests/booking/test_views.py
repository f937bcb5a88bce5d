"""The booking pages through the Flask test client: what they show, their 404s, the QR,
and no personal data on them beyond the masked phone."""

from __future__ import annotations

import datetime as dt

import pytest

from server.engine import credentials
from server.engine.rules.slots import WORKING_WEEK as WEEK
from tests.factories import bearer

TOMORROW = "2026-11-24"
NAME = "Trịnh Thị Quỳnh Hoa"
PHONE = "0987123450"


@pytest.fixture
def open_booking(engine, office, clock):
    engine.update_office(
        "T1",
        {"settings": {"hours": WEEK, "appointments": {"enabled": True, "capacity": {"B": 2}}}},
    )
    return office


@pytest.fixture
def booked(client, open_booking):
    body = {"service": "B", "start": f"{TOMORROW}T09:00", "name": NAME, "phone": PHONE}
    response = client.post("/api/v1/offices/T1/appointments", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_the_booking_page_shows_the_office_and_its_fields(client, open_booking):
    response = client.get("/book/T1")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Đặt lịch hẹn" in html and "Đất đai" in html and 'data-field="B"' in html
    assert "js/booking/book.js" in html
    # The office sends no messages: no consent to them is asked.
    assert 'id="consent"' not in html
    assert "chỉ lưu họ tên và số điện thoại" in html
    english = client.get("/book/T1?lang=en").get_data(as_text=True)
    assert "Book an appointment" in english and '<html lang="en">' in english


def test_an_office_without_bookings_says_so(client, office):
    html = client.get("/book/T1").get_data(as_text=True)
    assert "Chưa nhận đặt lịch hẹn" in html and "js/booking/book.js" not in html


def test_an_unknown_office_gets_the_error_page(client, office):
    response = client.get("/book/NOPE")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.get_data(as_text=True)


def test_a_booking_page_shows_the_booking_and_only_the_masked_phone(client, booked):
    response = client.get(f"/b/{booked['token']}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert booked["code"] in html and "Đã đặt" in html
    assert "Thứ Ba, 24/11/2026, 09:00–09:30" in html
    assert "•••••••450" in html
    assert NAME not in html and PHONE not in html and "0987" not in html
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert f"/b/{booked['token']}/qr.svg" in html


def test_the_result_page_carries_no_personal_data_either(client, booked):
    html = client.get("/book/T1").get_data(as_text=True)
    assert NAME not in html and "450" not in html and "0987" not in html


def test_a_cancelled_booking_says_so(client, booked):
    client.post(f"/api/v1/appointments/{booked['token']}/cancel")
    html = client.get(f"/b/{booked['token']}").get_data(as_text=True)
    assert 'data-status="cancelled"' in html and "Lịch hẹn này đã được hủy" in html


@pytest.mark.parametrize("token", ["unknown-token-1234", "short", "bad%20token%21xxxxx"])
def test_an_unknown_booking_gets_a_friendly_404(client, booked, token):
    response = client.get(f"/b/{token}")
    assert response.status_code == 404
    assert "Không tìm thấy lịch hẹn" in response.get_data(as_text=True)
    assert client.get(f"/b/{token}/qr.svg").status_code == 404


def test_the_qr_is_an_svg_of_the_booking_page(client, booked):
    response = client.get(f"/b/{booked['token']}/qr.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.get_data(as_text=True).lstrip().startswith("<?xml")


def test_a_checked_in_booking_shows_its_ticket(client, engine, booked, clock):
    with engine.db.write() as session:
        kiosk = credentials.create_device(session, "T1", "kiosk", "Kiosk", "dummy:")
        token = credentials.create_token(session, kiosk, "kiosk")
    clock.now = dt.datetime(2026, 11, 24, 1, 50, tzinfo=dt.UTC)  # 08:50, ten minutes early
    ticket = client.post(
        "/api/v1/offices/T1/check-in", json={"code": booked["code"]}, headers=bearer(token)
    ).get_json()
    html = client.get(f"/b/{booked['token']}").get_data(as_text=True)
    assert 'data-status="checked_in"' in html and "Đã đến" in html
    assert f'id="ticket-code">{ticket["code"]}</dd>' in html
    assert "Đang chờ" in html
    assert 'id="actions" hidden' in html  # neither change nor cancel any more
    assert ticket["token"] not in html and NAME not in html


def test_a_return_of_results_shows_its_dossier_without_change_or_cancel(
    client, engine, office, clock
):
    from tests.factories import make_token

    engine.update_office(
        "T1", {"settings": {"hours": WEEK, "appointments": {"enabled": True, "capacity": {}}}}
    )
    ticket = engine.issue("T1", "B")
    engine.attach_dossier(ticket["id"], "000.00.23.H26-250715-0001")
    officer = bearer(make_token(engine.db, "lan"))
    response = client.post(
        f"/api/v1/tickets/{ticket['id']}/return-appointment",
        json={"start": f"{TOMORROW}T15:00", "phone": PHONE},
        headers=officer,
    )
    back = response.get_json()
    assert response.status_code == 201, back
    html = client.get(f"/b/{back['token']}").get_data(as_text=True)
    assert "000.00.23.H26-250715-0001" in html and 'id="actions" hidden' in html


def _make_copy(engine) -> None:
    """The office as a province holds it: a copy of a commune centre's office."""
    from server.models import Centre, Office

    with engine.db.write() as session:
        centre = Centre(code="C1", name="Xã Thử", created_at=dt.datetime.now(dt.UTC))
        session.add(centre)
        session.flush()
        session.query(Office).filter_by(code="T1").update({"centre_id": centre.id})


def test_a_provincial_copy_says_booking_is_at_the_centre_with_no_form(client, engine, open_booking):
    _make_copy(engine)
    response = client.get("/book/T1")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Đặt lịch tại trung tâm xã" in html and "bản sao của tỉnh" in html
    assert 'id="book-form"' not in html and "js/booking/book.js" not in html
    english = client.get("/book/T1?lang=en").get_data(as_text=True)
    assert "Book at the commune centre" in english
    info = client.get("/api/v1/offices/T1/booking").get_json()
    assert info["enabled"] is False and info["at_centre"] is True
    body = {"service": "B", "start": f"{TOMORROW}T09:00", "name": NAME, "phone": PHONE}
    refused = client.post("/api/v1/offices/T1/appointments", json=body)
    assert refused.status_code == 409
    assert "trang đặt lịch của chính trung tâm xã" in refused.get_json()["vi"]["message"]
    assert engine.appointments_of_day("T1", dt.date(2026, 11, 24)) == []
