"""How much of Socket.IO one client may take: sessions per address, events per socket.

20,000 polling handshakes from one address were all accepted (+230 MB, still held 50 s
later: each is an engine.io session until its pings time out), and 3,000 `join`s from one
anonymous socket each got a full snapshot while every other client waited 2.8 s. So, in
each server process:

- a handshake from an address (an IPv6 /64: one host has all of it) that already holds
  LUOT_SOCKETIO_MAX_PER_ADDRESS sessions is refused with 429 in the one error shape before
  any session is made (the address as `LUOT_TRUSTED_PROXIES` makes it: the WSGI layers in
  front have set it);
- a socket that sends more than LUOT_SOCKETIO_EVENTS events in
  LUOT_SOCKETIO_EVENTS_SECONDS has each further one refused without its work (no snapshot,
  no claim), and is disconnected once it has been refused as many times again.
"""

from __future__ import annotations

import functools
import ipaddress
import json
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

from ..i18n import english

# A socket refused this many events (past its budget) is disconnected.
STRIKES = 20


def address_key(address: str | None) -> str:
    """What one client is counted by: its IPv4 address, or its IPv6 /64."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return address or "unknown"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


class SocketLimits:
    """One process's count of engine.io sessions per address and of events per socket."""

    def __init__(
        self,
        per_address: int,
        events: int,
        seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.per_address = per_address
        self.events = events
        self.seconds = seconds
        self.clock = clock
        self._lock = threading.Lock()
        self._address_of: dict[str, str] = {}  # engine.io session → address key
        self._sessions: Counter[str] = Counter()  # address key → sessions
        self._windows: dict[str, tuple[float, int]] = {}  # socket → (window start, events)
        self._refused: Counter[str] = Counter()

    # -- sessions per address

    def full(self, address: str | None) -> bool:
        """Whether a new session from `address` would be past the cap."""
        if self.per_address <= 0:
            return False
        with self._lock:
            return self._sessions[address_key(address)] >= self.per_address

    def admit(self, session: str, address: str | None) -> bool:
        """Count a new session, unless its address holds the most already."""
        key = address_key(address)
        with self._lock:
            if 0 < self.per_address <= self._sessions[key]:
                return False
            self._address_of[session] = key
            self._sessions[key] += 1
            return True

    def release(self, session: str) -> None:
        with self._lock:
            key = self._address_of.pop(session, None)
            if key is None:
                return
            self._sessions[key] -= 1
            if self._sessions[key] <= 0:
                del self._sessions[key]

    def sessions(self, address: str | None) -> int:
        with self._lock:
            return self._sessions[address_key(address)]

    # -- events per socket

    def allow(self, socket: str) -> bool:
        """Count one event of `socket`; False when it is past its budget."""
        if self.events <= 0:
            return True
        now = self.clock()
        with self._lock:
            start, count = self._windows.get(socket, (now, 0))
            if now - start >= self.seconds:
                start, count = now, 0
            if count >= self.events:
                self._refused[socket] += 1
                return False
            self._windows[socket] = (start, count + 1)
            return True

    def worn_out(self, socket: str) -> bool:
        """Whether `socket` went on sending long past its budget (to be disconnected)."""
        with self._lock:
            return self._refused[socket] >= STRIKES

    def forget(self, socket: str) -> None:
        with self._lock:
            self._windows.pop(socket, None)
            self._refused.pop(socket, None)

    # -- wiring

    def install(self, server: Any) -> None:
        """Count the sessions of a python-socketio server's engine.io (its own connect and
        disconnect handlers still run, after ours)."""
        eio = server.eio
        connect, disconnect = eio.handlers["connect"], eio.handlers["disconnect"]

        def on_connect(session: str, environ: dict[str, Any]) -> Any:
            # The gate refuses first, in the one error shape; this holds should two
            # handshakes race past it (engine.io then answers 401).
            if not self.admit(session, environ.get("REMOTE_ADDR")):
                return False
            try:
                return connect(session, environ)
            except Exception:
                self.release(session)
                raise

        def on_disconnect(session: str, reason: Any = None) -> Any:
            self.release(session)
            return disconnect(session, reason)

        eio.on("connect", on_connect)
        eio.on("disconnect", on_disconnect)

    def gate(self, app: Callable, path: str = "socket.io") -> Callable:
        """WSGI middleware: a handshake past the cap answered 429 before engine.io."""
        prefix = f"/{path.strip('/')}"

        def gated(environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
            where = environ.get("PATH_INFO", "")
            handshake = (where == prefix or where.startswith(prefix + "/")) and (
                "sid" not in parse_qs(environ.get("QUERY_STRING", ""))
            )
            if handshake and self.full(environ.get("REMOTE_ADDR")):
                return self._refuse(start_response)
            return app(environ, start_response)

        return gated

    def _refuse(self, start_response: Callable) -> Iterable[bytes]:
        from ..api.errors import error_body  # the API package imports realtime

        message = english("too_many_sockets", limit=self.per_address)
        body = json.dumps(error_body("too_many_connections", message), ensure_ascii=False).encode()
        start_response(
            "429 Too Many Requests",
            [
                ("Content-Type", "application/json"),
                ("Content-Length", str(len(body))),
                ("Retry-After", "30"),
            ],
        )
        return [body]


def limited(handler: Callable[..., Any]) -> Callable[..., Any]:
    """A socket event handler run only while its socket is within its budget; past it, a
    refusal in the one error shape, and past that long enough, the socket disconnected."""

    @functools.wraps(handler)
    def wrapped(*args: Any) -> Any:
        from flask import request
        from flask_socketio import disconnect

        from .. import current
        from .protocol import refusal

        limits = current.socket_limits()
        if limits.allow(request.sid):
            return handler(*args)
        if limits.worn_out(request.sid):
            disconnect()
        return refusal(
            "too_many_requests",
            english("too_many_events", events=limits.events, seconds=f"{limits.seconds:g}"),
        )

    return wrapped
