"""The rules for an office's configuration: one set for every way in.

Creating an office, changing it (PATCH), replacing its whole document (PUT, config import),
a field, counter or priority class of its own, the CLI and the demo seed all load their
input through these schemas, and the API declares the same classes, so a value refused on
one route is refused on all of them and the OpenAPI description says so.

Marshmallow checks each value on its own (type, range, format); what depends on several
values (number blocks that overlap, a counter serving a field that does not exist) is
checked by `numbers.check_blocks` and the engine, against the office as it will be.
"""

from __future__ import annotations

import datetime as dt
import re
import string
from typing import Any
from zoneinfo import available_timezones

import marshmallow as ma
from marshmallow import validate

from ...i18n import english, template
from ..errors import Invalid, InvalidValues
from . import hours as opening_hours

CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$"
CODE_HINT = template("code_hint")
# Ids are INTEGER columns: 32 bits on PostgreSQL (SQLite would take 64).
MAX_ID = 2**31 - 1
ISSUING_MODES = ("kiosk", "open")


# Every IANA zone the zone database (tzdata) knows, listed in the OpenAPI description too.
ZONES = sorted(zone for zone in available_timezones() if "/" in zone or zone == "UTC")
ZONE_ERROR = template("zone")


class Pattern(validate.Regexp):
    """A text pattern matched whole and in ASCII: marshmallow's Regexp matches from the
    start only (so `^…$` also takes a trailing newline), and with Python's default Unicode
    classes `\\d` takes every script's digits ("093333333٣" was a second phone number
    beside 0933333333). Every pattern on input in server/ is one of these (checked by
    tests/api/test_ascii_input.py); its text still goes into the OpenAPI description."""

    def __init__(self, regex: str, *, error: str | None = None) -> None:
        super().__init__(regex, flags=re.ASCII, error=error)

    def __call__(self, value: str) -> str:
        if not isinstance(value, str) or not value.isascii() or not self.regex.fullmatch(value):
            raise ma.ValidationError(self._format_error(value))
        return value


class _AsciiNumber:
    """A number given as text (a query argument, or a JSON string where a number is
    taken) in ASCII digits only: `int("٣")` is 3, so "?days=٣" read as 3."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, str) and not value.isascii():
            raise self.make_error("invalid", input=value)  # type: ignore[attr-defined]
        return super()._deserialize(value, attr, data, **kwargs)  # type: ignore[misc]


class Integer(_AsciiNumber, ma.fields.Integer):
    """marshmallow's Integer, its text form ASCII only (every loaded integer in server/)."""


class Float(_AsciiNumber, ma.fields.Float):
    """marshmallow's Float, its text form ASCII only."""


def Code(**kwargs: Any) -> ma.fields.String:  # noqa: N802 - reads as a field type
    return ma.fields.String(validate=Pattern(CODE_PATTERN, error=CODE_HINT), **kwargs)


def Int(low: int, high: int, **kwargs: Any) -> ma.fields.Integer:  # noqa: N802
    return Integer(strict=True, validate=validate.Range(low, high), **kwargs)


def Id(**kwargs: Any) -> ma.fields.Integer:  # noqa: N802
    """A database id: what fits the column (a larger one would overflow it: a 500)."""
    return Int(1, MAX_ID, **kwargs)


def Text(high: int, low: int = 0, **kwargs: Any) -> ma.fields.String:  # noqa: N802
    return ma.fields.String(validate=validate.Length(low, high), **kwargs)


class Count(validate.Length):
    """How many items a list holds. marshmallow's Length words it as a length, which the
    Vietnamese catalogue (written for text) renders as characters: a list of 150 offices
    was refused with "at most 100 characters". Every list field counts with this instead
    (tests/api/test_messages.py checks that none is left with a plain Length)."""

    message_min = template("count_min")
    message_max = template("count_max")
    message_all = template("count_between")
    message_equal = template("count_equal")


