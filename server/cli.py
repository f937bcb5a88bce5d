"""`luot`: thin commands over the engine, accounts and seed code.

Every command builds the app with `create_app()`, so the CLI reads the same configuration
(instance folder, `DATABASE_URL`, `LUOT_*`) as the server it manages.
"""

from __future__ import annotations

import datetime as dt
import secrets
import sys

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from . import accounts, migrate
from .db import Database
from .demo import DEMO_ADMIN_PASSWORD, DEMO_OFFICE, demo_device_urls, seed_demo


def _db() -> Database:
    return current_app.extensions["luot.db"]


@click.command("init-db")
@with_appcontext
def init_db_command() -> None:
    """Create or upgrade the database schema (keeps data)."""
    migrate.upgrade(_db())
    click.echo(f"Database ready: {_db().engine.url.render_as_string(hide_password=True)}")


@click.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Add the demo office and an admin user (idempotent)."""
    migrate.upgrade(_db())
    with _db().write() as session:
        created = seed_demo(session)
    click.echo("Demo office created." if created else "Demo office already present.")


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@with_appcontext
def serve_command(host: str, port: int) -> None:
    """Serve with gevent's WSGI server (WebSockets included); not a development server."""
    _serve(current_app, host, port)


@click.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@with_appcontext
def demo_command(host: str, port: int) -> None:
    """Migrate, seed the demo office, print its URLs and serve."""
    migrate.upgrade(_db())
    base = f"http://{host}:{port}"
    with _db().write() as session:
        seed_demo(session)
        devices = demo_device_urls(session, base, dt.datetime.now(dt.UTC))
    code = DEMO_OFFICE["code"]
    click.echo(
        "\nLượt demo — " + DEMO_OFFICE["name"] + "\n"
        f"  Kiosk (lấy số):        {base}/kiosk/{code}\n"
        f"    as a registered kiosk (prints): {devices.get('kiosk', '-')}\n"
        f"  Display (phòng chờ):   {base}/display/{code}\n"
        f"  Counter (quầy):        {base}/counter\n"
        f"  Rating (đánh giá):     {devices.get('rating', '-')}\n"
        f"  Overview (tổng quan):  {base}/admin/overview\n"
        f"  Reports (báo cáo):     {base}/admin/reports\n"
        f"  Admin (quản trị):      {base}/admin\n"
        f"  API:                   {base}/api/v1/openapi.json\n"
        f"  Sign in: admin, quanly (manager), canbo1, canbo2 (officers); "
        f"password {DEMO_ADMIN_PASSWORD} (change it for real use)\n"
    )
    _serve(current_app, host, port)


def _serve(app, host: str, port: int) -> None:
    import signal
    import socket

    import gevent
    from gevent import pywsgi

    from . import realtime
    from .extensions import socketio
    from .health import ConflictingProcesses
    from .http_handler import JsonErrorHandler

    if socketio.async_mode != "gevent":
        raise click.ClickException(
            "Serving needs async mode gevent; start through the `luot` command."
        )
    if not migrate.is_current(_db()):
        raise click.ClickException(
            "The database is not set up, or was made by an older version of Lượt: "
            "run `luot init-db` first (it is safe to run on every start)."
        )
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        listener = socket.create_server((host, port), family=family, backlog=1024)
    except OSError as exc:
        raise click.ClickException(
            f"Cannot listen on {host}:{port} ({exc.strerror}); is another server running? "
            "Choose another with --port."
        ) from exc
    # Two processes on one database without Redis would each show only their own calls.
    health = app.extensions["luot.health"]
    try:
        health.start_serving()
    except ConflictingProcesses as exc:
        listener.close()
        raise click.ClickException(str(exc)) from exc
    # Replies go out as a header write then a body write; with Nagle's algorithm the second
    # waits for the client's delayed ACK, 40 ms on every request. Accepted sockets inherit it.
    listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    app.extensions["luot.print_queue"].start_sweeper()
    socketio.start_background_task(
        health.monitor, realtime.health_publisher(socketio, app.extensions["luot.engine"])
    )
    click.echo(f"Serving on http://{host}:{port} (gevent, Ctrl+C to stop)")
    server = pywsgi.WSGIServer(
        listener, app._get_current_object(), handler_class=JsonErrorHandler, log=None
    )
    # systemd and `kill` stop with SIGTERM: shut down cleanly too, so the heartbeat row goes.
    gevent.signal_handler(signal.SIGTERM, server.stop)
    try:
        server.serve_forever()
    finally:
        try:
            health.stop_serving()
        except Exception as exc:  # noqa: BLE001 - the row then ages out; say why
            click.echo(f"Could not remove this process's heartbeat: {exc}", err=True)


