"""What staff do with one ticket: recall, start, finish, no-show, hold, resume, transfer,
cancel, requeue, and attach a dossier code. Each checks the transition rules first."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..i18n import english
from ..models import Counter, Service, Ticket, iso
from . import steps
from .commit_then_publish import Outbox, Unit
from .context import get, locked_ticket, same_office
from .errors import Conflict, Invalid, InvalidTransition, NotFound
from .lines import active_ticket, local_day
from .rules.documents import office_setting
from .rules.dossier import normalise_dossier_code
from .rules.transitions import CANCELLED, SERVING, WAITING, no_show_at, target_status

Act = Callable[[Session, Outbox, Ticket, Any], None]


class TicketActions(Unit):
    def recall(self, ticket_id: int, user_id: int | None = None) -> dict[str, Any]:
        def act(session, outbox, ticket, now):
            start_on_call = steps.starts_on_call(outbox)
            target_status("recall", ticket.status, ticket.code, start_on_call)
            ticket.recall_count += 1
            event = steps.log(
                session,
                ticket,
                "recalled",
                now,
                ticket.counter_id,
                user_id,
                {"recall": ticket.recall_count},
            )
            if ticket.status == SERVING:
                # Started by the call that went unanswered: the service starts again now.
                ticket.started_at = now
                steps.log(
                    session, ticket, "started", now, ticket.counter_id, user_id, {"with_call": True}
                )
            steps.announce(outbox, ticket, ticket.counter, event)

        return self._act(ticket_id, act)

    def start(self, ticket_id: int, user_id: int | None = None) -> dict[str, Any]:
        def act(session, outbox, ticket, now):
            steps.start(session, ticket, user_id, now)

        return self._act(ticket_id, act)

    def finish(self, ticket_id: int, user_id: int | None = None) -> dict[str, Any]:
        def act(session, outbox, ticket, now):
            steps.finish(session, outbox, ticket, user_id, now)

        return self._act(ticket_id, act)

    def no_show(self, ticket_id: int, user_id: int | None = None) -> dict[str, Any]:
        def act(session, outbox, ticket, now):
            status = target_status(
                "no_show", ticket.status, ticket.code, steps.starts_on_call(outbox)
            )
            needed = outbox.office.recalls_before_no_show
            if ticket.recall_count < needed:
                raise InvalidTransition(
                    english("recall_first", code=ticket.code, needed=needed),
                    recalls=ticket.recall_count,
                    recalls_needed=needed,
                )
            grace = office_setting(outbox.office.settings, "no_show_grace_seconds")
            allowed_at = no_show_at(ticket.called_at, grace)
            if allowed_at is not None and now < allowed_at:
                left = math.ceil((allowed_at - now).total_seconds())
                raise InvalidTransition(
                    english("no_show_too_soon", code=ticket.code, seconds=left),
                    no_show_at=iso(allowed_at),
                    seconds_left=left,
                )
            ticket.status = status
            ticket.finished_at = now
            steps.log(session, ticket, "no_show", now, ticket.counter_id, user_id)

        return self._act(ticket_id, act)

    def hold(self, ticket_id: int, user_id: int | None = None) -> dict[str, Any]:
        """Set aside (e.g. the citizen fetches a document); the counter is free meanwhile."""

        def act(session, outbox, ticket, now):
            ticket.status = target_status("hold", ticket.status, ticket.code)
            steps.log(session, ticket, "held", now, ticket.counter_id, user_id)

        return self._act(ticket_id, act)

    def resume(
        self, ticket_id: int, user_id: int | None = None, counter_id: int | None = None
    ) -> dict[str, Any]:
        """Serve a held ticket again, at the counter that held it unless another is named."""

        def act(session, outbox, ticket, now):
            status = target_status("resume", ticket.status, ticket.code)
            counter = get(session, Counter, counter_id or ticket.counter_id, "Counter")
            same_office(counter, outbox.office)
            busy = active_ticket(session, counter.id)
            if busy is not None:
                raise Conflict(english("busy_with", number=counter.number, code=busy.code))
            ticket.status = status
            ticket.counter = counter
            ticket.started_at = ticket.started_at or now
            steps.log(session, ticket, "resumed", now, counter.id, user_id)

        return self._act(ticket_id, act)

    def transfer(
        self,
        ticket_id: int,
        service_code: str | None = None,
        counter_id: int | None = None,
        user_id: int | None = None,
    ) -> dict[str, Any]:
        """Send the citizen to another field or counter, keeping their place in line."""
        if service_code is None and counter_id is None:
            raise Invalid(english("transfer_where"), field="service")

        def act(session, outbox, ticket, now):
            status = target_status("transfer", ticket.status, ticket.code)
            data: dict[str, Any] = {"from_service": ticket.service.code}
            if ticket.counter_id:
                data["from_counter"] = ticket.counter_id
            if service_code is not None:
                service = session.scalar(
                    select(Service).where(
                        Service.office_id == outbox.office.id, Service.code == service_code
                    )
                )
                if service is None:
                    raise NotFound(
                        english("unknown_field_code", code=service_code), field="service"
                    )
                if not service.active:
                    raise Conflict(english("field_inactive", name=service.name), field="service")
                outbox.refresh.services.add(ticket.service_id)
                outbox.refresh.lines.add(ticket.service_id)
                ticket.service = service
                data["to_service"] = service.code
            target = None
            if counter_id is not None:
                target = get(session, Counter, counter_id, "Counter")
                same_office(target, outbox.office)
                if target.state == "closed":
                    # Nobody would call it there: it would wait for the counter to open.
                    raise Conflict(
                        english("transfer_closed", number=target.number), field="counter"
                    )
                data["to_counter"] = target.id
                outbox.refresh.counters.add(target.id)
            if ticket.counter_id:
                outbox.refresh.counters.add(ticket.counter_id)
            ticket.status = status
            ticket.counter = None
            ticket.target_counter = target
            ticket.recall_count = 0
            if not outbox.office.transfer_keeps_place:
                ticket.queued_at = now
            steps.log(session, ticket, "transferred", now, data.get("from_counter"), user_id, data)

        return self._act(ticket_id, act)

    def cancel(self, ticket_id: int, user_id: int | None = None) -> dict[str, Any]:
        def act(session, outbox, ticket, now):
            ticket.status = target_status("cancel", ticket.status, ticket.code)
            steps.log(session, ticket, "cancelled", now, ticket.counter_id, user_id)

        return self._act(ticket_id, act)

    def requeue(self, ticket_id: int, user_id: int | None = None) -> dict[str, Any]:
        """A no-show who turns up later goes back in line at their old place, same day only."""

        def act(session, outbox, ticket, now):
            status = target_status("requeue", ticket.status, ticket.code)
            if ticket.service_day != local_day(outbox.office, now):
                raise InvalidTransition(
                    english("other_day", code=ticket.code, day=ticket.service_day)
                )
            if ticket.counter_id:
                outbox.refresh.counters.add(ticket.counter_id)
            ticket.status = status
            ticket.counter = None
            ticket.recall_count = 0
            ticket.finished_at = None
            steps.log(session, ticket, "requeued", now, None, user_id)

        return self._act(ticket_id, act)

    def attach_dossier(
        self,
        ticket_id: int,
        dossier_code: str | None = None,
        note: str | None = None,
        user_id: int | None = None,
    ) -> dict[str, Any]:
        if dossier_code is None and note is None:
            raise Invalid(english("dossier_or_note"), field="dossier_code")
        code = normalise_dossier_code(dossier_code) if dossier_code is not None else None

        def act(session, outbox, ticket, now):
            if ticket.status == CANCELLED:
                raise InvalidTransition(english("ticket_cancelled", code=ticket.code))
            data: dict[str, Any] = {}
            if code is not None:
                ticket.dossier_code = data["dossier_code"] = code
            if note is not None:
                ticket.note = data["note"] = note.strip()
            steps.log(session, ticket, "annotated", now, ticket.counter_id, user_id, data)

        return self._act(ticket_id, act)

    def _act(self, ticket_id: int, act: Act) -> dict[str, Any]:
        office_id = self.ctx.office_of("ticket", ticket_id)
        with self.tx.office(office_id) as (session, outbox):
            ticket = locked_ticket(session, ticket_id, outbox.office)
            was_waiting = ticket.status == WAITING
            if ticket.counter_id:
                outbox.refresh.counters.add(ticket.counter_id)
            act(session, outbox, ticket, self.ctx.clock())
            session.flush()
            outbox.ticket_changed(ticket, line_moved=was_waiting or ticket.status == WAITING)
            result = {**ticket.staff_dict(), **self.ctx.estimator(session).place(ticket)}
        return result
