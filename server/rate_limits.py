"""Rate limits: one anonymous client must not use up a field's numbers for the day.

Flask-Limiter counts per device or user behind a valid token or session, else per client
address (`auth.rate_key`), in memory or on Redis when `REDIS_URL` is set, so several
processes share one count. While Redis is away it falls back to memory rather than fail.
The limits themselves are configuration (`LUOT_ISSUE_LIMIT_ANONYMOUS`, ...).
"""

from __future__ import annotations

from flask import Flask, current_app, request

from .extensions import limiter

# Files and the health check: polled by every screen and load balancer, cheap, no state.
EXEMPT_ENDPOINTS = frozenset({"static", "pages.font", "pages.health"})


def issue_limit() -> str:
    """Anonymous clients get the tight limit; registered kiosks and staff their own."""
    from .auth import rate_key

    anonymous = rate_key().startswith("addr:")
    return current_app.config["ISSUE_LIMIT_ANONYMOUS" if anonymous else "ISSUE_LIMIT_TRUSTED"]


def scan_limit() -> str:
    return current_app.config["SCAN_LIMIT"]


def booking_limit() -> str:
    return current_app.config["BOOKING_LIMIT"]


def sign_in_limit() -> str:
    return current_app.config["SIGN_IN_LIMIT"]


def by_address() -> str:
    """Sign-in attempts count per address, whoever they claim to be."""
    return f"addr:{request.remote_addr or 'unknown'}"


def _exempt() -> bool:
    return request.endpoint in EXEMPT_ENDPOINTS


def init_app(app: Flask) -> None:
    if not app.config.get("RATELIMIT_STORAGE_URI"):
        app.config["RATELIMIT_STORAGE_URI"] = app.config["REDIS_URL"] or "memory://"
    app.config.setdefault("RATELIMIT_DEFAULTS_EXEMPT_WHEN", _exempt)
    limiter.init_app(app)
