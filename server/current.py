"""The app's shared objects, for code running inside it: `current.engine()`, ...

The factory builds them once per app and `install`s them; everything else reads them
through these functions, never `app.extensions` itself. Each getter takes an `app` for
code holding one outside a request or app context (the CLI's server, tests).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import Flask, current_app
from flask.config import Config

if TYPE_CHECKING:
    from display.voice.call_audio import CallAudio

    from .db import Database
    from .engine import Engine
    from .ops.health import Health
    from .ops.metrics import Metrics
    from .province.pusher import Pusher
    from .province.sync_log import SyncLog
    from .realtime.connections import Presence, SocketCredentials
    from .realtime.limits import SocketLimits
    from .web.hosts import Hosts
    from .workers.print_queue import PrintQueue
    from .workers.sending.worker import MessageWorker

# Where each object lives in `app.extensions` (tests may read these keys directly).
KEYS = {
    "api": "luot.api",
    "database": "luot.db",
    "engine": "luot.engine",
    "health": "luot.health",
    "print_queue": "luot.print_queue",
    "presence": "luot.presence",
    "socket_credentials": "luot.socket_credentials",
    "call_audio": "luot.call_audio",
    "messages": "luot.messages",
    "pusher": "luot.pusher",
    "metrics": "luot.metrics",
    "sync_log": "luot.sync_log",
    "hosts": "luot.hosts",
    "socket_limits": "luot.socket_limits",
}


def install(app: Flask, **objects: Any) -> None:
    """Register the app's shared objects by name (`database=db, engine=engine, ...`)."""
    unknown = set(objects) - set(KEYS)
    if unknown:
        raise KeyError(f"unknown app objects: {sorted(unknown)}")
    for name, value in objects.items():
        app.extensions[KEYS[name]] = value


def _get(name: str, app: Flask | None) -> Any:
    return (app or current_app).extensions[KEYS[name]]


def settings(app: Flask | None = None) -> Config:
    """The app's configuration (`LUOT_*`, luot.cfg, the factory's arguments)."""
    return (app or current_app).config


def hosts(app: Flask | None = None) -> Hosts:
    """The hosts this server answers to (server/web/hosts.py)."""
    return _get("hosts", app)


def database(app: Flask | None = None) -> Database:
    return _get("database", app)


def engine(app: Flask | None = None) -> Engine:
    return _get("engine", app)


def health(app: Flask | None = None) -> Health:
    return _get("health", app)


def print_queue(app: Flask | None = None) -> PrintQueue:
    return _get("print_queue", app)


def messages(app: Flask | None = None) -> MessageWorker:
    """The messages worker (server/workers/sending/worker.py)."""
    return _get("messages", app)


def pusher(app: Flask | None = None) -> Pusher:
    """A centre's pusher to its province (server/province/pusher.py)."""
    return _get("pusher", app)


def presence(app: Flask | None = None) -> Presence:
    return _get("presence", app)


def socket_credentials(app: Flask | None = None) -> SocketCredentials:
    return _get("socket_credentials", app)


def call_audio(app: Flask | None = None) -> CallAudio | None:
    """The display's call-audio cache, made on first use (`display.views`); None before."""
    return (app or current_app).extensions.get(KEYS["call_audio"])


def metrics(app: Flask | None = None) -> Metrics:
    """The process's Prometheus instruments (server/ops/metrics.py)."""
    return _get("metrics", app)


def sync_log(app: Flask | None = None) -> SyncLog:
    """What the provincial server last said of each centre's pushes."""
    return _get("sync_log", app)


def socket_limits(app: Flask | None = None) -> SocketLimits:
    """Socket.IO sessions per address and events per socket (server/realtime/limits.py)."""
    return _get("socket_limits", app)
