"""Who is asking: bearer tokens (users and devices) for the API and Socket.IO, role checks.

A `Principal` is a detached, read-only summary of the caller, loaded once per request.
Devices act with their own tokens and get their kind as role (kiosk, display, rating), so
a display can never pass a check meant for officers.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

from flask import abort, current_app, g, request

from . import accounts
from .db import Database

STAFF = ("officer", "manager")


@dataclass(frozen=True)
class Principal:
    role: str
    office_ids: frozenset[int]
    user_id: int | None = None
    device_id: int | None = None
    name: str = ""

    @property
    def is_device(self) -> bool:
        return self.device_id is not None

    def may_act_in(self, office_id: int) -> bool:
        return self.role == "admin" or office_id in self.office_ids

    def has_role(self, *roles: str) -> bool:
        return self.role == "admin" or self.role in roles


def principal_for_token(db: Database, raw: str) -> Principal | None:
    with db.read() as session:
        token = accounts.token_for(session, raw)
        if token is None:
            return None
        if token.device is not None:
            device = token.device
            return Principal(device.kind, frozenset({device.office_id}), device_id=device.id,
                             name=device.name)
        user = token.user
        return Principal(
            user.role,
            frozenset(o.id for o in user.offices),
            user_id=user.id,
            name=user.full_name or user.username,
        )


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def current_principal() -> Principal | None:
    """The caller behind the request's bearer token, looked up once per request."""
    if "principal" not in g:
        raw = bearer_token()
        g.principal = principal_for_token(current_app.extensions["luot.db"], raw) if raw else None
    return g.principal


def require_user(*roles: str) -> Callable:
    """Refuse with 401 without a valid token, 403 without one of `roles` (admins pass)."""

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            principal = current_principal()
            if principal is None:
                abort(401, description="Send 'Authorization: Bearer TOKEN' (luot token create).")
            if roles and not principal.has_role(*roles):
                abort(403, description="Your role may not do this.")
            return view(*args, **kwargs)

        return wrapped

    return decorator


def check_office(office_id: int, roles: tuple[str, ...] = STAFF) -> Principal:
    """The caller, who must hold one of `roles` in this office (else 401/403)."""
    principal = current_principal()
    if principal is None:
        abort(401, description="Send 'Authorization: Bearer TOKEN'.")
    if not principal.has_role(*roles):
        abort(403, description="Your role may not do this.")
    if not principal.may_act_in(office_id):
        abort(403, description="You do not belong to this office.")
    return principal
