"""Offices, their fields and priority classes, the queue snapshot, and issuing tickets."""

from __future__ import annotations

from flask import abort, current_app
from flask_smorest import Blueprint

from ..auth import current_principal
from ..engine import Citizen
from . import current_engine, track_url
from .schemas import (
    IssuedTicketOut,
    OfficeOut,
    PriorityClassOut,
    ServiceOut,
    SnapshotOut,
    TicketIssueIn,
)

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


@blp.route("/offices/<office>/priority-classes")
@blp.response(200, PriorityClassOut(many=True))
def list_priority_classes(office: str):
    return current_engine().priority_classes(office)


@blp.route("/offices/<office>/queue")
@blp.response(200, SnapshotOut)
def queue_snapshot(office: str):
    """Waiting per field, the current ticket per counter and the last calls."""
    return current_engine().snapshot(office)


@blp.route("/offices/<office>/tickets", methods=["POST"])
@blp.arguments(TicketIssueIn)
@blp.response(201, IssuedTicketOut)
def issue_ticket(body: dict, office: str):
    """Take a ticket. Open to the office's kiosks unless the office requires a device token."""
    engine = current_engine()
    if current_app.config["REQUIRE_DEVICE_TOKEN_FOR_ISSUE"]:
        principal = current_principal()
        if principal is None or not principal.may_act_in(engine.office_id(office)):
            abort(401, description="This office issues tickets only to registered kiosks.")
    ticket = engine.issue(office, body["service"], body["priority"], body["channel"], Citizen())
    return {**ticket, "track_url": track_url(ticket["token"])}
