"""Every table. Times are naive UTC in the database and aware UTC in Python (`UTCDateTime`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator):
    """Stores UTC without a zone (same on SQLite and PostgreSQL), returns aware UTC."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; the engine works in aware UTC")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value: dt.datetime | None, dialect) -> dt.datetime | None:
        return None if value is None else value.replace(tzinfo=dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {
        dt.datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
        list[str]: JSON(),
    }


class Office(Base):
    __tablename__ = "offices"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(300), default="")
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Ho_Chi_Minh")
    # The district (or province) it belongs to, for reports that compare offices.
    district: Mapped[str] = mapped_column(String(200), default="")
    # At most this many priority calls in a row at one counter while ordinary tickets wait;
    # None means priority always goes first.
    priority_streak_limit: Mapped[int | None] = mapped_column(Integer)
    transfer_keeps_place: Mapped[bool] = mapped_column(Boolean, default=True)
    # A citizen called once may not have heard it: "Vắng mặt" waits for this many recalls
    # (and the settings' `no_show_grace_seconds` after the call). 0: no recall needed.
    recalls_before_no_show: Mapped[int] = mapped_column(Integer, default=1)
    elderly_age: Mapped[int] = mapped_column(Integer, default=60)
    # Free-form presentation settings (notice text, rating wording, opening hours, ...).
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[dt.datetime]
    # Raised by every write under the office lock: a snapshot cached at one version is
    # current while the row still holds it, in this process or any other.
    version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Raised by every write that may change the estimate figures (a finish, a counter
    # opened, any configuration): what the issuing path keeps them by.
    figures_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # On a provincial server: the commune centre this office is a copy of. Only that
    # centre's sync writes it here; the engine refuses to (server/engine/mirror.py).
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("centres.id"), default=None)
    # On a centre's box: every write of this office is journaled for the province
    # (server/engine/journal.py). Read by the office lock's own statement, so it costs
    # nothing, and set by joining in one transaction with the baseline.
    journal: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    services: Mapped[list[Service]] = relationship(
        back_populates="office", order_by="Service.sort_order, Service.id"
    )
    counters: Mapped[list[Counter]] = relationship(
        back_populates="office", order_by="Counter.number"
    )
    priority_classes: Mapped[list[PriorityClass]] = relationship(
        back_populates="office", order_by="PriorityClass.sort_order, PriorityClass.id"
    )

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "address": self.address,
            "district": self.district,
            "timezone": self.timezone,
            "notice": (self.settings or {}).get("notice", ""),
        }


class Service(Base):
    """A field (lĩnh vực). Display code = prefix + (number_start + seq - 1) padded to digits."""

    __tablename__ = "services"
    __table_args__ = (UniqueConstraint("office_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    prefix: Mapped[str] = mapped_column(String(4), default="")
    number_start: Mapped[int] = mapped_column(Integer, default=1)
    number_end: Mapped[int] = mapped_column(Integer, default=999)
    digits: Mapped[int] = mapped_column(Integer, default=3)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    # Used for the estimate until the field has finished tickets of its own.
    default_service_minutes: Mapped[float | None] = mapped_column(default=None)
    target_wait_minutes: Mapped[int | None] = mapped_column(Integer, default=None)

    office: Mapped[Office] = relationship(back_populates="services")

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "name_en": self.name_en,
            "prefix": self.prefix,
            "number_start": self.number_start,
            "number_end": self.number_end,
            "active": self.active,
        }

    def ref(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "name_en": self.name_en}


class Counter(Base):
    __tablename__ = "counters"
    __table_args__ = (UniqueConstraint("office_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))
    number: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200), default="")
    state: Mapped[str] = mapped_column(String(16), default="closed")
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    # Priority calls made in a row while ordinary tickets waited (anti-starvation).
    priority_streak: Mapped[int] = mapped_column(Integer, default=0)

    office: Mapped[Office] = relationship(back_populates="counters")
    links: Mapped[list[CounterService]] = relationship(
        order_by="CounterService.position", cascade="all, delete-orphan"
    )
    officer: Mapped[User | None] = relationship()

    @property
    def service_ids(self) -> list[int]:
        return [link.service_id for link in self.links]

    def ref(self) -> dict[str, Any]:
        return {"id": self.id, "number": self.number, "name": self.name}

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.ref(),
            "state": self.state,
            "services": [link.service.code for link in self.links],
            "officer": self.officer.full_name or self.officer.username if self.officer else None,
        }


