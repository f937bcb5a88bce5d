"""Plain builders for test data (like CTFd's gen_*): offices, users with tokens, a clock."""

from __future__ import annotations

import datetime as dt
from typing import Any

from server.db import Database
from server.engine import credentials
from server.engine.catalog import create_office

SMALL_OFFICE: dict[str, Any] = {
    "code": "T1",
    "name": "Trung tâm Phục vụ hành chính công xã Thử",
    "timezone": "Asia/Ho_Chi_Minh",
    # Most tests issue as an anonymous kiosk, and open both counters with one officer's
    # token; tests of the default mode, or of one officer at one counter, leave these out.
    # They mark no-show straight after the call: the tests of the grace period and the
    # recall it waits for (tests/engine/test_no_show_grace.py) use the defaults.
    "recalls_before_no_show": 0,
    "settings": {"issuing": "open", "counters_per_officer": 2, "no_show_grace_seconds": 0},
    "services": [
        {"code": "A", "name": "Hộ tịch", "prefix": "A", "number_start": 1, "number_end": 999},
        {"code": "B", "name": "Đất đai", "number_start": 1001, "number_end": 1999, "digits": 4},
    ],
    "counters": [
        {"number": 1, "name": "Quầy 1", "services": ["A", "B"]},
        {"number": 2, "name": "Quầy 2", "services": ["B"]},
    ],
}


class FakeClock:
    """Time that moves only when a test says so."""

    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> dt.datetime:
        self.now += dt.timedelta(**delta)
        return self.now


def make_office(db: Database, **overrides: Any) -> dict[str, Any]:
    """Create an office from SMALL_OFFICE (with overrides); returns ids by name."""
    config = {**SMALL_OFFICE, **overrides}
    with db.write() as session:
        office = create_office(session, config, dt.datetime.now(dt.UTC))
        return {
            "id": office.id,
            "code": office.code,
            "counters": {c.number: c.id for c in office.counters},
            "services": {s.code: s.id for s in office.services},
        }


def make_token(db: Database, username: str, role: str = "officer", offices=("T1",)) -> str:
    """A user of `offices` with `role`, and a bearer token for them."""
    with db.write() as session:
        user = credentials.create_user(session, username, role, list(offices), "pw-" + username)
        return credentials.create_token(session, user, "test")


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
