"""Which hosts this server answers to, which forwarding headers it believes, and the base of
the links it makes.

Links that leave the box (the QR printed on a ticket or a slip, a ticket's `track_url`, a
message to a citizen's phone) must name this box, never what a client wrote in its `Host`
header: a booking made with `Host: xa-mau-gov.vn.evil.example` once sent the office's own
branded SMS with a link to that domain. So:

- **Messages** (SMS, Zalo) take their links from `LUOT_PUBLIC_BASE_URL` alone; without it
  they go out without the link (server/api's `message_base()` is empty, and the sentence
  that would hold it is left out, server/engine/citizen_messages.py).
- **QR codes and `track_url`s** take `LUOT_PUBLIC_BASE_URL`, or else the address the request
  came to, which is always a trusted host (server/api's `link_base()`), because:
- **The server answers only hosts it trusts** (`HostGuard`, WSGI middleware in front of
  Socket.IO and Flask; anything else is a 400 in the one error shape). `LUOT_TRUSTED_HOSTS`
  lists them (`hcc.xa.gov.vn`, `192.168.1.10`, `.xa.gov.vn` for every name under it). When
  it is empty (the default) the box trusts what can only be itself: the address the
  connection came in on (so a LAN box reached at 192.168.1.10, or at a new DHCP address,
  works without configuration; `luot serve` passes it, server/ops/http_handler.py), its own host
  name (and `name.local`), loopback, and the host of `LUOT_PUBLIC_BASE_URL`. Loopback and the
  public base's host are trusted in either case.
- **Forwarding headers**: `X-Forwarded-For` as deep as `LUOT_TRUSTED_PROXIES` says, and the
  others (`X-Forwarded-Proto`, `-Host`, `-Port`, `-Prefix`) only those
  `LUOT_TRUSTED_PROXY_HEADERS` names; a forwarded host is checked like a `Host` header.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import re
import socket
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from werkzeug.middleware.proxy_fix import ProxyFix

from ..config import SettingsError
from ..i18n import english

log = logging.getLogger(__name__)

# Set by `luot serve`'s handler (server/ops/http_handler.py): the address the connection came in
# on, i.e. one of the box's own addresses.
LOCAL_ADDRESS = "luot.local_address"
LOOPBACK_NAMES = frozenset({"localhost"})
# ProxyFix's argument for each forwarding header a proxy may be trusted with.
FORWARDED = {
    "x-forwarded-proto": "x_proto",
    "x-forwarded-host": "x_host",
    "x-forwarded-port": "x_port",
    "x-forwarded-prefix": "x_prefix",
}
_HOST = re.compile(r"(\[[0-9a-f:.]+\]|[a-z0-9._-]+)(?::([0-9]{1,5}))?")
_NAME = re.compile(r"\.?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*")


def host_name(value: str | None) -> str | None:
    """The name or address of a `Host` value (`name`, `name:port`, `[v6]:port`), lower
    case, without the port or a final dot; None when it is not one."""
    if not value:
        return None
    match = _HOST.fullmatch(value.strip().lower())
    if match is None or (match.group(2) and not 0 < int(match.group(2)) < 65536):
        return None
    name = match.group(1)
    if name.startswith("["):
        return name[1:-1] if _address(name[1:-1]) else None
    return name.rstrip(".") or None


def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


@dataclass(frozen=True)
class Hosts:
    """The hosts this server answers to (see the module docstring)."""

    names: frozenset[str]
    suffixes: tuple[str, ...] = ()
    own_addresses: bool = False

    def allows(self, host: str | None, local_address: str | None = None) -> bool:
        """Whether a request for `host` (a `Host` value) is for this box; `local_address`
        is the address its connection came in on, where the server knows it."""
        name = host_name(host)
        if name is None:
            return False
        address = _address(name)
        if address is not None:
            if address.is_unspecified:
                return False
            if address.is_loopback or str(address) in self.names:
                return True
            return self.own_addresses and address == _address(local_address or "")
        if name in self.names or name in LOOPBACK_NAMES or name.endswith(".localhost"):
            return True
        return any(name.endswith(suffix) for suffix in self.suffixes)

    @classmethod
    def from_settings(cls, config: Mapping[str, Any], hostname: str | None = None) -> Hosts:
        """From LUOT_TRUSTED_HOSTS (and LUOT_PUBLIC_BASE_URL), or SettingsError."""
        listed = _entries(config.get("TRUSTED_HOSTS"), "LUOT_TRUSTED_HOSTS")
        names, suffixes = set(), []
        for entry in listed:
            if entry.startswith("."):
                suffixes.append(entry)
            else:
                address = _address(entry)
                names.add(str(address) if address else entry)
        base = public_base(config.get("PUBLIC_BASE_URL", ""))
        if base:
            names.add(host_name(urlsplit(base).netloc) or "")
        automatic = not listed
        if automatic:
            own = (hostname if hostname is not None else socket.gethostname()).lower()
            if own and host_name(own):
                names.update({own, f"{own}.local"})
        return cls(frozenset(names - {""}), tuple(suffixes), own_addresses=automatic)


def _entries(value: Any, variable: str) -> list[str]:
    """A list of host names or addresses: JSON list or comma-separated text."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        items: Iterable[Any] = value.split(",")
    elif isinstance(value, list | tuple):
        items = value
    else:
        raise SettingsError(f"{variable}: give host names, comma-separated or as a JSON list")
    entries = []
    for item in items:
        text = str(item).strip().lower()
        if not text:
            continue
        address = _address(text.strip("[]"))
        if address is None and (not _NAME.fullmatch(text) or text.strip(".") == ""):
            raise SettingsError(
                f"{variable}: {str(item)[:80]!r} is not a host name or address "
                "(write a name like hcc.xa.gov.vn, an address like 192.168.1.10, or "
                ".xa.gov.vn for every name under it; no scheme, port or path)"
            )
        entries.append(str(address) if address else text)
    return entries