@click.group("user")
def user_group() -> None:
    """Manage users."""


@user_group.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice(accounts.ROLES), default="officer", show_default=True)
@click.option("--office", "offices", multiple=True, help="Office code (repeat for several).")
@click.option("--name", "full_name", default="", help="Full name shown to citizens.")
@click.option("--password", default=None, help="Omit to generate one.")
@with_appcontext
def user_add(
    username: str, role: str, offices: tuple[str, ...], full_name: str, password: str | None
) -> None:
    """Add a user bound to offices."""
    generated = password is None
    password = password or secrets.token_urlsafe(9)
    try:
        with _db().write() as session:
            accounts.create_user(session, username, role, list(offices), password, full_name)
    except accounts.AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"User {username} ({role}) added.")
    if generated:
        click.echo(f"Password: {password}")


@click.group("token")
def token_group() -> None:
    """Manage API bearer tokens."""


@token_group.command("create")
@click.argument("username")
@click.option("--label", default="cli", show_default=True, help="What the token is for.")
@with_appcontext
def token_create(username: str, label: str) -> None:
    """Print a new bearer token acting as USERNAME."""
    from sqlalchemy import select

    from .models import User

    with _db().write() as session:
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            raise click.ClickException(f"No user {username!r} (luot user add {username} ...).")
        raw = accounts.create_token(session, user, label)
    click.echo(raw)


@click.group("device")
def device_group() -> None:
    """Register kiosks, displays and rating screens."""


@device_group.command("add")
@click.argument("name")
@click.option("--office", required=True, help="Office code.")
@click.option("--kind", type=click.Choice(accounts.DEVICE_KINDS), default="kiosk",
              show_default=True)
@click.option("--printer", "printer_url", default=None,
              help="tcp://host:9100, usb://VID:PID, serial:///dev/ttyUSB0, file:///dev/usb/lp0, "
                   "cups://QUEUE, dummy:, or agent: (printed by `luot kiosk-agent`).")
@click.option("--paper", type=click.Choice(["80", "58"]), default="80", show_default=True)
@click.option("--counter", "counter_number", type=int, default=None,
              help="Counter number (rating screens).")
@with_appcontext
def device_add(name: str, office: str, kind: str, printer_url: str | None, paper: str,
               counter_number: int | None) -> None:
    """Register a device and print its token (shown once)."""
    try:
        with _db().write() as session:
            device = accounts.create_device(
                session, office, kind, name, printer_url, int(paper), counter_number
            )
            raw = accounts.create_token(session, device, f"device:{name}")
            device_id = device.id
    except accounts.AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Device {device_id} ({kind}) added. Token:")
    click.echo(raw)


@click.group("printer")
def printer_group() -> None:
    """Check printers."""


@printer_group.command("test")
@click.argument("url")
@click.option("--paper", type=click.Choice(["80", "58"]), default="80", show_default=True)
@click.option("--timeout", type=float, default=5.0, show_default=True)
def printer_test(url: str, paper: str, timeout: float) -> None:
    """Print a sample ticket on the printer at URL, to check the wiring."""
    import printer

    try:
        sent = printer.print_sample(url, int(paper), timeout=timeout)
    except (printer.PrinterError, printer.PrinterUrlError) as exc:
        raise click.ClickException(f"Printing failed: {exc}") from exc
    click.echo(f"Sample ticket sent to {url} ({sent} bytes).")