class Bool(ma.fields.Boolean):
    """true or false, nothing else: marshmallow would also take 0, 1, "yes" or "on"."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


_CLOCK = Pattern(r"^([01][0-9]|2[0-3]):[0-5][0-9]$", error=template("clock"))


def _periods() -> ma.fields.List:
    period = ma.fields.List(ma.fields.String(validate=_CLOCK), validate=Count(equal=2))
    return ma.fields.List(period, validate=Count(0, 6))


def _check_day(value: str) -> None:
    try:
        dt.date.fromisoformat(value)
    except ValueError as exc:
        raise ma.ValidationError(english("day", value=value)) from exc


class _Strict(ma.Schema):
    """Unknown keys are refused: a typo ("servics") must not be saved, nor silently ignored.
    A document from a newer version with keys this one does not know is refused by name."""

    class Meta:
        unknown = ma.RAISE


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
    levels = ma.fields.List(ma.fields.Nested(RatingLevel), validate=Count(2, 10))
    ask_reasons = ma.fields.List(Text(32, 1), validate=Count(0, 10))
    reasons = ma.fields.List(ma.fields.Nested(RatingReason), validate=Count(0, 20))

    @ma.validates_schema
    def _keys(self, data: dict[str, Any], **_: Any) -> None:
        levels = [level["key"] for level in data.get("levels", [])]
        if len(set(levels)) != len(levels):
            raise ma.ValidationError(english("levels_twice"), "levels")
        reasons = [reason["key"] for reason in data.get("reasons", [])]
        if len(set(reasons)) != len(reasons):
            raise ma.ValidationError(english("reasons_twice"), "reasons")


class KioskGroup(_Strict):
    title = Text(100)
    title_en = Text(100)
    services = ma.fields.List(Code(), validate=Count(1, 100), required=True)


class KioskSettings(_Strict):
    """The kiosk page's options (kiosk/views.py reads them, each falling back to its default
    should a stored value be off)."""

    return_seconds = Int(3, 600)
    idle_seconds = Int(10, 600)
    services_per_page = Int(1, 24, allow_none=True)
    groups = ma.fields.List(ma.fields.Nested(KioskGroup), validate=Count(0, 30))
    ask_priority = Bool()
    elderly_class = Code()
    request_timeout_seconds = Int(3, 60)
    scan_min_chars = Int(10, 200)
    scan_key_gap_ms = Int(10, 500)
    scan_invite = Bool()
    printer_slot = ma.fields.String(validate=validate.OneOf(("below", "left", "right")))
    check_seconds = Int(5, 300)
    unserved = ma.fields.String(
        validate=validate.OneOf(("hide", "show")),
        metadata={
            "description": "a field no counter serves: hide it (the default) or show it "
            "greyed out as not served now; it is never ticketed"
        },
    )


class VoiceSettings(_Strict):
    """How calls are spoken (display/voice/call_audio.py and display/voice/speech.py)."""

    voice = ma.fields.String(validate=Pattern(r"^vi[a-z0-9+-]{0,30}$", error=template("voice")))
    number_style = ma.fields.String(
        validate=validate.OneOf(("ticket", "number", "digits")),
        metadata={
            "description": "ticket (default): a code with letters digit by digit as printed, "
            "A001 'a, không không một', a code of digits as a number; number: 'a, một'; "
            "digits: every code digit by digit"
        },
    )
    linh = ma.fields.String(validate=validate.OneOf(("linh", "lẻ")))
    thousand = ma.fields.String(validate=validate.OneOf(("nghìn", "ngàn")))
    speed = Int(80, 300)
    intro = Text(100, 1)
    to_counter = Text(100, 1)
    recall_intro = Text(100, 1)
    repeat = Int(1, 2)


class Hours(_Strict):
    """Opening hours per weekday, e.g. {"mon": [["07:30", "11:30"], ["13:30", "17:00"]]};
    a day left out is closed, an office without hours is always open."""

    mon, tue, wed, thu, fri, sat, sun = (_periods() for _ in range(7))

    @ma.validates_schema
    def _ordered(self, data: dict[str, Any], **_: Any) -> None:
        try:
            opening_hours.check_hours(data)
        except Invalid as exc:
            raise ma.ValidationError(exc.message) from exc


CHALLENGE_MODES = ("auto", "always", "off")
# Whatever the share, one network may hold this many places of a field's day.
NETWORK_FLOOR = 3


class AppointmentSettings(_Strict):
    """Booking slots and the rules of a checked-in appointment (engine/appointments.py reads
    them through `appointment_rules`, which fills in the defaults)."""

    enabled = Bool(metadata={"description": "the public booking page takes bookings"})
    slot_minutes = Int(5, 240, metadata={"description": "length of a slot (default 30)"})
    days_ahead = Int(1, 90, metadata={"description": "how far ahead one may book (default 14)"})
    min_notice_minutes = Int(
        0, 2880, metadata={"description": "a slot must start at least this far ahead (60)"}
    )
    capacity = ma.fields.Dict(
        keys=Code(),
        values=Int(0, 100),
        validate=validate.Length(0, 100),
        metadata={
            "description": "bookings per slot, by field code; a field not named is not bookable"
        },
    )
    per_phone_per_day = Int(1, 10, metadata={"description": "bookings per phone and day (1)"})
    per_phone_open = Int(1, 20, metadata={"description": "bookings one phone may hold at once (3)"})
    early_minutes = Int(
        0, 240, metadata={"description": "check-in opens this long before the slot (30)"}
    )
    late_minutes = Int(
        0, 240, metadata={"description": "after the slot's start still on time (15)"}
    )
    late_rule = ma.fields.String(
        validate=validate.OneOf(("walk_in", "refuse")),
        metadata={
            "description": "later than that: walk_in (an ordinary place at the back, the "
            "default) or refuse"
        },
    )
    hours = ma.fields.Nested(
        Hours,
        metadata={
            "description": "the hours slots are cut from, when not the opening hours "
            "(an office without opening hours books Monday–Friday 07:30–11:30, "
            "13:30–17:00)"
        },
    )
    queue_offset_minutes = Int(
        -60,
        60,
        metadata={
            "description": "a checked-in appointment takes its place in line as if it had "
            "arrived at its slot's start plus this (default 0; more lets walk-ins go first)"
        },
    )
    verify_phone = Bool(
        metadata={
            "description": "the citizen types back a code sent by SMS to the phone before "
            "the booking is made (default false; needs a messages channel)"
        }
    )
    network_share = Int(
        1,
        100,
        metadata={
            "description": "percent of a field's day (its places) that bookings from one "
            "network (IPv4 /24, IPv6 /64) may hold; at least 3 places whatever the share "
            "(default 34: a third; 100 turns it off)"
        },
    )
    challenge = ma.fields.String(
        validate=validate.OneOf(CHALLENGE_MODES),
        metadata={
            "description": "the proof-of-work check on the booking form: auto (when more "
            "than challenge_after bookings came in the last 10 minutes, the default), "
            "always, or off"
        },
    )
    challenge_after = Int(
        0,
        1000,
        metadata={"description": "bookings in 10 minutes that switch the check on (20)"},
    )


APPOINTMENT_RULES = {
    "enabled": False,
    "slot_minutes": 30,
    "days_ahead": 14,
    "min_notice_minutes": 60,
    "capacity": {},
    "per_phone_per_day": 1,
    "per_phone_open": 3,
    "early_minutes": 30,
    "late_minutes": 15,
    "late_rule": "walk_in",
    "queue_offset_minutes": 0,
    "verify_phone": False,
    "network_share": 34,
    "challenge": "auto",
    "challenge_after": 20,
}


def appointment_rules(settings: dict[str, Any] | None) -> dict[str, Any]:
    """An office's appointment settings, each falling back to its default."""
    return {**APPOINTMENT_RULES, **(settings or {}).get("appointments", {})}