def public_base(value: Any) -> str:
    """LUOT_PUBLIC_BASE_URL checked and without its final slash ("" when unset), or
    SettingsError: an http(s) address with a host, perhaps a path, nothing else."""
    text = str(value or "").strip()
    if not text:
        return ""
    where = f"LUOT_PUBLIC_BASE_URL={text[:80]!r}"
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises on a port out of range
    except ValueError:
        raise SettingsError(f"{where}: not an address") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SettingsError(f"{where}: write http:// or https:// and the box's address")
    if parts.username or parts.password or parts.query or parts.fragment:
        raise SettingsError(f"{where}: only the scheme, host, port and path")
    if host_name(parts.netloc) is None:
        raise SettingsError(f"{where}: {parts.netloc!r} is not a host name or address")
    return text.rstrip("/")


def proxy_headers(config: Mapping[str, Any]) -> dict[str, int]:
    """ProxyFix's arguments: X-Forwarded-For as deep as LUOT_TRUSTED_PROXIES, the other
    headers only those LUOT_TRUSTED_PROXY_HEADERS names (SettingsError otherwise)."""
    hops = int(config.get("TRUSTED_PROXIES") or 0)
    if hops < 0:
        raise SettingsError("LUOT_TRUSTED_PROXIES: a number of proxies, 0 or more")
    value = config.get("TRUSTED_PROXY_HEADERS") or []
    names = value.split(",") if isinstance(value, str) else value
    if not isinstance(names, list | tuple):
        raise SettingsError("LUOT_TRUSTED_PROXY_HEADERS: give header names, comma-separated")
    chosen = {}
    for name in names:
        key = str(name).strip().lower()
        if not key:
            continue
        if key not in FORWARDED:
            raise SettingsError(
                f"LUOT_TRUSTED_PROXY_HEADERS: {str(name)[:40]!r} is not one of "
                "X-Forwarded-Proto, X-Forwarded-Host, X-Forwarded-Port, X-Forwarded-Prefix "
                "(X-Forwarded-For is LUOT_TRUSTED_PROXIES')"
            )
        chosen[FORWARDED[key]] = hops
    if chosen and not hops:
        raise SettingsError(
            "LUOT_TRUSTED_PROXY_HEADERS needs LUOT_TRUSTED_PROXIES: how many proxies stand "
            "in front and set them"
        )
    # Each named: ProxyFix believes X-Forwarded-Proto by default.
    return {"x_for": hops, **dict.fromkeys(FORWARDED.values(), 0), **chosen} if hops else {}


