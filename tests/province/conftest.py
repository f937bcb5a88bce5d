"""A province in one process: a centre's engine on its own SQLite file (centres run SQLite)
and the provincial server's engine on the test's database (SQLite, or PostgreSQL in the
PostgreSQL pass), both on one fake clock; a join done the way the CLI does it."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from server.api.errors import engine_error_body
from server.db import Database
from server.engine import Engine
from server.engine.centre import for_the_wire
from server.engine.errors import Diverged, OutOfOrder
from server.ops.migrate import upgrade
from tests.factories import FakeClock, make_office, make_token


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("centre-template") / "luot.db"
    db = Database(f"sqlite:///{path}")
    upgrade(db)
    db.dispose()
    return path


@pytest.fixture
def clock() -> FakeClock:
    """Monday 2026-11-23, 08:00 in Hà Nội."""
    return FakeClock(dt.datetime(2026, 11, 23, 1, 0, tzinfo=dt.UTC))


@pytest.fixture
def make_centre(sqlite_template: Path, tmp_path: Path, clock: FakeClock):
    """A centre's box: its own SQLite database with the small office under `code`."""
    made: list[Database] = []

    def make(name: str = "centre", office: str = "T1") -> Engine:
        path = tmp_path / name / "luot.db"
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(sqlite_template, path)
        db = Database(f"sqlite:///{path}")
        made.append(db)
        make_office(db, code=office)
        make_token(db, f"officer-{name}", offices=(office,))
        return Engine(db, clock=clock)

    yield make
    for db in made:
        db.dispose()


@pytest.fixture
def centre(make_centre) -> Engine:
    return make_centre()


@pytest.fixture
def province(database_url: str, clock: FakeClock) -> Engine:
    db = Database(database_url)
    yield Engine(db, clock=clock)
    db.dispose()


def join(province: Engine, centre: Engine, code: str = "XA1") -> int:
    """Register and join as `luot province add-centre` and `luot province join` do; the
    centre's id at the province."""
    invite = province.add_centre(code, f"Xã {code}")
    granted = province.join(invite["join_code"])
    centre.join_province("http://province.test", code, granted["token"], granted["received"])
    centre_id = province.centre_for_token(granted["token"])
    assert centre_id is not None
    return centre_id


def push_all(province: Engine, centre: Engine, centre_id: int, batch: int = 500) -> int:
    """Push until the province holds everything, as the pusher does (a refusal answered as
    the pusher answers it); the pushes made."""
    pushes = 0
    for _ in range(10_000):
        out = centre.outgoing(batch)
        if out is None:
            return pushes
        sync = {key: _wire(out[key]) for key in ("epoch", "base", "head")}
        try:
            answer = province.receive(centre_id, _wire(for_the_wire(out["entries"])), sync)
        except OutOfOrder as exc:
            if isinstance(exc, Diverged):
                province.refused(centre_id, exc.message, diverged=True)
            centre.province_refused(engine_error_body(exc) | {"received": exc.details["received"]})
            pushes += 1
            continue
        pushes += 1
        if not centre.confirmed(answer["received"]) and not out["entries"]:
            return pushes
    raise AssertionError("the push never ended")


def _wire(entries):
    """As the entries travel: JSON and back."""
    import json

    return json.loads(json.dumps(entries))
