"""Keeping this process's own screens right while Redis cannot share events."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from flask_socketio import SocketIO
from sqlalchemy import func, select

from ..engine import Engine, EngineError
from ..models import AuditEntry, CounterEvent, PrintJob, Rating, TicketEvent
from ..workers.loop import OnDemand
from .redis_queue import QueueManager
from .rooms import local_rooms, room_messages

log = logging.getLogger(__name__)


def change_marker(engine: Engine) -> tuple:
    """Newest ids of what screens show: if none moved, no snapshot needs sending again."""
    columns = (TicketEvent.id, CounterEvent.id, Rating.id, PrintJob.id, AuditEntry.id)
    with engine.db.read() as session:
        return tuple(
            session.execute(select(*(select(func.max(c)).scalar_subquery() for c in columns))).one()
        )


class Resync:
    """Keeps this process's own screens right when Redis cannot.

    While Redis is down: every `every` seconds, if the database changed, a fresh snapshot
    (the one `join` sends) to every room this process hosts, so changes made through other
    processes still show and a missed call appears (announced if still recent). When Redis
    is back, when this process's subscription starts, or when another process asks: once,
    to every room.
    """

    def __init__(
        self,
        socketio: SocketIO,
        engine: Engine,
        every: float = 1.5,
        on_state: Callable[[], None] | None = None,
    ) -> None:
        self.socketio = socketio
        self.engine = engine
        self.every = every
        self.on_state = on_state
        self._owed = False
        self._marker: tuple | None = None
        self._wake = threading.Event()
        self._worker = OnDemand(socketio, self._run)

    def manager(self) -> QueueManager | None:
        manager = self.socketio.server.manager if self.socketio.server else None
        return manager if isinstance(manager, QueueManager) else None

    def queue_changed(self, up: bool, refresh: bool) -> None:
        """The manager's `on_change`."""
        if refresh:
            self._owed = True
        self._worker.start()
        self._wake.set()
        if self.on_state is not None:
            self.on_state()

    def requested(self) -> None:
        """The manager's `on_resync`: another process dropped messages."""
        self._owed = True
        self._worker.start()
        self._wake.set()

    def _run(self) -> None:
        while True:
            manager = self.manager()
            self._wake.wait(self.every if manager is not None and not manager.up else None)
            self._wake.clear()
            try:
                self.tick()
            except Exception:
                log.exception("refreshing this process's screens failed")

    def tick(self) -> int:
        """One round; the number of messages sent."""
        manager = self.manager()
        if manager is not None and not manager.publishing:
            manager.probe()
        degraded = manager is not None and not manager.up
        owed, self._owed = self._owed, False
        if not owed and not degraded:
            return 0
        marker = change_marker(self.engine)
        if not owed and marker == self._marker:
            return 0
        self._marker = marker
        return self.refresh_local_rooms()

    def refresh_local_rooms(self) -> int:
        sent = 0
        for room in local_rooms(self.socketio):
            try:
                messages = room_messages(self.engine, room)
            except (EngineError, ValueError):
                continue  # a ticket of another day, a device removed: nothing to send
            for name, payload in messages:
                self.socketio.emit(name, payload, to=room, ignore_queue=True)
                sent += 1
            self.socketio.sleep(0)  # let calls and requests through meanwhile
        return sent
