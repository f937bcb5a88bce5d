"""Print jobs: made with the ticket, claimed once, settled once.

A job goes pending → printing → printed | failed. The claim is a conditional UPDATE, so
two workers (or a retry) can never both print it; nothing is retried automatically,
because a ticket printed minutes late would land in the next citizen's hand. Officers
reprint on request.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..models import Device, PrintJob, Ticket
from .errors import InvalidTransition, NotFound
from .events import Event, device_room, staff_room, ticket_room

DEFAULT_FOOTER = "Vui lòng chờ đến lượt. Xin cảm ơn!"


def new_job(
    session: Session,
    ticket: Ticket,
    device: Device,
    now: dt.datetime,
    track_url: str,
    user_id: int | None = None,
    reprint: bool = False,
) -> PrintJob:
    job = PrintJob(
        ticket_id=ticket.id,
        device_id=device.id,
        office_id=ticket.office_id,
        status="pending",
        reprint=reprint,
        requested_by=user_id,
        track_url=track_url,
        created_at=now,
    )
    session.add(job)
    session.flush()
    return job


def job_event(job: PrintJob, device: Device) -> Event:
    """Tells the print queue (or the kiosk agent, in the device's room) to print."""
    payload = {"job": job.id, "device": device.id, "agent": device.printer_url == "agent:"}
    return Event("print_job", (device_room(device.id),), payload)


def claim(session: Session, job_id: int, now: dt.datetime) -> PrintJob | None:
    claimed = session.execute(
        update(PrintJob)
        .where(PrintJob.id == job_id, PrintJob.status == "pending")
        .values(status="printing", started_at=now)
    )
    if claimed.rowcount != 1:
        return None
    return session.get(PrintJob, job_id)


def print_data(job: PrintJob) -> dict[str, Any]:
    """Everything the printer package needs for this job, as plain values."""
    ticket, device = job.ticket, job.device
    office = ticket.office
    settings = office.settings or {}
    return {
        "job": job.id,
        "device": device.id,
        "printer_url": device.printer_url,
        "paper": device.paper,
        "profile": device.printer_profile,
        "ticket": {
            "office_name": office.name,
            "service_name": ticket.service.name,
            "code": ticket.code,
            "issued_at": ticket.issued_at.astimezone(ZoneInfo(office.timezone)),
            "ahead": ticket.ahead_at_issue or 0,
            "eta_minutes": ticket.eta_at_issue,
            "track_url": job.track_url,
            "priority_name": ticket.priority_class.name if ticket.priority_class else None,
            "footer": settings.get("ticket_footer") or DEFAULT_FOOTER,
        },
    }


def settle(
    session: Session,
    job_id: int,
    ok: bool,
    error: str | None,
    bytes_sent: int | None,
    now: dt.datetime,
    device_id: int | None = None,
) -> PrintJob:
    job = session.get(PrintJob, job_id)
    if job is None or (device_id is not None and job.device_id != device_id):
        raise NotFound(f"Print job {job_id} does not exist.")
    if job.status not in ("pending", "printing"):
        raise InvalidTransition(f"Print job {job_id} is already {job.status}.")
    job.status = "printed" if ok else "failed"
    job.error = None if ok else (error or "unknown printer error")
    job.bytes_sent = bytes_sent
    job.finished_at = now
    device = job.device
    device.printer_status = "ok" if ok else "error"
    device.printer_error = job.error
    device.printer_checked_at = now
    session.flush()
    return job


def settled_events(job: PrintJob) -> list[Event]:
    """The kiosk showing the ticket, and the office's staff, learn how printing went."""
    ticket, device = job.ticket, job.device
    code = ticket.office.code
    payload = {
        **job.to_dict(),
        "ticket": ticket.code,
        "device": {
            "id": device.id,
            "name": device.name,
            "printer_status": device.printer_status,
            "printer_error": device.printer_error,
        },
    }
    rooms = (ticket_room(ticket.token), device_room(device.id), staff_room(code))
    return [Event("print_status", rooms, payload)]


def stale(session: Session, cutoff: dt.datetime) -> list[PrintJob]:
    return list(
        session.scalars(
            select(PrintJob).where(
                PrintJob.status.in_(("pending", "printing")), PrintJob.created_at < cutoff
            )
        )
    )


def pending(session: Session, device_id: int | None = None) -> list[int]:
    query = select(PrintJob.id).where(PrintJob.status == "pending").order_by(PrintJob.id)
    if device_id is not None:
        query = query.where(PrintJob.device_id == device_id)
    return list(session.scalars(query))


