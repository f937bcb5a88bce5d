"""Satisfaction ratings: the office's scale, and a citizen's rating of a finished ticket."""

from __future__ import annotations

from flask import abort
from flask_smorest import Blueprint

from ..i18n import english
from ..web.auth import bearer_token, current_principal
from .common import current_engine
from .schemas import RatingIn, RatingOut

blp = Blueprint("ratings", __name__, description="Satisfaction ratings")


@blp.route("/offices/<office>/rating-scale")
@blp.response(200)
def rating_scale(office: str):
    """The question, levels (best first) and reasons this office asks about."""
    return current_engine().rating_scale(office)


@blp.route("/tickets/<token>/rating", methods=["POST"])
@blp.arguments(RatingIn)
@blp.response(201, RatingOut)
def rate(body: dict, token: str):
    """Rate a finished ticket, once: from the citizen's phone, or the counter's tablet."""
    principal = current_principal()
    if bearer_token() and principal is None:
        abort(401, description=english("token_unknown"))
    channel = "tablet" if principal is not None and principal.role == "rating" else "phone"
    return current_engine().rate(token, body["level"], body["reasons"], body["comment"], channel)
