"""What every unit of the engine shares: the database, the clock, the settings, lookups.

One object, passed to each unit, so a test that swaps the clock swaps it everywhere.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from printer.policy import PrinterPolicy

from ..db import Database
from ..i18n import english
from ..models import Counter, Device, Office, Ticket
from . import snapshots
from .errors import Conflict, NotFound
from .lines import Estimator, Figures
from .snapshot_cache import Kept, SnapshotCache

Row = TypeVar("Row")
# A day's tickets of a large office, many times over; past it the map starts again.
OWNERS_KEPT = 50_000


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class Context:
    db: Database
    clock: Callable[[], dt.datetime] = utcnow
    # Which printer URLs devices may have: server configuration, checked for everyone.
    printer_policy: PrinterPolicy = field(default_factory=PrinterPolicy)
    default_service_minutes: float = 5.0
    eta_sample_size: int = 20
    # The server's ceiling on messages to one phone in 24 hours (LUOT_MESSAGES_PER_PHONE_MAX).
    messages_per_phone_max: int = 20
    # The booking form's proof-of-work (engine/challenges.py): the HMAC key of challenges,
    # their cost (PBKDF2 iterations per try) and lifetime.
    challenge_key: str = "luot"
    challenge_cost: int = 20000
    challenge_seconds: int = 1200
    # Office codes never change and offices are never deleted, so code → id is safe to
    # remember: most requests name their office by code.
    office_ids: dict[str, int] = field(default_factory=dict)
    # Nor do counters, tickets and devices ever move to another office: (kind, id) → office.
    owners: dict[tuple[str, int], int] = field(default_factory=dict)
    snapshots: SnapshotCache = field(default_factory=SnapshotCache)
    # service id → (the office's figures_version, lines.Figures: open counters, counters,
    # minutes per ticket, the counters' numbers).
    figures: dict[int, tuple[int, Figures]] = field(default_factory=dict)

    def estimator(self, session: Session, figures_version: int | None = None) -> Estimator:
        """With `figures_version` (read under the office lock), the per-field figures are
        kept across requests while the office's figures_version stays the same."""
        return Estimator(
            session,
            self.eta_sample_size,
            self.default_service_minutes,
            kept=self.figures if figures_version is not None else None,
            version=figures_version,
        )

    def office_snapshot(self, office_id: int, now: dt.datetime) -> Kept:
        """The office snapshot, from the cache while the office is unchanged."""

        def build() -> tuple[Office, dict[str, Any]]:
            with self.db.read() as session:
                office = session.get(Office, office_id)
                if office is None:
                    raise NotFound(english("does_not_exist", label="Office", id=office_id))
                return office, snapshots.office_snapshot(
                    session, office, now, self.estimator(session)
                )

        kept = self.snapshots.get(self._office_version, build, office_id, now)
        if kept is None:
            raise NotFound(english("does_not_exist", label="Office", id=office_id))
        return kept

    def _office_version(self, office_id: int) -> tuple[int, str] | None:
        # Autocommit: no BEGIN and no ROLLBACK around the one read every poll costs.
        with self.db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            row = conn.execute(
                select(Office.version, Office.timezone).where(Office.id == office_id)
            ).one_or_none()
        return (row.version, row.timezone) if row is not None else None

    def office_id(self, code: str) -> int:
        if code not in self.office_ids:
            with self.db.read() as session:
                self.office_ids[code] = office_by_code(session, code).id
        return self.office_ids[code]

    def office_of(self, kind: str, ident: int) -> int:
        """The office a counter, ticket or device belongs to: what permission checks and
        the office lock need."""
        if (kind, ident) in self.owners:
            return self.owners[kind, ident]
        model = {"counter": Counter, "ticket": Ticket, "device": Device}[kind]
        with self.db.read() as session:
            office_id = get(session, model, ident, kind.capitalize()).office_id
        self.remember_owner(kind, ident, office_id)
        return office_id

    def remember_owner(self, kind: str, ident: int, office_id: int) -> None:
        if len(self.owners) >= OWNERS_KEPT:
            self.owners.clear()
        self.owners[kind, ident] = office_id


def office_by_code(session: Session, code: str) -> Office:
    office = session.scalar(select(Office).where(Office.code == code))
    if office is None:
        raise NotFound(english("no_office", code=code), field="office")
    return office


def get(session: Session, model: type[Row], ident: int | None, label: str) -> Row:
    obj = session.get(model, ident) if ident is not None else None
    if obj is None:
        raise NotFound(english("does_not_exist", label=label, id=ident))
    return obj


_LOCKED_TICKET = select(Ticket).where(Ticket.id == bindparam("ticket")).with_for_update(of=Ticket)


def locked_ticket(session: Session, ticket_id: int, office: Office) -> Ticket:
    """The ticket, row-locked for the change (the office lock is held already)."""
    ticket = session.scalar(_LOCKED_TICKET, {"ticket": ticket_id})
    if ticket is None:
        raise NotFound(english("does_not_exist", label="Ticket", id=ticket_id))
    same_office(ticket, office)
    return ticket


def same_office(obj: Any, office: Office) -> None:
    if obj.office_id != office.id:
        raise Conflict(english("other_office"))


def kiosk(session: Session, device_id: int | None, office: Office) -> Device:
    device = session.get(Device, device_id) if device_id is not None else None
    if device is None or not device.active or device.kind != "kiosk":
        raise NotFound(english("no_kiosk"), field="device")
    if device.office_id != office.id:
        raise Conflict(english("other_kiosk"))
    return device
