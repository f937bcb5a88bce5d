"""The rules for an office's configuration: one set for every way in.

Creating an office, changing it (PATCH), replacing its whole document (PUT, config import),
a field, counter or priority class of its own, the CLI and the demo seed all load their
input through these schemas, and the API declares the same classes, so a value refused on
one route is refused on all of them and the OpenAPI description says so.

Marshmallow checks each value on its own (type, range, format); what depends on several
values (number blocks that overlap, a counter serving a field that does not exist) is
checked by `check_blocks` and the engine, against the office as it will be.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable
from typing import Any
from zoneinfo import available_timezones

import marshmallow as ma
from marshmallow import validate

from . import hours as opening_hours
from .errors import Invalid, InvalidValues

CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$"
CODE_HINT = ("Letters without accents, digits, '-' or '_' (at most 32), starting with a letter "
             "or digit.")
MAX_ID = 2**63 - 1
ISSUING_MODES = ("kiosk", "open")


@functools.cache
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


def check_timezone(value: str) -> None:
    """An IANA zone the zone database knows (Asia/Ho_Chi_Minh), nothing else."""
    if value not in _zones():
        raise ma.ValidationError(
            f"{value!r} is not a time zone of the IANA database (e.g. Asia/Ho_Chi_Minh)."
        )


def Code(**kwargs: Any) -> ma.fields.String:  # noqa: N802 - reads as a field type
    return ma.fields.String(validate=validate.Regexp(CODE_PATTERN, error=CODE_HINT), **kwargs)


def Int(low: int, high: int, **kwargs: Any) -> ma.fields.Integer:  # noqa: N802
    return ma.fields.Integer(strict=True, validate=validate.Range(low, high), **kwargs)


def Id(**kwargs: Any) -> ma.fields.Integer:  # noqa: N802
    """A database id: what fits the column (ids ≥ 2^63 would overflow it)."""
    return Int(1, MAX_ID, **kwargs)


def Text(high: int, low: int = 0, **kwargs: Any) -> ma.fields.String:  # noqa: N802
    return ma.fields.String(validate=validate.Length(low, high), **kwargs)


class _Hours(ma.fields.Dict):
    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:
        value = super()._deserialize(value, attr, data, **kwargs)
        try:
            return opening_hours.check_hours(value)
        except Invalid as exc:
            raise ma.ValidationError(exc.message) from exc


def _check_day(value: str) -> None:
    try:
        dt.date.fromisoformat(value)
    except ValueError as exc:
        raise ma.ValidationError(f"{value!r} is not a date like 2026-09-02.") from exc


class _Strict(ma.Schema):
    """Unknown keys are refused: a typo must not be saved and silently ignored."""

    class Meta:
        unknown = ma.RAISE


class _Lenient(ma.Schema):
    """Unknown keys are dropped: a document from a newer version still loads."""

    class Meta:
        unknown = ma.EXCLUDE


class RatingLevel(_Strict):
    key = Text(32, 1, required=True)
    label = Text(100, 1, required=True)
    label_en = Text(100)


class RatingReason(_Strict):
    key = Text(32, 1, required=True)
    label = Text(200, 1, required=True)
    label_en = Text(200)


class RatingSettings(_Strict):
    preset = ma.fields.String(validate=validate.OneOf(("three", "five")))
    question = Text(300)
    question_en = Text(300)
    levels = ma.fields.List(ma.fields.Nested(RatingLevel), validate=validate.Length(2, 10))
    ask_reasons = ma.fields.List(Text(32, 1), validate=validate.Length(0, 10))
    reasons = ma.fields.List(ma.fields.Nested(RatingReason), validate=validate.Length(0, 20))

    @ma.validates_schema
    def _keys(self, data: dict[str, Any], **_: Any) -> None:
        levels = [level["key"] for level in data.get("levels", [])]
        if len(set(levels)) != len(levels):
            raise ma.ValidationError("Two levels have the same key.", "levels")
        reasons = [reason["key"] for reason in data.get("reasons", [])]
        if len(set(reasons)) != len(reasons):
            raise ma.ValidationError("Two reasons have the same key.", "reasons")


class Settings(_Strict):
    """An office's presentation settings. Kiosk and voice options are checked (and bad
    values replaced by defaults) where they are used, so only their type is fixed here."""

    notice = Text(2000)
    hours = _Hours(metadata={"description": 'e.g. {"mon": [["07:30", "11:30"]]}'})
    closed_days = ma.fields.List(ma.fields.String(validate=_check_day),
                                 validate=validate.Length(0, 400))
    rating = ma.fields.Nested(RatingSettings)
    kiosk = ma.fields.Dict(keys=ma.fields.String())
    voice = ma.fields.Dict(keys=ma.fields.String())
    ticket_footer = Text(300)
    announce_max_age = Int(0, 3600)
    issuing = ma.fields.String(
        validate=validate.OneOf(ISSUING_MODES),
        metadata={"description": "kiosk: only registered kiosks and staff issue tickets; "
                                 "open: anyone may (rate-limited)"},
    )


SETTING_KEYS = tuple(Settings().fields)


class OfficeFields(_Strict):
    """An office's own values (PATCH takes any of them)."""

    name = Text(200, 1)
    address = Text(300)
    district = Text(200)
    timezone = ma.fields.String(validate=check_timezone)
    priority_streak_limit = Int(0, 100, allow_none=True)
    transfer_keeps_place = ma.fields.Boolean()
    recalls_before_no_show = Int(0, 10)
    elderly_age = Int(40, 100)
    settings = ma.fields.Nested(Settings)


