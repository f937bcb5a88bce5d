"""Request and response shapes, declared once: they validate input and feed the OpenAPI."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from ..engine.rules import documents


class TicketIssueIn(ma.Schema):
    service = ma.fields.String(required=True, validate=validate.Length(1, 32))
    priority = ma.fields.String(load_default=None, allow_none=True, validate=validate.Length(1, 32))
    channel = ma.fields.String(
        load_default="kiosk", validate=validate.OneOf(("kiosk", "phone", "officer"))
    )
    citizen = ma.fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(1, 1000),
        metadata={"description": "signed CCCD scan from POST /kiosk/{office}/scan"},
    )


class ReprintIn(ma.Schema):
    device = documents.Id(load_default=None, allow_none=True)


class PrintJobOut(ma.Schema):
    id = ma.fields.Integer()
    status = ma.fields.String(metadata={"enum": ["pending", "printing", "printed", "failed"]})
    reprint = ma.fields.Boolean()
    error = ma.fields.String(allow_none=True)
    created_at = ma.fields.String()
    finished_at = ma.fields.String(allow_none=True)


class DeviceOut(ma.Schema):
    id = ma.fields.Integer()
    office = ma.fields.String()
    kind = ma.fields.String()
    name = ma.fields.String()
    printer_url = ma.fields.String(allow_none=True)
    paper = ma.fields.Integer()
    counter_id = ma.fields.Integer(allow_none=True)
    active = ma.fields.Boolean()
    printer_status = ma.fields.String()
    printer_error = ma.fields.String(allow_none=True)
    printer_checked_at = ma.fields.String(allow_none=True)
    connected = ma.fields.Boolean(metadata={"description": "the same as connection == connected"})
    connection = ma.fields.String(
        validate=validate.OneOf(("connected", "lost", "never")),
        metadata={
            "description": "connected; lost (since last_seen_at: it went away, or its "
            "process was unheard of for 90 s); never seen. The overview reads the same."
        },
    )
    online = ma.fields.Boolean(metadata={"description": "the same as connection == connected"})
    last_seen_at = ma.fields.String(allow_none=True)


class TransferIn(ma.Schema):
    service = ma.fields.String(load_default=None, allow_none=True, validate=validate.Length(1, 32))
    counter = documents.Id(load_default=None, allow_none=True)


class ResumeIn(ma.Schema):
    counter = documents.Id(load_default=None, allow_none=True)


class DossierIn(ma.Schema):
    dossier_code = ma.fields.String(
        load_default=None, allow_none=True, validate=validate.Length(1, 40)
    )
    note = ma.fields.String(load_default=None, allow_none=True, validate=validate.Length(0, 2000))


class CallTicketIn(ma.Schema):
    ticket = documents.Id(required=True)


class Ref(ma.Schema):
    code = ma.fields.String()
    name = ma.fields.String()
    name_en = ma.fields.String()


class CounterRef(ma.Schema):
    id = ma.fields.Integer()
    number = ma.fields.Integer()
    name = ma.fields.String()


class OfficeOut(ma.Schema):
    code = ma.fields.String()
    name = ma.fields.String()
    address = ma.fields.String()
    district = ma.fields.String()
    timezone = ma.fields.String()
    notice = ma.fields.String()


class ServiceOut(ma.Schema):
    code = ma.fields.String()
    name = ma.fields.String()
    name_en = ma.fields.String()
    prefix = ma.fields.String()
    number_start = ma.fields.Integer()
    number_end = ma.fields.Integer()
    active = ma.fields.Boolean()
    waiting = ma.fields.Integer()
    eta_minutes = ma.fields.Integer(
        allow_none=True, metadata={"description": "null while no open counter serves it"}
    )
    served = ma.fields.Boolean(
        metadata={
            "description": "some counter is set to serve it; false: not ticketed (409 not_served)"
        }
    )


class OpeningOut(ma.Schema):
    open = ma.fields.Boolean(metadata={"description": "tickets are issued now"})
    always_open = ma.fields.Boolean(metadata={"description": "the office keeps no hours"})
    today = ma.fields.List(
        ma.fields.List(ma.fields.String()),
        metadata={"description": 'today\'s periods, e.g. [["07:30", "11:30"]]; [] closed'},
    )
    closes_at = ma.fields.String(allow_none=True, metadata={"description": "HH:MM, when open"})
    next_open = ma.fields.String(
        allow_none=True, metadata={"description": "ISO time of the next opening, when closed"}
    )
    at = ma.fields.String(metadata={"description": "the office's local time now"})


class PriorityClassOut(ma.Schema):
    code = ma.fields.String()
    name = ma.fields.String()
    name_en = ma.fields.String()


class TicketPublicOut(ma.Schema):
    """The citizen's view: no personal data."""

    code = ma.fields.String()
    number = ma.fields.Integer()
    service = ma.fields.Nested(Ref)
    status = ma.fields.String(
        metadata={
            "enum": ["waiting", "called", "serving", "done", "no_show", "on_hold", "cancelled"]
        }
    )
    priority = ma.fields.String(allow_none=True)
    counter = ma.fields.Nested(CounterRef, allow_none=True)
    issued_at = ma.fields.String()
    called_at = ma.fields.String(allow_none=True)
    finished_at = ma.fields.String(allow_none=True)
    position = ma.fields.Integer(
        allow_none=True, metadata={"description": "1 = next in line; null unless waiting"}
    )
    ahead = ma.fields.Integer(allow_none=True, metadata={"description": "people ahead"})
    eta_minutes = ma.fields.Integer(allow_none=True)
    office = ma.fields.Nested(OfficeOut)


