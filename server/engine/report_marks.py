"""Which office-days of the report rollups (server/reports/days.py) are no longer current.

Kept in the engine because its writes are what make a day change after it was rolled up: a
centre's late push applied at the province, a rating given days later.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, select, tuple_
from sqlalchemy.orm import Session

from ..models import Ticket, report_day_marks


def forget(session: Session, ticket_ids: Iterable[int]) -> None:
    """These tickets changed: their office-days are rolled up again when next needed."""
    ids = list(set(ticket_ids))
    for start in range(0, len(ids), 900):
        days = select(Ticket.office_id, Ticket.service_day).where(
            Ticket.id.in_(ids[start : start + 900])
        )
        session.execute(
            delete(report_day_marks).where(
                tuple_(report_day_marks.c.office_id, report_day_marks.c.day).in_(days)
            )
        )