class ReportTargets(_Strict):
    """The shares (percent) against which the reports colour a figure green, amber or red."""

    wait = Int(
        0,
        100,
        metadata={
            "description": "at least this share of called citizens waited no longer than "
            "their field's target wait (default 80)"
        },
    )
    satisfied = Int(
        0, 100, metadata={"description": "at least this share of ratings satisfied (default 85)"}
    )
    no_show = Int(
        0, 100, metadata={"description": "at most this share of tickets no-show (default 10)"}
    )
    margin = Int(
        0,
        50,
        metadata={
            "description": "amber within this many points of a target, red beyond (default 10)"
        },
    )


REPORT_TARGETS = {"wait": 80, "satisfied": 85, "no_show": 10, "margin": 10}


def report_targets(settings: dict[str, Any] | None) -> dict[str, int]:
    """An office's report targets, each falling back to its default."""
    return {**REPORT_TARGETS, **(settings or {}).get("targets", {})}


# -- messages to citizens' phones (server/engine/citizen_messages.py, server/workers/sending/)
MESSAGE_CHANNELS = ("off", "sms", "zns")
# What every message may name, and what only the messages about a ticket know.
MESSAGE_PLACEHOLDERS = ("code", "office", "field", "date", "time", "link", "dossier")
TICKET_PLACEHOLDERS = ("ticket", "counter", "ahead")
TICKET_MESSAGE_KINDS = ("turn_near", "called")
# Respectful, and no personal data beyond what the citizen needs: no name, no ID number.
DEFAULT_TEMPLATES: dict[str, str] = {
    "booked": "{office}: Ông/Bà đã đặt lịch {field} lúc {time} ngày {date}. "
    "Mã lịch hẹn: {code}. Đổi hoặc hủy: {link}",
    "changed": "{office}: lịch hẹn {code} ({field}) đã đổi sang {time} ngày {date}. "
    "Đổi hoặc hủy: {link}",
    "cancelled": "{office}: lịch hẹn {code} ({field}) lúc {time} ngày {date} đã được hủy.",
    "reminder_day": "{office}: nhắc Ông/Bà lịch hẹn {field} lúc {time} ngày mai {date}. "
    "Mã lịch hẹn: {code}. Đổi hoặc hủy: {link}",
    "reminder_hour": "{office}: Ông/Bà có lịch hẹn {field} lúc {time} hôm nay. "
    "Mã lịch hẹn: {code}. Xin đến sớm 10 phút để lấy số.",
    "turn_near": "{office}: sắp đến lượt số {ticket} của Ông/Bà (còn {ahead} người trước). "
    "Xin Ông/Bà có mặt gần quầy.",
    "called": "{office}: mời số {ticket} đến {counter}.",
    "return_set": "{office}: đã tiếp nhận hồ sơ {dossier} ({field}). Hẹn Ông/Bà nhận kết quả "
    "lúc {time} ngày {date}. Mã lịch hẹn: {code}.",
    "result_ready": "{office}: hồ sơ {dossier} ({field}) đã có kết quả. "
    "Mời Ông/Bà đến nhận lúc {time} ngày {date}. Mã lịch hẹn: {code}.",
    "phone_code": "{office}: mã xác nhận đặt lịch hẹn của Ông/Bà là {code}. "
    "Mã dùng trong 10 phút. Xin không đưa mã cho người khác.",
}
MESSAGE_DEFAULTS: dict[str, Any] = {
    "channel": "off",
    "near_ahead": 3,
    "templates": {},
    "zns_templates": {},
    "reminder_day_at": "17:00",
    "reminder_hour_minutes": 60,
    "per_phone_per_day": 10,
}
MESSAGE_TEXT_MAX = 320


