"""What a centre sends its province, row by row: the kinds of rows, their columns, the
references between them, and what is left out before a row leaves the box.

Both sides read this one table: the centre's journal writes row images with it
(`journal.py`), the province checks and applies them with it (`mirror.py`). A row image is
`[kind, {"id": <the centre's id>, column: value, ...}]` with times as ISO text.

Personal data stays at the centre: citizens' names, card hashes, phone numbers, notes and
where a ticket was issued from are not sent; tokens (the phone page's, a booking's links)
go only as hashes, so the province's copy opens no citizen's page.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Date, Float, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase

from ..i18n import english
from ..models import (
    Appointment,
    Counter,
    CounterEvent,
    Office,
    PriorityClass,
    Rating,
    Service,
    Ticket,
    TicketEvent,
    User,
    UTCDateTime,
)


def digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _none(_value: Any) -> None:
    return None


def _token(value: Any) -> Any:
    return digest(value) if isinstance(value, str) else value


def _event_data(value: Any) -> Any:
    """An event's details without a free-text note (an officer may write a name there)."""
    if isinstance(value, dict) and "note" in value:
        return {key: item for key, item in value.items() if key != "note"}
    return value


@dataclass(frozen=True)
class Kind:
    name: str
    model: type[DeclarativeBase]
    # column → the kind it points at (the province maps the centre's id to its own)
    refs: dict[str, str] = field(default_factory=dict)
    # Columns a centre never sends (its own bookkeeping, or what is the province's).
    skip: frozenset[str] = frozenset()
    # column → what is sent instead of the value
    scrub: dict[str, Any] = field(default_factory=dict)
    # Rows only ever inserted (the event log, ratings): a second copy is a fault.
    append_only: bool = False

    @property
    def table(self):
        return self.model.__table__

    def columns(self) -> list[str]:
        return [c.name for c in self.table.columns if c.name not in self.skip]


KINDS: tuple[Kind, ...] = (
    Kind(
        "office",
        Office,
        skip=frozenset({"version", "figures_version", "journal", "centre_id"}),
    ),
    Kind(
        "user",
        User,
        skip=frozenset({"password_hash", "active", "centre_id"}),
    ),
    Kind("service", Service, refs={"office_id": "office"}),
    Kind("priority_class", PriorityClass, refs={"office_id": "office"}),
    # A counter's fields go along as `services` (ids in order) when they change.
    Kind("counter", Counter, refs={"office_id": "office", "officer_id": "user"}),
    Kind(
        "appointment",
        Appointment,
        refs={
            "office_id": "office",
            "service_id": "service",
            "created_by": "user",
            "from_ticket_id": "ticket",
        },
        scrub={
            "token": _token,
            "citizen_name": lambda _v: "",
            "phone": _none,
            "citizen_id_hash": _none,
            # Who booked (an address, a network) stays at the centre, as tickets' source.
            "source": _none,
            "network": _none,
        },
    ),
    Kind(
        "ticket",
        Ticket,
        refs={
            "office_id": "office",
            "service_id": "service",
            "issued_service_id": "service",
            "priority_class_id": "priority_class",
            "counter_id": "counter",
            "target_counter_id": "counter",
            "appointment_id": "appointment",
        },
        skip=frozenset({"device_id", "request_key", "request_hash"}),
        scrub={
            "token": _token,
            "citizen_name": _none,
            "citizen_id_hash": _none,
            "citizen_id_last4": _none,
            "note": _none,
            "source": _none,
        },
    ),
    Kind(
        "ticket_event",
        TicketEvent,
        refs={
            "ticket_id": "ticket",
            "office_id": "office",
            "service_id": "service",
            "counter_id": "counter",
            "user_id": "user",
        },
        scrub={"data": _event_data},
        append_only=True,
    ),
    Kind(
        "counter_event",
        CounterEvent,
        refs={"counter_id": "counter", "office_id": "office", "user_id": "user"},
        append_only=True,
    ),
    Kind(
        "rating",
        Rating,
        refs={
            "ticket_id": "ticket",
            "office_id": "office",
            "counter_id": "counter",
            "officer_id": "user",
        },
        append_only=True,
    ),
)
BY_NAME = {kind.name: kind for kind in KINDS}
BY_MODEL = {kind.model: kind for kind in KINDS}
ORDER = {kind.name: position for position, kind in enumerate(KINDS)}
# Counter ids inside a ticket event's details (a transfer's from and to).
EVENT_DATA_REFS = {"from_counter": "counter", "to_counter": "counter"}
# Where an appointment's `from_ticket_id` points before that ticket reached the province
# (never: a return is set at a ticket received earlier), the reference is dropped.
SOFT_REFS = {("appointment", "from_ticket_id")}


