"""The rating tablet at a counter (`/rate/<counter_id>`), facing the citizen.

A tablet is a registered device of kind "rating" bound to one counter. It is opened once as
`/rate/<counter_id>?key=<device token>`; the page keeps the token in localStorage and drops
it from the address bar, then joins the counter's rating room with it. A signed-in officer
may open the page without a key to try it.

The page itself is public and carries nothing private: the counter, the office and the
office's rating scale (all public elsewhere too). Which ticket to rate, and its secret
token, only ever arrive over the authenticated Socket.IO room.
"""

from __future__ import annotations

from flask import abort, render_template, request
from flask_login import current_user

from .. import current
from ..engine import NotFound
from ..models import Counter
from .blueprint import bp

IDLE_SECONDS = (2, 600, 30)  # min, max, default: thank-you screen -> idle
ASK_SECONDS = (5, 1800, 120)  # an unanswered question goes back to idle after this


def _seconds(name: str, bounds: tuple[int, int, int]) -> int:
    low, high, default = bounds
    value = request.args.get(name, type=int)
    return default if value is None else min(max(value, low), high)


@bp.get("/rate/<int:counter_id>")
def rate_tablet(counter_id: int):
    engine = current.engine()
    db = current.database()
    with db.read() as session:
        counter = session.get(Counter, counter_id)
        if counter is None:
            abort(404)
        counter_ref = counter.ref()
        office = counter.office.to_dict()
    try:
        scale = engine.rating_scale(office["code"])
    except NotFound:
        abort(404)
    lang = "en" if request.args.get("lang") == "en" else "vi"
    page = {
        "counter": counter_ref,
        "office": office,
        "scale": scale,
        "lang": lang,
        "idle_seconds": _seconds("idle", IDLE_SECONDS),
        "ask_seconds": _seconds("ask", ASK_SECONDS),
        "signed_in": bool(current_user.is_authenticated),
        "scale_url": f"/api/v1/offices/{office['code']}/rating-scale",
    }
    html = render_template(
        "console/rate.html", page=page, office=office, counter=counter_ref, lang=lang
    )
    # The first visit carries the device key in its URL: never cache it nor pass it on.
    return html, 200, {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
