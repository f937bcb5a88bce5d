"""A real python-socketio client that records what it receives and can wait for it."""

from __future__ import annotations

import threading
import time
from typing import Any

import socketio


class Listener:
    """Connects (over WebSocket by default), joins rooms, and keeps every event with its
    arrival time."""

    def __init__(
        self,
        url: str,
        auth: dict | None = None,
        reconnect: bool = False,
        transports: tuple[str, ...] = ("websocket",),
    ) -> None:
        """Over WebSocket, or `transports=("polling",)` for Engine.IO's long-polling."""
        self.client = socketio.Client(reconnection=reconnect, reconnection_delay=0.2)
        self.received: list[tuple[float, str, dict[str, Any]]] = []
        self._changed = threading.Condition()
        self.client.on("*", self._record)
        self.client.connect(url, transports=list(transports), auth=auth, wait_timeout=10)

    def _record(self, name: str, data: dict[str, Any]) -> None:
        """Catch-all handler: every event the server sends, in arrival order."""
        with self._changed:
            self.received.append((time.perf_counter(), name, data))
            self._changed.notify_all()

    def join(self, **room: Any) -> dict[str, Any]:
        return self.client.call("join", room, timeout=10)

    def wait_for(self, name: str, predicate=lambda data: True, timeout: float = 10.0):
        """The first `name` event matching `predicate`, waiting up to `timeout` seconds."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for _at, event, data in self.received:
                    if event == name and predicate(data):
                        return data
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    names = [event for _at, event, _data in self.received]
                    raise TimeoutError(f"no {name} within {timeout}s; got {names}")
                self._changed.wait(remaining)

    def events(self, name: str) -> list[dict[str, Any]]:
        with self._changed:
            return [data for _at, event, data in self.received if event == name]

    def close(self) -> None:
        self.client.disconnect()


def close_all(*listeners: Listener) -> None:
    """Disconnect in parallel: each close waits up to 3 s for the WebSocket close reply."""
    threads = [threading.Thread(target=listener.close) for listener in listeners]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
