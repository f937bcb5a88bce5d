"""Who is asking: bearer tokens for the API (and Socket.IO), role and office checks.

A `Principal` is a detached, read-only summary of the user, loaded once per request.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

from flask import abort, current_app, g, request

from . import accounts
from .db import Database


@dataclass(frozen=True)
class Principal:
    user_id: int
    username: str
    role: str
    office_ids: frozenset[int]

    def may_act_in(self, office_id: int) -> bool:
        return self.role == "admin" or office_id in self.office_ids

    def has_role(self, *roles: str) -> bool:
        return self.role == "admin" or self.role in roles


def principal_for_token(db: Database, raw: str) -> Principal | None:
    with db.read() as session:
        user = accounts.user_for_token(session, raw)
        if user is None:
            return None
        session.refresh(user, ["offices"])
        return Principal(user.id, user.username, user.role, frozenset(o.id for o in user.offices))


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


def check_office(office_id: int) -> Principal:
    """The caller, who must be allowed to act in this office (else 403)."""
    principal = current_principal()
    if principal is None:
        abort(401, description="Send 'Authorization: Bearer TOKEN'.")
    if not principal.may_act_in(office_id):
        abort(403, description="You do not belong to this office.")
    return principal


