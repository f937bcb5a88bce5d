"""The one way this package runs a background loop: started by the first call that needs
it, once per process, on Socket.IO's own task runner (a greenlet under gevent)."""

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
