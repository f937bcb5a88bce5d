"""Who is connected to this process: device screens (kept fresh in the database for the
manager's overview) and every socket's sign-in (re-checked, so a revoked one is closed).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable

from flask_socketio import SocketIO

from ..db import Database
from ..engine import Engine, credentials
from ..workers.loop import OnDemand

log = logging.getLogger(__name__)


class SocketCredentials:
    """What each open socket of this process signed in with, re-checked against the
    database: a socket whose session or token was revoked (sign-out elsewhere, a password
    change, deactivation, a new device token) is disconnected. The process that revoked
    checks at once; every process also checks every `every` seconds, so revocation
    reaches sockets of other processes without any message between them."""

    def __init__(
        self,
        socketio: SocketIO,
        db: Database,
        lifetime: Callable[[], dt.timedelta],
        every: float = 2.0,
    ) -> None:
        self.socketio = socketio
        self.db = db
        self.lifetime = lifetime
        self.every = every
        self._sockets: dict[str, str] = {}
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._worker = OnDemand(socketio, self._run)

    def connected(self, sid: str, credential: str) -> None:
        with self._lock:
            self._sockets[sid] = credential
        self._worker.start()

    def disconnected(self, sid: str) -> None:
        with self._lock:
            self._sockets.pop(sid, None)

    def check_soon(self) -> None:
        self._wake.set()

    def check(self) -> list[str]:
        """Disconnect sockets whose credential no longer stands; their sids."""
        with self._lock:
            sockets = dict(self._sockets)
        if not sockets:
            return []
        with self.db.read() as session:
            live = credentials.live_credentials(
                session, set(sockets.values()), dt.datetime.now(dt.UTC), self.lifetime()
            )
        stale = [sid for sid, credential in sockets.items() if credential not in live]
        for sid in stale:
            self.disconnected(sid)
            try:
                self.socketio.server.disconnect(sid)
            except Exception:
                log.exception("closing revoked socket %s failed", sid)
        if stale:
            log.info("closed %d socket(s) whose sign-in was revoked", len(stale))
        return stale

    def _run(self) -> None:
        while True:
            # Event.wait blocks a gevent loop only as long as the timeout; sleep yields.
            for _ in range(max(1, int(self.every / 0.1))):
                if self._wake.is_set():
                    break
                self.socketio.sleep(0.1)
            self._wake.clear()
            try:
                self.check()
            except Exception:
                log.exception("re-checking socket credentials failed")


class Presence:
    """Which device screens are connected to this process, kept fresh in the database so
    the manager's overview can tell a dead display from a live one."""

    def __init__(self, socketio: SocketIO, engine: Engine, every: float = 30.0) -> None:
        self.socketio = socketio
        self.engine = engine
        self.every = every
        self._devices: dict[str, int] = {}
        self._lock = threading.Lock()
        self._worker = OnDemand(socketio, self._heartbeat)

    def connected(self, sid: str, device_id: int) -> None:
        with self._lock:
            self._devices[sid] = device_id
        self._worker.start()
        self.engine.device_presence([device_id], True)

    def disconnected(self, sid: str) -> None:
        with self._lock:
            device_id = self._devices.pop(sid, None)
            still = device_id in self._devices.values()
        if device_id is not None and not still:
            self.engine.device_presence([device_id], False)

    def _heartbeat(self) -> None:
        while True:
            self.socketio.sleep(self.every)
            with self._lock:
                device_ids = sorted(set(self._devices.values()))
            try:
                self.engine.device_presence(device_ids, None)
            except Exception:
                log.exception("device heartbeat failed")