class TicketOut(TicketPublicOut):
    """The staff view of a ticket."""

    id = ma.fields.Integer()
    channel = ma.fields.String()
    queued_at = ma.fields.String()
    started_at = ma.fields.String(allow_none=True)
    recall_count = ma.fields.Integer()
    target_counter = ma.fields.Nested(CounterRef, allow_none=True)
    dossier_code = ma.fields.String(allow_none=True)
    note = ma.fields.String(allow_none=True)
    citizen_name = ma.fields.String(allow_none=True)
    citizen_id_last4 = ma.fields.String(allow_none=True)
    kiosk = ma.fields.Integer(allow_none=True, metadata={"description": "issuing kiosk's id"})
    office = ma.fields.String()


class IssuedTicketOut(TicketOut):
    token = ma.fields.String(metadata={"description": "secret for the phone page"})
    track_url = ma.fields.String(metadata={"description": "the phone page; what the QR holds"})
    print_job = ma.fields.Nested(
        PrintJobOut, allow_none=True, metadata={"description": "when a kiosk with a printer asked"}
    )


class CounterOut(ma.Schema):
    id = ma.fields.Integer()
    number = ma.fields.Integer()
    name = ma.fields.String()
    state = ma.fields.String()
    services = ma.fields.List(ma.fields.String())
    officer = ma.fields.String(allow_none=True)


class NextOut(ma.Schema):
    ticket = ma.fields.Nested(TicketOut, allow_none=True)
    message = ma.fields.String()


class SnapshotOut(ma.Schema):
    """Also the `snapshot` / `queue_changed` Socket.IO payload for an office room."""

    office = ma.fields.Nested(OfficeOut)
    services = ma.fields.List(ma.fields.Dict())
    counters = ma.fields.List(ma.fields.Dict())
    recent_calls = ma.fields.List(ma.fields.Dict())
    waiting_total = ma.fields.Integer()
    version = ma.fields.Integer()
    at = ma.fields.String()


class CounterTicketOut(TicketOut):
    """A ticket in a counter snapshot, with what staff may do with it now."""

    actions = ma.fields.List(
        ma.fields.String(),
        metadata={"description": "allowed actions (server/engine/rules/transitions.py), in order"},
    )


class CounterSnapshotOut(ma.Schema):
    counter = ma.fields.Nested(CounterOut)
    office = ma.fields.Nested(OfficeOut)
    current = ma.fields.Nested(CounterTicketOut, allow_none=True)
    waiting = ma.fields.List(ma.fields.Nested(CounterTicketOut))
    waiting_count = ma.fields.Integer()
    held = ma.fields.List(ma.fields.Nested(CounterTicketOut))
    today = ma.fields.Dict()
    version = ma.fields.Integer()
    at = ma.fields.String()


# -- administration

# The configuration rules themselves live with the engine, which applies them to every way
# in (API, CLI, seed); the API declares the same classes so OpenAPI documents them.
OfficeChangeIn = documents.OfficeFields
OfficeTemplate = documents.OfficeTemplate
OfficeDocument = documents.OfficeDocument
ServiceIn = documents.ServiceFields
ServiceChangeIn = documents.ServiceChange
CounterIn = documents.CounterFields
CounterChangeIn = documents.CounterChange
PriorityClassIn = documents.PriorityClassFields


class OfficeFieldsOut(documents.OfficeFields):
    """The office's own values after a change (its fields, classes and counters are in
    GET /offices/{office}/config)."""

    code = ma.fields.String()


class DeviceIn(ma.Schema):
    kind = ma.fields.String(required=True, validate=validate.OneOf(("kiosk", "display", "rating")))
    name = ma.fields.String(required=True, validate=validate.Length(1, 100))
    printer_url = ma.fields.String(allow_none=True, validate=validate.Length(0, 300))
    paper = ma.fields.Integer(strict=True, validate=validate.OneOf((58, 80)))
    counter_number = documents.Int(1, 999, allow_none=True)


