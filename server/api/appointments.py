"""Appointments: public booking (no account), its cancel and change links, check-in at the
kiosk, and the staff's day list, return of results and "result ready"."""

from __future__ import annotations

from flask import request
from flask_smorest import Blueprint

from ..extensions import limiter
from ..i18n import english
from ..web.auth import (
    bearer_token,
    caller_source,
    check_office,
    current_principal,
    guarded,
    token_principal,
)
from ..web.citizen_tokens import load_citizen
from ..web.rate_limits import (
    booking_limit,
    booking_network_limit,
    by_network,
    issue_limit,
    network_of,
    phone_code_limit,
)
from .appointment_schemas import (
    AppointmentOut,
    BookedOut,
    BookIn,
    BookingOut,
    ChallengeOut,
    ChangeIn,
    CheckedInOut,
    CheckInIn,
    DayQuery,
    PhoneCodeIn,
    PhoneCodeOut,
    ReturnIn,
    SlotsOut,
    SlotsQuery,
    StaffAppointmentOut,
)
from .common import current_engine, link_base, message_base, track_url
from .offices import TOO_MANY_TICKETS, issuing_caller

blp = Blueprint("appointments", __name__, description="Appointments: booking and check-in")
SECURED = [{"bearerAuth": []}]
TOO_MANY = english("too_many_bookings")
TOO_MANY_CODES = english("too_many_codes")
# Booking, changing and cancelling share one count per address (or user) and one per
# network: with a count each, book-and-cancel got twice the messages out of an address.
BOOKING_LIMITS = (
    limiter.shared_limit(booking_limit, scope="booking", error_message=TOO_MANY),
    limiter.shared_limit(
        booking_network_limit, scope="booking-network", key_func=by_network, error_message=TOO_MANY
    ),
)


def _limited(view):
    for limit in reversed(BOOKING_LIMITS):
        view = limit(view)
    return view


def _booker() -> tuple[str, str | None]:
    """Who books, as the booking records it: the device or user behind a bearer token,
    else the address, with its network (IPv4 /24, IPv6 /64)."""
    principal = token_principal() if bearer_token() else None
    source = caller_source(principal)
    return source, network_of(request.remote_addr) if principal is None else None


def manage_url(token: str) -> str:
    """The booking's own page: cancel, change, its QR (what the QR holds)."""
    return f"{link_base()}/b/{token}"


def _booked(result: dict) -> dict:
    return {**result, "manage_url": manage_url(result["token"])}


@blp.route("/offices/<office>/booking")
@blp.response(200, BookingOut)
def booking(office: str):
    """Whether the office takes bookings, and for which fields."""
    return current_engine().booking(office)


@blp.route("/offices/<office>/slots")
@blp.arguments(SlotsQuery, location="query")
@blp.response(200, SlotsOut)
def slots(query: dict, office: str):
    """A field's slots day by day with their free places (the office's wall times)."""
    return current_engine().slots(office, query["service"], query["start"], query["days"])


@blp.route("/offices/<office>/booking/challenge")
@blp.response(200, ChallengeOut)
def booking_challenge(office: str):
    """A proof-of-work challenge (ALTCHA) for the booking form, and whether the office asks
    for one now (`needed`): solved, it goes with the booking as `altcha`."""
    return current_engine().booking_challenge(office)


@blp.route("/offices/<office>/phone-codes", methods=["POST"])
@limiter.limit(phone_code_limit, error_message=TOO_MANY_CODES)
@limiter.limit(booking_network_limit, key_func=by_network, error_message=TOO_MANY_CODES)
@blp.arguments(PhoneCodeIn)
@blp.response(202, PhoneCodeOut)
def phone_code(body: dict, office: str):
    """Where the office verifies phones: a code sent by SMS to the phone, to type back as
    the booking's `phone_code` within 10 minutes."""
    source, _network = _booker()
    return current_engine().send_phone_code(office, body["phone"], source=source)


