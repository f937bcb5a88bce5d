"""A gateway of the test's own on loopback, and an app whose messages go to it."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

import pytest

from server import current
from server.engine import citizen_messages
from server.models import Appointment, Office, OutboxMessage
from tests.factories import SMALL_OFFICE, FakeClock, make_office
from tests.messaging.gateway import ACCESS_TOKEN, API_KEY, BRANDNAME, SECRET_KEY, Gateway

START = dt.datetime(2026, 11, 23, 1, 0, tzinfo=dt.UTC)  # 08:00 in Hà Nội


# Messages carry links only on a box that says where phones reach it.
PUBLIC_BASE = "https://hcc.xa-thu.gov.vn"


def gateway_config(gateway: Gateway) -> dict[str, Any]:
    return {
        "PUBLIC_BASE_URL": PUBLIC_BASE,
        "SMS_URL": gateway.url,
        "SMS_API_KEY": API_KEY,
        "SMS_SECRET_KEY": SECRET_KEY,
        "SMS_BRANDNAME": BRANDNAME,
        "ZNS_URL": gateway.url,
        "ZNS_ACCESS_TOKEN": ACCESS_TOKEN,
        # The gateway's timeout mode answers after 1 s: well past this.
        "MESSAGE_TIMEOUT": 0.3,
        "MESSAGE_RETRY_SECONDS": 30,
        "MESSAGE_RETRY_MAX_SECONDS": 600,
        "MESSAGE_MAX_ATTEMPTS": 6,
        "MESSAGE_CLAIM_SECONDS": 60,
    }


@pytest.fixture
def messaging_app(make_app, gateway):
    """Build apps on this test's database whose gateways are the test's, each with its
    engine on one shared FakeClock."""
    clock = FakeClock(START)

    def make(name: str = "instance", **overrides):
        app = make_app(name, **{**gateway_config(gateway), **overrides})
        current.engine(app).clock = clock
        app.fake_clock = clock
        return app

    return make


@pytest.fixture
def app(messaging_app):
    return messaging_app()


@pytest.fixture
def clock(app) -> FakeClock:
    return app.fake_clock


@pytest.fixture
def worker(app):
    return current.messages(app)


@pytest.fixture
def db(app):
    return current.database(app)


def messages_settings(channel: str = "sms", **more: Any) -> dict[str, Any]:
    # start_on_call: "next" finishes the one served, so a test can call down the line.
    return {
        **SMALL_OFFICE["settings"],
        "start_on_call": True,
        "messages": {"channel": channel, **more},
    }


@pytest.fixture
def office(db):
    return make_office(
        db, settings=messages_settings(zns_templates={"booked": "tpl-booked", "called": "tpl-c"})
    )


def set_channel(db, office_code: str, channel: str) -> None:
    with db.write() as session:
        office = session.query(Office).filter_by(code=office_code).one()
        settings = dict(office.settings)
        settings["messages"] = {**settings.get("messages", {}), "channel": channel}
        office.settings = settings


def make_appointment(
    db, office: dict, phone: str = "0912345678", consent: bool = True, **values: Any
) -> int:
    """An appointment row as the booking page would write it (booking is not ours)."""
    with db.write() as session:
        appointment = Appointment(
            office_id=office["id"],
            service_id=office["services"]["A"],
            code=values.pop("code", secrets.token_hex(3).upper()),
            token=secrets.token_hex(16),
            slot_start=values.pop("slot_start", START + dt.timedelta(hours=2)),
            slot_end=START + dt.timedelta(hours=2, minutes=15),
            local_day=dt.date(2026, 11, 23),
            citizen_name="Nguyễn Văn A",
            phone=phone,
            consent_at=START if consent else None,
            created_at=START,
            **values,
        )
        session.add(appointment)
        session.flush()
        return appointment.id


def booked_params(code: str = "H7K2Q") -> dict[str, Any]:
    return {
        "code": code,
        "office": "UBND xã Thử",
        "field": "Hộ tịch",
        "date": "23/11/2026",
        "time": "10:00",
        "link": "https://luot.example/lich-hen/abc",
    }


def enqueue_booked(db, appointment_id: int, now: dt.datetime = START, **params: Any):
    with db.write() as session:
        appointment = session.get(Appointment, appointment_id)
        message = citizen_messages.for_appointment(
            session, appointment, "booked", {**booked_params(appointment.code), **params}, now
        )
        return message.id if message else None


def all_messages(db) -> list[OutboxMessage]:
    with db.read() as session:
        return list(session.query(OutboxMessage).order_by(OutboxMessage.id))
