"""A centre's journal: each committed write of a journaled office as one entry of row images,
numbered without gaps in commit order, for its province to apply once each, in order.

Capture rides on the session: while a journaled office's transaction runs, `after_flush`
notes the synced rows each flush wrote, and the transaction ends by writing one entry with
their images (`Transactions.office`). Whether an office is journaled comes back with the
office lock's own statement (`offices.journal`), so a box that is no centre pays nothing;
joining a province sets it in the same transaction as the baseline, so no write falls
between the two.

Entry numbers are the journal's highest plus one, taken under a lock every writer of the
journal holds until its commit (SQLite's write lock; on PostgreSQL an advisory lock), so a
number is never seen before a smaller one is committed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event, func, insert, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from ..models import Counter, CounterService, Office, ProvinceLink, SyncEntry, User
from .sync_kinds import BY_MODEL, BY_NAME, KINDS, ORDER, image

CAPTURE = "luot.journal"
# Set on a session that wrote an entry: its commit wakes the pusher.
JOURNALED = "luot.journaled"
# Rows per baseline entry: a year of a commune's history is a few thousand entries.
BASELINE_ROWS = 500
# The advisory lock every PostgreSQL writer of the journal holds until it commits.
LOCK_KEY = 0x6C756F74  # "luot"


@dataclass
class Capture:
    rows: dict[tuple[str, int], Any] = field(default_factory=dict)
    counters_relinked: set[int] = field(default_factory=set)


def watch(sessions: sessionmaker) -> None:
    """Note, in every session that captures, the synced rows each flush writes (once per
    sessionmaker, however many engines share the database)."""
    # Marked on the sessionmaker itself: SQLAlchemy's `event.contains` keys on `id()`, which a
    # new sessionmaker can share with one already collected, and then nothing was journaled.
    if not getattr(sessions, "_luot_journaled", False):
        event.listen(sessions, "after_flush", _noted)
        sessions._luot_journaled = True


def _noted(session: Session, _context: Any) -> None:
    capture: Capture | None = session.info.get(CAPTURE)
    if capture is None:
        return
    for obj in (*session.new, *session.dirty):
        kind = BY_MODEL.get(type(obj))
        if kind is not None:
            if obj in session.dirty and not session.is_modified(obj):
                continue
            capture.rows[(kind.name, obj.id)] = obj
        elif isinstance(obj, CounterService):
            capture.counters_relinked.add(obj.counter_id)
    for obj in session.deleted:
        if isinstance(obj, CounterService):
            capture.counters_relinked.add(obj.counter_id)


def note(session: Session, row: Any) -> None:
    """A synced row written outside the unit of work (a Core insert), for the entry."""
    capture: Capture | None = session.info.get(CAPTURE)
    if capture is not None:
        capture.rows[(BY_MODEL[type(row)].name, row.id)] = row


def start(session: Session) -> None:
    session.info.setdefault(CAPTURE, Capture())


def write(session: Session, now: dt.datetime) -> bool:
    """End a capturing transaction: its rows as one entry (none when it wrote no synced
    row: a reprint, a print job). True when it wrote one."""
    session.flush()
    capture: Capture | None = session.info.pop(CAPTURE, None)
    if capture is None:
        return False
    for counter_id in capture.counters_relinked:
        counter = session.get(Counter, counter_id)
        if counter is not None:
            capture.rows.setdefault(("counter", counter_id), counter)
    if not capture.rows:
        return False
    ordered = sorted(capture.rows.items(), key=lambda item: (ORDER[item[0][0]], item[0][1]))
    rows: list[Any] = []
    for (name, ident), obj in ordered:
        row = image(BY_NAME[name], obj)
        if name == "counter" and ident in capture.counters_relinked:
            row[1]["services"] = [link.service_id for link in obj.links]
        rows.append(row)
    rows = _with_users(session, rows)
    lock(session)
    next_seq = select(func.coalesce(func.max(SyncEntry.seq), 0) + 1).scalar_subquery()
    session.execute(
        insert(SyncEntry).values(seq=next_seq, at=now, rows=rows, digest=entry_digest(rows))
    )
    session.info[JOURNALED] = True
    return True


def entry_digest(rows: list[Any]) -> str:
    """What tells this entry from another one under the same number (a restored box's)."""
    text = json.dumps(rows, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _with_users(session: Session, rows: list[Any]) -> list[Any]:
    """The officers a row names go first, as they are now: a province knows them by name."""
    wanted = {
        values[column]
        for name, values in rows
        for column, target in BY_NAME[name].refs.items()
        if target == "user" and values.get(column) is not None
    }
    sent = {values["id"] for name, values in rows if name == "user"}
    users = (
        [
            image(BY_NAME["user"], user)
            for user in session.scalars(select(User).where(User.id.in_(wanted - sent)))
        ]
        if wanted - sent
        else []
    )
    return users + rows


def lock(session: Session) -> None:
    """Hold the journal's lock until commit (SQLite's write transaction holds it already)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})


def head(session: Session) -> int:
    return session.scalar(select(func.coalesce(func.max(SyncEntry.seq), 0))) or 0


def linked(session: Session) -> ProvinceLink | None:
    return session.scalar(select(ProvinceLink).limit(1))


def baseline(session: Session, now: dt.datetime) -> tuple[int, int]:
    """Journal every office from now on, starting with everything they hold: every synced
    row, oldest kinds first, in entries of BASELINE_ROWS. Returns (first, last) entry."""
    lock(session)
    # Every office's row is written here, so no office's write runs beside this one
    # (PostgreSQL: their row locks; SQLite: the one write lock).
    session.execute(update(Office).values(journal=True))
    first = head(session) + 1
    seq = first - 1
    for chunk in _chunks(_all_rows(session), BASELINE_ROWS):
        seq += 1
        session.add(SyncEntry(seq=seq, at=now, rows=chunk, digest=entry_digest(chunk)))
        session.flush()
    session.info[JOURNALED] = True
    return first, seq


def _all_rows(session: Session) -> Iterator[list[Any]]:
    links: dict[int, list[int]] = {}
    for counter_id, service_id in session.execute(
        select(CounterService.counter_id, CounterService.service_id).order_by(
            CounterService.counter_id, CounterService.position
        )
    ):
        links.setdefault(counter_id, []).append(service_id)
    for kind in KINDS:
        table = kind.table
        result = session.execute(
            select(table).order_by(table.c.id).execution_options(yield_per=1000)
        )
        for row in result:
            item = image(kind, row)
            if kind.model is Counter:
                item[1]["services"] = links.get(row.id, [])
            yield item


def _chunks(rows: Iterator[list[Any]], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
