"""Booking slots, as pure rules: an office's opening periods cut into slots of equal
length, on the days one may book. Capacity and who booked what are the engine's
(engine/appointments.py); this only says which slots exist."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

from . import hours

# Where an office keeps no opening hours (its kiosk issues at any time), appointments are
# still for a working day: Monday to Friday, 07:30–11:30 and 13:30–17:00.
WORKING_DAY = [["07:30", "11:30"], ["13:30", "17:00"]]
WORKING_WEEK = {day: WORKING_DAY for day in ("mon", "tue", "wed", "thu", "fri")}


def booking_hours(settings: dict | None) -> dict:
    """The hours slots are cut from: the appointments' own (`appointments.hours`), else the
    office's opening hours, else the working week; closed days are the office's."""
    settings = settings or {}
    own = (settings.get("appointments") or {}).get("hours")
    return {
        "hours": own or settings.get("hours") or WORKING_WEEK,
        "closed_days": settings.get("closed_days", []),
    }


def day_slots(settings: dict | None, day: dt.date, minutes: int) -> list[tuple[dt.time, dt.time]]:
    """(start, end) local times of the day's slots: each period of `booking_hours` cut from
    its start, a remainder shorter than a slot left out; none on a closed day."""
    found = []
    step = dt.timedelta(minutes=minutes)
    for start, end in hours.periods(booking_hours(settings), day) or []:
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
