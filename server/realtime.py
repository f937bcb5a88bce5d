"""Socket.IO: clients join rooms and get a snapshot; the engine's events are emitted to rooms.

Rooms: `office:<code>` (displays), `counter:<id>` (an officer's console, needs a token of
the office), `ticket:<token>` (one citizen's phone). The publisher uses the context-free
`socketio.emit`, so it works from requests, the CLI or a worker, and through Redis when
`REDIS_URL` is set.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from typing import Any

from flask import current_app, request, session
from flask_login import current_user
from flask_socketio import ConnectionRefusedError, SocketIO, join_room, leave_room

from . import accounts
from .auth import STAFF, Principal, principal_for_token
from .engine import Engine, EngineError, Event, counter_room, office_room, ticket_room
from .engine.documents import MAX_ID
from .engine.events import Refresh, device_room, rating_room, staff_room
from .input_guard import BadInput, check_text
from .print_queue import PrintQueue

log = logging.getLogger(__name__)


def publisher(
    socketio: SocketIO,
    print_queue: PrintQueue | None = None,
    credentials: SocketCredentials | None = None,
) -> Callable[[Event], None]:
    """Emit each event to its rooms; print jobs for server-side printers go to the queue,
    and a revocation makes this process re-check its open sockets at once."""

    def publish(event: Event) -> None:
        if event.name == "credentials_revoked":
            if credentials is not None:
                credentials.check_soon()
            return
        if print_queue is not None and print_queue.on_event(event):
            return
        for room in event.rooms:
            socketio.emit(event.name, event.payload, to=room)

    return publish


class Fanout:
    """Sends the snapshots the engine owes, coalesced per office.

    A burst of changes (a queue of kiosk taps, many counters calling) costs one refresh per
    `delay` instead of one per change. The calls themselves (`ticket_called`, ...) are not
    delayed: the engine publishes those right after each commit.
    """

    def __init__(self, socketio: SocketIO, engine: Engine, delay: float = 0.1) -> None:
        self.socketio = socketio
        self.engine = engine
        self.delay = delay
        self._pending: dict[int, Refresh] = {}
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._started = False

    def defer(self, refresh: Refresh) -> None:
        with self._lock:
            if refresh.office_id in self._pending:
                self._pending[refresh.office_id].merge(refresh)
            else:
                self._pending[refresh.office_id] = refresh
            if not self._started:
                self._started = True
                self.socketio.start_background_task(self._run)
        self._wake.set()

    def _run(self) -> None:
        while True:
            self._wake.wait()
            self.socketio.sleep(self.delay)
            self._wake.clear()
            with self._lock:
                pending, self._pending = self._pending, {}
            for refresh in pending.values():
                try:
                    for event in self.engine.refresh_events(refresh):
                        self.engine.publish(event)
                        self.socketio.sleep(0)  # let calls and requests through meanwhile
                except Exception:
                    log.exception("refreshing office %s failed", refresh.office_id)


class SocketCredentials:
    """What each open socket of this process signed in with, re-checked against the
    database: a socket whose session or token was revoked (sign-out elsewhere, a password
    change, deactivation, a new device token) is disconnected. The process that revoked
    checks at once; every process also checks every `every` seconds, so revocation
    reaches sockets of other processes without any message between them."""

    def __init__(self, socketio: SocketIO, db, lifetime: Callable[[], dt.timedelta],
                 every: float = 2.0) -> None:
        self.socketio = socketio
        self.db = db
        self.lifetime = lifetime
        self.every = every
        self._sockets: dict[str, str] = {}
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._started = False

    def connected(self, sid: str, credential: str) -> None:
        with self._lock:
            self._sockets[sid] = credential
            if not self._started:
                self._started = True
                self.socketio.start_background_task(self._run)

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
            live = accounts.live_credentials(session, set(sockets.values()),
                                             dt.datetime.now(dt.UTC), self.lifetime())
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
        self._started = False

    def connected(self, sid: str, device_id: int) -> None:
        with self._lock:
            self._devices[sid] = device_id
            if not self._started:
                self._started = True
                self.socketio.start_background_task(self._heartbeat)
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


def _error(code: str, message: str) -> dict[str, Any]:
    return {"ok": False, "error": code, "message": message}


def _plausible_token(token: str) -> bool:
    try:
        check_text(token)
    except BadInput:
        return False
    return len(token) <= 200


def _plausible(value: Any) -> bool:
    """A room's name as the database could hold it: ids that fit, short clean text."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return 1 <= value <= MAX_ID
    if isinstance(value, str):
        try:
            check_text(value)
        except BadInput:
            return False
        return 0 < len(value) <= 64
    return False


