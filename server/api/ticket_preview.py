"""The ticket preview: a picture of the ticket a kiosk's printer would print now."""

from __future__ import annotations

import marshmallow as ma
from flask import Response
from flask_smorest import Blueprint
from marshmallow import validate

from ..engine.rules.documents import MAX_ID, Code, Integer
from ..web.auth import guarded
from ..workers.print_queue import render_preview
from .admin import SECURED, _manager_of
from .common import current_engine, link_base

blp = Blueprint("ticket_preview", __name__, description="The printed ticket, previewed")


class TicketPreviewQuery(ma.Schema):
    service = Code(required=True, metadata={"description": "the field's code"})
    device = Integer(
        validate=validate.Range(1, MAX_ID),
        metadata={
            "description": "the kiosk whose printer (paper, model) to preview on; default "
            "the office's first kiosk with a printer, else 80 mm paper"
        },
    )
    paper = Integer(
        validate=validate.OneOf((58, 80)),
        metadata={"description": "the paper's width in mm, instead of the kiosk's"},
    )


@blp.route("/offices/<office>/ticket-preview")
@guarded(_manager_of)
@blp.doc(
    security=SECURED,
    responses={
        "200": {
            "description": "The ticket as printed: a 1-bit PNG as wide as the paper in "
            "printer dots (576 for 80 mm, 384 for 58 mm), 203 dpi",
            "content": {"image/png": {"schema": {"type": "string", "format": "binary"}}},
        }
    },
)
@blp.arguments(TicketPreviewQuery, location="query")
def ticket_preview(query: dict, office: str):
    """A sample ticket of a field, drawn from the very job a kiosk's printer would be sent
    now: the office's name and footer, the field's next code, today's place and estimate,
    the counters serving the field, the QR (native or a picture, as the printer's model
    prints it). Nothing is issued and no number taken. Managers of the office and admins.

    404 for a field, office or kiosk that is not there; 409 where issuing would refuse the
    field (paused, or no counter serves it: `not_served`) or the kiosk is another office's.
    """
    data = current_engine().ticket_preview(
        office,
        query["service"],
        device_id=query.get("device"),
        paper=query.get("paper"),
        track_url_base=link_base(),
    )
    return Response(
        render_preview(data).png(),
        mimetype="image/png",
        headers={"Cache-Control": "no-store"},
    )
