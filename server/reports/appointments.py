"""Appointment figures for the reports: how many were booked, came, were served, did not
come, and how punctual those who came were. Grouped aggregates in SQL, the same on SQLite
and PostgreSQL, over the appointments whose slot falls in the report's days.

Definitions:
- booked: appointments not cancelled (bookings and returns of results);
- arrived: checked in at the kiosk or counter; served: and their ticket was finished;
- missed: never checked in, and the slot (with the office's late window) is over;
- on time: checked in no later than the slot's start plus the office's `late_minutes`;
  punctuality is on time over arrived; lateness the mean minutes from the slot's start
  to the check-in (negative: early).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import and_, case, func, literal, select
from sqlalchemy.orm import Session

from ..engine.rules.documents import appointment_rules
from ..models import Appointment, Office, Service, Ticket, UTCDateTime
from .live import Scope, per_office, seconds_between

# Groupings the appointments follow; the report's others (counter, officer, hour) show
# them by field.
KEYS = {"office": Appointment.office_id, "service": Appointment.service_id}
COLUMNS = ("booked", "cancelled", "arrived", "served", "missed", "on_time")


def figures(session: Session, where: Scope, group: str, now: dt.datetime) -> dict[str, Any]:
    """{"group", "rows", "total"} for the scope; rows keyed like the main report's."""
    group = group if group in (*KEYS, "day", "total") else "service"
    late = _late_seconds(session, where.office_ids)
    key = {**KEYS, "day": Appointment.local_day, "total": literal(0)}[group]
    in_scope = and_(
        Appointment.office_id.in_(where.office_ids),
        Appointment.local_day >= where.start,
        Appointment.local_day <= where.end,
    )
    allowed = per_office(Appointment.office_id, late)
    lateness = seconds_between(Appointment.slot_start, Appointment.checked_in_at)
    held = Appointment.status != "cancelled"
    arrived = Appointment.status == "checked_in"

    def count(condition) -> Any:
        return func.sum(case((condition, 1), else_=0))

    query = (
        select(
            key.label("key"),
            count(held).label("booked"),
            count(Appointment.status == "cancelled").label("cancelled"),
            count(arrived).label("arrived"),
            count(and_(arrived, Ticket.status == "done")).label("served"),
            count(
                and_(
                    Appointment.status == "booked",
                    seconds_between(Appointment.slot_start, literal(now, UTCDateTime())) > allowed,
                )
            ).label("missed"),
            count(and_(arrived, lateness <= allowed)).label("on_time"),
            func.avg(case((arrived, lateness))).label("lateness"),
        )
        .select_from(Appointment)
        .outerjoin(Ticket, Ticket.appointment_id == Appointment.id)
        .where(in_scope)
        .group_by(key)
        .order_by(key)
    )
    rows = [_row(row) for row in session.execute(query)]
    labels = _labels(session, group, [row["key"] for row in rows])
    for row in rows:
        row["label"] = labels.get(row["key"], row["key"])
    total = _total(rows) if rows else None
    return {"group": group, "rows": rows, "total": total}


def _row(row: Any) -> dict[str, Any]:
    values = {name: int(getattr(row, name) or 0) for name in COLUMNS}
    key = row.key.isoformat() if isinstance(row.key, dt.date) else row.key
    return {
        "key": key,
        **values,
        "punctuality": round(values["on_time"] / values["arrived"], 3)
        if values["arrived"]
        else None,
        "lateness_minutes": round(float(row.lateness) / 60, 1)
        if row.lateness is not None
        else None,
    }


def _total(rows: list[dict[str, Any]]) -> dict[str, Any]:
    values = {name: sum(row[name] for row in rows) for name in COLUMNS}
    weighted = [
        (row["lateness_minutes"], row["arrived"])
        for row in rows
        if row["lateness_minutes"] is not None
    ]
    arrived = sum(n for _, n in weighted)
    return {
        "key": None,
        "label": None,
        **values,
        "punctuality": round(values["on_time"] / values["arrived"], 3)
        if values["arrived"]
        else None,
        "lateness_minutes": round(sum(m * n for m, n in weighted) / arrived, 1)
        if arrived
        else None,
    }


def _late_seconds(session: Session, office_ids: tuple[int, ...]) -> dict[int, int]:
    rows = session.execute(select(Office.id, Office.settings).where(Office.id.in_(office_ids)))
    return {oid: appointment_rules(settings)["late_minutes"] * 60 for oid, settings in rows}


def _labels(session: Session, group: str, keys: list[Any]) -> dict[Any, str]:
    if group not in KEYS or not keys:
        return {}
    model = Office if group == "office" else Service
    return dict(session.execute(select(model.id, model.name).where(model.id.in_(keys))).all())
