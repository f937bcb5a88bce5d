"""Shared by the display, counter-screen and phone tests: an API driver and office settings."""

from __future__ import annotations

import datetime as dt
from typing import Any

import requests
from sqlalchemy import select

from server.db import Database
from server.engine import Engine
from server.engine.catalog import create_office
from server.models import Office
from tests.factories import bearer, make_token

NOTICE = (
    "Công dân vui lòng lấy số thứ tự và chờ đến lượt. "
    "Giờ làm việc: sáng 7:30–11:30, chiều 13:30–17:00, thứ Hai đến thứ Sáu."
)

# A commune centre for the screenshots: six fields, five counters, a notice.
SCREEN_OFFICE: dict[str, Any] = {
    "code": "XA-MAU",
    "name": "Trung tâm Phục vụ hành chính công xã Mẫu",
    "timezone": "Asia/Ho_Chi_Minh",
    # One test officer staffs every counter here.
    "settings": {"notice": NOTICE, "counters_per_officer": 10},
    "services": [
        {
            "code": "HT",
            "name": "Hộ tịch – Tư pháp",
            "name_en": "Civil status",
            "number_start": 1001,
            "number_end": 1999,
            "digits": 4,
        },
        {
            "code": "DD",
            "name": "Đất đai",
            "name_en": "Land",
            "number_start": 2001,
            "number_end": 2999,
            "digits": 4,
        },
        {
            "code": "KD",
            "name": "Đăng ký kinh doanh",
            "name_en": "Business registration",
            "number_start": 3001,
            "number_end": 3999,
            "digits": 4,
        },
        {
            "code": "LD",
            "name": "Lao động – Thương binh và Xã hội",
            "name_en": "Labour",
            "number_start": 4001,
            "number_end": 4999,
            "digits": 4,
        },
        {
            "code": "XD",
            "name": "Xây dựng",
            "name_en": "Construction",
            "number_start": 5001,
            "number_end": 5999,
            "digits": 4,
        },
        {
            "code": "TKQ",
            "name": "Trả kết quả",
            "name_en": "Results",
            "prefix": "A",
            "number_start": 1,
            "number_end": 999,
            "digits": 3,
        },
    ],
    "counters": [
        {"number": 1, "name": "Quầy 1 – Hộ tịch", "services": ["HT"]},
        {"number": 2, "name": "Quầy 2 – Đất đai, Xây dựng", "services": ["DD", "XD"]},
        {"number": 3, "name": "Quầy 3 – Kinh doanh, LĐTBXH", "services": ["KD", "LD"]},
        {"number": 4, "name": "Quầy 4 – Hộ tịch, LĐTBXH", "services": ["HT", "LD"]},
        {"number": 5, "name": "Quầy 5 – Trả kết quả", "services": ["TKQ", "HT"]},
    ],
}


class Api:
    """The REST calls the tests make, as an officer of the office."""

    def __init__(self, url: str, token: str, office: str = "T1") -> None:
        self.base = url + "/api/v1"
        self.headers = bearer(token)
        self.office = office

    def _post(self, path: str, body: dict | None = None) -> dict[str, Any]:
        response = requests.post(self.base + path, json=body, headers=self.headers, timeout=10)
        assert response.ok, (path, response.status_code, response.text)
        return response.json()

    def issue(self, service: str) -> dict[str, Any]:
        return self._post(f"/offices/{self.office}/tickets", {"service": service})

    def open(self, counter_id: int) -> dict[str, Any]:
        return self._post(f"/counters/{counter_id}/open")

    def next(self, counter_id: int) -> dict[str, Any]:
        return self._post(f"/counters/{counter_id}/next")["ticket"]

    def act(self, ticket_id: int, action: str) -> dict[str, Any]:
        return self._post(f"/tickets/{ticket_id}/{action}")


def set_settings(database_url: str, office: str, settings: dict[str, Any]) -> None:
    """Merge keys into an office's settings, as the admin pages will."""
    db = Database(database_url)
    try:
        with db.write() as session:
            row = session.scalar(select(Office).where(Office.code == office))
            row.settings = {**(row.settings or {}), **settings}
    finally:
        db.dispose()


def screen_office(database_url: str, document: dict[str, Any] = SCREEN_OFFICE) -> dict[str, Any]:
    """Create SCREEN_OFFICE (or another XA-MAU) and an officer of it; returns counter ids by
    number and a token."""
    db = Database(database_url)
    try:
        with db.write() as session:
            office = create_office(session, document, dt.datetime.now(dt.UTC))
            counters = {c.number: c.id for c in office.counters}
        token = make_token(db, "officer-xm", offices=("XA-MAU",))
    finally:
        db.dispose()
    return {"counters": counters, "token": token}


def offline_engine(database_url: str, clock=None) -> tuple[Engine, Database]:
    """The engine without a server, for changes made while the server is down."""
    db = Database(database_url)
    engine = Engine(db, clock=clock) if clock else Engine(db)
    return engine, db
