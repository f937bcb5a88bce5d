"""Messages to citizens' phones, for an office's managers: what was sent, what is waiting,
what failed and why (the phone masked but for its last three digits)."""

from __future__ import annotations

import marshmallow as ma
from flask_smorest import Blueprint
from marshmallow import validate

from .. import current
from ..engine import citizen_messages
from ..engine.rules import documents
from ..models import Office
from ..web.auth import check_office
from .common import current_engine

blp = Blueprint("messages", __name__, description="Messages to citizens' phones (SMS, ZNS)")
SECURED = [{"bearerAuth": []}]
MANAGERS = ("manager",)


class MessagesQuery(ma.Schema):
    status = ma.fields.String(validate=validate.OneOf(citizen_messages.STATUSES))
    limit = documents.Integer(load_default=100, validate=validate.Range(1, 500))


class MessageOut(ma.Schema):
    id = ma.fields.Integer()
    kind = ma.fields.String(metadata={"description": "booked, reminder_day, called, ..."})
    channel = ma.fields.String(metadata={"description": "sms or zns"})
    status = ma.fields.String(
        metadata={"description": "pending, sending, sent, failed, cancelled, skipped"}
    )
    phone = ma.fields.String(metadata={"description": "masked: only the last 3 digits shown"})
    attempts = ma.fields.Integer(metadata={"description": "sends begun"})
    last_error = ma.fields.String(allow_none=True)
    provider_id = ma.fields.String(allow_none=True, metadata={"description": "the gateway's id"})
    delivery = ma.fields.String(allow_none=True, metadata={"description": "accepted"})
    appointment_id = ma.fields.Integer(allow_none=True)
    ticket_id = ma.fields.Integer(allow_none=True)
    template_id = ma.fields.String(allow_none=True)
    created_at = ma.fields.String()
    due_at = ma.fields.String()
    next_attempt_at = ma.fields.String()
    sent_at = ma.fields.String(allow_none=True)


class MessageCounts(ma.Schema):
    pending = ma.fields.Integer()
    sending = ma.fields.Integer()
    sent = ma.fields.Integer()
    failed = ma.fields.Integer()
    cancelled = ma.fields.Integer()
    skipped = ma.fields.Integer()


class WorkerOut(ma.Schema):
    running = ma.fields.Boolean(metadata={"description": "this process's worker is running"})
    last_error = ma.fields.String(allow_none=True, metadata={"description": "its last fault"})
    last_error_at = ma.fields.String(allow_none=True)
    channels = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.Boolean(),
        metadata={"description": "which gateways this server has credentials for"},
    )


class MessagesOut(ma.Schema):
    channel = ma.fields.String(metadata={"description": "the office's channel: off, sms, zns"})
    counts = ma.fields.Nested(MessageCounts)
    worker = ma.fields.Nested(WorkerOut)
    messages = ma.fields.List(ma.fields.Nested(MessageOut))


@blp.route("/offices/<office>/messages")
@blp.doc(security=SECURED)
@blp.arguments(MessagesQuery, location="query")
@blp.response(200, MessagesOut)
def messages(query: dict, office: str):
    """The office's messages, newest first, with counts per status and the worker's state
    (a fault shows here: `failed` messages with their `last_error`, the worker's own)."""
    office_id = current_engine().office_id(office)
    check_office(office_id, MANAGERS)
    with current.database().read() as session:
        result = citizen_messages.listing(session, office_id, query.get("status"), query["limit"])
        result["channel"] = citizen_messages.channel(session.get(Office, office_id))
    return {**result, "worker": current.messages().state()}
