"""A counter: its live view, open/pause/close, call next, call one ticket out of order."""

from __future__ import annotations

from flask_smorest import Blueprint

from ..web.auth import check_office
from .common import current_engine
from .schemas import CallTicketIn, CounterOut, CounterSnapshotOut, NextOut, TicketOut

blp = Blueprint("counters", __name__, description="Counters and calling")
SECURED = [{"bearerAuth": []}]


def _officer_for(counter_id: int) -> int:
    return check_office(current_engine().office_of("counter", counter_id)).user_id


@blp.route("/counters/<int:counter_id>")
@blp.doc(security=SECURED)
@blp.response(200, CounterSnapshotOut)
def counter_view(counter_id: int):
    """The counter, its current ticket, the waiting list it can call, today's numbers."""
    _officer_for(counter_id)
    return current_engine().counter_snapshot(counter_id)


@blp.route("/counters/<int:counter_id>/next", methods=["POST"])
@blp.doc(security=SECURED)
@blp.response(200, NextOut)
def call_next(counter_id: int):
    """Call the next citizen (priority first, then by place). A served ticket is finished."""
    user_id = _officer_for(counter_id)
    ticket = current_engine().call_next(counter_id, user_id=user_id)
    return {"ticket": ticket, "message": "called" if ticket else "nobody is waiting"}


@blp.route("/counters/<int:counter_id>/call", methods=["POST"])
@blp.doc(security=SECURED)
@blp.arguments(CallTicketIn)
@blp.response(200, TicketOut)
def call_ticket(body: dict, counter_id: int):
    """Call one waiting ticket out of order (recorded as such)."""
    user_id = _officer_for(counter_id)
    return current_engine().call_ticket(counter_id, body["ticket"], user_id=user_id)


def _state_view(state: str):
    def view(counter_id: int):
        user_id = _officer_for(counter_id)
        return current_engine().set_counter_state(counter_id, state, user_id=user_id)

    view.__doc__ = f"Set the counter {state}."
    return view


for _verb, _state in (("open", "open"), ("pause", "paused"), ("close", "closed")):
    blp.route(f"/counters/<int:counter_id>/{_verb}", methods=["POST"], endpoint=f"counter_{_verb}")(
        blp.doc(security=SECURED)(blp.response(200, CounterOut)(_state_view(_state)))
    )