class DeviceChangeIn(ma.Schema):
    name = ma.fields.String(validate=validate.Length(1, 100))
    printer_url = ma.fields.String(allow_none=True, validate=validate.Length(0, 300))
    paper = ma.fields.Integer(strict=True, validate=validate.OneOf((58, 80)))
    printer_profile = ma.fields.String(allow_none=True, validate=validate.Length(0, 64))
    active = documents.Bool()


class NewDeviceOut(DeviceOut):
    token = ma.fields.String(metadata={"description": "shown once"})


class SourceOut(ma.Schema):
    source = ma.fields.String(metadata={"description": "device:ID, user:ID or addr:ADDRESS"})
    label = ma.fields.String()
    issued = ma.fields.Integer()
    waiting = ma.fields.Integer()
    last_issued_at = ma.fields.String(allow_none=True)


class BookingSourceOut(ma.Schema):
    source = ma.fields.String(
        metadata={"description": "net:NETWORK (an IPv4 /24, an IPv6 /64), addr:ADDRESS or user:ID"}
    )
    label = ma.fields.String()
    network = ma.fields.String(allow_none=True)
    booked = ma.fields.Integer(metadata={"description": "upcoming bookings held"})
    addresses = ma.fields.Integer(metadata={"description": "addresses of a network that book"})
    last_booked_at = ma.fields.String(allow_none=True)


class CancelSourceIn(ma.Schema):
    source = ma.fields.String(required=True, validate=validate.Length(1, 80))


class CancelSourceOut(ma.Schema):
    source = ma.fields.String()
    cancelled = ma.fields.Integer()


class TokenQuery(ma.Schema):
    user = ma.fields.String(
        validate=validate.Length(1, 64),
        metadata={"description": "a username: only that user's tokens"},
    )


class TokenOut(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    owner = ma.fields.String(metadata={"enum": ["user", "device"]})
    user = ma.fields.String(allow_none=True)
    device = ma.fields.String(allow_none=True)
    device_id = ma.fields.Integer(allow_none=True)
    active = ma.fields.Boolean()
    created_at = ma.fields.String()
    last_used_at = ma.fields.String(allow_none=True)
    revoked_at = ma.fields.String(allow_none=True)


class SignedOutOut(ma.Schema):
    user = ma.fields.Integer()
    signed_out = ma.fields.Integer(metadata={"description": "sessions and tokens ended"})


class UserIn(ma.Schema):
    username = ma.fields.String(
        required=True, validate=documents.Pattern(r"^[A-Za-z0-9_.-]{2,64}$")
    )
    full_name = ma.fields.String(load_default="", validate=validate.Length(0, 200))
    role = ma.fields.String(required=True, validate=validate.OneOf(("officer", "manager", "admin")))
    offices = ma.fields.List(ma.fields.String(), load_default=list)
    password = ma.fields.String(required=True, validate=validate.Length(8, 200))


class UserChangeIn(ma.Schema):
    full_name = ma.fields.String(validate=validate.Length(0, 200))
    role = ma.fields.String(validate=validate.OneOf(("officer", "manager", "admin")))
    offices = ma.fields.List(ma.fields.String())
    password = ma.fields.String(validate=validate.Length(8, 200))
    active = documents.Bool()


class UserOut(ma.Schema):
    id = ma.fields.Integer()
    username = ma.fields.String()
    full_name = ma.fields.String()
    role = ma.fields.String()
    active = ma.fields.Boolean()
    offices = ma.fields.List(ma.fields.String())


class AuditOut(ma.Schema):
    id = ma.fields.Integer()
    at = ma.fields.String()
    user = ma.fields.String(allow_none=True)
    user_id = ma.fields.Integer(allow_none=True)
    action = ma.fields.String()
    target = ma.fields.String()
    before = ma.fields.Dict(allow_none=True)
    after = ma.fields.Dict(allow_none=True)


# -- rating


class RatingIn(ma.Schema):
    level = ma.fields.String(required=True, validate=validate.Length(1, 32))
    reasons = ma.fields.List(
        ma.fields.String(validate=validate.Length(1, 32)),
        load_default=list,
        validate=documents.Count(0, 10),
    )
    comment = ma.fields.String(
        load_default=None, allow_none=True, validate=validate.Length(0, 1000)
    )


class RatingOut(ma.Schema):
    ticket = ma.fields.String()
    level = ma.fields.String()
    score = ma.fields.Float()
    reasons = ma.fields.List(ma.fields.String(), allow_none=True)
    channel = ma.fields.String()