def message_placeholders(kind: str) -> tuple[str, ...]:
    """The `{names}` a template of this kind may use."""
    extra = TICKET_PLACEHOLDERS if kind in TICKET_MESSAGE_KINDS else ()
    return MESSAGE_PLACEHOLDERS + extra


def check_message_template(kind: str, text: str) -> None:
    """A template names only what its kind of message knows, as plain `{name}`s."""
    allowed = message_placeholders(kind)
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as exc:
        raise ma.ValidationError(english("message_braces")) from exc
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        if name not in allowed or spec or conversion:
            raise ma.ValidationError(
                english("message_placeholder", name=name, allowed=", ".join(allowed))
            )


class MessageSettings(_Strict):
    """Messages to citizens' phones about their appointments and tickets (README: Tin nhắn)."""

    channel = ma.fields.String(
        validate=validate.OneOf(MESSAGE_CHANNELS),
        metadata={"description": "off (default), sms (the SMS gateway) or zns (Zalo ZNS)"},
    )
    near_ahead = Int(
        1,
        20,
        metadata={
            "description": '"your turn is near" once this many or fewer are ahead (default 3)'
        },
    )
    templates = ma.fields.Dict(
        keys=ma.fields.String(validate=validate.OneOf(DEFAULT_TEMPLATES)),
        values=Text(MESSAGE_TEXT_MAX, 1),
        metadata={
            "description": "SMS text per kind of message, replacing the default; "
            "placeholders: " + ", ".join(MESSAGE_PLACEHOLDERS + TICKET_PLACEHOLDERS)
        },
    )
    zns_templates = ma.fields.Dict(
        keys=ma.fields.String(validate=validate.OneOf(DEFAULT_TEMPLATES)),
        values=ma.fields.String(
            validate=Pattern(r"^[A-Za-z0-9_-]{1,64}$", error=template("zns_template"))
        ),
        metadata={"description": "the approved ZNS template id per kind of message"},
    )
    reminder_day_at = ma.fields.String(
        validate=_CLOCK,
        metadata={"description": "local time of the reminder on the day before (default 17:00)"},
    )
    reminder_hour_minutes = Int(
        10, 720, metadata={"description": "minutes before the slot of the last reminder (60)"}
    )
    per_phone_per_day = Int(
        1,
        50,
        metadata={
            "description": "messages one phone may be sent in 24 hours, whatever was asked "
            "(default 10: a booking, a change, their reminders and the day's calls; the "
            "server's LUOT_MESSAGES_PER_PHONE_MAX caps it); past it a message is kept as "
            "skipped"
        },
    )

    @ma.validates_schema
    def _templates(self, data: dict[str, Any], **_: Any) -> None:
        errors = {}
        for kind, text in (data.get("templates") or {}).items():
            try:
                check_message_template(kind, text)
            except ma.ValidationError as exc:
                errors[kind] = exc.messages
        if errors:
            raise ma.ValidationError({"templates": errors})


