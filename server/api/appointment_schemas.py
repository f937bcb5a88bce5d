"""Request and response shapes of the appointments API (server/api/appointments.py)."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from ..engine.rules import documents
from .schemas import IssuedTicketOut, OfficeOut, PrintJobOut, Ref, TicketPublicOut

WALL_TIME = {
    "description": "the office's wall time, like 2026-12-03T09:00 (an offset is converted)",
    "example": "2026-12-03T09:00",
}


class SlotsQuery(ma.Schema):
    service = ma.fields.String(required=True, validate=validate.Length(1, 32))
    start = ma.fields.Date(load_default=None, data_key="from")
    days = documents.Integer(load_default=7, validate=validate.Range(1, 31))


class BookIn(ma.Schema):
    service = ma.fields.String(required=True, validate=validate.Length(1, 32))
    start = ma.fields.DateTime(required=True, metadata=WALL_TIME)
    name = ma.fields.String(required=True, validate=validate.Length(1, 200))
    phone = ma.fields.String(required=True, validate=validate.Length(1, 20))
    consent = ma.fields.Boolean(
        load_default=False,
        metadata={"description": "the citizen agrees to messages about this appointment"},
    )
    phone_code = ma.fields.String(
        load_default=None,
        allow_none=True,
        validate=documents.Pattern(r"^[0-9]{6}$"),
        metadata={
            "description": "where the office verifies phones: the code sent to the phone "
            "(POST /offices/{office}/phone-codes)"
        },
    )
    altcha = ma.fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(1, 4000),
        metadata={
            "description": "the solved proof-of-work challenge (GET "
            "/offices/{office}/booking/challenge), when the office asks for one"
        },
    )


class PhoneCodeIn(ma.Schema):
    phone = ma.fields.String(required=True, validate=validate.Length(1, 20))


class PhoneCodeOut(ma.Schema):
    phone = ma.fields.String(metadata={"description": "masked: the code went there"})
    expires_at = ma.fields.String()


class ChallengeOut(ma.Schema):
    """An ALTCHA v2 challenge, as its widget takes it."""

    parameters = ma.fields.Dict()
    signature = ma.fields.String(allow_none=True)
    needed = ma.fields.Boolean(metadata={"description": "the office asks for a solution now"})


class ChangeIn(ma.Schema):
    start = ma.fields.DateTime(required=True, metadata=WALL_TIME)


class CheckInIn(ma.Schema):
    code = ma.fields.String(load_default=None, allow_none=True, validate=validate.Length(1, 16))
    token = ma.fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(1, 64),
        metadata={"description": "from the booking's QR (…/b/<token>)"},
    )
    citizen = ma.fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(1, 1000),
        metadata={"description": "signed CCCD scan from POST /kiosk/{office}/scan"},
    )


class ReturnIn(ma.Schema):
    start = ma.fields.DateTime(required=True, metadata=WALL_TIME)
    phone = ma.fields.String(load_default=None, allow_none=True, validate=validate.Length(1, 20))
    consent = ma.fields.Boolean(load_default=False)
    device = documents.Id(
        load_default=None,
        allow_none=True,
        metadata={
            "description": "the kiosk whose printer prints the slip (default: the "
            "ticket's own kiosk, where it has a printer)"
        },
    )


class DayQuery(ma.Schema):
    day = ma.fields.Date(load_default=None)


class SlotOut(ma.Schema):
    start = ma.fields.String()
    end = ma.fields.String()
    time = ma.fields.String()
    free = ma.fields.Integer()
    bookable = ma.fields.Boolean()


class SlotDayOut(ma.Schema):
    day = ma.fields.String()
    slots = ma.fields.List(ma.fields.Nested(SlotOut))


class SlotsOut(ma.Schema):
    service = ma.fields.String()
    capacity = ma.fields.Integer()
    days = ma.fields.List(ma.fields.Nested(SlotDayOut))


class BookingOut(ma.Schema):
    office = ma.fields.Nested(OfficeOut)
    enabled = ma.fields.Boolean()
    at_centre = ma.fields.Boolean(
        metadata={
            "description": "a province's copy of a commune centre's office: booked at the "
            "centre, never here (enabled is false)"
        }
    )
    fields = ma.fields.List(ma.fields.Nested(Ref))
    verify_phone = ma.fields.Boolean(
        metadata={"description": "a code sent to the phone is typed back before booking"}
    )
    challenge = ma.fields.Boolean(
        metadata={"description": "a proof-of-work solution goes with a booking now"}
    )
    slot_minutes = ma.fields.Integer()
    days_ahead = ma.fields.Integer()
    per_phone_per_day = ma.fields.Integer()
    messages = ma.fields.Boolean(
        metadata={"description": "the office sends reminders (the form asks consent to them)"}
    )


class AppointmentOut(ma.Schema):
    """What the holder of the booking's links sees; the phone shows its last digits."""

    code = ma.fields.String()
    kind = ma.fields.String(metadata={"enum": ["booking", "return"]})
    status = ma.fields.String(metadata={"enum": ["booked", "checked_in", "cancelled"]})
    office = ma.fields.Nested(OfficeOut)
    service = ma.fields.Nested(Ref)
    start = ma.fields.String()
    end = ma.fields.String()
    day = ma.fields.String()
    name = ma.fields.String()
    phone = ma.fields.String(allow_none=True)
    messages = ma.fields.Boolean(
        metadata={"description": "reminders will be sent: agreed to, and the office sends them"}
    )
    dossier_code = ma.fields.String(allow_none=True)
    result_ready = ma.fields.Boolean()
    ticket = ma.fields.Nested(TicketPublicOut, allow_none=True)


class BookedOut(AppointmentOut):
    token = ma.fields.String(metadata={"description": "secret of the cancel and change links"})
    manage_url = ma.fields.String(metadata={"description": "the booking's page; its QR holds it"})
    id = ma.fields.Integer(metadata={"description": "staff only (a return of results)"})
    print_job = ma.fields.Nested(
        PrintJobOut, allow_none=True, metadata={"description": "the slip's (a return of results)"}
    )


class StaffAppointmentOut(ma.Schema):
    id = ma.fields.Integer()
    code = ma.fields.String()
    kind = ma.fields.String()
    status = ma.fields.String()
    state = ma.fields.String(
        metadata={
            "enum": ["booked", "checked_in", "attended", "no_show", "missed", "cancelled"],
            "description": "what became of it: missed = its slot passed without check-in",
        }
    )
    service = ma.fields.Nested(Ref)
    start = ma.fields.String()
    time = ma.fields.String()
    name = ma.fields.String()
    phone = ma.fields.String(allow_none=True)
    dossier_code = ma.fields.String(allow_none=True)
    result_ready = ma.fields.Boolean()
    checked_in_at = ma.fields.String(allow_none=True)
    ticket = ma.fields.Nested(TicketPublicOut, allow_none=True)


class CheckedInOut(IssuedTicketOut):
    appointment = ma.fields.Nested(AppointmentOut)
