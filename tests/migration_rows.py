"""Rows in every table of a schema at any revision, for testing migrations against data.

The filler reads the schema from the database itself (not from today's models), so it
fills a database at any earlier revision, and every future table and column, without
being told: a migration that cannot carry real rows fails its test the day it is written.
Values follow each column's type; foreign keys point at rows of the referenced table;
state-like columns cycle through the values the code uses, so tickets exist in every
state with their events, print jobs in every state, and so on.
"""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

from sqlalchemy import Connection, MetaData, Table, inspect, select, types

ROWS = 14
BASE_TIME = dt.datetime(2026, 11, 23, 1, 0)

# Columns whose values are states or kinds: the filler cycles through what the code writes.
STATES: dict[tuple[str, str], tuple[Any, ...]] = {
    ("tickets", "status"): (
        "waiting",
        "called",
        "serving",
        "done",
        "no_show",
        "on_hold",
        "cancelled",
    ),
    ("ticket_events", "kind"): (
        "issued",
        "called",
        "recalled",
        "started",
        "finished",
        "no_show",
        "transferred",
        "held",
        "cancelled",
    ),
    ("counters", "state"): ("closed", "open", "paused"),
    ("counter_events", "state"): ("open", "paused", "closed"),
    ("print_jobs", "status"): ("pending", "printing", "printed", "failed"),
    ("devices", "kind"): ("kiosk", "display", "rating"),
    ("devices", "printer_status"): ("unknown", "ok", "failed"),
    ("users", "role"): ("officer", "manager", "admin"),
    ("appointments", "status"): ("booked", "checked_in", "cancelled", "missed"),
    ("appointments", "kind"): ("booking", "return"),
    ("outbox_messages", "status"): ("pending", "sending", "sent", "failed", "skipped"),
    ("outbox_messages", "channel"): ("sms", "zns"),
    ("outbox_messages", "kind"): ("booked", "reminder_day", "called", "turn_near"),
    ("offices", "timezone"): ("Asia/Ho_Chi_Minh",),
    ("offices", "settings"): ({}, {"issuing": "open"}, {"start_on_call": True}),
}


def reflect(conn: Connection) -> MetaData:
    metadata = MetaData()
    metadata.reflect(conn)
    metadata.remove(metadata.tables["alembic_version"])
    return metadata


def fill(conn: Connection, rows: int = ROWS) -> dict[str, int]:
    """Insert `rows` rows into every table (parents first); return the count per table."""
    metadata = reflect(conn)
    counts: dict[str, int] = {}
    for table in metadata.sorted_tables:
        values = [_row(table, i, counts, rows) for i in range(1, rows + 1)]
        conn.execute(table.insert(), values)
        counts[table.name] = rows
    _reset_sequences(conn, metadata)
    return counts


def contents(conn: Connection) -> dict[str, dict[tuple, dict[str, Any]]]:
    """Every table's rows, keyed by primary key, each a mapping of column to value."""
    metadata = reflect(conn)
    found: dict[str, dict[tuple, dict[str, Any]]] = {}
    for table in metadata.sorted_tables:
        key = [column.name for column in table.primary_key.columns]
        found[table.name] = {
            tuple(row[name] for name in key): dict(row)
            for row in conn.execute(select(table)).mappings()
        }
    return found


def _row(table: Table, i: int, filled: dict[str, int], rows: int) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for column in table.columns:
        foreign = next(iter(column.foreign_keys), None)
        if foreign is not None:
            target = foreign.column.table.name
            if target in filled:
                row[column.name] = (i - 1) % filled[target] + 1
            elif column.nullable:
                row[column.name] = None  # a reference back along a cycle: left empty
            else:
                row[column.name] = i  # its own table (rows 1..n exist once inserted)
            continue
        row[column.name] = _value(table.name, column, i, rows)
    return row


def _value(table: str, column, i: int, rows: int) -> Any:
    states = STATES.get((table, column.name))
    if states is not None:
        return states[(i - 1) % len(states)]
    kind = column.type
    if isinstance(kind, types.Boolean):
        return i % 2 == 0
    if isinstance(kind, types.Integer):
        return i
    if isinstance(kind, types.DateTime):
        return BASE_TIME + dt.timedelta(minutes=7 * i, seconds=i)
    if isinstance(kind, types.Date):
        return (BASE_TIME + dt.timedelta(days=i % 3)).date()
    if isinstance(kind, types.Float | types.Numeric):
        value = i + 0.5
        return decimal.Decimal(str(value)) if getattr(kind, "asdecimal", False) else value
    if isinstance(kind, types.JSON):
        return {"n": i, "text": "Hộ tịch"}
    if isinstance(kind, types.LargeBinary):
        return bytes([i % 256]) * 4
    if isinstance(kind, types.String | types.Text):
        text = f"{column.name[:8]}-{i}-Mẫu"
        length = getattr(kind, "length", None)
        if length and len(text) > length:
            text = str(i)[-length:]
        return text
    raise TypeError(f"no sample value for {table}.{column.name} ({kind!r})")


def _reset_sequences(conn: Connection, metadata: MetaData) -> None:
    """PostgreSQL: explicit ids leave the sequences at 1; move them past the rows."""
    if conn.dialect.name != "postgresql":
        return
    for table in metadata.sorted_tables:
        key = list(table.primary_key.columns)
        if len(key) != 1 or not isinstance(key[0].type, types.Integer):
            continue
        default = inspect(conn).get_columns(table.name)
        if not any(c["name"] == key[0].name and c.get("default") for c in default):
            continue
        conn.exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('{table.name}', '{key[0].name}'),"
            f" (SELECT max({key[0].name}) FROM {table.name}))"
        )
