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
from ..workers.loop import OnDemand
from .connections import SocketCredentials
from .redis_queue import QueueManager
from .rooms import local_rooms

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

    With `rooms_are_local`, counter and ticket rooms are built only for the sockets this
    process holds (a socket that joins later gets its snapshot then): after a call, the
    places of the whole line go only to the phones that follow them. With several
    processes, `share` hands each local write's refresh to the others, which build it for
    their own sockets (`defer(refresh, from_peer=True)`) and send it with `emit_here`; the
    office snapshot, the same for everyone, is built once by the writer and published.
    """

    def __init__(
        self,
        socketio: SocketIO,
        engine: Engine,
        delay: float = 0.1,
        rooms_are_local: bool = False,
        share: Callable[[Refresh], None] | None = None,
        emit_here: Callable[[Event], None] | None = None,
    ) -> None:
        self.socketio = socketio
        self.engine = engine
        self.delay = delay
        self.rooms_are_local = rooms_are_local
        self.share = share
        self.emit_here = emit_here or engine.publish
        self._pending: dict[tuple[int, bool], Refresh] = {}
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._worker = OnDemand(socketio, self._run)

    def defer(self, refresh: Refresh, from_peer: bool = False) -> None:
        key = (refresh.office_id, from_peer)
        with self._lock:
            if key in self._pending:
                self._pending[key].merge(refresh)
            else:
                self._pending[key] = refresh
        self._worker.start()
        self._wake.set()

    def _run(self) -> None:
        while True:
            self._wake.wait()
            self.socketio.sleep(self.delay)
            self._wake.clear()
            with self._lock:
                pending, self._pending = self._pending, {}
            present = set(local_rooms(self.socketio)) if self.rooms_are_local else None
            wanted = present.__contains__ if present is not None else None
            for (office_id, from_peer), refresh in pending.items():
                try:
                    if self.share is not None and not from_peer:
                        self.share(refresh)
                    events = self.engine.refresh_events(refresh, wanted, office=not from_peer)
                    for event in events:
                        if event.rooms[0].startswith("office:"):
                            self.engine.publish(event)
                        else:
                            self.emit_here(event)
                        self.socketio.sleep(0)  # let calls and requests through meanwhile
                except Exception:
                    log.exception("refreshing office %s failed", office_id)


def fanout(
    socketio: SocketIO, engine: Engine, delay: float, queue_url: str, manager: QueueManager | None
) -> Fanout:
    """The fan-out for this process: alone (no queue), one of several sharing refreshes
    through our Redis manager, or, behind any other message queue, building every room
    and publishing it through the queue."""
    if not queue_url:
        return Fanout(socketio, engine, delay, rooms_are_local=True)
    if manager is None:
        return Fanout(socketio, engine, delay)

    def emit_here(event: Event) -> None:
        for room in event.rooms:
            manager.emit_here(event.name, event.payload, room)

    shared = Fanout(
        socketio,
        engine,
        delay,
        rooms_are_local=True,
        share=lambda refresh: manager.share_refresh(refresh.to_dict()),
        emit_here=emit_here,
    )
    manager.on_refresh = lambda data: shared.defer(Refresh.from_dict(data), from_peer=True)
    return shared


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
