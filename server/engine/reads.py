"""Read-only views the pages and the API ask for: offices, fields, tickets, devices."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from ..i18n import english
from ..models import Counter, Device, Office, Ticket
from . import snapshot_cache, snapshots
from .context import Context, get, office_by_code
from .device_presence import device_view
from .errors import NotFound
from .lines import local_day, waiting_counts
from .rules import hours
from .rules.documents import report_targets


class Reads:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def offices(self) -> list[dict[str, Any]]:
        with self.ctx.db.read() as session:
            return [o.to_dict() for o in session.scalars(select(Office).order_by(Office.code))]

    def office_settings(self, code: str) -> dict[str, Any]:
        """The office and its presentation settings (notice, voice, kiosk, rating wording)."""
        with self.ctx.db.read() as session:
            office = office_by_code(session, code)
            return {
                **office.to_dict(),
                "elderly_age": office.elderly_age,
                "settings": dict(office.settings or {}),
            }

    def report_targets(self, codes: list[str]) -> dict[str, dict[str, int]]:
        """Each office's report targets (the shares its figures are coloured against)."""
        with self.ctx.db.read() as session:
            query = select(Office.code, Office.settings).where(Office.code.in_(codes))
            return {code: report_targets(settings) for code, settings in session.execute(query)}

    def opening(self, office_code: str) -> dict[str, Any]:
        """Open now or not, today's hours and the next opening, in the office's own time."""
        with self.ctx.db.read() as session:
            office = office_by_code(session, office_code)
            local = self.ctx.clock().astimezone(ZoneInfo(office.timezone))
            return {**hours.status(office.settings, local), "at": local.isoformat()}

    def services(self, office_code: str, include_inactive: bool = False) -> list[dict[str, Any]]:
        with self.ctx.db.read() as session:
            office = office_by_code(session, office_code)
            day = local_day(office, self.ctx.clock())
            estimator = self.ctx.estimator(session)
            counts = waiting_counts(session, office.id, day)
            return [
                {
                    **service.to_dict(),
                    "waiting": counts.get(service.id, 0),
                    "eta_minutes": estimator.eta(service, counts.get(service.id, 0)),
                    # No counter set to serve it: never ticketed (kiosks hide it or say so).
                    "served": estimator.served(service),
                }
                for service in office.services
                if service.active or include_inactive
            ]

    def priority_classes(self, office_code: str) -> list[dict[str, Any]]:
        with self.ctx.db.read() as session:
            office = office_by_code(session, office_code)
            return [p.to_dict() for p in office.priority_classes if p.active]

    def snapshot(self, office_code: str) -> dict[str, Any]:
        now = self.ctx.clock()
        kept = self.ctx.office_snapshot(self.ctx.office_id(office_code), now)
        return snapshot_cache.with_time(kept, now)

    def snapshot_body(self, office_code: str) -> tuple[bytes, str]:
        """The snapshot as JSON bytes and its entity tag (the same for the same content,
        whenever it is sent), for pollers."""
        now = self.ctx.clock()
        kept = self.ctx.office_snapshot(self.ctx.office_id(office_code), now)
        return snapshot_cache.body_with_time(kept, now), kept.etag

    def counter_snapshot(self, counter_id: int) -> dict[str, Any]:
        with self.ctx.db.read() as session:
            counter = get(session, Counter, counter_id, "Counter")
            return snapshots.counter_snapshot(session, counter, self.ctx.clock())

    def ticket_by_token(self, token: str) -> dict[str, Any]:
        """The citizen's phone view: no personal data, with position and estimate."""
        with self.ctx.db.read() as session:
            ticket = session.scalar(select(Ticket).where(Ticket.token == token))
            if ticket is None:
                raise NotFound(english("no_ticket_today"))
            view = {**ticket.public_dict(), **self.ctx.estimator(session).place(ticket)}
            view["office"] = ticket.office.to_dict()
            return view

    def ticket(self, ticket_id: int) -> dict[str, Any]:
        with self.ctx.db.read() as session:
            ticket = get(session, Ticket, ticket_id, "Ticket")
            return {**ticket.staff_dict(), **self.ctx.estimator(session).place(ticket)}

    def principal_view(
        self,
        role: str,
        office_ids: frozenset[int],
        name: str,
        user_id: int | None,
        device_id: int | None,
    ) -> dict[str, Any]:
        """A caller as pages need it: offices by code (admins: all of them)."""
        with self.ctx.db.read() as session:
            query = select(Office).order_by(Office.code)
            if role != "admin":
                query = query.where(Office.id.in_(office_ids))
            offices = [o.to_dict() for o in session.scalars(query)]
        return {
            "role": role,
            "name": name,
            "user_id": user_id,
            "device_id": device_id,
            "offices": offices,
        }

    def device(self, device_id: int) -> dict[str, Any]:
        with self.ctx.db.read() as session:
            return device_view(get(session, Device, device_id, "Device"), self.ctx.clock())

    def devices(self, office_code: str) -> list[dict[str, Any]]:
        with self.ctx.db.read() as session:
            office = office_by_code(session, office_code)
            query = select(Device).where(Device.office_id == office.id).order_by(Device.id)
            now = self.ctx.clock()
            return [device_view(device, now) for device in session.scalars(query)]
