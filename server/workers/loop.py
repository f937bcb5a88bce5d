"""The one way Lượt runs a background loop: started by the first call that needs it, once
per process, on Socket.IO's own task runner (a greenlet under gevent); a worker's loop
(`WakeableLoop`) also woken by the commits that wrote its work."""

from __future__ import annotations

import threading
from collections.abc import Callable

from flask_socketio import SocketIO
from sqlalchemy import event
from sqlalchemy.orm import Session

from ..db import Database


class OnDemand:
    """`loop` runs in the background from the first `start()` on; later calls do nothing."""

    def __init__(self, socketio: SocketIO, loop: Callable[[], None]) -> None:
        self.socketio = socketio
        self.loop = loop
        self._lock = threading.Lock()
        self._started = False

    def start(self) -> None:
        with self._lock:
            if self._started:
                return
            self._started = True
        self.socketio.start_background_task(self.loop)


def wake_on_commit(db: Database, flag: str, wake: Callable[[], None]) -> None:
    """Call `wake` after each commit of a session whose `info` has `flag` set (by what it
    wrote: a message, a journal entry); a rollback just drops the flag."""

    def committed(session: Session) -> None:
        if session.info.pop(flag, False):
            wake()

    event.listen(db.sessions, "after_commit", committed)
    event.listen(db.sessions, "after_soft_rollback", lambda session, _tx: session.info.pop(flag, 0))


class WakeableLoop:
    """A worker's loop: armed by `serve()` (only `luot serve` runs loops), started by the
    first `wake()` after that, and woken by each commit whose session carries `woken_by`
    (set by whatever wrote the loop's work: a message, a journal entry)."""

    woken_by = ""

    def __init__(self, socketio: SocketIO | None) -> None:
        self._worker = OnDemand(socketio, self._run) if socketio is not None else None
        self._wake = threading.Event()
        self._halt = threading.Event()
        self._armed = False
        self.running = False

    def _run(self) -> None:
        raise NotImplementedError

    def arm(self) -> None:
        self._armed = True

    def wake(self) -> None:
        if not self._armed or self._worker is None:
            return
        self._worker.start()
        self._wake.set()

    def rest(self, seconds: float, *, woken: bool = True) -> None:
        """Wait `seconds`, or less when a commit wakes the loop; with `woken=False` (a backoff
        after a failure) the whole time, so a busy office's commits cannot turn a retry
        every few seconds into one per ticket. `halt()` ends either wait."""
        if woken:
            self._wake.wait(seconds)
        else:
            self._halt.wait(seconds)

    def halt(self) -> None:
        """Ask the loop to end after the step it is in (tests; a loop otherwise runs until
        the process ends)."""
        self._halt.set()
        self._wake.set()

    @property
    def halted(self) -> bool:
        return self._halt.is_set()

    def watch(self, db: Database) -> None:
        """Wake on each commit that wrote this loop's work."""
        wake_on_commit(db, self.woken_by, lambda: self.wake())
