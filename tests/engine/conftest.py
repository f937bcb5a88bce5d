"""The engine on its own: a database, a clock and a list for what it publishes. No Flask."""

from __future__ import annotations

import datetime as dt

import pytest

from server.db import Database
from server.engine import Engine, Event
from server.engine.events import Refresh
from tests.factories import FakeClock, make_office


@pytest.fixture
def db(database_url: str):
    database = Database(database_url)
    yield database
    database.dispose()


@pytest.fixture
def published() -> list[Event]:
    return []


@pytest.fixture
def clock() -> FakeClock:
    """08:00 on 23 Nov 2026 in Hà Nội (UTC+7)."""
    return FakeClock(dt.datetime(2026, 11, 23, 1, 0, tzinfo=dt.UTC))


@pytest.fixture
def refreshes() -> list[Refresh]:
    return []


@pytest.fixture
def engine(db: Database, published: list[Event], refreshes, clock: FakeClock) -> Engine:
    """Snapshots owed are only collected (`refreshes`); tests about them build them."""
    return Engine(db, publish=published.append, clock=clock, defer_refresh=refreshes.append)


@pytest.fixture
def office(db: Database):
    return make_office(db)


@pytest.fixture
def open_counters(engine: Engine, office):
    for counter_id in office["counters"].values():
        engine.set_counter_state(counter_id, "open")
    return office["counters"]