def message_settings(settings: dict[str, Any] | None) -> dict[str, Any]:
    """An office's messages settings, each falling back to its default."""
    return {**MESSAGE_DEFAULTS, **((settings or {}).get("messages") or {})}


class Settings(_Strict):
    """An office's presentation settings, and the few working rules kept with them."""

    notice = Text(2000)
    hours = ma.fields.Nested(Hours)
    closed_days = ma.fields.List(ma.fields.String(validate=_check_day), validate=Count(0, 400))
    rating = ma.fields.Nested(RatingSettings)
    kiosk = ma.fields.Nested(KioskSettings)
    voice = ma.fields.Nested(VoiceSettings)
    ticket_footer = Text(300)
    announce_max_age = Int(0, 3600)
    issuing = ma.fields.String(
        validate=validate.OneOf(ISSUING_MODES),
        metadata={
            "description": "kiosk: only registered kiosks and staff issue tickets; "
            "open: anyone may (rate-limited)"
        },
    )
    start_on_call = Bool(
        metadata={
            "description": "a called citizen counts as being served at once: the call starts "
            "the service and the next call finishes it (default false: the officer starts it)"
        }
    )
    counters_per_officer = Int(
        1,
        50,
        metadata={"description": "how many counters one officer may hold open at once (default 1)"},
    )
    no_show_grace_seconds = Int(
        0,
        1800,
        metadata={
            "description": "how long after the call a citizen has to reach the counter before "
            "they may be marked no-show (default 60 s; 0: at once)"
        },
    )
    targets = ma.fields.Nested(ReportTargets)
    appointments = ma.fields.Nested(AppointmentSettings)
    messages = ma.fields.Nested(MessageSettings)


SETTING_KEYS = tuple(Settings().fields)
# The working rules' values for an office that has not set them.
SETTING_DEFAULTS: dict[str, Any] = {
    "start_on_call": False,
    "counters_per_officer": 1,
    "no_show_grace_seconds": 60,
}


def office_setting(settings: dict[str, Any] | None, key: str) -> Any:
    """One of the working rules of an office's settings, or its default."""
    return (settings or {}).get(key, SETTING_DEFAULTS[key])


class OfficeFields(_Strict):
    """An office's own values (PATCH takes any of them)."""

    name = Text(200, 1)
    address = Text(300)
    district = Text(200)
    timezone = ma.fields.String(validate=validate.OneOf(ZONES, error=ZONE_ERROR))
    priority_streak_limit = Int(0, 100, allow_none=True)
    transfer_keeps_place = Bool()
    recalls_before_no_show = Int(0, 10)
    elderly_age = Int(40, 100)
    settings = ma.fields.Nested(Settings)