def proxy_addresses(config: Mapping[str, Any]) -> tuple[ipaddress._BaseNetwork, ...]:
    """LUOT_TRUSTED_PROXY_ADDRESSES as networks (an address is a network of one), or
    SettingsError naming the entry."""
    value = config.get("TRUSTED_PROXY_ADDRESSES")
    entries = value.split(",") if isinstance(value, str) else value
    if not isinstance(entries, list | tuple):
        raise SettingsError("LUOT_TRUSTED_PROXY_ADDRESSES: give addresses, comma-separated")
    networks = []
    for entry in entries:
        text = str(entry).strip()
        if not text:
            continue
        try:
            networks.append(ipaddress.ip_network(text, strict=False))
        except ValueError:
            raise SettingsError(
                f"LUOT_TRUSTED_PROXY_ADDRESSES: {str(entry)[:60]!r} is not an address or a "
                "network (write 127.0.0.1, ::1 or 10.0.0.0/24)"
            ) from None
    return tuple(networks)


def wrap(app: Callable, config: Mapping[str, Any], hosts: Hosts) -> Callable:
    """The WSGI layers in front of Socket.IO and Flask: forwarding headers where a trusted
    proxy sent them, then the host check (so a forwarded host is checked too)."""
    guarded = HostGuard(app, hosts)
    fix = proxy_headers(config)
    if not fix:
        return guarded
    return FromProxies(guarded, ProxyFix(guarded, **fix), proxy_addresses(config))


class FromProxies:
    """WSGI middleware: a request whose peer is one of the proxies goes through ProxyFix;
    any other is served as it came, its own forwarding headers ignored (a client that
    reaches a backend directly cannot choose its address, scheme or host)."""

    def __init__(self, app: Callable, fixed: Callable, proxies: tuple) -> None:
        self.app = app
        self.fixed = fixed
        self.proxies = proxies

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        peer = _address(environ.get("REMOTE_ADDR") or "")
        if peer is not None and any(peer in network for network in self.proxies):
            return self.fixed(environ, start_response)
        return self.app(environ, start_response)


class HostGuard:
    """WSGI middleware: a request for a host this server does not trust gets 400."""

    def __init__(self, app: Callable, hosts: Hosts) -> None:
        self.app = app
        self.hosts = hosts
        self._told: set[str] = set()

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        host = environ.get("HTTP_HOST")
        if self.hosts.allows(host, environ.get(LOCAL_ADDRESS)):
            return self.app(environ, start_response)
        name = host_name(host)
        self._tell(name or "")
        message = english("unknown_host", host=name) if name else english("no_host")
        from ..api.errors import error_body  # the API package imports this module

        body = json.dumps(error_body("unknown_host", message), ensure_ascii=False).encode()
        start_response(
            "400 Bad Request",
            [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
        )
        return [body]

    def _tell(self, name: str) -> None:
        """Once per host (the first 100): an operator adding a name sees why it fails."""
        if name in self._told or len(self._told) >= 100:
            return
        self._told.add(name)
        log.warning(
            "Refused requests for host %r: not one of this server's (LUOT_TRUSTED_HOSTS, "
            "LUOT_PUBLIC_BASE_URL, docs/SETTINGS.md)",
            name or "(none)",
        )
