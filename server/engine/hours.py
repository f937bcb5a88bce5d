"""Opening hours: tickets are refused outside them, with a clear message.

`settings["hours"]` maps weekday keys ("mon".."sun") to lists of ["HH:MM", "HH:MM"]
periods, and `settings["closed_days"]` lists dates ("YYYY-MM-DD", e.g. public holidays).
An office without hours is always open.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .errors import Invalid

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _time(value: str) -> dt.time:
    try:
        return dt.time.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise Invalid(f"{value!r} is not a time like 07:30.", field="hours") from exc


def check_hours(hours: Any) -> dict[str, list[list[str]]]:
    """Validated hours, or Invalid saying what is wrong."""
    if not isinstance(hours, dict) or set(hours) - set(DAYS):
        raise Invalid(f"Hours must map some of {', '.join(DAYS)} to periods.", field="hours")
    for day, periods in hours.items():
        if not isinstance(periods, list):
            raise Invalid(f"Hours for {day} must be a list of periods.", field="hours")
        for period in periods:
            if not (isinstance(period, list) and len(period) == 2):
                raise Invalid(f"A period on {day} must be [start, end].", field="hours")
            start, end = (_time(value) for value in period)
            if start >= end:
                raise Invalid(f"A period on {day} ends before it starts.", field="hours")
    return hours


def is_open(settings: dict[str, Any] | None, local: dt.datetime) -> bool:
    settings = settings or {}
    if local.date().isoformat() in settings.get("closed_days", []):
        return False
    hours = settings.get("hours")
    if not hours:
        return True
    now = local.time()
    periods = hours.get(DAYS[local.weekday()], [])
    return any(_time(start) <= now < _time(end) for start, end in periods)