class CounterService(Base):
    __tablename__ = "counter_services"

    counter_id: Mapped[int] = mapped_column(ForeignKey("counters.id"), primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    service: Mapped[Service] = relationship()


class PriorityClass(Base):
    __tablename__ = "priority_classes"
    __table_args__ = (UniqueConstraint("office_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    office: Mapped[Office] = relationship(back_populates="priority_classes")

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "name_en": self.name_en}


class ServiceDayCounter(Base):
    """Last sequence number handed out per office, service and local day."""

    __tablename__ = "service_day_counters"

    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"), primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)


class Ticket(Base):
    __tablename__ = "tickets"
    __table_args__ = (
        UniqueConstraint("issued_service_id", "service_day", "seq"),
        UniqueConstraint("office_id", "request_key"),
        Index("ix_tickets_queue", "office_id", "status", "service_id", "queued_at"),
        Index("ix_tickets_recent", "service_id", "status", "finished_at"),
        Index("ix_tickets_office_day", "office_id", "service_day"),
        Index("ix_tickets_source", "office_id", "service_day", "source"),
        # The waiting line of one field, in calling order: a place in line is counted and
        # the next ticket found from this index alone, however long the line.
        Index(
            "ix_tickets_line",
            "office_id",
            "service_day",
            "status",
            "service_id",
            "priority_class_id",
            "queued_at",
            "id",
            "target_counter_id",
        ),
        # A counter's current ticket, and the tickets sent to one counter.
        Index("ix_tickets_counter", "counter_id", "status"),
        Index("ix_tickets_target", "target_counter_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))
    # The field it is in now (transfers change it) and the field whose number it carries.
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    issued_service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    service_day: Mapped[dt.date] = mapped_column(Date)
    seq: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(16))
    token: Mapped[str] = mapped_column(String(64), unique=True)
    channel: Mapped[str] = mapped_column(String(16), default="kiosk")
    priority_class_id: Mapped[int | None] = mapped_column(
        ForeignKey("priority_classes.id"), default=None
    )
    status: Mapped[str] = mapped_column(String(16), default="waiting")
    # The citizen's place in line: kept across transfers and no-show returns.
    queued_at: Mapped[dt.datetime]
    issued_at: Mapped[dt.datetime]
    called_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    started_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    finished_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    counter_id: Mapped[int | None] = mapped_column(ForeignKey("counters.id"), default=None)
    # Set by a transfer to one counter: only that counter may call the ticket.
    target_counter_id: Mapped[int | None] = mapped_column(ForeignKey("counters.id"), default=None)
    recall_count: Mapped[int] = mapped_column(Integer, default=0)
    dossier_code: Mapped[str | None] = mapped_column(String(40), default=None)
    note: Mapped[str | None] = mapped_column(Text, default=None)
    citizen_name: Mapped[str | None] = mapped_column(String(200), default=None)
    citizen_id_hash: Mapped[str | None] = mapped_column(String(64), default=None)
    citizen_id_last4: Mapped[str | None] = mapped_column(String(4), default=None)
    # The client's Idempotency-Key, hashed with who sent it (another caller's key never
    # matches), and a hash of what was asked: a repeat gets this ticket, a different ask 422.
    request_key: Mapped[str | None] = mapped_column(String(64), default=None)
    request_hash: Mapped[str | None] = mapped_column(String(64), default=None)
    # Who asked for it: "device:3" (a kiosk), "user:5" (staff) or "addr:10.0.0.7" (an
    # anonymous client of an office that opens issuing); a manager can cancel one source.
    source: Mapped[str | None] = mapped_column(String(80), default=None)
    # The kiosk that issued it, if any: its printer prints the ticket.
    device_id: Mapped[int | None] = mapped_column(ForeignKey("devices.id"), default=None)
    # What the citizen was told at issue, so reports can check the estimate.
    ahead_at_issue: Mapped[int | None] = mapped_column(Integer, default=None)
    eta_at_issue: Mapped[int | None] = mapped_column(Integer, default=None)
    # The appointment this ticket was issued for (checked in at the kiosk or counter).
    appointment_id: Mapped[int | None] = mapped_column(
        ForeignKey("appointments.id"), default=None, unique=True
    )

    # Joined: lists of tickets are serialised with all of these, so load them in one query.
    service: Mapped[Service] = relationship(foreign_keys=[service_id], lazy="joined")
    office: Mapped[Office] = relationship(lazy="joined")
    priority_class: Mapped[PriorityClass | None] = relationship(lazy="joined")
    counter: Mapped[Counter | None] = relationship(foreign_keys=[counter_id], lazy="joined")
    target_counter: Mapped[Counter | None] = relationship(
        foreign_keys=[target_counter_id], lazy="joined"
    )

    def public_dict(self) -> dict[str, Any]:
        """What anyone holding the ticket, or looking at a display, may see: no personal data."""
        return public_ticket(
            code=self.code,
            number=self.number,
            service=self.service.ref(),
            status=self.status,
            priority=self.priority_class.code if self.priority_class else None,
            counter=self.counter.ref() if self.counter else None,
            issued_at=self.issued_at,
            called_at=self.called_at,
            finished_at=self.finished_at,
        )

    def staff_dict(self) -> dict[str, Any]:
        """What officers of the office see; still never the citizen's full ID."""
        return {
            "id": self.id,
            **self.public_dict(),
            "office": self.office.code,
            "channel": self.channel,
            "queued_at": iso(self.queued_at),
            "started_at": iso(self.started_at),
            "recall_count": self.recall_count,
            "target_counter": self.target_counter.ref() if self.target_counter else None,
            "dossier_code": self.dossier_code,
            "note": self.note,
            "citizen_name": self.citizen_name,
            "citizen_id_last4": self.citizen_id_last4,
            # Issued at a kiosk with a device: it can be reprinted there.
            "kiosk": self.device_id,
        }


class TicketEvent(Base):
    """Append-only log of every change to a ticket; reports and the audit read it."""

    __tablename__ = "ticket_events"
    __table_args__ = (
        Index("ix_ticket_events_office_at", "office_id", "at"),
        Index("ix_ticket_events_ticket", "ticket_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"))
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    kind: Mapped[str] = mapped_column(String(24))
    at: Mapped[dt.datetime]
    counter_id: Mapped[int | None] = mapped_column(ForeignKey("counters.id"), default=None)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    data: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)


class CounterEvent(Base):
    """Append-only log of counter openings, pauses and closings."""

    __tablename__ = "counter_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    counter_id: Mapped[int] = mapped_column(ForeignKey("counters.id"), index=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))
    state: Mapped[str] = mapped_column(String(16))
    at: Mapped[dt.datetime]
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(255), default="")
    role: Mapped[str] = mapped_column(String(16), default="officer")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime]
    # On a provincial server: an officer of a centre, named in reports; never signs in.
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("centres.id"), default=None)

    offices: Mapped[list[Office]] = relationship(secondary="user_offices")


