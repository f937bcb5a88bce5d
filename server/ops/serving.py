"""`luot serve` and `luot demo`: gevent's WSGI server (WebSockets included) around the app.

Logging is set up here (`server.web.request_log`): the level from LOG_LEVEL (`LUOT_LOG_LEVEL`),
one access line per request unless `quiet`.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import ssl
from pathlib import Path

import click
from flask import Flask

from .. import current
from ..reports import days as report_days
from ..web import request_log
from . import metrics, migrate

log = logging.getLogger(__name__)


def tls_context(cert: str, key: str) -> ssl.SSLContext:
    """The server's TLS context from a certificate (chain) and its key, or a one-line
    refusal saying which file is wrong."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    try:
        context.load_cert_chain(cert, key)
    except FileNotFoundError as exc:
        raise click.ClickException(f"No such certificate or key file: {exc.filename}") from exc
    except (ssl.SSLError, OSError) as exc:
        raise click.ClickException(
            f"Cannot use {cert} with {key} as a certificate and its key ({exc})."
        ) from exc
    return context


def serve(
    app: Flask,
    host: str,
    port: int,
    quiet: bool = False,
    tls: ssl.SSLContext | None = None,
) -> None:
    """Listen, register this process's heartbeat, start the background tasks, serve until
    SIGTERM or Ctrl+C; refuse (ClickException) what would serve wrongly. gevent is imported
    here, once `luot` has monkey-patched (server/entry.py). With `tls`, serve https."""
    import gevent

    from .. import realtime
    from ..extensions import socketio
    from .health import ConflictingProcesses
    from .http_handler import Server, Timeouts

    try:
        request_log.configure(current.settings(app)["LOG_LEVEL"], quiet=quiet)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    if socketio.async_mode != "gevent":
        raise click.ClickException(
            "Serving needs async mode gevent; start through the `luot` command."
        )
    if os.environ.get(metrics.FOLDER):
        metrics.clear_dead(Path(os.environ[metrics.FOLDER]))
    try:
        timeouts = Timeouts.from_settings(current.settings(app))
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    if not migrate.is_current(current.database(app)):
        raise click.ClickException(migrate.not_current(current.database(app)))
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        listener = socket.create_server((host, port), family=family, backlog=1024)
    except OSError as exc:
        raise click.ClickException(
            f"Cannot listen on {host}:{port} ({exc.strerror}); is another server running? "
            "Choose another with --port."
        ) from exc
    # Two processes on one database without Redis would each show only their own calls.
    health = current.health(app)
    try:
        health.start_serving()
    except ConflictingProcesses as exc:
        listener.close()
        raise click.ClickException(str(exc)) from exc
    # Replies go out as a header write then a body write; with Nagle's algorithm the second
    # waits for the client's delayed ACK, 40 ms on every request. Accepted sockets inherit it.
    listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    current.print_queue(app).start_sweeper()
    current.messages(app).serve()
    current.pusher(app).serve()
    every = float(current.settings(app)["REPORT_ROLLUP_SECONDS"])
    if every > 0:
        engine = current.engine(app)
        socketio.start_background_task(
            report_days.keep_rolling, current.database(app), lambda: engine.clock(), every
        )
    socketio.start_background_task(
        health.monitor, realtime.health_publisher(socketio, current.engine(app))
    )
    config = current.settings(app)
    if (config["SMS_API_KEY"] or config["ZNS_ACCESS_TOKEN"]) and not config["PUBLIC_BASE_URL"]:
        log.warning(
            "A message gateway is set but LUOT_PUBLIC_BASE_URL is not: messages to citizens "
            "go out without the link to their booking's page (no request may choose it)"
        )
    scheme = "https" if tls else "http"
    click.echo(f"Serving on {scheme}://{host}:{port} (gevent, Ctrl+C to stop)")
    server = Server(
        listener,
        app._get_current_object(),
        log=None,
        timeouts=timeouts,
        **({"ssl_context": tls} if tls else {}),
    )
    # systemd and `kill` stop with SIGTERM: shut down cleanly too, so the heartbeat row goes.
    gevent.signal_handler(signal.SIGTERM, server.stop)
    try:
        server.serve_forever()
    finally:
        try:
            current.pusher(app).stop()
        except Exception as exc:  # noqa: BLE001 - the claim then runs out; say why
            click.echo(f"Could not hand over the province push: {exc}", err=True)
        try:
            health.stop_serving()
        except Exception as exc:  # noqa: BLE001 - the row then ages out; say why
            click.echo(f"Could not remove this process's heartbeat: {exc}", err=True)
