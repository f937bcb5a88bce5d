"""Offices, their fields and priority classes, the queue snapshot, and issuing tickets."""

from __future__ import annotations

import re

from flask import Response, abort, current_app, request
from flask_smorest import Blueprint

from ..engine import Citizen
from ..extensions import limiter
from ..i18n import english
from ..web.auth import STAFF, Principal, bearer_token, caller_source, current_principal
from ..web.citizen_tokens import load_citizen
from ..web.rate_limits import issue_limit
from .common import current_engine, link_base, track_url
from .schemas import (
    IssuedTicketOut,
    OfficeOut,
    OpeningOut,
    PriorityClassOut,
    ServiceOut,
    SnapshotOut,
    TicketIssueIn,
)

IDEMPOTENCY_KEY = re.compile(r"[A-Za-z0-9_-]{8,64}")

blp = Blueprint("offices", __name__, description="Offices, fields and issuing tickets")


@blp.route("/offices")
@blp.response(200, OfficeOut(many=True))
def list_offices():
    return current_engine().offices()


@blp.route("/offices/<office>/services")
@blp.response(200, ServiceOut(many=True))
def list_services(office: str):
    """Active fields with how many wait and the estimate for a new ticket."""
    return current_engine().services(office)


@blp.route("/offices/<office>/opening")
@blp.response(200, OpeningOut)
def opening(office: str):
    """Whether the office takes tickets now, today's hours and the next opening (its time).

    The kiosk shows "closed" from this before anyone taps.
    """
    return current_engine().opening(office)


@blp.route("/offices/<office>/priority-classes")
@blp.response(200, PriorityClassOut(many=True))
def list_priority_classes(office: str):
    return current_engine().priority_classes(office)


@blp.route("/offices/<office>/queue")
@blp.response(200, SnapshotOut)
@blp.alt_response(304, description="Not modified: the `ETag` sent in `If-None-Match` is current")
def queue_snapshot(office: str):
    """Waiting per field, the current ticket per counter and the last calls.

    Served from memory while the office is unchanged; send the `ETag` back in
    `If-None-Match` to get 304 until something changes (`at` is then not resent).
    """
    body, etag = current_engine().snapshot_body(office)
    response = Response(body, mimetype="application/json")
    response.headers["ETag"] = etag
    response.headers["Cache-Control"] = "no-cache"
    return response.make_conditional(request)


def issuing_caller(office: str) -> tuple[Principal | None, int | None, bool]:
    """Who asks for a ticket (issuing, or a check-in): the principal, its kiosk's device
    id, and whether it is anonymous; a token of another office or a refused anonymous
    caller is answered 401/403 here."""
    principal = current_principal()
    if bearer_token() and principal is None:
        abort(401, description=english("token_unknown"))
    if principal is not None and not principal.may_act_in(current_engine().office_id(office)):
        abort(403, description=english("token_other_office"))
    anonymous = not (principal and principal.has_role("kiosk", *STAFF))
    if anonymous and current_app.config["REQUIRE_DEVICE_TOKEN_FOR_ISSUE"]:
        abort(401, description=english("kiosks_only"))
    device_id = principal.device_id if principal and principal.role == "kiosk" else None
    return principal, device_id, anonymous


TOO_MANY_TICKETS = english("too_many_tickets")


@blp.route("/offices/<office>/tickets", methods=["POST"])
@limiter.limit(issue_limit, error_message=TOO_MANY_TICKETS)
@blp.arguments(TicketIssueIn)
@blp.response(201, IssuedTicketOut)
def issue_ticket(body: dict, office: str):
    """Take a ticket. Open to the office's kiosks unless the office requires a device token.

    A kiosk sending its own token gets the ticket printed on its printer. `citizen` is the
    signed result of a CCCD scan (`POST /kiosk/<office>/scan`).
    """
    engine = current_engine()
    principal, device_id, anonymous = issuing_caller(office)
    citizen = load_citizen(office, body["citizen"]) if body["citizen"] else Citizen()
    request_key = request.headers.get("Idempotency-Key") or None
    if request_key is not None and not IDEMPOTENCY_KEY.fullmatch(request_key):
        abort(400, description=english("key_format"))
    ticket = engine.issue(
        office,
        body["service"],
        body["priority"],
        body["channel"],
        citizen,
        device_id=device_id,
        track_url_base=link_base(),
        request_key=request_key,
        source=caller_source(principal),
        anonymous=anonymous,
    )
    # A replay answers as the first request did (201), marked so clients can tell.
    headers = {"Idempotent-Replayed": "true"} if ticket.pop("replayed", False) else {}
    return {**ticket, "track_url": track_url(ticket["token"])}, 201, headers
