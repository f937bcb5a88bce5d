"""Rate limits: one anonymous client must not use up a field's numbers for the day.

Flask-Limiter counts per device or user behind a valid token or session, else per client
address (`auth.rate_key`), in memory (`rate_limit_storage`) or on Redis when `REDIS_URL`
is set, so several processes share one count. While Redis is away it falls back to memory
rather than fail. The limits themselves are configuration (`LUOT_ISSUE_LIMIT_ANONYMOUS`, ...).

Booking is also counted per network (`by_network`: an IPv4 /24, an IPv6 /64): one host
holds a whole /64, and a few hundred IPv4 addresses of one /24 are one client as often as
not, so a limit per address alone stops nobody who has more than one. A network's limit
is wider than an address's: an office building or a mobile carrier's NAT puts many people
behind one network, and they must still be able to book (README, Security).
"""

from __future__ import annotations

import ipaddress

from flask import Flask, current_app, request

from ..extensions import limiter
from .rate_limit_storage import SCHEME as MEMORY_SCHEME

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


def booking_network_limit() -> str:
    return current_app.config["BOOKING_NETWORK_LIMIT"]


def phone_code_limit() -> str:
    return current_app.config["PHONE_CODE_LIMIT"]


def network_of(address: str | None) -> str | None:
    """The network an address is counted in: its IPv4 /24 or IPv6 /64 ("203.0.113.0/24",
    "2001:db8:1:2::/64"); an IPv4-mapped IPv6 address is its IPv4. None if not an address."""
    try:
        ip = ipaddress.ip_address((address or "").split("%")[0])
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    prefix = 24 if ip.version == 4 else 64
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def by_network() -> str:
    """Counted per network, whoever is asking (staff included: they book from an address
    too, and their own limit is per user)."""
    network = network_of(request.remote_addr)
    return f"net:{network or request.remote_addr or 'unknown'}"


def sign_in_limit() -> str:
    return current_app.config["SIGN_IN_LIMIT"]


def by_address() -> str:
    """Sign-in attempts count per address, whoever they claim to be."""
    return f"addr:{request.remote_addr or 'unknown'}"


def _exempt() -> bool:
    return request.endpoint in EXEMPT_ENDPOINTS


def init_app(app: Flask) -> None:
    if not app.config.get("RATELIMIT_STORAGE_URI"):
        app.config["RATELIMIT_STORAGE_URI"] = app.config["REDIS_URL"] or f"{MEMORY_SCHEME}://"
    app.config.setdefault("RATELIMIT_DEFAULTS_EXEMPT_WHEN", _exempt)
    limiter.init_app(app)
