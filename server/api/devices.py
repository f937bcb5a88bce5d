"""Registered devices: a kiosk learns who it is; staff see printer status."""

from __future__ import annotations

from flask import abort
from flask_smorest import Blueprint

from ..i18n import english
from ..web.auth import check_office, current_principal
from .common import current_engine
from .schemas import DeviceOut

blp = Blueprint("devices", __name__, description="Kiosks, displays and rating screens")
SECURED = [{"bearerAuth": []}]


@blp.route("/devices/me")
@blp.doc(security=SECURED)
@blp.response(200, DeviceOut)
def me():
    """The device behind the bearer token (a kiosk page uses it to find its printer room)."""
    principal = current_principal()
    if principal is None or not principal.is_device:
        abort(401, description=english("device_token"))
    return current_engine().device(principal.device_id)


@blp.route("/offices/<office>/devices")
@blp.doc(security=SECURED)
@blp.response(200, DeviceOut(many=True))
def office_devices(office: str):
    """Every device of the office with its printer status, for managers and officers."""
    engine = current_engine()
    check_office(engine.office_id(office))
    return engine.devices(office)


@blp.route("/me")
@blp.doc(security=SECURED)
@blp.response(200)
def whoami():
    """The caller (token or signed-in session): role, name and offices (codes)."""
    principal = current_principal()
    if principal is None:
        abort(401, description=english("not_signed_in"))
    return current_engine().principal_view(
        principal.role, principal.office_ids, principal.name, principal.user_id, principal.device_id
    )
