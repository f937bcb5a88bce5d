"""What `create_app` wires together, one step per function, in the order it runs them:
the app and its settings, Socket.IO, the engine and its listeners, the background
workers and health, then the routes. Each step reads the settings it needs and leaves
what it built in `current` (server/current.py), the one place the app's objects live."""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask

from printer.errors import PrinterPolicyError
from printer.policy import PrinterPolicy

from . import config as settings
from . import current, realtime
from .config import ROOT, Config, SettingsError, instance_folder
from .db import Database
from .engine import Engine
from .engine.challenges import challenge_key
from .extensions import csrf, login_manager, socketio
from .ops import metrics
from .ops.folders import private_folder
from .ops.health import Health, disk_paths
from .province.pusher import Pusher
from .province.sync_log import SyncLog
from .web import hosts
from .web.auth import session_lifetime
from .web.request_log import RequestId
from .web.url_rules import LuotFlask
from .workers.print_queue import PrintQueue
from .workers.sending import faults as message_faults
from .workers.sending.gateways import ConfigError, gateways
from .workers.sending.worker import MessageWorker

log = logging.getLogger(__name__)


def new_app(config: dict[str, Any]) -> Flask:
    """The Flask app with its settings: defaults, luot.cfg, the environment, then `config`;
    the hosts it answers to and the instance's secret key."""
    config = dict(config or {})
    instance_path = config.pop("INSTANCE_PATH", None)
    app = LuotFlask(
        "server.factory",  # the name the app has always had (its logger, its root path)
        instance_path=str(Path(instance_path).resolve() if instance_path else instance_folder()),
        instance_relative_config=True,
        static_folder=str(ROOT / "static"),
        static_url_path="/static",
    )
    app.config.from_object(Config)
    settings.load(app.config, app.instance_path)
    app.config.update(config)
    # A bad LUOT_PUBLIC_BASE_URL, LUOT_TRUSTED_HOSTS or LUOT_TRUSTED_PROXY_* stops the
    # start here, naming it.
    app.config["PUBLIC_BASE_URL"] = hosts.public_base(app.config["PUBLIC_BASE_URL"])
    current.install(app, hosts=hosts.Hosts.from_settings(app.config))
    hosts.proxy_headers(app.config)
    hosts.proxy_addresses(app.config)
    # Flask's own host check (the same setting's name) knows neither the box's addresses nor
    # IPv6: server/web/hosts.py's guard does it, in front of Socket.IO as well.
    app.config["TRUSTED_HOSTS"] = None
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    # The database and the secret key live here: the owner's alone (an existing folder
    # keeps the mode its owner gave it).
    private_folder(app.instance_path)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path))

    return app


def sockets(app: Flask, db: Database) -> realtime.QueueManager | None:
    """Socket.IO (over Redis when REDIS_URL names one), its limits, and the WSGI layers in
    front of the app; the Redis manager when there is one."""
    redis_url = app.config["REDIS_URL"] or ""
    manager = None
    if redis_url.startswith(("redis://", "rediss://", "unix://")):
        manager = realtime.QueueManager(redis_url, app.config["SOCKETIO_CHANNEL"])
    # Flask-SocketIO keeps the options of an earlier init_app (tests build many apps).
    socketio.server_options.pop("client_manager", None)
    socketio.init_app(
        app,
        async_mode=app.config["ASYNC_MODE"],
        message_queue=None if manager else redis_url or None,
        channel=app.config["SOCKETIO_CHANNEL"],
        serializer=realtime.Packet,
        **({"client_manager": manager} if manager else {}),
    )
    socket_limits = realtime.SocketLimits(
        int(app.config["SOCKETIO_MAX_PER_ADDRESS"]),
        int(app.config["SOCKETIO_EVENTS"]),
        float(app.config["SOCKETIO_EVENTS_SECONDS"]),
    )
    socket_limits.install(socketio.server)
    current.install(app, socket_limits=socket_limits)
    # Handshakes past the cap refused before engine.io makes a session; in front of it,
    # the forwarding headers as configured (the client's address), then the host check.
    app.wsgi_app = socket_limits.gate(app.wsgi_app)
    app.wsgi_app = hosts.wrap(app.wsgi_app, app.config, current.hosts(app))
    # Outermost so far, so Socket.IO's requests carry an id too.
    app.wsgi_app = RequestId(app.wsgi_app)

    return manager