@blp.route("/offices/<office>/appointments", methods=["POST"])
@_limited
@blp.arguments(BookIn)
@blp.response(201, BookedOut)
def book(body: dict, office: str):
    """Book a slot: a name and a mobile number, nothing more. The answer's `token` is the
    secret of the booking's page (`manage_url`); keep it."""
    source, network = _booker()
    result = current_engine().book(
        office,
        body["service"],
        body["start"],
        body["name"],
        body["phone"],
        consent=body["consent"],
        link_base=message_base(),
        source=source,
        network=network,
        phone_code=body["phone_code"],
        challenge=body["altcha"],
    )
    return _booked(result)


@blp.route("/appointments/<token>")
@blp.response(200, AppointmentOut)
def appointment(token: str):
    """A booking, by the secret of its links."""
    return current_engine().appointment(token)


@blp.route("/appointments/<token>/cancel", methods=["POST"])
@_limited
@blp.response(200, AppointmentOut)
def cancel(token: str):
    """Cancel a booking not yet checked in; its place goes back to the slot."""
    return current_engine().cancel_appointment(token)


@blp.route("/appointments/<token>/change", methods=["POST"])
@_limited
@blp.arguments(ChangeIn)
@blp.response(200, BookedOut)
def change(body: dict, token: str):
    """Move a booking to another slot of its field."""
    result = current_engine().change_appointment(token, body["start"], link_base=message_base())
    return _booked(result)


@blp.route("/offices/<office>/check-in", methods=["POST"])
@limiter.limit(issue_limit, error_message=TOO_MANY_TICKETS)
@blp.arguments(CheckInIn)
@blp.response(201, CheckedInOut)
def check_in(body: dict, office: str):
    """Today's appointment by its code, its QR's token or the CCCD scanned when its dossier
    was received: a ticket for its field, in line at the slot's time. A kiosk sending its
    token gets it printed. Asking again returns the same ticket."""
    engine = current_engine()
    principal, device_id, anonymous = issuing_caller(office)
    citizen = load_citizen(office, body["citizen"]) if body["citizen"] else None
    ticket = engine.check_in(
        office,
        code=body["code"],
        token=body["token"],
        citizen=citizen,
        device_id=device_id,
        track_url_base=link_base(),
        source=caller_source(principal),
        anonymous=anonymous,
    )
    ticket.pop("replayed", None)
    return {**ticket, "track_url": track_url(ticket["token"])}


def _staff_of(office: str, **_: object) -> None:
    check_office(current_engine().office_id(office))


@blp.route("/offices/<office>/appointments")
@guarded(_staff_of)
@blp.doc(security=SECURED)
@blp.arguments(DayQuery, location="query")
@blp.response(200, StaffAppointmentOut(many=True))
def day_list(query: dict, office: str):
    """The office's appointments of a day (today by default), in slot order."""
    return current_engine().appointments_of_day(office, query["day"])


def _staff_of_ticket(ticket_id: int, **_: object) -> None:
    check_office(current_engine().office_of("ticket", ticket_id))


@blp.route("/tickets/<int:ticket_id>/return-appointment", methods=["POST"])
@guarded(_staff_of_ticket)
@blp.doc(security=SECURED)
@blp.arguments(ReturnIn)
@blp.response(201, BookedOut)
def set_return(body: dict, ticket_id: int):
    """The officer who received the ticket's dossier sets when its result is returned."""
    principal = current_principal()
    result = current_engine().set_return(
        ticket_id,
        body["start"],
        user_id=principal.user_id if principal else None,
        phone=body["phone"],
        consent=body["consent"],
        link_base=message_base(),
        slip_base=link_base(),
        device_id=body["device"],
    )
    return _booked(result)


@blp.route("/offices/<office>/appointments/<int:appointment_id>/result-ready", methods=["POST"])
@guarded(_staff_of)
@blp.doc(security=SECURED)
@blp.response(200, StaffAppointmentOut)
def result_ready(office: str, appointment_id: int):
    """The dossier's result is ready: the citizen is told (where they agreed to messages)."""
    principal = current_principal()
    return current_engine().result_ready(
        office, appointment_id, principal.user_id if principal else None
    )