class UserOffice(Base):
    __tablename__ = "user_offices"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"), primary_key=True)


class ApiToken(Base):
    """A bearer token; only its SHA-256 is stored, so a leaked database leaks no tokens."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    device_id: Mapped[int | None] = mapped_column(ForeignKey("devices.id"), default=None)
    created_at: Mapped[dt.datetime]
    last_used_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(default=None)

    user: Mapped[User | None] = relationship()
    device: Mapped[Device | None] = relationship()


class Device(Base):
    """A registered kiosk, display or rating screen; it acts with its own token."""

    __tablename__ = "devices"

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(100))
    # How this kiosk prints: a printer URL (tcp://, usb://, ...) or "agent:" for a printer
    # attached to the kiosk PC and driven by `luot kiosk-agent`; None prints nothing.
    printer_url: Mapped[str | None] = mapped_column(String(300), default=None)
    paper: Mapped[int] = mapped_column(Integer, default=80)
    printer_profile: Mapped[str | None] = mapped_column(String(64), default=None)
    # A rating screen belongs to one counter.
    counter_id: Mapped[int | None] = mapped_column(ForeignKey("counters.id"), default=None)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime]
    printer_status: Mapped[str] = mapped_column(String(16), default="unknown")
    printer_error: Mapped[str | None] = mapped_column(Text, default=None)
    printer_checked_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    # Presence: set on Socket.IO connect/disconnect and refreshed while connected.
    connected: Mapped[bool] = mapped_column(Boolean, default=False)
    last_seen_at: Mapped[dt.datetime | None] = mapped_column(default=None)

    office: Mapped[Office] = relationship()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "office": self.office.code,
            "kind": self.kind,
            "name": self.name,
            "printer_url": self.printer_url,
            "paper": self.paper,
            "counter_id": self.counter_id,
            "active": self.active,
            "printer_status": self.printer_status,
            "printer_error": self.printer_error,
            "printer_checked_at": iso(self.printer_checked_at),
            "connected": self.connected,
            "last_seen_at": iso(self.last_seen_at),
        }


class PrintJob(Base):
    """One attempt to print one ticket: claimed once, so a retry never prints it twice."""

    __tablename__ = "print_jobs"
    __table_args__ = (Index("ix_print_jobs_status", "status", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"))
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    reprint: Mapped[bool] = mapped_column(Boolean, default=False)
    requested_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    error: Mapped[str | None] = mapped_column(Text, default=None)
    # The phone-page URL for the QR, fixed when the job is made (the kiosk's view of the box).
    track_url: Mapped[str] = mapped_column(String(300), default="")
    # A slip for this appointment (a return of results) instead of the ticket itself; its
    # QR (`track_url`) is then the appointment's page.
    appointment_id: Mapped[int | None] = mapped_column(ForeignKey("appointments.id"), default=None)
    bytes_sent: Mapped[int | None] = mapped_column(Integer, default=None)
    created_at: Mapped[dt.datetime]
    started_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    finished_at: Mapped[dt.datetime | None] = mapped_column(default=None)

    ticket: Mapped[Ticket] = relationship()
    device: Mapped[Device] = relationship()
    appointment: Mapped[Appointment | None] = relationship()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "status": self.status,
            "reprint": self.reprint,
            "error": self.error,
            "created_at": iso(self.created_at),
            "finished_at": iso(self.finished_at),
        }


class Rating(Base):
    """A citizen's rating of one finished ticket: one per ticket."""

    __tablename__ = "ratings"
    __table_args__ = (Index("ix_ratings_office_at", "office_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), unique=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))
    counter_id: Mapped[int | None] = mapped_column(ForeignKey("counters.id"), default=None)
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    # The level's key from the office's scale, e.g. "very_satisfied" or "4".
    level: Mapped[str] = mapped_column(String(32))
    # Position of the level on its scale, best = 1.0, worst = 0.0: comparable across scales.
    score: Mapped[float]
    reasons: Mapped[list[str] | None] = mapped_column(JSON, default=None)
    comment: Mapped[str | None] = mapped_column(Text, default=None)
    channel: Mapped[str] = mapped_column(String(16), default="tablet")
    created_at: Mapped[dt.datetime]


class AuditEntry(Base):
    """Who changed what in the configuration, and when: append-only."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_office_at", "office_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int | None] = mapped_column(ForeignKey("offices.id"), default=None)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    at: Mapped[dt.datetime]
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str] = mapped_column(String(200), default="")
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "at": iso(self.at),
            "user_id": self.user_id,
            "action": self.action,
            "target": self.target,
            "before": self.before,
            "after": self.after,
        }


class UserSession(Base):
    """A signed-in browser. The cookie holds a random key whose SHA-256 is stored here, so
    signing out, a password change or deactivation ends it on the server: a copied cookie
    replayed later opens nothing."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[dt.datetime]
    revoked_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    address: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(200), default="")

    user: Mapped[User] = relationship()


class LoginAttempt(Base):
    """Sign-in attempts, kept in the database so throttling holds across processes."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_username_at", "username", "at"),
        Index("ix_login_attempts_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(64), default="")
    success: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[dt.datetime]


class ServerProcess(Base):
    """A running Lượt process and its heartbeat, one row each.

    The health check's write (a real one on the database path) refreshes `seen_at`;
    `luot serve` reads the other rows to refuse a second process without Redis, and the
    manager's overview shows every live process's faults. A clean shutdown deletes its row.
    """

    __tablename__ = "server_processes"

    id: Mapped[int] = mapped_column(primary_key=True)
    host: Mapped[str] = mapped_column(String(255))
    # Hostname, boot and PID namespace: a row with this process's key is checked by its pid.
    host_key: Mapped[str] = mapped_column(String(64))
    pid: Mapped[int] = mapped_column(Integer)
    # When the pid started (Linux clock ticks since boot): a reused pid is another process.
    pid_start: Mapped[str] = mapped_column(String(32), default="")
    # `luot serve` (displays connect to it), not a CLI command or a test app.
    serving: Mapped[bool] = mapped_column(Boolean, default=False)
    # The Socket.IO message queue it shares events through: "" for none.
    queue: Mapped[str] = mapped_column(String(200), default="")
    started_at: Mapped[dt.datetime]
    seen_at: Mapped[dt.datetime]
    # Its failing checks at the last heartbeat: [{"check", "message"}].
    faults: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON, default=None)


def iso(value: dt.datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def public_ticket(
    *,
    code: str,
    number: int,
    service: dict[str, Any],
    status: str,
    priority: str | None,
    counter: dict[str, Any] | None,
    issued_at: dt.datetime,
    called_at: dt.datetime | None,
    finished_at: dt.datetime | None,
) -> dict[str, Any]:
    """The public shape of a ticket, built from an object or from plain query rows."""
    return {
        "code": code,
        "number": number,
        "service": service,
        "status": status,
        "priority": priority,
        "counter": counter,
        "issued_at": iso(issued_at),
        "called_at": iso(called_at),
        "finished_at": iso(finished_at),
    }


class Appointment(Base):
    """A booked slot for a field: booked by the citizen on the public page (`booking`) or
    set by the officer who received a dossier, to return its result (`return`).

    Personal data is a name and a phone number, nothing more; `token` is the secret of the
    cancel and change links, `code` what the citizen types or shows at the kiosk."""

    __tablename__ = "appointments"
    __table_args__ = (
        Index("ix_appointments_slot", "office_id", "service_id", "slot_start", "status"),
        Index("ix_appointments_day", "office_id", "local_day", "status"),
        Index("ix_appointments_phone", "office_id", "phone", "local_day"),
        Index("ix_appointments_citizen", "office_id", "citizen_id_hash", "local_day"),
        Index("ix_appointments_network", "office_id", "local_day", "network"),
        Index("ix_appointments_source", "office_id", "source"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    kind: Mapped[str] = mapped_column(String(16), default="booking")
    code: Mapped[str] = mapped_column(String(16), unique=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="booked")
    slot_start: Mapped[dt.datetime]
    slot_end: Mapped[dt.datetime]
    # The office's local day of the slot: limits per day and the day's list read it.
    local_day: Mapped[dt.date] = mapped_column(Date)
    citizen_name: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str | None] = mapped_column(String(20), default=None)
    # The citizen agreed to messages about this appointment (when, and by which channel).
    consent_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    # A return of results: the dossier and, where the citizen's card was scanned on the
    # ticket it came from, the card's hash (check-in by CCCD); never the number itself.
    dossier_code: Mapped[str | None] = mapped_column(String(40), default=None)
    citizen_id_hash: Mapped[str | None] = mapped_column(String(64), default=None)
    # The ticket at which the dossier was received (no foreign key: tickets point here).
    from_ticket_id: Mapped[int | None] = mapped_column(Integer, default=None)
    result_ready_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    created_at: Mapped[dt.datetime]
    changed_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    checked_in_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    # Who booked it, as tickets record their source ("addr:…" for the public page, a user
    # for staff), and the booker's network ("203.0.113.0/24", "2001:db8:1:2::/64"): how
    # much of a field's day one network may hold is counted by it (engine/appointments.py),
    # and a manager cancels one source's bookings in one action.
    source: Mapped[str | None] = mapped_column(String(80), default=None)
    network: Mapped[str | None] = mapped_column(String(64), default=None)

    service: Mapped[Service] = relationship(lazy="joined")
    office: Mapped[Office] = relationship(lazy="joined")


class OutboxMessage(Base):
    """One message to a citizen's phone, written in the transaction that causes it and sent
    later by the messages worker: retried with backoff, claimed once, sent once.

    `key` names what it is about (e.g. "reminder_day:appointment:12"): a second write of the
    same message is a no-op. `ref` is the id the gateway sees, the same on every retry, so a
    retry after a timeout is recognised as the same message."""

    __tablename__ = "outbox_messages"
    __table_args__ = (
        UniqueConstraint("key"),
        Index("ix_outbox_due", "status", "next_attempt_at"),
        Index("ix_outbox_appointment", "appointment_id"),
        # What one phone received lately: the daily cap (engine/citizen_messages.py).
        Index("ix_outbox_phone", "phone", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))
    appointment_id: Mapped[int | None] = mapped_column(ForeignKey("appointments.id"), default=None)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), default=None)
    key: Mapped[str] = mapped_column(String(120))
    ref: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(16))
    phone: Mapped[str] = mapped_column(String(20))
    # SMS: the text; ZNS: the template id and its parameters.
    body: Mapped[str] = mapped_column(Text, default="")
    template_id: Mapped[str | None] = mapped_column(String(64), default=None)
    params: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    due_at: Mapped[dt.datetime]
    next_attempt_at: Mapped[dt.datetime]
    # A claim that outlives its worker (a crash mid-send) is taken again after this.
    claimed_until: Mapped[dt.datetime | None] = mapped_column(default=None)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    provider_id: Mapped[str | None] = mapped_column(String(100), default=None)
    delivery: Mapped[str | None] = mapped_column(String(32), default=None)
    created_at: Mapped[dt.datetime]
    sent_at: Mapped[dt.datetime | None] = mapped_column(default=None)


class PhoneCode(Base):
    """A code sent by SMS to a phone a citizen is booking with, where the office verifies
    phones (`settings.appointments.verify_phone`): typed back on the booking page, it shows
    they hold the number, and the booking is made only then. Only its hash is kept; it
    expires, takes a few wrong guesses, and is used once."""

    __tablename__ = "phone_codes"
    __table_args__ = (
        Index("ix_phone_codes_phone", "office_id", "phone", "created_at"),
        Index("ix_phone_codes_source", "source", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))
    phone: Mapped[str] = mapped_column(String(20))
    code_hash: Mapped[str] = mapped_column(String(64))
    # Who asked for it ("addr:…"), for the per-address cap.
    source: Mapped[str | None] = mapped_column(String(80), default=None)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime]
    expires_at: Mapped[dt.datetime]
    used_at: Mapped[dt.datetime | None] = mapped_column(default=None)


class ChallengeUse(Base):
    """A proof-of-work solution the booking form sent (its challenge's signature, hashed),
    kept until the challenge expires so it is taken once (engine/challenges.py)."""

    __tablename__ = "challenge_uses"
    __table_args__ = (Index("ix_challenge_uses_expiry", "expires_at"),)

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[dt.datetime]


# -- a province: the provincial server's side


class Centre(Base):
    """A commune centre's box that sends its offices' data to this provincial server.

    Registered with a one-time join code (only its SHA-256 kept); joining trades it for the
    centre's token. `received_seq` is the last journal entry applied: the next push must
    start right after it, so every entry is applied once and in order."""

    __tablename__ = "centres"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime]
    join_hash: Mapped[str | None] = mapped_column(String(64), unique=True, default=None)
    join_expires_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True, default=None)
    joined_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    received_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    # The digest of that entry, and the journal it belongs to: a centre restored from a
    # backup writes other entries under the same numbers, which these tell apart
    # (server/engine/mirror.py); `epoch` changes when the centre sends its state again.
    received_digest: Mapped[str | None] = mapped_column(String(64), default=None)
    epoch: Mapped[str] = mapped_column(String(32), default="", server_default="")
    # A resync after a restore: {"state": "diverged" | "running" | "done", ...}.
    resync: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    # What the centre said at its last contact: its journal's head and the time of its
    # oldest entry not yet received here (the sync lag), and its offices' live figures.
    last_contact_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    last_address: Mapped[str] = mapped_column(String(64), default="")
    head_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    oldest_unsent_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    live: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    # The configuration template it follows, the version sent and the one it applied.
    template_id: Mapped[int | None] = mapped_column(
        ForeignKey("province_templates.id"), default=None
    )
    template_applied: Mapped[int] = mapped_column(Integer, default=0)
    template_report: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)


class ProvinceTemplate(Base):
    """A configuration template (fields, number blocks, priority classes, hours, rating
    scale, message templates) that centres apply, keeping what they changed locally."""

    __tablename__ = "province_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[dt.datetime]


class MirrorId(Base):
    """Which row here stands for a centre's row: (centre, kind, the centre's id) → id."""

    __tablename__ = "mirror_ids"

    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    source_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    local_id: Mapped[int] = mapped_column(Integer)


# -- a province: the centre's side


class ProvinceLink(Base):
    """This box as a centre of a province (one row at most): where it sends its journal,
    with which token, how far the province has confirmed, and the template it applied."""

    __tablename__ = "province_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    province_url: Mapped[str] = mapped_column(String(300))
    centre_code: Mapped[str] = mapped_column(String(32))
    token: Mapped[str] = mapped_column(String(100))
    joined_at: Mapped[dt.datetime]
    acked_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    state: Mapped[str] = mapped_column(String(16), default="active")
    last_ok_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    last_error_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    # The template as last applied here: what a new version is compared against, so a
    # value changed locally since is kept (three-way merge, server/province/template.py).
    template_version: Mapped[int] = mapped_column(Integer, default=0)
    template_base: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    # One process pushes at a time: the holder and until when (longer processes take over).
    pusher: Mapped[str] = mapped_column(String(80), default="")
    pusher_until: Mapped[dt.datetime | None] = mapped_column(default=None)
    # The journal's epoch: "" from the join; a new one each time this box sends its whole
    # state again (after a restore from a backup), with that baseline's entries, the
    # highest id of each kind it held then (rows above it at the province are gone from
    # here), why, and since when.
    epoch: Mapped[str] = mapped_column(String(32), default="", server_default="")
    epoch_start: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    epoch_end: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    epoch_max_ids: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    resync_reason: Mapped[str | None] = mapped_column(Text, default=None)
    resync_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    # Set by `luot restore`: a restored box sends nothing until `luot province resume`, so
    # a test restore never pushes as the live centre.
    restored_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    # The highest id of each kind the backup held: at the province, rows above it were
    # written by the box before it was lost, and are dropped if the two have diverged.
    restored_ids: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)


class SyncEntry(Base):
    """One committed write of a journaled office, as row images, numbered without gaps in
    commit order (server/engine/journal.py); kept until the province has it, and a while."""

    __tablename__ = "sync_journal"

    seq: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=False
    )
    at: Mapped[dt.datetime]
    rows: Mapped[list[Any]] = mapped_column(JSON)
    # SHA-256 of the rows: the province compares it with the entry it holds under this
    # number (none on entries written before digests were kept).
    digest: Mapped[str | None] = mapped_column(String(64), default=None)


# -- reports over long periods (server/reports/days.py)

# Buckets of a waiting or service time, for medians and 90th percentiles over months.
REPORT_BINS = 24
# What a report counts per group (server/reports/live.py); a rollup keeps the same counts.
REPORT_COUNTS = (
    "issued",
    "served",
    "no_show",
    "cancelled",
    "transferred",
    "with_target",
    "within_target",
)


def _figure_columns() -> list[Column]:
    counts = (
        *REPORT_COUNTS,
        "wait_n",
        "service_n",
        "est_n",
        "est_within_5",
    )
    sums = ("wait_sum", "service_sum", "est_error_sum", "est_abs_sum")
    return [
        *(Column(name, Integer, nullable=False, server_default="0") for name in counts),
        *(Column(name, Float, nullable=False, server_default="0") for name in sums),
        Column("wait_max", Float),
        Column("service_max", Float),
        *(
            Column(f"{measure}_b{i:02d}", Integer, nullable=False, server_default="0")
            for measure in ("wait", "service")
            for i in range(REPORT_BINS)
        ),
    ]


def _rollup_keys() -> list[Column]:
    """An office's day, cut by field, counter and officer (grain "desk") or by hour of
    issue (grain "hour")."""
    return [
        Column("office_id", Integer, nullable=False),
        Column("day", Date, nullable=False),
        Column("grain", String(8), nullable=False),
        Column("service_id", Integer),
        Column("counter_id", Integer),
        Column("officer_id", Integer),
        Column("hour", Integer),
    ]


report_days = Table(
    "report_days",
    Base.metadata,
    *_rollup_keys(),
    *_figure_columns(),
    Index("ix_report_days_office_day", "office_id", "day"),
)
report_day_ratings = Table(
    "report_day_ratings",
    Base.metadata,
    *_rollup_keys(),
    Column("level", String(32), nullable=False),
    Column("n", Integer, nullable=False),
    Index("ix_report_day_ratings_office_day", "office_id", "day"),
)
# The office-days rolled up: a day without a mark (never built, or changed since, as a
# centre's late push does) is computed from its tickets again.
report_day_marks = Table(
    "report_day_marks",
    Base.metadata,
    Column("office_id", Integer, primary_key=True),
    Column("day", Date, primary_key=True),
    Column("built_at", UTCDateTime(), nullable=False),
)
