"""The one way this package runs a background loop: started by the first call that needs
it, once per process, on Socket.IO's own task runner (a greenlet under gevent)."""

from __future__ import annotations

import threading
from collections.abc import Callable

from flask_socketio import SocketIO


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
