"""Opening, pausing and closing counters; the officer who opens one is on duty there."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..i18n import english
from ..models import Counter, CounterEvent, Office, User
from .commit_then_publish import Unit
from .context import get
from .errors import Conflict, Invalid
from .lines import active_ticket
from .rules.documents import office_setting

COUNTER_STATES = ("open", "paused", "closed")


class Counters(Unit):
    def set_counter_state(
        self, counter_id: int, state: str, user_id: int | None = None
    ) -> dict[str, Any]:
        if state not in COUNTER_STATES:
            raise Invalid(english("counter_state", states=", ".join(COUNTER_STATES)))
        office_id = self.ctx.office_of("counter", counter_id)
        with self.tx.office(office_id) as (session, outbox):
            counter = get(session, Counter, counter_id, "Counter")
            if state == "closed":
                busy = active_ticket(session, counter.id)
                if busy is not None:
                    raise Conflict(english("still_has", number=counter.number, code=busy.code))
            if state == "open" and user_id is not None:
                if counter.officer_id != user_id:
                    _check_held(session, counter, user_id, outbox.office)
                counter.officer = session.get(User, user_id)
            if state == "closed":
                counter.officer = None
                counter.priority_streak = 0
            counter.state = state
            session.add(
                CounterEvent(
                    counter_id=counter.id,
                    office_id=counter.office_id,
                    state=state,
                    at=self.ctx.clock(),
                    user_id=user_id,
                )
            )
            session.flush()
            outbox.refresh.counters.add(counter.id)
            # Estimates depend on how many counters are open.
            outbox.refresh.services.update(counter.service_ids)
            outbox.refresh.lines.update(counter.service_ids)
            result = counter.to_dict()
        return result


def _check_held(session: Session, counter: Counter, user_id: int, office: Office | None) -> None:
    """An officer holds one counter (open or paused, in any office) unless this office's
    `counters_per_officer` allows more: a second console would call citizens to an empty desk."""
    limit = office_setting(office.settings if office else None, "counters_per_officer")
    held = session.scalars(
        select(Counter)
        .where(Counter.officer_id == user_id, Counter.state != "closed", Counter.id != counter.id)
        .order_by(Counter.office_id, Counter.number)
    ).all()
    if len(held) < limit:
        return
    if limit == 1:
        raise Conflict(english("holds_counter", number=held[0].number), counter=held[0].id)
    raise Conflict(english("holds_counters", count=len(held), limit=limit), counter=held[0].id)
