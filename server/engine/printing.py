"""Print jobs: made with the ticket, claimed once, settled once.

A job goes pending → printing → printed | failed. The claim is a conditional UPDATE, so
two workers (or a retry) can never both print it; nothing is retried automatically,
because a ticket printed minutes late would land in the next citizen's hand. Officers
reprint on request.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from printer.ticket import DEFAULT_FOOTER

from ..i18n import english
from ..models import Device, Office, PrintJob, Service, ServiceDayCounter, Ticket, TicketEvent
from .commit_then_publish import Unit
from .context import kiosk, locked_ticket
from .errors import Conflict, InvalidTransition, NotFound, NotServed
from .events import Event, device_room, staff_room, ticket_room
from .lines import ahead_of_new, local_day
from .rules import numbers


def new_job(
    session: Session,
    ticket: Ticket,
    device: Device,
    now: dt.datetime,
    track_url: str,
    user_id: int | None = None,
    reprint: bool = False,
    appointment_id: int | None = None,
) -> PrintJob:
    job = PrintJob(
        appointment_id=appointment_id,
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
    """Everything the printer package needs for this job, as plain values: a ticket, or
    an appointment's slip (`slip`)."""
    ticket, device = job.ticket, job.device
    office = ticket.office
    printing = {
        "job": job.id,
        "device": device.id,
        "printer_url": device.printer_url,
        "paper": device.paper,
        "profile": device.printer_profile,
    }
    if job.appointment is not None:
        appointment = job.appointment
        return {
            **printing,
            "slip": {
                "office_name": office.name,
                "service_name": appointment.service.name,
                "code": appointment.code,
                "start": appointment.slot_start.astimezone(ZoneInfo(office.timezone)),
                "manage_url": job.track_url,
                "dossier_code": appointment.dossier_code,
                "kind": appointment.kind,
            },
        }
    return {
        **printing,
        "ticket": ticket_fields(
            office,
            service=ticket.service,
            code=ticket.code,
            issued_at=ticket.issued_at,
            ahead=ticket.ahead_at_issue or 0,
            eta_minutes=ticket.eta_at_issue,
            track_url=job.track_url,
            priority_name=ticket.priority_class.name if ticket.priority_class else None,
            counters=counters_at_issue(Session.object_session(job), ticket),
        ),
    }


def ticket_fields(
    office: Office,
    *,
    service: Service,
    code: str,
    issued_at: dt.datetime,
    ahead: int,
    eta_minutes: int | None,
    track_url: str,
    priority_name: str | None,
    counters: list[int],
) -> dict[str, Any]:
    """A ticket as the printer package takes it (printer.TicketPrint), with the office's
    settings as they are now: its name on top, its footer at the bottom."""
    settings = office.settings or {}
    return {
        "office_name": office.name,
        "service_name": service.name,
        "code": code,
        "issued_at": issued_at.astimezone(ZoneInfo(office.timezone)),
        "ahead": ahead,
        "eta_minutes": eta_minutes,
        "track_url": track_url,
        "priority_name": priority_name,
        "footer": settings.get("ticket_footer") or DEFAULT_FOOTER,
        "counters": counters,
    }


def counters_at_issue(session: Session | None, ticket: Ticket) -> list[int]:
    """The numbers of the counters that served the ticket's field when it was issued (its
    `issued` event says), so a reprint tells what the first print told. None for a ticket
    moved to another field since (they serve the field it left), nor for one issued before
    tickets named them."""
    if session is None or ticket.service_id != ticket.issued_service_id:
        return []
    data = session.scalar(
        select(TicketEvent.data)
        .where(TicketEvent.ticket_id == ticket.id, TicketEvent.kind == "issued")
        .order_by(TicketEvent.id)
        .limit(1)
    )
    counters = data.get("counters") if isinstance(data, dict) else None
    return [n for n in counters or () if isinstance(n, int) and not isinstance(n, bool)]


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
        raise NotFound(english("does_not_exist", label="Print job", id=job_id))
    if job.status not in ("pending", "printing"):
        raise InvalidTransition(english("print_job_settled", id=job_id, status=job.status))
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


