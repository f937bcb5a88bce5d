"""python-socketio's Redis manager, made to ride out a Redis outage quietly."""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlparse

import redis
import socketio as python_socketio
from redis.backoff import NoBackoff
from redis.retry import Retry

log = logging.getLogger(__name__)


class QueueManager(python_socketio.RedisManager):
    """python-socketio's Redis manager, made to ride out a Redis outage quietly.

    The stock one logs two errors for every message while Redis is down, waits through
    redis-py's retries in the request that emits, drops the message, and lets its listener
    back off for up to a minute. This one:

    - tries Redis at most once per `retry` seconds while it is down; a message in between
      is not shared (every emit has reached this process's own clients already);
    - logs one warning when Redis goes away and one when it is back, with how long and how
      many messages were not shared;
    - resubscribes every `retry` seconds, and counts as listening only once Redis has
      confirmed the subscription;
    - calls `on_change(up, refresh)` whenever its publisher or subscriber changes state;
      `refresh` means this process's rooms need fresh snapshots (Redis is back for both, or
      the subscription has just started, so anything published before went past it);
    - once its publisher is back, asks the other processes (on `<channel>:resync`) to
      refresh their rooms, since the messages it dropped never reached them;
    - carries the snapshots a write owes (`share_refresh`, on `<channel>:refresh`) to the
      other processes, which build them for their own sockets (`on_refresh`): one small
      message per change instead of every counter's and phone's snapshot through Redis.
    """

    name = "luot-redis"

    def __init__(
        self,
        url: str,
        channel: str,
        retry: float = 1.0,
        on_change: Callable[[bool, bool], None] | None = None,
        on_resync: Callable[[], None] | None = None,
        on_refresh: Callable[[dict[str, Any]], None] | None = None,
    ) -> None:
        super().__init__(url, channel=channel)
        self.resync_channel = f"{channel}:resync"
        self.refresh_channel = f"{channel}:refresh"
        self.on_refresh = on_refresh
        self.retry = retry
        self.on_change = on_change
        self.on_resync = on_resync
        self.publishing = True
        # None until the listener has started (it starts with the first client).
        self.listening: bool | None = None
        self.dropped = 0
        self.error = ""
        self._tried = 0.0
        self._down_since: float | None = None
        self._dropped_then = 0
        self._lock = threading.Lock()
        parsed = urlparse(url)
        self.where = f"{parsed.hostname or parsed.path}:{parsed.port or 6379}"

    @property
    def up(self) -> bool:
        return self.publishing and self.listening is not False

    def state(self) -> dict[str, Any]:
        """For the health check: whether this process's own link to Redis works."""
        return {
            "up": self.up,
            "publishing": self.publishing,
            "listening": self.listening,
            "not_shared": self.dropped,
        }

    def _client(self, listening: bool) -> redis.Redis:
        # redis-py would otherwise retry ten times with backoff, inside the emitting request.
        return redis.Redis.from_url(
            self.redis_url,
            socket_connect_timeout=self.retry,
            socket_timeout=None if listening else self.retry,
            socket_keepalive=True,
            retry=Retry(NoBackoff(), 0 if listening else 1),
        )

    def _publish(self, data: Any) -> Any:
        return self._send(self.channel, self.json.dumps(data))

    def emit_here(self, event: str, data: Any, room: str) -> None:
        """To this process's sockets in `room` only (what the others build themselves)."""
        python_socketio.Manager.emit(self, event, data, "/", room=room)

    def share_refresh(self, refresh: dict[str, Any]) -> None:
        """Tell the other processes which snapshots a write here owes their sockets."""
        self._send(self.refresh_channel, self.json.dumps({"from": self.host_id, **refresh}))

    def _send(self, channel: str, body: str) -> Any:
        with self._lock:
            if not self.publishing and time.monotonic() - self._tried < self.retry:
                self.dropped += 1
                return None
            self._tried = time.monotonic()
        try:
            if self.redis is None:
                self.redis = self._client(False)
            result = self.redis.publish(channel, body)
        except Exception as exc:  # noqa: BLE001 - whatever Redis says, the message is lost
            with self._lock:
                self.dropped += 1
            self._update(publishing=False, error=exc)
            return None
        self._update(publishing=True)
        return result

    def probe(self) -> bool:
        """PING, so the publisher finds out Redis is back without a message to risk."""
        with self._lock:
            self._tried = time.monotonic()
        try:
            if self.redis is None:
                self.redis = self._client(False)
            self.redis.ping()
        except Exception as exc:  # noqa: BLE001
            self._update(publishing=False, error=exc)
            return False
        self._update(publishing=True)
        return True

    def _listen(self):
        channel, resync = self.channel.encode(), self.resync_channel.encode()
        refresh = self.refresh_channel.encode()
        me = self.host_id.encode()
        while True:
            pubsub = None
            try:
                pubsub = self._client(True).pubsub()
                pubsub.subscribe(self.channel, self.resync_channel, self.refresh_channel)
                confirmed = 0
                for message in pubsub.listen():
                    if message["type"] == "subscribe":
                        confirmed += 1
                        if confirmed == 3:
                            self._update(listening=True)
                    elif message["type"] != "message":
                        continue
                    elif message["channel"] == channel:
                        yield message["data"]
                    elif message["channel"] == refresh:
                        self._refresh_from(message["data"])
                    elif (
                        message["channel"] == resync
                        and message["data"] != me
                        and (self.on_resync is not None)
                    ):
                        self.on_resync()
                raise redis.ConnectionError("subscription ended")
            except Exception as exc:  # noqa: BLE001 - any failure: resubscribe shortly
                self._update(listening=False, error=exc)
            finally:
                if pubsub is not None:
                    with contextlib.suppress(Exception):
                        pubsub.close()
            time.sleep(self.retry)

    def _refresh_from(self, body: bytes) -> None:
        try:
            data = self.json.loads(body)
            if data.pop("from", None) != self.host_id and self.on_refresh is not None:
                self.on_refresh(data)
        except Exception:  # noqa: BLE001 - one bad message must not end the subscription
            log.exception("could not handle a shared refresh")

    def _update(
        self,
        publishing: bool | None = None,
        listening: bool | None = None,
        error: BaseException | None = None,
    ) -> None:
        with self._lock:
            was_up, was_publishing, was_listening = self.up, self.publishing, self.listening
            if publishing is not None:
                self.publishing = publishing
            if listening is not None:
                self.listening = listening
            if error is not None:
                self.error = f"{error.__class__.__name__}: {error}"[:300]
            up = self.up
            if was_up and not up:
                self._down_since, self._dropped_then = time.monotonic(), self.dropped
            elif up and not was_up:
                down_for = time.monotonic() - (self._down_since or time.monotonic())
                not_shared = self.dropped - self._dropped_then
        if was_up and not up:
            log.warning(
                "Redis at %s is unreachable (%s): events are not shared with other "
                "processes until it is back; this process keeps its own screens up "
                "to date from the database.",
                self.where,
                self.error,
            )
        elif up and not was_up:
            log.warning(
                "Redis at %s is back after %.0f s (%d messages were not shared); "
                "sending every screen a fresh snapshot.",
                self.where,
                down_for,
                not_shared,
            )
        if publishing and not was_publishing:
            with contextlib.suppress(Exception):
                self.redis.publish(self.resync_channel, self.host_id)
        changed = (self.publishing, self.listening) != (was_publishing, was_listening)
        if self.on_change is not None and changed:
            first_subscription = bool(listening) and was_listening is None
            self.on_change(up, (up and not was_up) or first_subscription)