def engine(app: Flask, db: Database, manager: realtime.QueueManager | None) -> Engine:
    """The engine, with the print queue listening to it and the publisher and fan-out
    taking its events to the sockets."""
    redis_url = app.config["REDIS_URL"] or ""
    # A malformed LUOT_PRINTER_* setting stops the start here, naming the variable.
    try:
        printer_policy = PrinterPolicy.from_settings(
            schemes=app.config["PRINTER_SCHEMES"],
            devices=app.config["PRINTER_DEVICES"],
            networks=app.config["PRINTER_NETWORKS"],
            tcp_ports=app.config["PRINTER_TCP_PORTS"],
        )
    except PrinterPolicyError as exc:
        raise SettingsError(str(exc)) from None
    engine = Engine(
        db,
        default_service_minutes=float(app.config["DEFAULT_SERVICE_MINUTES"]),
        eta_sample_size=int(app.config["ETA_SAMPLE_SIZE"]),
        printer_policy=printer_policy,
        messages_per_phone_max=int(app.config["MESSAGES_PER_PHONE_MAX"]),
        challenge_key=challenge_key(str(app.config["SECRET_KEY"])),
        challenge_cost=int(app.config["BOOKING_CHALLENGE_COST"]),
        challenge_seconds=int(app.config["BOOKING_CHALLENGE_SECONDS"]),
    )
    print_queue = PrintQueue(
        engine,
        socketio,
        float(app.config["PRINT_TIMEOUT"]),
        float(app.config["PRINT_DEADLINE"]),
        policy=printer_policy,
    )
    credentials = realtime.SocketCredentials(
        socketio,
        db,
        lambda: session_lifetime(app.config),
        float(app.config["SOCKET_RECHECK_SECONDS"]),
    )
    current.install(app, socket_credentials=credentials)
    # The print worker takes its jobs from the engine's outbox, whatever the publisher is.
    engine.listen(print_queue.on_event)
    engine.publish = realtime.publisher(socketio, credentials=credentials)
    current.install(app, print_queue=print_queue)
    if app.config["SNAPSHOT_DELAY"]:
        fanout = realtime.fanout(
            socketio, engine, float(app.config["SNAPSHOT_DELAY"]), redis_url, manager
        )
        engine.defer_refresh = fanout.defer
    elif not redis_url:
        # Snapshots at once, from this process only: none for a room nobody is in.
        engine.transactions.present_rooms = lambda: set(realtime.local_rooms(socketio))
    current.install(app, engine=engine)
    return engine


