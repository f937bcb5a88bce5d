"""Booking under load from two `luot serve` processes on one database (SQLite here,
PostgreSQL in the second pass): a slot never holds more than its capacity and a phone
never more than its limits, however the requests interleave."""

from __future__ import annotations

import datetime as dt
import uuid
from concurrent.futures import ThreadPoolExecutor
from zoneinfo import ZoneInfo

import pytest
import requests
from sqlalchemy import func, select

from server.db import Database
from server.engine import Engine
from server.models import Appointment
from tests.factories import make_office
from tests.live_server import LiveServer, free_port

pytestmark = pytest.mark.multiproc

ALL_DAY = {d: [["07:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
CAPACITY, CITIZENS = 3, 40


@pytest.fixture
def servers(database_url, tmp_path, redis_url):
    db = Database(database_url)
    make_office(db)
    Engine(db).update_office(
        "T1",
        {
            "settings": {
                "hours": ALL_DAY,
                "appointments": {
                    "enabled": True,
                    "capacity": {"A": CAPACITY},
                    "per_phone_open": 3,
                    "days_ahead": 30,
                },
            }
        },
    )
    db.dispose()
    env = {
        "REDIS_URL": redis_url,
        "LUOT_SOCKETIO_CHANNEL": f"luot-test-{uuid.uuid4().hex}",
        "LUOT_BOOKING_LIMIT": "10000 per minute",
        # Every request comes from 127.0.0.1: its network's limit too.
        "LUOT_BOOKING_NETWORK_LIMIT": "10000 per minute",
    }
    started = []
    for name in ("a", "b"):
        server = LiveServer(database_url, tmp_path / name, free_port(), **env)
        server.start()
        started.append(server)
    yield started
    for server in started:
        server.stop()


def day(offset: int) -> str:
    return (dt.datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date() + dt.timedelta(offset)).isoformat()


def post_all(urls: list[str], bodies: list[dict]) -> list[int]:
    def send(i: int) -> int:
        url = urls[i % len(urls)] + "/api/v1/offices/T1/appointments"
        return requests.post(url, json=bodies[i], timeout=60).status_code

    with ThreadPoolExecutor(16) as pool:
        return list(pool.map(send, range(len(bodies))))


def held(database_url: str, **where) -> int:
    db = Database(database_url)
    try:
        with db.read() as session:
            query = (
                select(func.count())
                .select_from(Appointment)
                .where(
                    Appointment.status == "booked",
                    *[getattr(Appointment, key) == value for key, value in where.items()],
                )
            )
            return session.scalar(query)
    finally:
        db.dispose()


def test_forty_citizens_through_two_processes_for_a_slot_of_three(servers, database_url):
    urls = [server.url for server in servers]
    bodies = [
        {"service": "A", "start": f"{day(3)}T10:00", "name": f"Công dân {n}", "phone": f"09{n:08d}"}
        for n in range(CITIZENS)
    ]
    statuses = post_all(urls, bodies)
    assert sorted(statuses) == [201] * CAPACITY + [409] * (CITIZENS - CAPACITY)
    assert held(database_url) == CAPACITY


def test_one_phone_hammering_many_slots_gets_its_limits(servers, database_url):
    """Twelve bookings at once from one number: one a day, three upcoming at most."""
    urls = [server.url for server in servers]
    bodies = [
        {
            "service": "A",
            "start": f"{day(2 + n % 6)}T{9 + n // 6:02d}:00",
            "name": "Một người",
            "phone": "0912345678",
        }
        for n in range(12)
    ]
    statuses = post_all(urls, bodies)
    assert statuses.count(201) == 3 and statuses.count(409) == 9, statuses
    assert held(database_url, phone="0912345678") == 3
