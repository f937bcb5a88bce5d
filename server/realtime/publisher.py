"""From the engine's events to Socket.IO rooms.

`publisher` is what the engine calls after each commit; it uses the context-free
`socketio.emit`, so it works from requests, the CLI or a worker, and through Redis when
`REDIS_URL` is set (`QueueManager`). `Fanout` sends the snapshots the engine owes,
coalesced per office. `health_publisher` tells staff rooms about a change of faults.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from flask_socketio import SocketIO

from ..engine import Engine, Event
from ..engine.events import Refresh, staff_room
from .presence import SocketCredentials
from .rooms import local_rooms
from .workers import OnDemand

log = logging.getLogger(__name__)


def publisher(
    socketio: SocketIO, credentials: SocketCredentials | None = None
) -> Callable[[Event], None]:
    """Emit each event to its rooms, and on a revocation re-check this process's open
    sockets at once. (Print jobs never get here: the print worker listens to the engine's
    outbox itself.)"""

    def publish(event: Event) -> None:
        if event.name == "credentials_revoked":
            if credentials is not None:
                credentials.check_soon()
            return
        for room in event.rooms:
            socketio.emit(event.name, event.payload, to=room)

    return publish


class Fanout:
    """Sends the snapshots the engine owes, coalesced per office.

    A burst of changes (a queue of kiosk taps, many counters calling) costs one refresh per
    `delay` instead of one per change. The calls themselves (`ticket_called`, ...) are not
    delayed: the engine publishes those right after each commit.

    With `rooms_are_local` (one process, no Redis: every socket is here) counter and ticket
    rooms nobody is in get nothing built: after a call, the places of the whole line go
    only to the phones that follow them. A socket that joins later gets its snapshot then.
    """

    def __init__(
        self, socketio: SocketIO, engine: Engine, delay: float = 0.1, rooms_are_local: bool = False
    ) -> None:
        self.socketio = socketio
        self.engine = engine
        self.delay = delay
        self.rooms_are_local = rooms_are_local
        self._pending: dict[int, Refresh] = {}
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._worker = OnDemand(socketio, self._run)

    def defer(self, refresh: Refresh) -> None:
        with self._lock:
            if refresh.office_id in self._pending:
                self._pending[refresh.office_id].merge(refresh)
            else:
                self._pending[refresh.office_id] = refresh
        self._worker.start()
        self._wake.set()

    def _run(self) -> None:
        while True:
            self._wake.wait()
            self.socketio.sleep(self.delay)
            self._wake.clear()
            with self._lock:
                pending, self._pending = self._pending, {}
            for refresh in pending.values():
                wanted = (
                    set(local_rooms(self.socketio)).__contains__ if self.rooms_are_local else None
                )
                try:
                    for event in self.engine.refresh_events(refresh, wanted):
                        self.engine.publish(event)
                        self.socketio.sleep(0)  # let calls and requests through meanwhile
                except Exception:
                    log.exception("refreshing office %s failed", refresh.office_id)


def health_publisher(socketio: SocketIO, engine: Engine) -> Callable[[dict[str, Any]], None]:
    """Sends a change of faults to every office's staff room (`health_changed`)."""

    def publish(report: dict[str, Any]) -> None:
        try:
            rooms = {staff_room(office["code"]) for office in engine.offices()}
        except Exception:  # noqa: BLE001 - the database may be the fault: tell who is here
            rooms = set()
        rooms |= {room for room in local_rooms(socketio) if room.startswith("staff:")}
        if rooms:
            engine.publish(Event("health_changed", tuple(sorted(rooms)), report))

    return publish