def workers(
    app: Flask, db: Database, engine: Engine, manager: realtime.QueueManager | None
) -> None:
    """Metrics, the province's sync log and pusher, the citizens' messages worker, socket
    presence, and health (with the Redis resync when there is a manager)."""
    redis_url = app.config["REDIS_URL"] or ""
    metrics.make_folder()
    instruments = metrics.Metrics()
    current.install(app, metrics=instruments)
    current.install(
        app,
        sync_log=SyncLog(
            lambda centre_id: engine.centre(centre_id)["code"],
            float(app.config["PROVINCE_STALE_SECONDS"]),
        ),
    )
    app.wsgi_app = metrics.Instrument(app.wsgi_app, instruments)
    # A malformed LUOT_SMS_URL / LUOT_ZNS_URL stops the start here, naming the variable.
    try:
        message_gateways = gateways(app.config)
    except ConfigError as exc:
        raise SettingsError(str(exc)) from None
    messages = MessageWorker(
        db,
        lambda: engine.clock(),
        message_gateways,
        socketio,
        lease=float(app.config["MESSAGE_CLAIM_SECONDS"]),
        max_attempts=int(app.config["MESSAGE_MAX_ATTEMPTS"]),
        retry=float(app.config["MESSAGE_RETRY_SECONDS"]),
        retry_max=float(app.config["MESSAGE_RETRY_MAX_SECONDS"]),
        poll=float(app.config["MESSAGE_POLL_SECONDS"]),
    )
    messages.watch(db)
    current.install(app, messages=messages)
    pusher = Pusher(
        engine,
        socketio,
        interval=float(app.config["PROVINCE_PUSH_SECONDS"]),
        retry_max=float(app.config["PROVINCE_RETRY_MAX_SECONDS"]),
        batch=int(app.config["PROVINCE_PUSH_ENTRIES"]),
        timeout=float(app.config["PROVINCE_TIMEOUT"]),
    )
    pusher.watch(db)
    current.install(app, pusher=pusher)
    current.install(app, presence=realtime.Presence(socketio, engine))
    health = Health(
        db,
        disk_paths(db, Path(app.instance_path)),
        int(app.config["MIN_FREE_DISK_MB"]),
        redis_url,
        app.config["SOCKETIO_CHANNEL"],
        heartbeat=float(app.config["HEARTBEAT_SECONDS"]),
        queue_state=manager.state if manager else None,
        extra={
            "messages": functools.partial(
                message_faults.check,
                db,
                message_gateways,
                lambda: engine.clock(),
                int(app.config["MESSAGE_FAULT_FAILURES"]),
                float(app.config["MESSAGE_FAULT_OVERDUE_MINUTES"]),
            )
        },
    )
    current.install(app, health=health)
    if manager is not None:
        resync = realtime.Resync(
            socketio, engine, float(app.config["RESYNC_SECONDS"]), on_state=health.wake
        )
        manager.on_change, manager.on_resync = resync.queue_changed, resync.requested
    realtime.register_handlers(socketio)


def routes(app: Flask) -> None:
    """Every blueprint and the layers every route shares (input guard, headers, limits,
    sign-in, CSRF, errors), and the CLI commands."""
    import display
    import kiosk

    from . import api, booking, console
    from .ops import cli
    from .web import errors, input_guard, pages, rate_limits, security_headers

    input_guard.init_app(app)
    security_headers.init_app(app)
    rate_limits.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "console.login"
    csrf.init_app(app)
    api_blueprints = api.init_app(app)
    pages.init_app(app)
    kiosk.init_app(app)
    display.init_app(app)
    console.init_app(app)
    booking.init_app(app)
    metrics.init_app(app, current.metrics(app))
    # JSON endpoints authenticate by bearer token, or check CSRF themselves (server/web/auth.py).
    for blueprint in [*api_blueprints, kiosk.bp]:
        csrf.exempt(blueprint)
    errors.init_app(app)
    cli.init_app(app)


def _instance_secret(instance: Path) -> str:
    """Generated once per installation, so sessions survive restarts and a citizen's ID hash
    stays recognisable; `luot backup` keeps it with the database."""
    path = instance / "secret_key"
    if not path.exists():
        _create_secret(path, secrets.token_hex(32))
    elif path.stat().st_mode & 0o007:
        log.warning("%s can be read by other users: chmod 600 it", path)
    return path.read_text().strip()


def _create_secret(path: Path, value: str) -> None:
    """Readable by its owner only from the first byte, and never seen half-written: written
    under a temporary name, then linked into place, so a second process starting at the same
    moment finds either no key or the whole of the first one's (and then uses it)."""
    temp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    with os.fdopen(os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as handle:
        handle.write(value)
        handle.flush()
        os.fsync(handle.fileno())
    try:
        os.link(temp, path)
    except FileExistsError:
        pass
    except OSError:  # a filesystem without hard links (FAT): create it in place
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
        with contextlib.suppress(FileExistsError), os.fdopen(os.open(path, flags, 0o600), "w") as f:
            f.write(value)
    finally:
        temp.unlink(missing_ok=True)
