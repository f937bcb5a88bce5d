"""Who issued today's tickets, and cancelling one source's flood of waiting tickets."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from ..models import Device, Office, Ticket, User, iso
from . import steps
from .context import office_by_code
from .lines import local_day
from .outbox import Unit
from .transitions import WAITING, target_status


class IssuedSources(Unit):
    def issued_sources(self, office_code: str) -> list[dict[str, Any]]:
        """Who issued today's tickets (kiosks, staff, anonymous addresses), busiest first,
        so a manager can spot a client using up the numbers."""
        with self.ctx.db.read() as session:
            office = office_by_code(session, office_code)
            return today(session, office, local_day(office, self.ctx.clock()))

    def cancel_source(
        self, office_code: str, source: str, user_id: int | None = None
    ) -> dict[str, Any]:
        """Cancel, in one action, today's waiting tickets one source issued (a flood from
        one address); tickets already called or served stay as they are."""
        office_id = self.ctx.office_id(office_code)
        with self.tx.office(office_id) as (session, outbox):
            now = self.ctx.clock()
            day = local_day(outbox.office, now)
            tickets = session.scalars(
                select(Ticket).where(
                    Ticket.office_id == office_id,
                    Ticket.service_day == day,
                    Ticket.source == source,
                    Ticket.status == WAITING,
                )
            ).all()
            for ticket in tickets:
                ticket.status = target_status("cancel", ticket.status, ticket.code)
                steps.log(session, ticket, "cancelled", now, None, user_id, {"source": source})
                outbox.ticket_changed(ticket, line_moved=True)
            self._audit(
                session,
                office_id,
                user_id,
                "tickets.cancel_source",
                source,
                after={"cancelled": len(tickets)},
            )
            result = {"source": source, "cancelled": len(tickets)}
        return result


def today(session: Session, office: Office, day: dt.date) -> list[dict[str, Any]]:
    rows = session.execute(
        select(
            Ticket.source,
            func.count(),
            func.sum(case((Ticket.status == WAITING, 1), else_=0)),
            func.max(Ticket.issued_at),
        )
        .where(Ticket.office_id == office.id, Ticket.service_day == day)
        .group_by(Ticket.source)
        .order_by(func.count().desc())
    ).all()
    names = _names(session, [row[0] for row in rows])
    return [
        {
            "source": source or "unknown",
            "label": names.get(source) or (source or "unknown").removeprefix("addr:"),
            "issued": issued,
            "waiting": int(waiting or 0),
            "last_issued_at": iso(last),
        }
        for source, issued, waiting, last in rows
    ]


def _names(session: Session, sources: list[str | None]) -> dict[str, str]:
    kinds: dict[str, list[int]] = {"device": [], "user": []}
    for source in sources:
        kind, _, ident = (source or "").partition(":")
        if kind in kinds and ident.isascii() and ident.isdigit():
            kinds[kind].append(int(ident))
    names = {}
    for device in session.scalars(select(Device).where(Device.id.in_(kinds["device"]))):
        names[f"device:{device.id}"] = device.name
    for user in session.scalars(select(User).where(User.id.in_(kinds["user"]))):
        names[f"user:{user.id}"] = user.full_name or user.username
    return names
