"""Booking slots, as pure rules: an office's opening periods cut into slots of equal
length, on the days one may book. Capacity and who booked what are the engine's
(engine/appointments.py); this only says which slots exist."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

from . import hours


def day_slots(settings: dict | None, day: dt.date, minutes: int) -> list[tuple[dt.time, dt.time]]:
    """(start, end) local times of the day's slots: each period cut from its start, a
    remainder shorter than a slot left out. No slots without opening hours (an office
    open all day and night has no times to book) or on a closed day."""
    found = []
    step = dt.timedelta(minutes=minutes)
    for start, end in hours.periods(settings, day) or []:
        moment = dt.datetime.combine(day, start)
        close = dt.datetime.combine(day, end)
        while moment + step <= close:
            found.append((moment.time(), (moment + step).time()))
            moment += step
    return found


def bookable_days(local_now: dt.datetime, days_ahead: int) -> Iterator[dt.date]:
    """Today and the days after it up to `days_ahead`."""
    for offset in range(days_ahead + 1):
        yield local_now.date() + dt.timedelta(days=offset)


def slot_at(
    settings: dict | None, zone: ZoneInfo, start: dt.datetime, minutes: int
) -> tuple[dt.datetime, dt.datetime] | None:
    """The slot starting at local `start` (naive or in the office's zone), as aware UTC,
    or None when no slot starts then."""
    local = start.replace(tzinfo=None)
    for begin, end in day_slots(settings, local.date(), minutes):
        if begin == local.time():
            first = dt.datetime.combine(local.date(), begin, zone)
            last = dt.datetime.combine(local.date(), end, zone)
            return first.astimezone(dt.UTC), last.astimezone(dt.UTC)
    return None
