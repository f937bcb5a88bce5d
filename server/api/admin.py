"""Administration of an office (managers of it, and admins): configuration, devices,
users (admins every one; a manager their own offices' officers: the engine's rule in
engine/accounts.py), the audit log. Views parse, check the role, call the engine."""

from __future__ import annotations

from flask import abort
from flask_smorest import Blueprint

from ..i18n import english
from ..web.auth import check_office, check_role, current_principal, guarded
from .common import current_engine
from .schemas import (
    AuditOut,
    BookingSourceOut,
    CancelSourceIn,
    CancelSourceOut,
    CounterChangeIn,
    CounterIn,
    CounterOut,
    DeviceChangeIn,
    DeviceIn,
    DeviceOut,
    NewDeviceOut,
    OfficeChangeIn,
    OfficeDocument,
    OfficeFieldsOut,
    OfficeTemplate,
    PriorityClassIn,
    ServiceChangeIn,
    ServiceIn,
    ServiceOut,
    SignedOutOut,
    SourceOut,
    TokenOut,
    TokenQuery,
    UserChangeIn,
    UserIn,
    UserOut,
)

blp = Blueprint("admin", __name__, description="Office administration")
SECURED = [{"bearerAuth": []}]
MANAGERS = ("manager",)


def _manager_of(office: str, **_: object) -> None:
    check_office(current_engine().office_id(office), MANAGERS)


def _manager_of_counter(counter_id: int, **_: object) -> None:
    check_office(current_engine().office_of("counter", counter_id), MANAGERS)


def _manager_of_device(device_id: int, **_: object) -> None:
    check_office(current_engine().office_of("device", device_id), MANAGERS)


def _admin(**_: object) -> None:
    check_role("admin")


def _steward(**_: object) -> None:
    """Admins, and managers, who may list, add and change their own offices' officers
    (what else they may do is the engine's rule, given `_within()`)."""
    check_role("manager")


def _within() -> frozenset[int] | None:
    """The offices whose officers the caller manages; None: every user (an admin)."""
    principal = current_principal()
    return None if principal.role == "admin" else principal.office_ids


def _me() -> int | None:
    """The caller's user id (the guard has checked them already)."""
    return current_principal().user_id


@blp.route("/offices", methods=["POST"])
@guarded(_admin)
@blp.doc(security=SECURED)
@blp.arguments(OfficeTemplate)
@blp.response(201, OfficeDocument)
def create_office(document: dict):
    """A new office from a configuration document (e.g. exported from another office)."""
    return current_engine().create_office(document, _me())


@blp.route("/offices/<office>", methods=["PATCH"])
@guarded(_manager_of)
@blp.doc(security=SECURED)
@blp.arguments(OfficeChangeIn, required=False)
@blp.response(200, OfficeFieldsOut)
def update_office(changes: dict, office: str):
    """Office details, interleave rule, and settings: notice, hours, rating wording, ..."""
    user_id = _me()
    return current_engine().update_office(office, changes, user_id)


@blp.route("/offices/<office>/config")
@guarded(_manager_of)
@blp.doc(security=SECURED)
@blp.response(200, OfficeDocument)
def export_config(office: str):
    """The whole configuration as one document (fields, counters, classes, settings)."""
    return current_engine().export_office(office)


@blp.route("/offices/<office>/config", methods=["PUT"])
@guarded(_manager_of)
@blp.doc(security=SECURED)
@blp.arguments(OfficeDocument)
@blp.response(200, OfficeDocument)
def import_config(document: dict, office: str):
    """Apply a document to this office (matched by field code and counter number)."""
    user_id = _me()
    return current_engine().import_office(office, document, user_id)


@blp.route("/offices/<office>/services", methods=["POST"])
@guarded(_manager_of)
@blp.doc(security=SECURED)
@blp.arguments(ServiceIn)
@blp.response(201, ServiceOut)
def create_service(values: dict, office: str):
    return current_engine().create_service(office, values, _me())


@blp.route("/offices/<office>/services/<code>", methods=["PATCH"])
@guarded(_manager_of)
@blp.doc(security=SECURED)
@blp.arguments(ServiceChangeIn, required=False)
@blp.response(200, ServiceOut)
def update_service(changes: dict, office: str, code: str):
    return current_engine().update_service(office, code, changes, _me())


@blp.route("/offices/<office>/counters", methods=["POST"])
@guarded(_manager_of)
@blp.doc(security=SECURED)
@blp.arguments(CounterIn)
@blp.response(201, CounterOut)
def create_counter(values: dict, office: str):
    return current_engine().create_counter(
        office, values["number"], values["name"], values["services"], _me()
    )


@blp.route("/counters/<int:counter_id>", methods=["PATCH"])
@guarded(_manager_of_counter)
@blp.doc(security=SECURED)
@blp.arguments(CounterChangeIn, required=False)
@blp.response(200, CounterOut)
def update_counter(changes: dict, counter_id: int):
    """Rename a counter or set the fields it serves (in order)."""
    user_id = _me()
    return current_engine().update_counter(counter_id, changes, user_id)


@blp.route("/offices/<office>/priority-classes/<code>", methods=["PUT"])
@guarded(_manager_of)
@blp.doc(security=SECURED)
@blp.arguments(PriorityClassIn, required=False)
@blp.response(200, PriorityClassIn)
def save_priority_class(values: dict, office: str, code: str):
    return current_engine().save_priority_class(office, code, values, _me())


