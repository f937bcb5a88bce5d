"""Calling citizens to a counter: the next one by the office's priority rule, or one named."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, bindparam, select
from sqlalchemy.orm import Session, joinedload

from ..i18n import english
from ..models import Counter, Ticket
from . import steps
from .commit_then_publish import Outbox, Unit
from .context import locked_ticket
from .errors import Conflict, InvalidTransition, NotFound
from .lines import first_in_line, local_day
from .rules.priority import choose_next
from .rules.transitions import ACTIVE, CALLED, target_status

# The counter with the fields it calls, and the ticket it has now (called or being
# served; at most one), in one statement.
_COUNTER = (
    select(Counter, Ticket)
    .outerjoin(Ticket, and_(Ticket.counter_id == Counter.id, Ticket.status.in_(ACTIVE)))
    .where(Counter.id == bindparam("counter"))
    .options(joinedload(Counter.links))
)


class Calling(Unit):
    def call_next(self, counter_id: int, user_id: int | None = None) -> dict[str, Any] | None:
        """Call the next citizen for this counter; None when nobody is waiting.

        A ticket still being served is finished first: pressing "next" means "done, next".
        """
        office_id = self.ctx.office_of("counter", counter_id)
        with self.tx.office(office_id) as (session, outbox):
            counter = self._counter_for_calling(session, outbox, counter_id, user_id)
            now = self.ctx.clock()
            day = local_day(outbox.office, now)
            first_priority, first_ordinary = first_in_line(session, outbox.office.id, day, counter)
            ticket, counter.priority_streak = choose_next(
                first_priority,
                first_ordinary,
                counter.priority_streak,
                outbox.office.priority_streak_limit,
            )
            if ticket is None:
                outbox.refresh.counters.add(counter.id)
                return None
            steps.call(session, outbox, ticket, counter, user_id, now)
            self.ctx.remember_owner("ticket", ticket.id, ticket.office_id)
            result = ticket.staff_dict()
        return result

    def call_ticket(
        self, counter_id: int, ticket_id: int, user_id: int | None = None
    ) -> dict[str, Any]:
        """Call one waiting ticket out of order; the event records that it was."""
        office_id = self.ctx.office_of("counter", counter_id)
        with self.tx.office(office_id) as (session, outbox):
            counter = self._counter_for_calling(session, outbox, counter_id, user_id)
            ticket = locked_ticket(session, ticket_id, outbox.office)
            target_status("call", ticket.status, ticket.code)
            if ticket.target_counter_id not in (None, counter.id):
                raise Conflict(english("transferred", code=ticket.code))
            steps.call(
                session, outbox, ticket, counter, user_id, self.ctx.clock(), out_of_order=True
            )
            result = ticket.staff_dict()
        return result

    def _counter_for_calling(
        self, session: Session, outbox: Outbox, counter_id: int, user_id: int | None
    ) -> Counter:
        found = session.execute(_COUNTER, {"counter": counter_id}).unique().first()
        if found is None:
            raise NotFound(english("does_not_exist", label="Counter", id=counter_id))
        counter, current = found
        if counter.state != "open":
            raise Conflict(
                english(
                    "counter_not_open" if counter.state == "paused" else "counter_closed",
                    number=counter.number,
                )
            )
        if current is not None and current.status == CALLED:
            raise InvalidTransition(
                english("has_called", number=counter.number, code=current.code),
                ticket=current.code,
            )
        if current is not None:
            steps.finish(session, outbox, current, user_id, self.ctx.clock(), auto=True)
            outbox.ticket_changed(current)
        return counter
