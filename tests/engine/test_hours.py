"""Opening hours: tickets are refused outside them, with a reason the kiosk can show."""

from __future__ import annotations

import datetime as dt

import pytest

from server.engine import Invalid
from server.engine.errors import Closed
from server.engine.rules.hours import is_open

HOURS = {
    day: [["07:30", "11:30"], ["13:30", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")
} | {"sat": [["07:30", "11:30"]]}


@pytest.mark.parametrize(
    ("local", "expected"),
    [
        ("2026-11-23 07:29", False),  # Monday, before opening
        ("2026-11-23 07:30", True),
        ("2026-11-23 11:30", False),  # lunch
        ("2026-11-23 13:45", True),
        ("2026-11-28 09:00", True),  # Saturday morning
        ("2026-11-28 14:00", False),
        ("2026-11-29 09:00", False),  # Sunday
        ("2026-09-02 09:00", False),  # National Day, a closed day (a Wednesday)
    ],
)
def test_is_open(local, expected):
    settings = {"hours": HOURS, "closed_days": ["2026-09-02"]}
    assert is_open(settings, dt.datetime.fromisoformat(local)) is expected


def test_no_hours_means_always_open():
    assert is_open({}, dt.datetime(2026, 11, 29, 3, 0))


def test_issuing_outside_hours_is_refused(engine, office, clock):
    engine.update_office("T1", {"settings": {"hours": HOURS}})
    clock.now = dt.datetime(2026, 11, 23, 5, 0, tzinfo=dt.UTC)  # 12:00 in Hà Nội: lunch
    with pytest.raises(Closed, match="opening hours"):
        engine.issue("T1", "A")
    clock.now = dt.datetime(2026, 11, 23, 7, 0, tzinfo=dt.UTC)  # 14:00
    assert engine.issue("T1", "A")["code"] == "A001"


@pytest.mark.parametrize(
    "hours",
    [{"funday": []}, {"mon": [["09:00"]]}, {"mon": [["12:00", "08:00"]]}, {"mon": [["9h", "10h"]]}],
)
def test_bad_hours_are_refused(engine, office, hours):
    with pytest.raises(Invalid):
        engine.update_office("T1", {"settings": {"hours": hours}})
