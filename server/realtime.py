"""Socket.IO: clients join rooms and get a snapshot; the engine's events are emitted to rooms.

Rooms: `office:<code>` (displays), `counter:<id>` (an officer's console, needs a token of
the office), `ticket:<token>` (one citizen's phone). The publisher uses the context-free
`socketio.emit`, so it works from requests, the CLI or a worker, and through Redis when
`REDIS_URL` is set (`QueueManager`). Every emit reaches this process's own clients first;
while Redis is down, `Resync` keeps them right about changes made through other processes,
and brings every room up to date once Redis is back.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlparse

import redis
import socketio as python_socketio
from flask import current_app, request, session
from flask_login import current_user
from flask_socketio import ConnectionRefusedError, SocketIO, join_room, leave_room
from redis.backoff import NoBackoff
from redis.retry import Retry
from sqlalchemy import func, select

from . import accounts
from .auth import STAFF, Principal, principal_for_token
from .engine import Engine, EngineError, Event, counter_room, office_room, ticket_room
from .engine.documents import MAX_ID
from .engine.events import Refresh, device_room, rating_room, staff_room
from .input_guard import BadInput, check_text
from .models import AuditEntry, CounterEvent, PrintJob, Rating, TicketEvent
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
      refresh their rooms, since the messages it dropped never reached them.
    """

    name = "luot-redis"

    def __init__(
        self,
        url: str,
        channel: str,
        retry: float = 1.0,
        on_change: Callable[[bool, bool], None] | None = None,
        on_resync: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(url, channel=channel)
        self.resync_channel = f"{channel}:resync"
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
        return {"up": self.up, "publishing": self.publishing, "listening": self.listening,
                "not_shared": self.dropped}

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
        body = self.json.dumps(data)
        with self._lock:
            if not self.publishing and time.monotonic() - self._tried < self.retry:
                self.dropped += 1
                return None
            self._tried = time.monotonic()
        try:
            if self.redis is None:
                self.redis = self._client(False)
            result = self.redis.publish(self.channel, body)
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
        me = self.host_id.encode()
        while True:
            pubsub = None
            try:
                pubsub = self._client(True).pubsub()
                pubsub.subscribe(self.channel, self.resync_channel)
                confirmed = 0
                for message in pubsub.listen():
                    if message["type"] == "subscribe":
                        confirmed += 1
                        if confirmed == 2:
                            self._update(listening=True)
                    elif message["type"] != "message":
                        continue
                    elif message["channel"] == channel:
                        yield message["data"]
                    elif message["channel"] == resync and message["data"] != me and (
                            self.on_resync is not None):
                        self.on_resync()
                raise redis.ConnectionError("subscription ended")
            except Exception as exc:  # noqa: BLE001 - any failure: resubscribe shortly
                self._update(listening=False, error=exc)
            finally:
                if pubsub is not None:
                    with contextlib.suppress(Exception):
                        pubsub.close()
            time.sleep(self.retry)

    def _update(self, publishing: bool | None = None, listening: bool | None = None,
                error: BaseException | None = None) -> None:
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
            log.warning("Redis at %s is unreachable (%s): events are not shared with other "
                        "processes until it is back; this process keeps its own screens up "
                        "to date from the database.", self.where, self.error)
        elif up and not was_up:
            log.warning("Redis at %s is back after %.0f s (%d messages were not shared); "
                        "sending every screen a fresh snapshot.", self.where, down_for,
                        not_shared)
        if publishing and not was_publishing:
            with contextlib.suppress(Exception):
                self.redis.publish(self.resync_channel, self.host_id)
        changed = (self.publishing, self.listening) != (was_publishing, was_listening)
        if self.on_change is not None and changed:
            first_subscription = bool(listening) and was_listening is None
            self.on_change(up, (up and not was_up) or first_subscription)


def change_marker(engine: Engine) -> tuple:
    """Newest ids of what screens show: if none moved, no snapshot needs sending again."""
    columns = (TicketEvent.id, CounterEvent.id, Rating.id, PrintJob.id, AuditEntry.id)
    with engine.db.read() as session:
        return tuple(session.execute(
            select(*(select(func.max(c)).scalar_subquery() for c in columns))
        ).one())


# Rooms named by a database id; the others by a code or token.
ID_ROOMS = frozenset({"counter", "rating", "device"})
SNAPSHOTS: dict[str, Callable[[Engine, Any], dict[str, Any]]] = {
    "office": lambda engine, code: engine.snapshot(code),
    "counter": lambda engine, ident: engine.counter_snapshot(ident),
    "ticket": lambda engine, token: {"ticket": engine.ticket_by_token(token)},
    "staff": lambda engine, code: {"devices": engine.devices(code)},
    "rating": lambda engine, ident: engine.rating_prompt(ident),
    "device": lambda engine, ident: {"device": engine.device(ident)},
}


def room_messages(engine: Engine, room: str) -> list[tuple[str, dict[str, Any]]]:
    """What a client of `room` gets on joining, to send again to a room already joined."""
    kind, _, key = room.partition(":")
    if kind not in SNAPSHOTS:
        return []
    snapshot = SNAPSHOTS[kind](engine, int(key) if kind in ID_ROOMS else key)
    messages = [("snapshot", {"room": room, **snapshot})]
    if kind == "device" and snapshot["device"]["printer_url"] == "agent:":
        # A print job announced through a process the agent is not connected to.
        messages += [("print_job", {"job": job, "device": int(key), "agent": True})
                     for job in engine.pending_print_jobs(int(key))]
    return messages


def local_rooms(socketio: SocketIO) -> list[str]:
    """The rooms this process has clients in (not other processes')."""
    rooms = socketio.server.manager.rooms.get("/", {}) if socketio.server else {}
    return [room for room in list(rooms) if isinstance(room, str) and ":" in room]


class Resync:
    """Keeps this process's own screens right when Redis cannot.

    While Redis is down: every `every` seconds, if the database changed, a fresh snapshot
    (the one `join` sends) to every room this process hosts, so changes made through other
    processes still show and a missed call appears (announced if still recent). When Redis
    is back, when this process's subscription starts, or when another process asks: once,
    to every room.
    """

    def __init__(self, socketio: SocketIO, engine: Engine, every: float = 1.5,
                 on_state: Callable[[], None] | None = None) -> None:
        self.socketio = socketio
        self.engine = engine
        self.every = every
        self.on_state = on_state
        self._owed = False
        self._marker: tuple | None = None
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self._started = False

    def manager(self) -> QueueManager | None:
        manager = self.socketio.server.manager if self.socketio.server else None
        return manager if isinstance(manager, QueueManager) else None

    def queue_changed(self, up: bool, refresh: bool) -> None:
        """The manager's `on_change`."""
        if refresh:
            self._owed = True
        self._start()
        self._wake.set()
        if self.on_state is not None:
            self.on_state()

    def requested(self) -> None:
        """The manager's `on_resync`: another process dropped messages."""
        self._owed = True
        self._start()
        self._wake.set()

    def _start(self) -> None:
        with self._lock:
            if not self._started:
                self._started = True
                self.socketio.start_background_task(self._run)

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


def _error(code: str, message: str) -> dict[str, Any]:
    return {"ok": False, "error": code, "message": message}


def _plausible(value: Any, longest: int = 64) -> bool:
    """A name the database could hold: an id that fits, or short text without NUL or
    unpaired surrogates."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return 1 <= value <= MAX_ID
    if isinstance(value, str):
        try:
            check_text(value)
        except BadInput:
            return False
        return 0 < len(value) <= longest
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
        if token is not None and not (isinstance(token, str) and _plausible(token, 200)):
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
            raise ValueError("A room is named by a code or token (text) or an id "
                             f"(1 to {MAX_ID}).")
        if kind in SNAPSHOTS and isinstance(value, int) != (kind in ID_ROOMS):
            raise ValueError(f"Cannot join {kind!r} with {value!r}.")

        def snapshot() -> dict[str, Any]:
            return SNAPSHOTS[kind](engine(), value)

        if kind == "office":
            engine().office_id(value)
            return office_room(value), snapshot
        if kind == "ticket":
            engine().ticket_by_token(value)
            return ticket_room(value), snapshot
        principal: Principal | None = session.get("socket_principal")
        if kind == "counter":
            office_id = engine().office_of("counter", value)
            if principal is None or not principal.has_role(*STAFF) or not principal.may_act_in(
                office_id
            ):
                raise PermissionError("A counter room needs a token of an officer of its office.")
            return counter_room(value), snapshot
        if kind == "staff":
            office_id = engine().office_id(value)
            if principal is None or not principal.has_role(*STAFF) or not principal.may_act_in(
                office_id
            ):
                raise PermissionError("The staff room needs a token of an officer of the office.")
            return staff_room(value), snapshot
        if kind == "rating":
            office_id = engine().office_of("counter", value)
            allowed = principal is not None and (
                (principal.role == "rating"
                 and engine().device(principal.device_id)["counter_id"] == value)
                or (principal.has_role(*STAFF) and principal.may_act_in(office_id))
            )
            if not allowed:
                raise PermissionError("Only the counter's rating screen or its staff.")
            return rating_room(value), snapshot
        if kind == "device":
            if principal is None or principal.device_id != value:
                raise PermissionError("Only the device itself may join its room.")
            return device_room(value), snapshot
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
