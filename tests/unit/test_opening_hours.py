"""What the kiosk shows before any tap: open or not, today's hours, the next opening."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from server.engine.rules import hours

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
WEEK = {
    day: [["13:30", "17:00"], ["07:30", "11:30"]] for day in ("mon", "tue", "wed", "thu", "fri")
}
WEEK["sat"] = [["07:30", "11:30"]]


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=HCM)  # 30 Nov 2026 is a Monday


def test_without_hours_always_open():
    assert hours.status({}, at(30, 3))["open"] is True
    assert hours.status(None, at(30, 3))["always_open"] is True


def test_open_within_a_period_with_its_closing_time_and_todays_hours_in_order():
    state = hours.status({"hours": WEEK}, at(30, 9))
    assert state["open"] and state["closes_at"] == "11:30"
    assert state["today"] == [["07:30", "11:30"], ["13:30", "17:00"]]
    assert hours.is_open({"hours": WEEK}, at(30, 9))


def test_the_lunch_break_opens_again_the_same_afternoon():
    state = hours.status({"hours": WEEK}, at(30, 12))
    assert not state["open"] and state["next_open"] == "2026-11-30T13:30:00+07:00"
    assert not hours.is_open({"hours": WEEK}, at(30, 12))


def test_an_evening_opens_next_morning_and_a_saturday_afternoon_on_monday():
    assert hours.status({"hours": WEEK}, at(30, 18))["next_open"] == "2026-12-01T07:30:00+07:00"
    saturday = dt.datetime(2026, 12, 5, 14, tzinfo=HCM)
    assert hours.status({"hours": WEEK}, saturday)["next_open"] == "2026-12-07T07:30:00+07:00"


def test_a_closed_day_is_skipped_and_shows_no_hours():
    settings = {"hours": WEEK, "closed_days": ["2026-12-01", "2026-12-02"]}
    state = hours.status(settings, dt.datetime(2026, 12, 1, 9, tzinfo=HCM))
    assert not state["open"] and state["today"] == []
    assert state["next_open"] == "2026-12-03T07:30:00+07:00"


def test_no_opening_in_sight_says_so():
    state = hours.status({"hours": {"mon": [["07:30", "08:00"]]}, "closed_days": []}, at(30, 9))
    assert state["next_open"] == "2026-12-07T07:30:00+07:00"
    assert hours.status({"hours": {"mon": []}}, at(30, 9))["next_open"] is None
