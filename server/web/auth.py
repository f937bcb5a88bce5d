"""Who is asking: bearer tokens (users and devices) for the API and Socket.IO, role checks.

A `Principal` is a detached, read-only summary of the caller, loaded once per request.
Devices act with their own tokens and get their kind as role (kiosk, display, rating), so
a display can never pass a check meant for officers.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import abort, g, request
from flask_login import current_user
from flask_wtf.csrf import validate_csrf
from wtforms import ValidationError

from .. import current
from ..db import Database
from ..engine import credentials
from ..i18n import english

STAFF = ("officer", "manager")


@dataclass(frozen=True)
class Principal:
    role: str
    office_ids: frozenset[int]
    user_id: int | None = None
    device_id: int | None = None
    name: str = ""
    # What it signed in with ("session:ID" or "token:ID"): revoking that ends it, and
    # open sockets re-check it.
    credential: str | None = None

    @property
    def is_device(self) -> bool:
        return self.device_id is not None

    def may_act_in(self, office_id: int) -> bool:
        return self.role == "admin" or office_id in self.office_ids

    def has_role(self, *roles: str) -> bool:
        return self.role == "admin" or self.role in roles


def _user_principal(user, credential: str) -> Principal:
    return Principal(
        user.role,
        frozenset(o.id for o in user.offices),
        user_id=user.id,
        name=user.full_name or user.username,
        credential=credential,
    )


def session_lifetime(config: Mapping[str, Any]) -> dt.timedelta:
    """How long a signed-in session lasts (Flask takes seconds or a timedelta)."""
    value = config["PERMANENT_SESSION_LIFETIME"]
    return value if isinstance(value, dt.timedelta) else dt.timedelta(seconds=value)


def principal_for_session(db: Database, raw: str, lifetime: dt.timedelta) -> Principal | None:
    """The signed-in user behind a session cookie's key, while the session stands."""
    with db.read() as session:
        item = credentials.session_for(session, raw, dt.datetime.now(dt.UTC), lifetime)
        return _user_principal(item.user, f"session:{item.id}") if item else None


def principal_for_token(db: Database, raw: str) -> Principal | None:
    with db.read() as session:
        owner = credentials.token_owner(session, raw)
    if owner is None:
        return None
    return Principal(
        owner.role,
        owner.office_ids,
        user_id=owner.user_id,
        device_id=owner.device_id,
        name=owner.name,
        credential=f"token:{owner.token_id}",
    )


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def token_principal() -> Principal | None:
    """Whoever the request's bearer token belongs to (looked up once per request)."""
    if "token_principal" not in g:
        raw = bearer_token()
        g.token_principal = principal_for_token(current.database(), raw) if raw else None
    return g.token_principal


def rate_key() -> str:
    """What rate limits count against: the device or user behind a valid token or session,
    else the client's address. Runs before views, so it checks no CSRF token."""
    if bearer_token():
        principal = token_principal()
        if principal is not None:
            return caller_source(principal)
    elif current_user.is_authenticated:
        return caller_source(current_user.principal)
    return caller_source(None)


def current_principal() -> Principal | None:
    """The caller: a bearer token, else a signed-in officer's session (looked up once).

    A session cookie is sent by the browser on its own, so a state-changing request that
    relies on it must also carry the page's CSRF token (`X-CSRFToken`).
    """
    if "principal" not in g:
        raw = bearer_token()
        if raw:
            g.principal = token_principal()
        elif current_user.is_authenticated:
            if request.method not in ("GET", "HEAD", "OPTIONS"):
                try:
                    validate_csrf(request.headers.get("X-CSRFToken"))
                except ValidationError:
                    abort(400, description=english("csrf"))
            g.principal = current_user.principal
        else:
            g.principal = None
    return g.principal


def caller_source(principal: Principal | None) -> str:
    """Who is asking, as tickets record it: a device, a user, or the client's address."""
    if principal is None:
        return f"addr:{request.remote_addr or 'unknown'}"
    if principal.device_id is not None:
        return f"device:{principal.device_id}"
    return f"user:{principal.user_id}"


def require_user(*roles: str) -> Callable:
    """Refuse with 401 without a valid token, 403 without one of `roles` (admins pass)."""

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            check_role(*roles)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def check_role(*roles: str) -> Principal:
    """The caller, who must hold one of `roles` (admins pass), else 401/403."""
    principal = current_principal()
    if principal is None:
        abort(401, description=english("bearer_token_cli"))
    if roles and not principal.has_role(*roles):
        abort(403, description=english("role_may_not"))
    return principal


def guarded(check: Callable[..., object]) -> Callable:
    """Run `check(**url_arguments)` before the body is read: a caller who may not act gets
    401/403, never a validation error that describes the endpoint."""

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            check(**kwargs)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def check_office(office_id: int, roles: tuple[str, ...] = STAFF) -> Principal:
    """The caller, who must hold one of `roles` in this office (else 401/403)."""
    principal = current_principal()
    if principal is None:
        abort(401, description=english("bearer_token"))
    if not principal.has_role(*roles):
        abort(403, description=english("role_may_not"))
    if not principal.may_act_in(office_id):
        abort(403, description=english("not_member"))
    return principal