class ServiceFields(_Strict):
    """A field (lĩnh vực) and its number block."""

    code = Code(required=True)
    name = Text(200, 1, required=True)
    name_en = Text(200)
    prefix = ma.fields.String(validate=Pattern(r"^[A-Z]{0,4}$", error=template("prefix")))
    number_start = Int(0, 999999)
    number_end = Int(0, 999999)
    digits = Int(1, 6)
    active = Bool()
    sort_order = Int(0, 10000)
    default_service_minutes = Float(allow_none=True, validate=validate.Range(0.5, 240))
    target_wait_minutes = Int(1, 600, allow_none=True)


class ServiceChange(ServiceFields):
    class Meta:
        exclude = ("code",)

    name = Text(200, 1)


class PriorityClassFields(_Strict):
    name = Text(200, 1)
    name_en = Text(200)
    sort_order = Int(0, 10000)
    active = Bool()


class PriorityClassEntry(PriorityClassFields):
    code = Code(required=True)
    name = Text(200, 1, required=True)


class CounterFields(_Strict):
    number = Int(1, 999, required=True)
    name = Text(200, load_default="")
    services = ma.fields.List(Code(), load_default=list, validate=Count(0, 100))


class CounterChange(_Strict):
    name = Text(200, 1)
    services = ma.fields.List(Code(), validate=Count(0, 100))


class CounterEntry(CounterFields):
    state = ma.fields.String(validate=validate.OneOf(("open", "paused", "closed")))


class _Entries:
    """Items of a document: each once, so the database's unique keys never answer 500."""

    @ma.validates_schema
    def _unique(self, data: dict[str, Any], **_: Any) -> None:
        for key, ident in (
            ("services", "code"),
            ("priority_classes", "code"),
            ("counters", "number"),
        ):
            seen = [item[ident] for item in data.get(key) or []]
            twice = sorted({str(v) for v in seen if seen.count(v) > 1})
            if twice:
                raise ma.ValidationError(english("listed_twice", items=", ".join(twice)), key)


class OfficeTemplate(_Entries, OfficeFields):
    """A new office from a document (a province's template): code and name at least."""

    code = Code(required=True)
    name = Text(200, 1, required=True)
    services = ma.fields.List(ma.fields.Nested(ServiceFields), validate=Count(0, 200))
    priority_classes = ma.fields.List(ma.fields.Nested(PriorityClassEntry), validate=Count(0, 50))
    counters = ma.fields.List(ma.fields.Nested(CounterEntry), validate=Count(0, 500))


class OfficeDocument(OfficeTemplate):
    """An office's whole configuration (export, PUT, import). A PUT replaces the office's
    fields, classes and counters, so it must list them: a missing list would switch
    every field off."""

    services = ma.fields.List(
        ma.fields.Nested(ServiceFields), required=True, validate=Count(0, 200)
    )
    priority_classes = ma.fields.List(
        ma.fields.Nested(PriorityClassEntry), required=True, validate=Count(0, 50)
    )
    counters = ma.fields.List(ma.fields.Nested(CounterEntry), required=True, validate=Count(0, 500))


# What a province's template may set for its centres (the rest is each centre's own).
TEMPLATE_SETTINGS = ("hours", "closed_days", "rating", "messages", "targets", "notice")


class TemplateSettings(Settings):
    class Meta(_Strict.Meta):
        exclude = tuple(key for key in SETTING_KEYS if key not in TEMPLATE_SETTINGS)


class ProvinceTemplateBody(_Entries, _Strict):
    """A province's configuration template: fields with their number blocks, priority
    classes, and the settings above; any part may be left out."""

    settings = ma.fields.Nested(TemplateSettings)
    services = ma.fields.List(ma.fields.Nested(ServiceFields), validate=Count(0, 200))
    priority_classes = ma.fields.List(ma.fields.Nested(PriorityClassEntry), validate=Count(0, 50))


def check_code(value: Any, field: str = "code") -> str:
    """A code for an office, field or priority class: it becomes part of URLs."""
    if not isinstance(value, str) or not re.fullmatch(CODE_PATTERN, value, re.ASCII):
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
    return english("summary", names=names)
