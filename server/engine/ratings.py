"""The citizen's rating of a finished ticket: one per ticket, tied to the officer who
served it; the rating tablet at a counter asks for it (rules of the scale: rating.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from ..i18n import english
from ..models import Counter, Rating, Ticket
from . import report_marks, steps
from .commit_then_publish import Unit
from .context import get, office_by_code
from .errors import Conflict, InvalidTransition, NotFound
from .events import Event, rating_room, staff_room
from .lines import local_day
from .rules import rating_scales as rating

# A day is rolled up for the reports once this many days have followed it
# (report_days.SETTLED_DAYS); a rating of a ticket that old changes a rolled-up day.
SETTLED = dt.timedelta(days=2)


class Ratings(Unit):
    def rating_scale(self, office_code: str) -> dict[str, Any]:
        with self.ctx.db.read() as session:
            return rating.scale(office_by_code(session, office_code).settings)

    def rating_prompt(self, counter_id: int, within: float = 300) -> dict[str, Any]:
        """What a rating tablet shows on (re)connect: the counter, the scale, and the
        ticket finished there in the last `within` seconds if it is not rated yet."""
        with self.ctx.db.read() as session:
            counter = get(session, Counter, counter_id, "Counter")
            since = self.ctx.clock() - dt.timedelta(seconds=within)
            ticket = session.scalar(
                select(Ticket)
                .where(
                    Ticket.counter_id == counter_id,
                    Ticket.status == "done",
                    Ticket.finished_at >= since,
                    ~select(Rating.id).where(Rating.ticket_id == Ticket.id).exists(),
                )
                .order_by(Ticket.finished_at.desc())
                .limit(1)
            )
            pending = None
            if ticket is not None:
                officer = steps.finishing_officer(session, ticket)
                pending = steps.rating_request(ticket, counter, officer, ticket.finished_at)
            return {
                "counter": counter.ref(),
                "office": counter.office.to_dict(),
                "scale": rating.scale(counter.office.settings),
                "pending": pending,
            }

    def rate(
        self,
        token: str,
        level: str,
        reasons: list[str] | None = None,
        comment: str | None = None,
        channel: str = "phone",
    ) -> dict[str, Any]:
        with self.ctx.db.read() as session:
            found = session.scalar(select(Ticket.office_id).where(Ticket.token == token))
        if found is None:
            raise NotFound(english("no_ticket_code"))
        with self.tx.office(found) as (session, outbox):
            ticket = session.scalar(select(Ticket).where(Ticket.token == token))
            if ticket.status != "done":
                raise InvalidTransition(
                    english("rate_unfinished", code=ticket.code, status=ticket.status)
                )
            if session.scalar(select(Rating.id).where(Rating.ticket_id == ticket.id)):
                raise Conflict(english("rated_already", code=ticket.code))
            office_scale = rating.scale(outbox.office.settings)
            officer = steps.finishing_officer(session, ticket)
            entry = Rating(
                ticket_id=ticket.id,
                office_id=ticket.office_id,
                counter_id=ticket.counter_id,
                officer_id=officer.id if officer else None,
                level=level,
                score=rating.score(office_scale, level),
                reasons=rating.check_reasons(office_scale, reasons or []) or None,
                comment=(comment or "").strip() or None,
                channel=channel,
                created_at=self.ctx.clock(),
            )
            session.add(entry)
            if ticket.service_day <= local_day(outbox.office, entry.created_at) - SETTLED:
                report_marks.forget(session, [ticket.id])  # its day may be rolled up
            steps.log(
                session,
                ticket,
                "rated",
                entry.created_at,
                ticket.counter_id,
                None,
                {"level": level},
            )
            result = {
                "ticket": ticket.code,
                "level": level,
                "score": entry.score,
                "reasons": entry.reasons,
                "channel": channel,
            }
            rooms = [staff_room(outbox.office.code)]
            if ticket.counter_id:
                rooms.append(rating_room(ticket.counter_id))
            outbox.send(Event("rating_recorded", tuple(rooms), {**result, "token": ticket.token}))
        return result
