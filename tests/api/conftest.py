"""API fixtures: the small office, officers of it and of another office, row counts."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from server.models import CounterEvent, Ticket, TicketEvent
from tests.factories import bearer, make_office, make_token


@pytest.fixture
def officer(engine, office) -> dict[str, str]:
    return bearer(make_token(engine.db, "officer1"))


@pytest.fixture
def stranger(engine, office) -> dict[str, str]:
    """An officer of another office."""
    make_office(engine.db, code="T2", counters=[])
    return bearer(make_token(engine.db, "officer2", offices=("T2",)))


@pytest.fixture
def row_counts(engine):
    """Call to get (tickets, ticket events, counter events) as they are now."""

    def counts() -> tuple[int, int, int]:
        with engine.db.read() as session:
            return tuple(
                session.scalar(select(func.count()).select_from(model))
                for model in (Ticket, TicketEvent, CounterEvent)
            )

    return counts