@blp.route("/offices/<office>/devices", methods=["POST"])
@guarded(_manager_of)
@blp.doc(security=SECURED)
@blp.arguments(DeviceIn)
@blp.response(201, NewDeviceOut)
def create_device(values: dict, office: str):
    """Register a kiosk, display or rating screen; its token is in the answer, once."""
    device, token = current_engine().create_device(office, values, _me())
    return {**device, "token": token}


@blp.route("/devices/<int:device_id>", methods=["PATCH"])
@guarded(_manager_of_device)
@blp.doc(security=SECURED)
@blp.arguments(DeviceChangeIn, required=False)
@blp.response(200, DeviceOut)
def update_device(changes: dict, device_id: int):
    user_id = _me()
    return current_engine().update_device(device_id, changes, user_id)


@blp.route("/devices/<int:device_id>/token", methods=["POST"])
@guarded(_manager_of_device)
@blp.doc(security=SECURED)
@blp.response(201, NewDeviceOut)
def new_device_token(device_id: int):
    """Replace the device's token (the old one stops working at once)."""
    user_id = _me()
    token = current_engine().new_device_token(device_id, user_id)
    return {**current_engine().device(device_id), "token": token}


@blp.route("/offices/<office>/audit")
@guarded(_manager_of)
@blp.doc(security=SECURED)
@blp.response(200, AuditOut(many=True))
def audit(office: str):
    """Recent configuration changes: who, when, what."""
    return current_engine().audit_log(office)


@blp.route("/audit")
@guarded(_admin)
@blp.doc(security=SECURED)
@blp.response(200, AuditOut(many=True))
def server_audit():
    """Recent changes that belong to no office: a province's centres and templates, this
    box joining a province."""
    return current_engine().audit_log(None)


@blp.route("/offices/<office>/sources")
@guarded(_manager_of)
@blp.doc(security=SECURED)
@blp.response(200, SourceOut(many=True))
def issued_sources(office: str):
    """Who issued today's tickets (kiosks, staff, anonymous addresses), busiest first."""
    return current_engine().issued_sources(office)


@blp.route("/offices/<office>/sources/cancel", methods=["POST"])
@guarded(_manager_of)
@blp.doc(security=SECURED)
@blp.arguments(CancelSourceIn)
@blp.response(200, CancelSourceOut)
def cancel_source(body: dict, office: str):
    """Cancel today's waiting tickets of one source in one action (a flood from one client)."""
    return current_engine().cancel_source(office, body["source"], _me())


@blp.route("/offices/<office>/booking-sources")
@guarded(_manager_of)
@blp.doc(security=SECURED)
@blp.response(200, BookingSourceOut(many=True))
def booking_sources(office: str):
    """Who holds the upcoming bookings: each network (`net:…`) and address, busiest first."""
    return current_engine().booking_sources_of(office)


@blp.route("/offices/<office>/booking-sources/cancel", methods=["POST"])
@guarded(_manager_of)
@blp.doc(security=SECURED)
@blp.arguments(CancelSourceIn)
@blp.response(200, CancelSourceOut)
def cancel_booking_source(body: dict, office: str):
    """Cancel the upcoming bookings of one address (`addr:…`) or network (`net:…`) in one
    action; no message goes to their phones."""
    return current_engine().cancel_booking_source(office, body["source"], _me())


@blp.route("/users")
@guarded(_steward)
@blp.doc(security=SECURED)
@blp.response(200, UserOut(many=True))
def list_users():
    """Every user (admins); a manager's: the users of their offices."""
    return current_engine().users(_within())


@blp.route("/users", methods=["POST"])
@guarded(_steward)
@blp.doc(security=SECURED)
@blp.arguments(UserIn)
@blp.response(201, UserOut)
def create_user(values: dict):
    """A new user; a manager adds officers of their own offices only (else 403)."""
    return current_engine().create_user(values, _me(), within=_within())


@blp.route("/users/<int:user_id>", methods=["PATCH"])
@guarded(_steward)
@blp.doc(security=SECURED)
@blp.arguments(UserChangeIn, required=False)
@blp.response(200, UserOut)
def update_user(changes: dict, user_id: int):
    """Change a user; a manager changes (renames, a new password, deactivates or
    reactivates) officers of their own offices only, never a role (else 403)."""
    within = _within()
    if (
        within is None
        and user_id == _me()
        and (changes.get("active") is False or changes.get("role", "admin") != "admin")
    ):
        abort(
            409,
            description=english("yourself", rest="ask another admin."),
        )
    return current_engine().update_user(
        user_id, changes, _me(), keep_credential=current_principal().credential, within=within
    )


@blp.route("/users/<int:user_id>/sign-out", methods=["POST"])
@guarded(_admin)
@blp.doc(security=SECURED)
@blp.response(200, SignedOutOut)
def sign_out_everywhere(user_id: int):
    """End every session and bearer token of the user; their open sockets close too."""
    return current_engine().sign_out_everywhere(user_id, _me())


@blp.route("/tokens")
@guarded(_admin)
@blp.doc(security=SECURED)
@blp.arguments(TokenQuery, location="query")
@blp.response(200, TokenOut(many=True))
def list_tokens(query: dict):
    """Every bearer token (users' and devices'), or one user's; never the token itself."""
    return current_engine().tokens(query.get("user"))


@blp.route("/tokens/<int:token_id>", methods=["DELETE"])
@guarded(_admin)
@blp.doc(security=SECURED)
@blp.response(200, TokenOut)
def revoke_token(token_id: int):
    """Stop a token at once; sockets that signed in with it are closed."""
    return current_engine().revoke_token(token_id, _me())