class ServiceFields(_Strict):
    """A field (lĩnh vực) and its number block."""

    code = Code(required=True)
    name = Text(200, 1, required=True)
    name_en = Text(200)
    prefix = ma.fields.String(validate=validate.Regexp(
        r"^[A-Z]{0,4}$", error="Up to four capital letters without accents."))
    number_start = Int(0, 999999)
    number_end = Int(0, 999999)
    digits = Int(1, 6)
    active = ma.fields.Boolean()
    sort_order = Int(0, 10000)
    default_service_minutes = ma.fields.Float(allow_none=True, validate=validate.Range(0.5, 240))
    target_wait_minutes = Int(1, 600, allow_none=True)


class ServiceChange(ServiceFields):
    class Meta:
        exclude = ("code",)

    name = Text(200, 1)


class PriorityClassFields(_Strict):
    name = Text(200, 1)
    name_en = Text(200)
    sort_order = Int(0, 10000)
    active = ma.fields.Boolean()


class PriorityClassEntry(PriorityClassFields):
    code = Code(required=True)
    name = Text(200, 1, required=True)


class CounterFields(_Strict):
    number = Int(1, 999, required=True)
    name = Text(200, load_default="")
    services = ma.fields.List(Code(), load_default=list, validate=validate.Length(0, 100))


class CounterChange(_Strict):
    name = Text(200, 1)
    services = ma.fields.List(Code(), validate=validate.Length(0, 100))


class CounterEntry(CounterFields):
    state = ma.fields.String(validate=validate.OneOf(("open", "paused", "closed")))


class _Entries:
    """Items of a document: each once, so the database's unique keys never answer 500."""

    @ma.validates_schema
    def _unique(self, data: dict[str, Any], **_: Any) -> None:
        for key, ident in (("services", "code"), ("priority_classes", "code"),
                           ("counters", "number")):
            seen = [item[ident] for item in data.get(key) or []]
            twice = sorted({str(v) for v in seen if seen.count(v) > 1})
            if twice:
                raise ma.ValidationError(f"Listed twice: {', '.join(twice)}.", key)


class OfficeTemplate(_Entries, _Lenient, OfficeFields):
    """A new office from a document (a province's template): code and name at least."""

    code = Code(required=True)
    name = Text(200, 1, required=True)
    services = ma.fields.List(ma.fields.Nested(ServiceFields, unknown=ma.EXCLUDE),
                              validate=validate.Length(0, 200))
    priority_classes = ma.fields.List(ma.fields.Nested(PriorityClassEntry, unknown=ma.EXCLUDE),
                                      validate=validate.Length(0, 50))
    counters = ma.fields.List(ma.fields.Nested(CounterEntry, unknown=ma.EXCLUDE),
                              validate=validate.Length(0, 500))


class OfficeDocument(OfficeTemplate):
    """An office's whole configuration (export, PUT, import). A PUT replaces the office's
    fields, classes and counters, so it must list them: a missing list would switch
    every field off."""

    services = ma.fields.List(ma.fields.Nested(ServiceFields, unknown=ma.EXCLUDE),
                              required=True, validate=validate.Length(0, 200))
    priority_classes = ma.fields.List(ma.fields.Nested(PriorityClassEntry, unknown=ma.EXCLUDE),
                                      required=True, validate=validate.Length(0, 50))
    counters = ma.fields.List(ma.fields.Nested(CounterEntry, unknown=ma.EXCLUDE),
                              required=True, validate=validate.Length(0, 500))


def check_code(value: Any, field: str = "code") -> str:
    """A code for an office, field or priority class: it becomes part of URLs."""
    if not isinstance(value, str) or not re.fullmatch(CODE_PATTERN, value):
        raise InvalidValues(CODE_HINT, field=field, fields={field: [CODE_HINT]})
    return value


def load(schema: ma.Schema | type[ma.Schema], data: Any, *, partial: bool = False) -> dict:
    """`data` checked by `schema`, or Invalid naming each field at fault."""
    schema = schema() if isinstance(schema, type) else schema
    try:
        return schema.load(data, partial=partial)
    except ma.ValidationError as exc:
        messages = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
        first = next(iter(messages), "_schema")
        raise InvalidValues(_summary(messages), field=str(first), fields=messages) from exc


def _summary(messages: dict[str, Any]) -> str:
    names = ", ".join(str(key) for key in list(messages)[:5])
    return f"Some values are wrong: {names}."


def check_blocks(services: Iterable[Any]) -> None:
    """Number blocks of an office's active fields must not share a display code.

    Two fields with the same prefix and overlapping numbers would hand out two tickets
    with the same code on the same day (and the voice would call both the same).
    """
    blocks: list[tuple[str, int, int, str]] = []
    for service in services:
        get = service.get if isinstance(service, dict) else functools.partial(getattr, service)
        start, end = get("number_start", 1), get("number_end", 999)
        if start is None or end is None:
            continue
        if not (0 <= start <= end):
            raise Invalid(
                f"Field {get('code')!r}: number block {start}–{end} is not valid.",
                field="services",
            )
        if get("active", True) is False:
            continue
        prefix = (get("prefix", "") or "").upper()
        for other_prefix, other_start, other_end, other_code in blocks:
            if prefix == other_prefix and start <= other_end and other_start <= end:
                raise Invalid(
                    f"Field {get('code')!r} ({prefix}{start}–{prefix}{end}) overlaps field "
                    f"{other_code!r} ({other_prefix}{other_start}–{other_prefix}{other_end}): "
                    "two tickets would get the same number. Give one a prefix or another block.",
                    field="services",
                )
        blocks.append((prefix, start, end, get("code")))
