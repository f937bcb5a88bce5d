"""The only way the engine writes and publishes: one transaction, then its events.

Every verb writes inside `office()` (which locks the office row, so two counters, kiosks or
server processes never interleave their writes for one office) or `write()` (changes that
belong to no office's queue: users, tokens, device presence, print jobs), adds what it
changed to the outbox, and the events go out only after the commit. A failed emit is
logged and never undoes a ticket.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, update
from sqlalchemy.orm import Session

from ..i18n import english
from ..models import Office, Ticket
from . import audit, citizen_messages, journal, snapshots
from .context import Context
from .errors import Conflict, NotFound
from .events import Event, Refresh, office_room, ticket_room
from .snapshot_cache import with_time

log = logging.getLogger(__name__)

Listener = Callable[[Event], bool]


def _lock(keeps_figures: bool):
    return (
        update(Office)
        .where(Office.id == bindparam("office"))
        .values(
            version=Office.version + 1,
            figures_version=Office.figures_version + (0 if keeps_figures else 1),
        )
        .returning(Office)
        .execution_options(synchronize_session=False)
    )


# The office lock's statement, built once per kind (every write runs it).
_LOCK = {keeps: _lock(keeps) for keeps in (True, False)}


@dataclass
class Outbox:
    """What a transaction changed: events to send once it has committed, snapshots owed."""

    office: Office | None = None
    events: list[Event] = field(default_factory=list)
    refresh: Refresh | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        if self.office is not None:
            self.refresh = Refresh(self.office.id)

    def send(self, event: Event) -> None:
        self.events.append(event)

    def ticket_changed(
        self, ticket: Ticket, name: str = "ticket_updated", line_moved: bool = False
    ) -> None:
        assert self.office is not None and self.refresh is not None
        payload = {"ticket": ticket.public_dict()}
        rooms = (office_room(self.office.code), ticket_room(ticket.token))
        self.events.append(Event(name, rooms, payload))
        self.refresh.services.add(ticket.service_id)
        if line_moved:
            self.refresh.lines.add(ticket.service_id)
        for counter_id in (ticket.counter_id, ticket.target_counter_id):
            if counter_id:
                self.refresh.counters.add(counter_id)


class Transactions:
    """Commit, then hand each event to the listeners (the print worker), then publish what
    no listener took; snapshots owed go to the fan-out's scheduler, or out right away."""

    def __init__(
        self,
        ctx: Context,
        publish: Callable[[Event], None] | None = None,
        defer_refresh: Callable[[Refresh], None] | None = None,
    ) -> None:
        self.ctx = ctx
        self.publish = publish or (lambda event: None)
        self.defer_refresh = defer_refresh
        self.listeners: list[Listener] = []
        # The rooms someone is in, when this process knows them all (one process, no
        # Redis): snapshots sent at once are built only for those. None: every room.
        self.present_rooms: Callable[[], set[str]] | None = None

    @contextmanager
    def office(
        self, office_id: int, keeps_figures: bool = False
    ) -> Iterator[tuple[Session, Outbox]]:
        """A write under the office lock. Only a write that cannot change the estimate
        figures (issuing) says `keeps_figures`; any other raises `figures_version`."""
        with self.ctx.db.write() as session:
            session.info[citizen_messages.PHONE_CAP_MAX] = self.ctx.messages_per_phone_max
            # One statement locks the row (PostgreSQL; SQLite's BEGIN IMMEDIATE already
            # holds the database) and raises the versions the caches are keyed by.
            office = session.scalar(_LOCK[keeps_figures], {"office": office_id})
            if office is None:
                raise NotFound(english("does_not_exist", label="Office", id=office_id))
            if office.centre_id is not None:
                # A copy of a commune centre's office: only its centre writes it.
                raise Conflict(english("mirrored_office", office=office.code))
            if office.journal:
                journal.start(session)
            outbox = Outbox(office)
            yield session, outbox
            if office.journal:
                journal.write(session, self.ctx.clock())
        self.flush(outbox)

    @contextmanager
    def write(self) -> Iterator[tuple[Session, Outbox]]:
        with self.ctx.db.write() as session:
            session.info[citizen_messages.PHONE_CAP_MAX] = self.ctx.messages_per_phone_max
            outbox = Outbox()
            yield session, outbox
        self.flush(outbox)

    def send(self, *events: Event) -> None:
        """Events with nothing to commit (a scanned card's answer to its kiosk)."""
        self.flush(Outbox(events=list(events)))

    def flush(self, outbox: Outbox) -> None:
        for event in outbox.events:
            try:
                if not any(listener(event) for listener in self.listeners):
                    self.publish(event)
            except Exception:
                log.exception("publishing %s failed", event.name)
        if outbox.refresh is None:
            return
        try:
            if self.defer_refresh is not None:
                self.defer_refresh(outbox.refresh)
            else:
                present = self.present_rooms() if self.present_rooms is not None else None
                if present is not None and not present:
                    return  # nobody to send a snapshot to
                wanted = present.__contains__ if present is not None else None
                # A refresh comes only from an office's write, which holds its row.
                office = wanted is None or wanted(office_room(outbox.office.code))
                for event in self.refresh_events(outbox.refresh, wanted, office=office):
                    self.publish(event)
        except Exception:
            log.exception("sending snapshots for office %s failed", outbox.refresh.office_id)

    def refresh_events(
        self, refresh: Refresh, wanted: Callable[[str], bool] | None = None, office: bool = True
    ) -> Iterator[Event]:
        """The snapshots `refresh` owes; with `wanted`, only for the counter and ticket
        rooms it accepts (the ones someone is in): nobody waits for the others. Without
        `office`, not the office room's."""
        now = self.ctx.clock()
        payload = None
        if office:
            payload = with_time(self.ctx.office_snapshot(refresh.office_id, now), now)
        with self.ctx.db.read() as session:
            yield from snapshots.refresh_events(
                session,
                refresh,
                now,
                self.ctx.estimator(session),
                payload,
                wanted or (lambda _room: True),
            )


class Unit:
    """One job of the engine. Each unit shares the context and writes only through the
    transactions above, so every change commits before its events go out."""

    def __init__(self, ctx: Context, tx: Transactions) -> None:
        self.ctx = ctx
        self.tx = tx

    def _audit(self, session: Session, *entry: Any, **values: Any) -> None:
        """An audit row stamped with the engine's clock (see `audit.record` for the rest)."""
        audit.record(session, self.ctx.clock(), *entry, **values)
