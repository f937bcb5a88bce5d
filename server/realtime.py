"""Socket.IO: clients join rooms and get a snapshot; the engine's events are emitted to rooms.

Rooms: `office:<code>` (displays), `counter:<id>` (an officer's console, needs a token of
the office), `ticket:<token>` (one citizen's phone). The publisher uses the context-free
`socketio.emit`, so it works from requests, the CLI or a worker, and through Redis when
`REDIS_URL` is set.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from flask import current_app, request, session
from flask_socketio import SocketIO, join_room, leave_room

from .auth import Principal, principal_for_token
from .engine import Engine, EngineError, Event, counter_room, office_room, ticket_room
from .engine.events import Refresh

log = logging.getLogger(__name__)


def publisher(socketio: SocketIO) -> Callable[[Event], None]:
    def publish(event: Event) -> None:
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


def _error(code: str, message: str) -> dict[str, Any]:
    return {"ok": False, "error": code, "message": message}


def register_handlers(socketio: SocketIO) -> None:
    """Connect (optional token), join/leave with an immediate snapshot."""

    def engine() -> Engine:
        return current_app.extensions["luot.engine"]

    @socketio.on("connect")
    def on_connect(auth: dict | None = None):
        token = auth.get("token") if isinstance(auth, dict) else None
        principal = None
        if token:
            principal = principal_for_token(current_app.extensions["luot.db"], str(token))
            if principal is None:
                raise ConnectionRefusedError("invalid token")
        # Flask-SocketIO keeps a per-connection copy of the session on the server.
        session["socket_principal"] = principal

    def resolve(data: Any) -> tuple[str, Callable[[], dict[str, Any]]]:
        """The room asked for and how to build its snapshot, or EngineError/ValueError."""
        if not isinstance(data, dict) or len(data) != 1:
            raise ValueError('Send exactly one of {"office": CODE}, {"counter": ID}, '
                             '{"ticket": TOKEN}.')
        (kind, value), = data.items()
        if kind == "office" and isinstance(value, str):
            engine().office_id(value)
            return office_room(value), lambda: engine().snapshot(value)
        if kind == "ticket" and isinstance(value, str):
            engine().ticket_by_token(value)
            return ticket_room(value), lambda: {"ticket": engine().ticket_by_token(value)}
        if kind == "counter" and isinstance(value, int) and not isinstance(value, bool):
            office_id = engine().office_of("counter", value)
            principal: Principal | None = session.get("socket_principal")
            if principal is None or not principal.may_act_in(office_id):
                raise PermissionError("A counter room needs a token of an officer of its office.")
            return counter_room(value), lambda: engine().counter_snapshot(value)
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

    @socketio.on("leave")
    def on_leave(data: Any = None):
        try:
            room, _snapshot = resolve(data)
        except (EngineError, PermissionError, ValueError) as exc:
            return _error("bad_request", str(exc))
        leave_room(room)
        return {"ok": True, "room": room}
