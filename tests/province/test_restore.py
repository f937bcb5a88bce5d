"""A centre or its province restored from a backup, engine to engine: nothing skipped,
nothing silently disagreeing (with real servers and `luot restore`: test_live_restore.py).

A restored centre numbers its new writes as the lost ones were numbered; the province
tells them apart by their digests, refuses them as diverged, and the centre sends its
state again as a new epoch, which replaces the province's copy."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import select

from server.db import Database
from server.engine import Engine
from server.engine.centre import mark_restored
from server.engine.errors import Diverged
from server.models import AuditEntry, Counter
from tests.conftest import PG_URL
from tests.province.conftest import join, push_all
from tests.province.copies import assert_same_copy
from tests.province.test_sync import a_day, ids_of, officer_of


def snapshot(engine: Engine, path: Path) -> Path:
    """What `luot backup` takes of a SQLite database: one consistent copy."""
    source = sqlite3.connect(engine.db.engine.url.database)
    target = sqlite3.connect(path)
    with target:
        source.backup(target)
    source.close()
    target.close()
    return path


def serve(engine: Engine, tickets: int, service: str = "B") -> list[int]:
    """Issue `tickets` and serve every other one at the first counter."""
    officer = officer_of(engine)
    counter = ids_of(engine, Counter)[0]
    issued = [engine.issue("T1", service)["id"] for _ in range(tickets)]
    for _ in range(tickets // 2):
        called = engine.call_next(counter, officer)
        if called is None:
            break
        engine.start(called["id"], officer)
        engine.finish(called["id"], officer)
    return issued


@pytest.fixture
def restored(tmp_path, clock):
    """`restored(path)`: an engine on a database put back from `path`; as `luot restore`
    leaves a centre (held until `luot province resume`) unless `as_restore=False` (a file
    copied back by hand)."""
    made: list[Database] = []

    def restore(path: Path, as_restore: bool = True) -> Engine:
        db = Database(f"sqlite:///{path}")
        made.append(db)
        engine = Engine(db, clock=clock)
        if as_restore:
            with db.write() as session:
                centre = mark_restored(session, clock())
            if centre:
                assert engine.outgoing(500) is None and engine.link()["state"] == "held"
                engine.resume_pushing()
        return engine

    yield restore
    for db in made:
        db.dispose()


def test_a_centre_restored_from_an_older_backup_sends_its_state_again(
    province, centre, clock, tmp_path, restored
):
    centre_id = join(province, centre)
    a_day(centre, clock, tickets=6)
    push_all(province, centre, centre_id)
    backup = snapshot(centre, tmp_path / "backup.db")
    lost = serve(centre, 5)
    push_all(province, centre, centre_id)
    held_before = province.centres()[0]["received_seq"]

    box = restored(backup)  # the centre's disk died; a backup goes back, then resume
    reused = serve(box, 8, service="A")
    assert reused[: len(lost)] == lost  # the same ids, other tickets
    out = box.outgoing(500)
    with pytest.raises(Diverged, match="restored from a backup"):
        province.receive(centre_id, json.loads(json.dumps(out["entries"])), out)

    push_all(province, box, centre_id)

    counted = assert_same_copy(box.db, province.db, "XA1")
    assert counted["ticket"] == 6 + 2 + 8  # a_day: 6, a booking and a card; then the new 8
    [shown] = province.centres()
    assert shown["resync"]["state"] == "done"
    assert shown["resync"]["dropped"]["ticket"] == 5
    assert shown["lag_entries"] == 0 and shown["received_seq"] > held_before
    link = box.link()
    assert link["resync"]["done"] and link["confirmed"] == link["head"] and link["unsent"] == 0
    assert "restored from a backup" in link["resync"]["reason"]
    with province.db.read() as session:
        audit = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "centre.resync")
        ).one()
    assert len(audit.before["dropped"]["ticket"]) == 5

    # Afterwards the two go on as one: every new write arrives, once.
    serve(box, 3)
    push_all(province, box, centre_id)
    assert_same_copy(box.db, province.db, "XA1")


def test_a_database_copied_back_by_hand_is_caught_too(province, centre, clock, tmp_path, restored):
    """No `luot restore` to mark it: the digests still tell the entries apart; the lost
    rows are overwritten by the centre's own under their ids."""
    centre_id = join(province, centre)
    a_day(centre, clock, tickets=4)
    push_all(province, centre, centre_id)
    backup = snapshot(centre, tmp_path / "backup.db")
    serve(centre, 4)
    push_all(province, centre, centre_id)

    box = restored(backup, as_restore=False)
    serve(box, 2, service="A")
    push_all(province, box, centre_id)

    assert_same_copy(box.db, province.db, "XA1")
    assert province.centres()[0]["resync"]["state"] == "done"


def test_a_backup_newer_than_what_the_province_holds_just_goes_on(
    province, centre, clock, tmp_path, restored
):
    centre_id = join(province, centre)
    a_day(centre, clock, tickets=4)
    push_all(province, centre, centre_id)
    serve(centre, 3)  # not pushed: the link was down
    backup = snapshot(centre, tmp_path / "backup.db")

    box = restored(backup)
    serve(box, 2)
    push_all(province, box, centre_id)

    assert_same_copy(box.db, province.db, "XA1")
    assert province.centres()[0]["resync"] is None
    assert box.link()["resync"] is None and box.link()["epoch"] == ""


def test_a_restored_box_that_was_never_pushed_beyond_is_not_resent(
    province, centre, clock, tmp_path, restored
):
    """Restored to exactly what the province holds: nothing differs, nothing is sent
    twice, and the box's status is right (not "83 entries, 90 confirmed")."""
    centre_id = join(province, centre)
    a_day(centre, clock, tickets=4)
    push_all(province, centre, centre_id)
    box = restored(snapshot(centre, tmp_path / "backup.db"))
    assert push_all(province, box, centre_id) == 1
    link = box.link()
    assert link["confirmed"] == link["head"] and link["resync"] is None


@pytest.mark.skipif(bool(PG_URL), reason="copies the province's SQLite file (PostgreSQL: live)")
def test_a_restored_province_gets_back_what_it_lost_at_the_next_beat(
    database_url, centre, clock, tmp_path, restored
):
    province_file = Path(database_url.removeprefix("sqlite:///"))
    province = Engine(Database(database_url), clock=clock)
    centre_id = join(province, centre)
    a_day(centre, clock, tickets=4)
    push_all(province, centre, centre_id)
    backup = snapshot(province, tmp_path / "province-backup.db")
    serve(centre, 6)
    push_all(province, centre, centre_id)
    province.db.dispose()
    shutil.copyfile(backup, province_file)
    province = restored(province_file)

    # The centre writes nothing more: its next beat alone brings the province back.
    push_all(province, centre, centre_id)

    assert_same_copy(centre.db, province.db, "XA1")
    link = centre.link()
    assert link["confirmed"] == link["head"] and link["resync"] is None
