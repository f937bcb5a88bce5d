"""The citizen's public ticket view, and officers' actions on one ticket."""

from __future__ import annotations

from flask_smorest import Blueprint

from ..web.auth import check_office
from .common import current_engine, link_base
from .schemas import (
    DossierIn,
    PrintJobOut,
    ReprintIn,
    ResumeIn,
    TicketOut,
    TicketPublicOut,
    TransferIn,
)

blp = Blueprint("tickets", __name__, description="One ticket: public view and actions")
SECURED = [{"bearerAuth": []}]

# URL action -> engine method; each takes (ticket_id, user_id=...).
SIMPLE_ACTIONS = {
    "recall": "recall",
    "start": "start",
    "finish": "finish",
    "no-show": "no_show",
    "hold": "hold",
    "cancel": "cancel",
    "requeue": "requeue",
}


@blp.route("/tickets/<token>")
@blp.response(200, TicketPublicOut)
def public_ticket(token: str):
    """What the phone page shows: state, place, estimate. No personal data."""
    return current_engine().ticket_by_token(token)


def _officer_for(ticket_id: int) -> int:
    return check_office(current_engine().office_of("ticket", ticket_id)).user_id


def _simple_action(method: str):
    def view(ticket_id: int):
        user_id = _officer_for(ticket_id)
        return getattr(current_engine(), method)(ticket_id, user_id=user_id)

    view.__doc__ = f"{method.replace('_', ' ').capitalize()} the ticket."
    return view


for _path, _method in SIMPLE_ACTIONS.items():
    blp.route(f"/tickets/<int:ticket_id>/{_path}", methods=["POST"], endpoint=f"ticket_{_method}")(
        blp.doc(security=SECURED)(blp.response(200, TicketOut)(_simple_action(_method)))
    )


@blp.route("/tickets/<int:ticket_id>/transfer", methods=["POST"])
@blp.doc(security=SECURED)
@blp.arguments(TransferIn)
@blp.response(200, TicketOut)
def transfer(body: dict, ticket_id: int):
    """Send to another field and/or counter, keeping the citizen's place in line."""
    user_id = _officer_for(ticket_id)
    return current_engine().transfer(ticket_id, body["service"], body["counter"], user_id)


@blp.route("/tickets/<int:ticket_id>/resume", methods=["POST"])
@blp.doc(security=SECURED)
@blp.arguments(ResumeIn)
@blp.response(200, TicketOut)
def resume(body: dict, ticket_id: int):
    """Serve a held ticket again, at the counter that held it unless another is named."""
    user_id = _officer_for(ticket_id)
    return current_engine().resume(ticket_id, user_id=user_id, counter_id=body["counter"])


@blp.route("/tickets/<int:ticket_id>/dossier", methods=["POST"])
@blp.doc(security=SECURED)
@blp.arguments(DossierIn)
@blp.response(200, TicketOut)
def dossier(body: dict, ticket_id: int):
    """Attach the dossier code (mã hồ sơ) received and/or a note."""
    user_id = _officer_for(ticket_id)
    return current_engine().attach_dossier(
        ticket_id, body["dossier_code"], body["note"], user_id=user_id
    )


@blp.route("/tickets/<int:ticket_id>/reprint", methods=["POST"])
@blp.doc(security=SECURED)
@blp.arguments(ReprintIn)
@blp.response(202, PrintJobOut)
def reprint(body: dict, ticket_id: int):
    """Print the ticket again, on the kiosk that issued it unless another is named."""
    user_id = _officer_for(ticket_id)
    return current_engine().reprint(ticket_id, user_id, body["device"], track_url_base=link_base())
