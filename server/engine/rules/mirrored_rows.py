"""The rules a centre's rows pass at the province: those of every other way in.

A centre's engine only writes what `documents.py` allows, but the province cannot tell a
centre's engine from anything else holding its token. A row it would refuse on any route
(an office whose zone is no zone, hours that are not hours, a number block that overlaps
another) once went into the copy and made the province answer 500 on that office's pages,
on every report that included it, and stopped the report rollups. So each row's values
are loaded through the same schemas, and the fields' blocks checked against the office as
it will be; a row that fails names itself (kind, the centre's id, its code) and why.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import marshmallow as ma
from marshmallow import validate

from ...i18n import english
from ..counters import COUNTER_STATES
from ..credentials import ROLES
from ..errors import Invalid, InvalidValues
from ..numbering import CHANNELS
from ..sync_kinds import BadRow
from . import documents, numbers
from .transitions import TRANSITIONS

TICKET_STATUSES = frozenset(target for _sources, target in TRANSITIONS.values()) | frozenset(
    source for sources, _target in TRANSITIONS.values() for source in sources
)
APPOINTMENT_STATUSES = ("booked", "checked_in", "cancelled")
APPOINTMENT_KINDS = ("booking", "return")


class _CounterRow(documents._Strict):
    """A counter as the configuration routes take it, with the state the engine sets."""

    number = documents.Int(1, 999, required=True)
    name = documents.Text(200)
    state = ma.fields.String(validate=validate.OneOf(COUNTER_STATES))
    priority_streak = documents.Int(0, 10**6)


# Configuration: loaded through the schemas of the configuration routes (one instance each:
# a schema's load keeps no state), with the column that names a row beside its id.
SCHEMAS: dict[str, tuple[ma.Schema, str]] = {
    "office": (documents.OfficeFields(), "code"),
    "service": (documents.ServiceFields(), "code"),
    "priority_class": (documents.PriorityClassEntry(), "code"),
    "counter": (_CounterRow(), "number"),
}
# What the engine alone writes (many rows a push: a set lookup each, not a schema): the
# values it ever gives these columns.
CHOICES: dict[str, dict[str, frozenset[str]]] = {
    "ticket": {"status": TICKET_STATUSES, "channel": frozenset(CHANNELS)},
    "appointment": {
        "status": frozenset(APPOINTMENT_STATUSES),
        "kind": frozenset(APPOINTMENT_KINDS),
    },
    "user": {"role": frozenset(ROLES)},
}
NAMED = {kind: column for kind, (_schema, column) in SCHEMAS.items()} | {"ticket": "code"}
# Columns a row of these kinds must carry: the copy looks rows up by them.
REQUIRED = {
    "office": ("code", "name"),
    "service": ("office_id",),
    "priority_class": ("office_id",),
    "counter": ("office_id",),
}


def label(kind: str, values: dict[str, Any]) -> dict[str, Any]:
    """What names a row in a refusal: its kind, the centre's id, its code (or number)."""
    named = NAMED.get(kind)
    row: dict[str, Any] = {"kind": kind, "id": values.get("id")}
    if named and values.get(named) is not None:
        row["code"] = values[named]
    return row


def check(kind: str, values: dict[str, Any]) -> None:
    """BadRow when the row's values are not what any route would have taken."""
    for column, allowed in CHOICES.get(kind, {}).items():
        if column in values and values[column] not in allowed:
            problem = english("one_of", choices=", ".join(sorted(allowed)))
            raise BadRow(problem, row=label(kind, values), field=column)
    if kind not in SCHEMAS:
        return
    schema = SCHEMAS[kind][0]
    for column in REQUIRED.get(kind, ()):
        if values.get(column) is None:
            raise BadRow(english("required"), row=label(kind, values), field=column)
    loaded = {name: values[name] for name in schema.fields if name in values}
    try:
        if kind == "office":
            documents.check_code(values["code"])
        documents.load(schema, loaded)
        if kind == "service":
            numbers.check_blocks([loaded])
    except InvalidValues as exc:
        field, problem = _first(exc.details.get("fields") or {})
        raise BadRow(problem, row=label(kind, values), field=field) from exc
    except Invalid as exc:
        raise BadRow(exc.message, row=label(kind, values), field="number") from exc


def check_blocks(kind_rows: dict[int, dict[str, Any]], services: Iterable[Any]) -> None:
    """The number blocks of one office as it will be: `services` (what the copy holds
    after the push, models), the pushed ones last so a clash names a pushed row."""
    pushed = {values.get("code"): values for values in kind_rows.values()}
    ordered = sorted(services, key=lambda service: service.code in pushed)
    try:
        numbers.check_blocks(ordered)
    except Invalid as exc:
        clashing = next(
            (values for code, values in pushed.items() if repr(code) in exc.message),
            next(iter(pushed.values()), {}),
        )
        raise BadRow(exc.message, row=label("service", clashing), field="number") from exc


def _first(fields: Any, path: str = "") -> tuple[str, str]:
    """The first problem of a (nested) field → messages mapping, and its dotted path."""
    if isinstance(fields, dict):
        for key, value in fields.items():
            return _first(value, f"{path}.{key}" if path else str(key))
    if isinstance(fields, list | tuple) and fields:
        return _first(fields[0], path)
    return path or "_schema", str(fields)