def register_handlers(socketio: SocketIO) -> None:
    """Connect (optional token), join/leave with an immediate snapshot."""

    def engine() -> Engine:
        return current_app.extensions["luot.engine"]

    def presence() -> Presence:
        return current_app.extensions["luot.presence"]

    @socketio.on_error_default
    def on_error(exc: Exception) -> dict[str, Any]:
        """Whatever went wrong, the client's callback gets an answer in the error shape."""
        log.exception("Socket.IO handler failed", exc_info=exc)
        return _error("internal_error", "The server could not handle this message.")

    @socketio.on("connect")
    def on_connect(auth: dict | None = None):
        """A token in `auth`, else the signed-in officer's session cookie, else anonymous."""
        token = auth.get("token") if isinstance(auth, dict) else None
        principal = None
        if token is not None and not (isinstance(token, str) and _plausible_token(token)):
            raise ConnectionRefusedError("invalid token")
        if token:
            principal = principal_for_token(current_app.extensions["luot.db"], str(token))
            if principal is None:
                raise ConnectionRefusedError("invalid token")
        elif current_user.is_authenticated:
            principal = current_user.principal
        # Flask-SocketIO keeps a per-connection copy of the session on the server.
        session["socket_principal"] = principal
        if principal is not None and principal.credential:
            current_app.extensions["luot.socket_credentials"].connected(
                request.sid, principal.credential)
        if principal is not None and principal.is_device:
            presence().connected(request.sid, principal.device_id)

    @socketio.on("disconnect")
    def on_disconnect(*_reason):
        current_app.extensions["luot.socket_credentials"].disconnected(request.sid)
        presence().disconnected(request.sid)

    def resolve(data: Any) -> tuple[str, Callable[[], dict[str, Any]]]:
        """The room asked for and how to build its snapshot, or EngineError/ValueError."""
        if not isinstance(data, dict) or len(data) != 1:
            raise ValueError('Send exactly one of {"office": CODE}, {"counter": ID}, '
                             '{"ticket": TOKEN}.')
        (kind, value), = data.items()
        if not _plausible(value):
            raise ValueError("A room is named by a code or token (text) or an id (1 to 2^63-1).")
        if kind == "office" and isinstance(value, str):
            engine().office_id(value)
            return office_room(value), lambda: engine().snapshot(value)
        if kind == "ticket" and isinstance(value, str):
            engine().ticket_by_token(value)
            return ticket_room(value), lambda: {"ticket": engine().ticket_by_token(value)}
        principal: Principal | None = session.get("socket_principal")
        if kind == "counter" and isinstance(value, int) and not isinstance(value, bool):
            office_id = engine().office_of("counter", value)
            if principal is None or not principal.has_role(*STAFF) or not principal.may_act_in(
                office_id
            ):
                raise PermissionError("A counter room needs a token of an officer of its office.")
            return counter_room(value), lambda: engine().counter_snapshot(value)
        if kind == "staff" and isinstance(value, str):
            office_id = engine().office_id(value)
            if principal is None or not principal.has_role(*STAFF) or not principal.may_act_in(
                office_id
            ):
                raise PermissionError("The staff room needs a token of an officer of the office.")
            return staff_room(value), lambda: {"devices": engine().devices(value)}
        if kind == "rating" and isinstance(value, int) and not isinstance(value, bool):
            office_id = engine().office_of("counter", value)
            allowed = principal is not None and (
                (principal.role == "rating"
                 and engine().device(principal.device_id)["counter_id"] == value)
                or (principal.has_role(*STAFF) and principal.may_act_in(office_id))
            )
            if not allowed:
                raise PermissionError("Only the counter's rating screen or its staff.")
            return rating_room(value), lambda: engine().rating_prompt(value)
        if kind == "device" and isinstance(value, int) and not isinstance(value, bool):
            if principal is None or principal.device_id != value:
                raise PermissionError("Only the device itself may join its room.")
            return device_room(value), lambda: {"device": engine().device(value)}
        raise ValueError(f"Cannot join {kind!r} with {value!r}.")

    @socketio.on("join")
    def on_join(data: Any = None):
        try:
            room, snapshot = resolve(data)
        except EngineError as exc:
            return _error(exc.code, exc.message)
        except PermissionError as exc:
            return _error("forbidden", str(exc))
        except ValueError as exc:
            return _error("bad_request", str(exc))
        # Join first, then read: a change made in between arrives after, never lost.
        join_room(room)
        socketio.emit("snapshot", {"room": room, **snapshot()}, to=request.sid)
        return {"ok": True, "room": room}

    def print_queue():
        return current_app.extensions["luot.print_queue"]

    def agent_device() -> int | None:
        principal: Principal | None = session.get("socket_principal")
        return principal.device_id if principal and principal.role == "kiosk" else None

    @socketio.on("pending_prints")
    def on_pending_prints(_data: Any = None):
        """A kiosk agent, (re)connected, asks which of its jobs still wait."""
        device_id = agent_device()
        if device_id is None:
            return _error("forbidden", "Only a kiosk may ask for its print jobs.")
        return {"ok": True, "jobs": engine().pending_print_jobs(device_id)}

    @socketio.on("claim_print")
    def on_claim_print(data: Any = None):
        """The bytes of one job, once: a second claim (a retry, another agent) gets nothing."""
        device_id = agent_device()
        if device_id is None:
            return _error("forbidden", "Only a kiosk may claim print jobs.")
        job_id = data.get("job") if isinstance(data, dict) else None
        if not isinstance(job_id, int) or not _plausible(job_id):
            return _error("bad_request", 'Send {"job": ID}.')
        claimed = print_queue().claim_for_agent(job_id, device_id)
        if claimed is None:
            return _error("conflict", "That job is not waiting for this kiosk.")
        return {"ok": True, **claimed}

    @socketio.on("print_result")
    def on_print_result(data: Any = None):
        device_id = agent_device()
        if device_id is None:
            return _error("forbidden", "Only a kiosk may report printing.")
        if not isinstance(data, dict) or not isinstance(data.get("job"), int) or not _plausible(
            data["job"]
        ):
            return _error("bad_request", 'Send {"job": ID, "ok": bool, "error": TEXT}.')
        try:
            job = engine().settle_print_job(
                data["job"],
                bool(data.get("ok")),
                str(data.get("error") or "")[:500] or None,
                data.get("bytes_sent") if isinstance(data.get("bytes_sent"), int) else None,
                device_id=device_id,
            )
        except EngineError as exc:
            return _error(exc.code, exc.message)
        return {"ok": True, "job": job}

    @socketio.on("leave")
    def on_leave(data: Any = None):
        try:
            room, _snapshot = resolve(data)
        except (EngineError, PermissionError, ValueError) as exc:
            return _error("bad_request", str(exc))
        leave_room(room)
        return {"ok": True, "room": room}