class PrintJobs(Unit):
    """The engine's print verbs; the print worker and the kiosk agent call them."""

    def reprint(
        self,
        ticket_id: int,
        user_id: int | None = None,
        device_id: int | None = None,
        track_url_base: str = "",
    ) -> dict[str, Any]:
        """Print a ticket again (an officer's or manager's request), on its kiosk by default."""
        office_id = self.ctx.office_of("ticket", ticket_id)
        with self.tx.office(office_id) as (session, outbox):
            ticket = locked_ticket(session, ticket_id, outbox.office)
            device = kiosk(session, device_id or ticket.device_id, outbox.office)
            if not device.printer_url:
                raise Conflict(english("no_printer", name=device.name))
            track_url = f"{track_url_base.rstrip('/')}/t/{ticket.token}"
            job = new_job(
                session, ticket, device, self.ctx.clock(), track_url, user_id, reprint=True
            )
            outbox.send(job_event(job, device))
            result = job.to_dict()
        return result

    def claim_print_job(self, job_id: int) -> dict[str, Any] | None:
        """Take a pending job for printing; None if it was taken or settled already."""
        with self.tx.write() as (session, _outbox):
            claimed = claim(session, job_id, self.ctx.clock())
            return print_data(claimed) if claimed else None

    def settle_print_job(
        self,
        job_id: int,
        ok: bool,
        error: str | None = None,
        bytes_sent: int | None = None,
        device_id: int | None = None,
    ) -> dict[str, Any]:
        """Record how printing went, on the job and on the kiosk's printer status.

        `device_id`, when given, must be the job's device (an agent reports only its own).
        """
        with self.tx.write() as (session, outbox):
            job = settle(session, job_id, ok, error, bytes_sent, self.ctx.clock(), device_id)
            result = job.to_dict()
            for event in settled_events(job):
                outbox.send(event)
        return result

    def expire_print_jobs(self, older_than: dt.timedelta) -> list[int]:
        """Fail jobs nobody printed in time: a late ticket would confuse the next citizen."""
        with self.tx.write() as (session, outbox):
            now = self.ctx.clock()
            jobs = stale(session, now - older_than)
            for job in jobs:
                settle(session, job.id, False, "not printed in time", None, now)
                for event in settled_events(job):
                    outbox.send(event)
            ids = [job.id for job in jobs]
        return ids

    def pending_print_jobs(self, device_id: int | None = None) -> list[int]:
        with self.ctx.db.read() as session:
            return pending(session, device_id)

    def ticket_preview(
        self,
        office_code: str,
        service_code: str,
        device_id: int | None = None,
        paper: int | None = None,
        track_url_base: str = "",
    ) -> dict[str, Any]:
        """What a kiosk's printer would be sent for a new ticket of the field now, as
        `print_data` gives a job (`paper`, `profile`, `ticket`), without issuing one:
        nothing is written and no number taken. The code is the field's next of the day,
        the place and estimate today's, the counters those serving the field now, the QR a
        phone page of no ticket. Refused as issuing refuses (unknown, paused or unserved
        field), opening hours aside.

        The printer is the kiosk `device_id`, else the office's first kiosk with one (its
        paper and model); `paper` (mm) overrides the paper.
        """
        office_id = self.ctx.office_id(office_code)
        with self.ctx.db.read() as session:
            office = session.get(Office, office_id)
            service = session.scalar(
                select(Service).where(Service.office_id == office_id, Service.code == service_code)
            )
            if office is None or service is None:
                raise NotFound(
                    english("office_no_field", office=office_code, code=service_code),
                    field="service",
                )
            if not service.active:
                raise Conflict(english("field_paused", field=service.name), field="service")
            estimator = self.ctx.estimator(session)
            if not estimator.served(service):
                raise NotServed(english("field_not_served", field=service.name), field="service")
            device = (
                kiosk(session, device_id, office)
                if device_id is not None
                else _printing_kiosk(session, office_id)
            )
            now = self.ctx.clock()
            day = local_day(office, now)
            seq = (
                session.scalar(
                    select(ServiceDayCounter.last_seq).where(
                        ServiceDayCounter.service_id == service.id, ServiceDayCounter.day == day
                    )
                )
                or 0
            ) + 1
            ahead = ahead_of_new(session, service, day, now, False)
            place = estimator.place_of_new(service, ahead)
            token = secrets.token_urlsafe(16)  # as long as a ticket's, and nobody's
            return {
                "device": device.id if device else None,
                "paper": paper or (device.paper if device else 80),
                "profile": device.printer_profile if device else None,
                "ticket": ticket_fields(
                    office,
                    service=service,
                    code=numbers.code(service, min(seq, numbers.capacity(service))),
                    issued_at=now,
                    ahead=ahead,
                    eta_minutes=place["eta_minutes"],
                    track_url=f"{track_url_base.rstrip('/')}/t/{token}",
                    priority_name=None,
                    counters=list(estimator.counter_numbers(service)),
                ),
            }


def _printing_kiosk(session: Session, office_id: int) -> Device | None:
    """The office's first active kiosk with a printer: the paper a preview is drawn on."""
    return session.scalar(
        select(Device)
        .where(
            Device.office_id == office_id,
            Device.kind == "kiosk",
            Device.active.is_(True),
            Device.printer_url.is_not(None),
            Device.printer_url != "",
        )
        .order_by(Device.id)
        .limit(1)
    )