def image(kind: Kind, row: Any) -> list[Any]:
    """The row as the centre sends it."""
    values: dict[str, Any] = {}
    for name in kind.columns():
        value = getattr(row, name)
        if name in kind.scrub:
            value = kind.scrub[name](value)
        values[name] = encode(value)
    return [kind.name, values]


def encode(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


class BadRow(ValueError):
    """A row image that this server cannot take, and why: `row` names it (its kind, the
    centre's id, its code) and `field` the value at fault, when they are known."""

    def __init__(
        self, message: str, row: dict[str, Any] | None = None, field: str | None = None
    ) -> None:
        super().__init__(message)
        self.message, self.row, self.field = message, row, field


def decode(kind: Kind, values: Any) -> dict[str, Any]:
    """A row image's columns as Python values, each checked against its column's type."""
    if not isinstance(values, dict):
        raise BadRow(english("row_not_object", kind=kind.name))
    if not isinstance(values.get("id"), int) or isinstance(values.get("id"), bool):
        raise BadRow(english("row_no_id", kind=kind.name))
    row = {"kind": kind.name, "id": values["id"]}
    allowed = set(kind.columns())
    extra = set(values) - allowed - ({"services"} if kind.name == "counter" else set())
    if extra:
        raise BadRow(english("row_columns", names=", ".join(sorted(extra))), row=row)
    out: dict[str, Any] = {}
    for column in kind.table.columns:
        if column.name not in values:
            continue
        try:
            out[column.name] = _value(column, values[column.name])
        except BadRow as exc:
            raise BadRow(exc.message, row=row, field=column.name) from exc
    if "services" in values:
        services = values["services"]
        if not isinstance(services, list) or not all(
            isinstance(item, int) and not isinstance(item, bool) for item in services
        ):
            raise BadRow(english("row_services"), row=row, field="services")
        out["services"] = services
    return out


def _value(column: Any, value: Any) -> Any:
    if value is None:
        if not column.nullable and not column.primary_key:
            raise BadRow(english("null"))
        return None
    kind_of = column.type
    if isinstance(kind_of, UTCDateTime):
        try:
            moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            moment = None
        if moment is None or moment.tzinfo is None:
            raise BadRow(english("row_time"))
        return moment.astimezone(dt.UTC)
    if isinstance(kind_of, Date):
        try:
            return dt.date.fromisoformat(value) if isinstance(value, str) else _fail()
        except ValueError as exc:
            raise BadRow(english("date")) from exc
    if isinstance(kind_of, Boolean):
        if not isinstance(value, bool):
            raise BadRow(english("boolean"))
        return value
    if isinstance(kind_of, Integer):  # BigInteger is one too
        bits = 63 if isinstance(kind_of, BigInteger) else 31
        if (
            not isinstance(value, int)
            or isinstance(value, bool)
            or not -(2**bits) <= value < 2**bits
        ):
            raise BadRow(english("row_integer"))
        return value
    if isinstance(kind_of, Float):
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise BadRow(english("number"))
        return float(value)
    if isinstance(kind_of, (String, Text)):
        if not isinstance(value, str):
            raise BadRow(english("row_text"))
        if kind_of.length is not None and len(value) > kind_of.length:
            raise BadRow(english("row_long", length=kind_of.length))
        return value
    if isinstance(kind_of, JSON):
        return value
    raise BadRow(english("row_type"))  # pragma: no cover


def _fail() -> None:
    raise BadRow(english("date"))
