"""Opening hours: tickets are refused outside them, with a clear message.

`settings["hours"]` maps weekday keys ("mon".."sun") to lists of ["HH:MM", "HH:MM"]
periods, and `settings["closed_days"]` lists dates ("YYYY-MM-DD", e.g. public holidays).
An office without hours is always open.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ...i18n import english
from ..errors import Invalid

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _time(value: str) -> dt.time:
    try:
        return dt.time.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise Invalid(english("time", value=value), field="hours") from exc


def check_hours(hours: Any) -> dict[str, list[list[str]]]:
    """Validated hours, or Invalid saying what is wrong."""
    if not isinstance(hours, dict) or set(hours) - set(DAYS):
        raise Invalid(english("hours_days", days=", ".join(DAYS)), field="hours")
    for day, periods in hours.items():
        if not isinstance(periods, list):
            raise Invalid(english("hours_list", day=day), field="hours")
        for period in periods:
            if not (isinstance(period, list) and len(period) == 2):
                raise Invalid(english("period_pair", day=day), field="hours")
            start, end = (_time(value) for value in period)
            if start >= end:
                raise Invalid(english("period_order", day=day), field="hours")
    return hours


def is_open(settings: dict[str, Any] | None, local: dt.datetime) -> bool:
    periods = _periods(settings or {}, local.date())
    if periods is None:
        return True
    now = local.time()
    return any(_time(start) <= now < _time(end) for start, end in periods)


def _periods(settings: dict[str, Any], day: dt.date) -> list[list[str]] | None:
    """The day's periods; None when the office keeps no hours (always open)."""
    if day.isoformat() in settings.get("closed_days", []):
        return []
    hours = settings.get("hours")
    if not hours:
        return None
    return sorted(hours.get(DAYS[day.weekday()], []))


def periods(settings: dict[str, Any] | None, day: dt.date) -> list[tuple[dt.time, dt.time]] | None:
    """The day's opening periods as times; None when the office keeps no hours."""
    found = _periods(settings or {}, day)
    return None if found is None else [(_time(start), _time(end)) for start, end in found]


def status(settings: dict[str, Any] | None, local: dt.datetime, days_ahead: int = 14) -> dict:
    """Whether the office takes tickets at `local` (its own time), today's periods and, when
    closed, the next opening within `days_ahead`: what the kiosk shows before any tap."""
    settings = settings or {}
    today = _periods(settings, local.date())
    state = {"open": True, "always_open": today is None, "today": today or []}
    state.update(closes_at=None, next_open=None)
    if today is None:
        return state
    now = local.time()
    current = [end for start, end in today if _time(start) <= now < _time(end)]
    if current:
        return {**state, "closes_at": current[0]}
    for offset in range(days_ahead + 1):
        day = local.date() + dt.timedelta(days=offset)
        starts = [_time(start) for start, _end in _periods(settings, day) or []]
        later = [t for t in starts if offset > 0 or t > now]
        if later:
            opens = dt.datetime.combine(day, min(later), local.tzinfo).isoformat()
            return {**state, "open": False, "next_open": opens}
    return {**state, "open": False}
