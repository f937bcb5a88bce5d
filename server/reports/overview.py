"""The manager's live view of one office, beside the reports: the office snapshot plus the
longest current wait, today's served count per field, devices at fault or offline, who
issued today's tickets and today's appointments. Read-only; the engine's snapshot, line
and appointment helpers do the work."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select

from ..engine import Engine
from ..engine.context import office_by_code
from ..engine.device_presence import OFFLINE_AFTER, device_view
from ..engine.lines import local_day
from ..engine.rules.transitions import DONE, WAITING
from ..engine.snapshots import office_snapshot
from ..engine.sources import today as issued_today
from ..engine.sources import upcoming as booked_upcoming
from ..models import Device, Ticket


def office_overview(
    engine: Engine, office_code: str, offline_after: dt.timedelta = OFFLINE_AFTER
) -> dict[str, Any]:
    now = engine.clock()
    with engine.db.read() as session:
        office = office_by_code(session, office_code)
        day = local_day(office, now)
        snapshot = office_snapshot(session, office, now, engine.context.estimator(session))
        today = (Ticket.office_id == office.id, Ticket.service_day == day)
        oldest = dict(
            session.execute(
                select(Ticket.service_id, func.min(Ticket.issued_at))
                .where(*today, Ticket.status == WAITING)
                .group_by(Ticket.service_id)
            ).all()
        )
        served = dict(
            session.execute(
                select(Ticket.service_id, func.count())
                .where(*today, Ticket.status == DONE)
                .group_by(Ticket.service_id)
            ).all()
        )
        by_code = {s.code: s for s in office.services}
        # A field no counter is set to serve is never ticketed: the manager is told.
        served_codes = {code for c in snapshot["counters"] for code in c["services"]}
        for service in snapshot["services"]:
            service["served"] = service["code"] in served_codes
            known = by_code[service["code"]]
            since = oldest.get(known.id)
            service["longest_wait_seconds"] = int((now - since).total_seconds()) if since else None
            service["served_today"] = served.get(known.id, 0)
            service["target_wait_minutes"] = known.target_wait_minutes
        devices = []
        for device in session.scalars(
            select(Device)
            .where(Device.office_id == office.id, Device.active.is_(True))
            .order_by(Device.id)
        ):
            # Connected or not as the devices page says it: one reading (engine/device_presence.py).
            item = device_view(device, now, offline_after)
            item["fault"] = device.printer_status == "error" or not item["online"]
            devices.append(item)
        sources = issued_today(session, office, day)
        booking_sources = booked_upcoming(session, office, now)
    waits = [
        s["longest_wait_seconds"]
        for s in snapshot["services"]
        if s["longest_wait_seconds"] is not None
    ]
    return {
        **snapshot,
        "appointments": appointments_summary(engine.appointments_of_day(office_code)),
        "longest_wait_seconds": max(waits) if waits else None,
        "unserved": [s["name"] for s in snapshot["services"] if not s["served"]],
        "served_today": sum(served.values()),
        "open_counters": sum(c["state"] == "open" for c in snapshot["counters"]),
        "devices": devices,
        "sources": sources[:10],
        "booking_sources": booking_sources[:10],
    }


UPCOMING = 5


def appointments_summary(day: list[dict[str, Any]], upcoming: int = UPCOMING) -> dict[str, Any]:
    """Today's appointments as the overview counts them (as the reports do): booked (all
    but the cancelled), checked in (arrived, whatever came of it), attended (served),
    missed (never came); and the next few still to come, in slot order."""
    held = [a for a in day if a["state"] != "cancelled"]
    arrived = ("checked_in", "attended", "no_show")
    return {
        "booked": len(held),
        "checked_in": sum(a["state"] in arrived for a in held),
        "attended": sum(a["state"] == "attended" for a in held),
        "missed": sum(a["state"] == "missed" for a in held),
        "upcoming": [
            {key: a[key] for key in ("id", "code", "kind", "time", "start", "name", "service")}
            for a in held
            if a["state"] == "booked"
        ][:upcoming],
    }
