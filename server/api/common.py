"""What every API module shares: the engine, and the bases of links the API gives out."""

from __future__ import annotations

from flask import current_app, request

from .. import current
from ..engine import Engine
from ..web.hosts import LOCAL_ADDRESS


def current_engine() -> Engine:
    """The API modules' name for `current.engine()`."""
    return current.engine()


def message_base() -> str:
    """The base of links in messages to phones (SMS, Zalo): LUOT_PUBLIC_BASE_URL alone, so
    no request can choose the domain an office's message names; "" sends no link."""
    return current_app.config["PUBLIC_BASE_URL"]


def link_base() -> str:
    """The base of a QR code or `track_url` (printed, shown to the caller):
    LUOT_PUBLIC_BASE_URL, else where this request came, a host the server trusts (the
    guard in front let it in; checked again here all the same)."""
    configured = message_base()
    if configured:
        return configured
    if not current.hosts().allows(request.host, request.environ.get(LOCAL_ADDRESS)):
        return ""
    return request.url_root.rstrip("/")


def track_url(token: str) -> str:
    """The phone page a ticket's QR opens."""
    return f"{link_base()}/t/{token}"