@click.command("kiosk-agent")
@click.option("--server", required=True, help="The Lượt server, e.g. http://192.168.1.10:5000")
@click.option("--token", envvar="LUOT_DEVICE_TOKEN", required=True,
              help="The kiosk's device token (luot device add); or LUOT_DEVICE_TOKEN.")
@click.option("--printer", "printer_url", required=True,
              help="The local printer: usb://VID:PID, serial:///dev/ttyUSB0, file:///dev/usb/lp0, "
                   "tcp://host:9100, cups://QUEUE.")
@click.option("--scanner", default=None, help="Serial (virtual-COM) QR scanner, e.g. /dev/ttyACM0")
@click.option("--baudrate", default=9600, show_default=True, type=int)
def kiosk_agent(server: str, token: str, printer_url: str, scanner: str | None,
                baudrate: int) -> None:
    """Print this kiosk's tickets locally and forward serial scans (no database needed)."""
    import logging

    import printer
    from kiosk.agent import AgentConfig, KioskAgent

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", force=True)
    try:
        printer.parse_printer_url(printer_url)
    except printer.PrinterUrlError as exc:
        raise click.BadParameter(str(exc), param_hint="--printer") from exc
    agent = KioskAgent(AgentConfig(server, token, printer_url, scanner, baudrate))
    click.echo(f"Kiosk agent for {agent.device['name']} ({agent.device['office']}) → {server}")
    agent.run_forever()


# Commands that need no app (a kiosk PC has no database): added to the group itself.
STANDALONE = (printer_group, kiosk_agent)

@click.command("report")
@click.option("--office", "offices", multiple=True, required=True,
              help="Office code (repeat to compare several).")
@click.option("--from", "start", required=True, type=click.DateTime(["%Y-%m-%d"]),
              help="First local day, YYYY-MM-DD.")
@click.option("--to", "end", required=True, type=click.DateTime(["%Y-%m-%d"]),
              help="Last local day, YYYY-MM-DD (included).")
@click.option("--format", "fmt", type=click.Choice(["xlsx", "csv"]), default="xlsx",
              show_default=True)
@click.option("--group", type=click.Choice(["total", "office", "service", "counter", "officer",
                                            "day", "hour"]), default="service", show_default=True)
@click.option("--log", "raw_log", is_flag=True, help="CSV: the raw ticket log instead.")
@click.option("--output", type=click.Path(dir_okay=False), default=None,
              help="File to write (default: a name from the offices and dates).")
@with_appcontext
def report_command(offices, start, end, fmt, group, raw_log, output) -> None:
    """Write the report of a period as XLSX (figures and ticket log) or CSV."""
    from . import exports, reports

    with _db().read() as session:
        try:
            where = reports.scope(session, list(offices), start.date(), end.date())
        except (LookupError, ValueError) as exc:
            raise click.ClickException(str(exc)) from exc
        figures = list(exports.figure_rows(reports.report(session, where, group)))
        log = list(exports.log_rows(reports.ticket_log(session, where)))
    if fmt == "xlsx":
        body = exports.to_xlsx({"Số liệu": figures, "Nhật ký phiếu": log})
    else:
        body = exports.to_csv(log if raw_log else figures)
    name = output or f"bao-cao-{'-'.join(offices)}-{start:%Y-%m-%d}-{end:%Y-%m-%d}.{fmt}"
    with open(name, "wb") as handle:
        handle.write(body)
    click.echo(f"{name}: {len(figures) - 1} rows of figures, {len(log) - 1} tickets.")


COMMANDS = (
    report_command,
    init_db_command,
    seed_demo_command,
    serve_command,
    demo_command,
    user_group,
    token_group,
    device_group,
)


def init_app(app: Flask) -> None:
    for command in COMMANDS:
        app.cli.add_command(command)


def main() -> None:
    from . import create_app

    cli = FlaskGroup(
        name="luot",
        create_app=lambda: create_app(),
        add_default_commands=False,
        add_version_option=False,
        load_dotenv=False,
        set_debug_flag=False,
        help="Lượt queue system: set up, serve and manage an office.",
    )
    for command in STANDALONE:
        cli.add_command(command)
    cli.main(args=sys.argv[1:], prog_name="luot")
