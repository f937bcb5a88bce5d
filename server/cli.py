"""`luot`: thin commands over the engine, accounts and seed code.

Every command builds the app with `create_app()`, so the CLI reads the same configuration
(instance folder, `DATABASE_URL`, `LUOT_*`) as the server it manages.
"""

from __future__ import annotations

import secrets
import sys
from typing import TYPE_CHECKING

import click
from flask import Flask, current_app
from flask.cli import ScriptInfo, with_appcontext

from . import accounts, current, migrate, serving
from .cli_common import needs_schema as _needs_schema
from .config import SettingsError
from .demo import DEMO_ADMIN_PASSWORD, DEMO_OFFICE, demo_device_urls, describe_demo, seed_demo
from .engine import EngineError
from .province.cli import province_group
from .vocabulary import t

if TYPE_CHECKING:
    from printer.policy import PrinterPolicy


@click.command("init-db")
@with_appcontext
def init_db_command() -> None:
    """Create or upgrade the database schema (keeps data)."""
    db = current.database()
    migrate.upgrade(db)
    click.echo(f"Database ready: {db.engine.url.render_as_string(hide_password=True)}")


@click.command(
    "seed-demo",
    help=f"Add the demo office, its users and devices (idempotent).\n\n{describe_demo()}",
    short_help="Add the demo office, its users and devices (idempotent).",
)
@with_appcontext
def seed_demo_command() -> None:
    migrate.upgrade(current.database())
    created = seed_demo(current.engine())
    click.echo("Demo office created." if created else "Demo office already present.")


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--quiet", is_flag=True, help="No line per request (other logs stay).")
@click.option("--cert", help="Serve https with this certificate (PEM, chain first).")
@click.option("--key", "key_file", help="The certificate's private key (PEM).")
@with_appcontext
def serve_command(
    host: str, port: int, quiet: bool, cert: str | None, key_file: str | None
) -> None:
    """Serve with gevent's WSGI server (WebSockets included); not a development server.

    Logs to stderr at LUOT_LOG_LEVEL (INFO by default): one line per request with its
    X-Request-ID, and engine refusals and failures with the request they came from.
    With --cert and --key it serves https (phones then allow alerts, kiosks keep their
    offline copy); see README for a certificate made on the box.
    """
    if bool(cert) != bool(key_file):
        raise click.UsageError("--cert and --key go together.")
    tls = serving.tls_context(cert, key_file) if cert and key_file else None
    serving.serve(current_app, host, port, quiet, tls)


@click.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@with_appcontext
def demo_command(host: str, port: int) -> None:
    """Migrate, seed the demo office, print its URLs and serve."""
    migrate.upgrade(current.database())
    base = f"http://{host}:{port}"
    engine = current.engine()
    seed_demo(engine)
    devices = demo_device_urls(engine, base)
    code = DEMO_OFFICE["code"]
    click.echo(
        "\nLượt demo — " + DEMO_OFFICE["name"] + "\n"
        f"  Kiosk (lấy số):        {base}/kiosk/{code}\n"
        f"    as a registered kiosk (prints): {devices.get('kiosk', '-')}\n"
        f"  Booking (đặt lịch):    {base}/book/{code}\n"
        f"  Display (phòng chờ):   {base}/display/{code}\n"
        f"  Counter (quầy):        {base}/counter\n"
        f"  Rating (đánh giá):     {devices.get('rating', '-')}\n"
        f"  Overview (tổng quan):  {base}/admin/overview\n"
        f"  Reports (báo cáo):     {base}/admin/reports\n"
        f"  Province (toàn tỉnh):  {base}/admin/province (centres that join this server)\n"
        f"  Admin (quản trị):      {base}/admin\n"
        f"  API:                   {base}/api/v1/openapi.json\n"
        f"  Sign in: admin, quanly (manager), canbo1, canbo2 (officers); "
        f"password {DEMO_ADMIN_PASSWORD} (change it for real use)\n"
    )
    serving.serve(current_app, host, port)


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
@_needs_schema
def user_add(
    username: str, role: str, offices: tuple[str, ...], full_name: str, password: str | None
) -> None:
    """Add a user bound to offices."""
    generated = password is None
    password = password or secrets.token_urlsafe(9)
    try:
        current.engine().create_user(
            {
                "username": username,
                "role": role,
                "offices": list(offices),
                "password": password,
                "full_name": full_name,
            }
        )
    except EngineError as exc:
        raise click.ClickException(exc.message) from exc
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
@_needs_schema
def token_create(username: str, label: str) -> None:
    """Print a new bearer token acting as USERNAME."""
    try:
        raw = current.engine().create_user_token(username, label)
    except EngineError as exc:
        raise click.ClickException(
            f"{exc.message} (add one: luot user add {username} ...)"
        ) from exc
    click.echo(raw)


@token_group.command("list")
@click.argument("username", required=False)
@with_appcontext
@_needs_schema
def token_list(username: str | None) -> None:
    """List bearer tokens (all, or USERNAME's): id, owner, name, state."""
    try:
        tokens = current.engine().tokens(username)
    except EngineError as exc:
        raise click.ClickException(exc.message) from exc
    for token in tokens:
        owner = token["user"] if token["owner"] == "user" else f"device {token['device']}"
        state = "active" if token["active"] else f"revoked {token['revoked_at'] or ''}".strip()
        click.echo(
            f"{token['id']:>5}  {owner:<24}  {token['name']:<24}  "
            f"{token['created_at'][:16]}  {state}"
        )
    if not tokens:
        click.echo("No tokens.")


@token_group.command("revoke")
@click.argument("token_id", type=int)
@with_appcontext
@_needs_schema
def token_revoke(token_id: int) -> None:
    """Stop token TOKEN_ID at once (see `luot token list`); its sockets are closed."""
    try:
        token = current.engine().revoke_token(token_id)
    except EngineError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"Token {token['id']} ({token['name']}) revoked.")


@click.group("device")
def device_group() -> None:
    """Register kiosks, displays and rating screens."""


@device_group.command("add")
@click.argument("name")
@click.option("--office", required=True, help="Office code.")
@click.option(
    "--kind", type=click.Choice(accounts.DEVICE_KINDS), default="kiosk", show_default=True
)
@click.option(
    "--printer",
    "printer_url",
    default=None,
    help="tcp://host:9100, usb://VID:PID, serial:///dev/ttyUSB0, file:///dev/usb/lp0, "
    "cups://QUEUE, dummy:, or agent: (printed by `luot kiosk-agent`); "
    "it must be allowed by the LUOT_PRINTER_* settings.",
)
@click.option("--paper", type=click.Choice(["80", "58"]), default="80", show_default=True)
@click.option(
    "--counter", "counter_number", type=int, default=None, help="Counter number (rating screens)."
)
@click.option(
    "--base-url",
    default=None,
    help="The server's address as the device reaches it, e.g. http://192.168.1.10:5000 "
    "(default: LUOT_PUBLIC_BASE_URL).",
)
@with_appcontext
@_needs_schema
def device_add(
    name: str,
    office: str,
    kind: str,
    printer_url: str | None,
    paper: str,
    counter_number: int | None,
    base_url: str | None,
) -> None:
    """Register a device; print its token (shown once) and the URL to open on it."""
    try:
        device, raw = current.engine().create_device(
            office,
            {
                "kind": kind,
                "name": name,
                "printer_url": printer_url,
                "paper": int(paper),
                "counter_number": counter_number,
            },
        )
    except EngineError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"Device {device['id']} ({kind}) added. Token (shown once):")
    click.echo(raw)
    path = accounts.device_path(device, raw)
    if path is None:
        click.echo(
            "Bind it to a counter in /admin (or add it with --counter N); it then opens "
            "/rate/<counter id>?key=TOKEN."
        )
        return
    base = (base_url or current_app.config["PUBLIC_BASE_URL"]).rstrip("/")
    if base:
        click.echo(f"Open on it: {base}{path}")
    else:
        click.echo(f"Open on it: <server address>{path}")
        click.echo("(--base-url or LUOT_PUBLIC_BASE_URL fills in the address)")


@click.group("printer")
def printer_group() -> None:
    """Check printers."""


@printer_group.command("test")
@click.argument("url")
@click.option("--paper", type=click.Choice(["80", "58"]), default="80", show_default=True)
@click.option("--timeout", type=float, default=5.0, show_default=True)
def printer_test(url: str, paper: str, timeout: float) -> None:
    """Print a sample ticket on the printer at URL, to check the wiring.

    The URL must pass the printer policy of the LUOT_PRINTER_* environment variables, as
    on the server. Exits non-zero, saying what happened, when the printer did not take the
    whole ticket or reports a problem.
    """
    import printer

    policy = _printer_policy()
    try:
        report = printer.print_sample(url, int(paper), timeout=timeout, policy=policy)
    except (printer.PrinterError, printer.PrinterUrlError) as exc:
        raise click.ClickException(f"Printing failed: {exc}") from exc
    status = f" Printer status: {report.status.describe()}." if report.status else ""
    click.echo(f"Sample ticket sent to {url} ({report.bytes_sent} bytes).{status}")


def _printer_policy() -> PrinterPolicy:
    """The printer policy from LUOT_PRINTER_*, for the commands that run without an app."""
    from printer.errors import PrinterPolicyError
    from printer.policy import PrinterPolicy

    try:
        return PrinterPolicy.from_env()
    except PrinterPolicyError as exc:
        raise click.ClickException(str(exc)) from exc


@click.command("kiosk-agent")
@click.option("--server", required=True, help="The Lượt server, e.g. http://192.168.1.10:5000")
@click.option(
    "--token",
    envvar="LUOT_DEVICE_TOKEN",
    required=True,
    help="The kiosk's device token (luot device add); or LUOT_DEVICE_TOKEN.",
)
@click.option(
    "--printer",
    "printer_url",
    required=True,
    help="The local printer: usb://VID:PID, serial:///dev/ttyUSB0, file:///dev/usb/lp0, "
    "tcp://host:9100, cups://QUEUE.",
)
@click.option("--scanner", default=None, help="Serial (virtual-COM) QR scanner, e.g. /dev/ttyACM0")
@click.option("--baudrate", default=9600, show_default=True, type=int)
def kiosk_agent(
    server: str, token: str, printer_url: str, scanner: str | None, baudrate: int
) -> None:
    """Print this kiosk's tickets locally and forward serial scans (no database needed).

    Waits for a server that is down or unreachable, one line per try; stops with one line
    and exit status 1 when the server refuses the token or is not a Lượt server.
    """
    import logging

    import printer
    from kiosk.agent import AgentConfig, AgentError, KioskAgent
    from printer.urls import AgentTarget

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", force=True)
    policy = _printer_policy()
    try:
        if isinstance(policy.check(printer_url), AgentTarget):
            raise printer.PrinterUrlError("agent: is the kiosk's side; give the local printer")
    except printer.PrinterUrlError as exc:
        raise click.BadParameter(str(exc), param_hint="--printer") from exc
    try:
        config = AgentConfig(server, token, printer_url, scanner, baudrate, policy=policy)
        agent = KioskAgent(config)
    except AgentError as exc:
        click.echo(f"kiosk-agent: {exc}", err=True)
        raise SystemExit(1) from None
    click.echo(f"Kiosk agent for {agent.device['name']} ({agent.device['office']}) → {server}")
    agent.run_forever()


# Commands that need no app (a kiosk PC has no database): added to the group itself.
STANDALONE = (printer_group, kiosk_agent)


@click.command("report")
@click.option(
    "--office",
    "offices",
    multiple=True,
    help="Office code (repeat to compare several).",
)
@click.option(
    "--all",
    "every",
    is_flag=True,
    help="Every office of this server instead (on a provincial server: every centre's).",
)
@click.option(
    "--from",
    "start",
    required=True,
    type=click.DateTime(["%Y-%m-%d"]),
    help="First local day, YYYY-MM-DD.",
)
@click.option(
    "--to",
    "end",
    required=True,
    type=click.DateTime(["%Y-%m-%d"]),
    help="Last local day, YYYY-MM-DD (included).",
)
@click.option(
    "--format", "fmt", type=click.Choice(["xlsx", "csv"]), default="xlsx", show_default=True
)
@click.option(
    "--group",
    type=click.Choice(["total", "office", "service", "counter", "officer", "day", "hour"]),
    default="service",
    show_default=True,
)
@click.option("--log", "raw_log", is_flag=True, help="CSV: the raw ticket log instead.")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, allow_dash=True),
    default=None,
    help="File to write, '-' for standard output. Without it CSV goes to standard output; "
    "XLSX needs it.",
)
@with_appcontext
@_needs_schema
def report_command(offices, every, start, end, fmt, group, raw_log, output) -> None:
    """Write the report of a period as XLSX (figures and ticket log) or CSV, for some
    offices (--office, repeated) or all of them (--all).

    Nothing is written where the command runs unless --output says so.
    """
    from . import exports, reports

    if every and offices:
        raise click.UsageError("Give --office or --all, not both.")
    if not every and not offices:
        raise click.UsageError("Give the offices (--office CODE, repeated) or --all.")
    if output is None and fmt == "xlsx":
        raise click.UsageError(
            "XLSX needs --output FILE (or -o - for standard output); CSV without it goes to "
            "standard output."
        )
    with current.database().read() as session:
        try:
            if every:
                where = reports.scope_all(session, start.date(), end.date())
            else:
                where = reports.scope(session, list(offices), start.date(), end.date())
        except (LookupError, ValueError) as exc:
            raise click.ClickException(str(exc)) from exc
        figures = list(exports.figure_rows(reports.report(session, where, group)))
        log = list(exports.log_rows(reports.ticket_log(session, where)))
    if fmt == "xlsx":
        body = exports.to_xlsx({t("export.sheet_figures"): figures, t("export.sheet_log"): log})
    else:
        body = exports.to_csv(log if raw_log else figures)
    output = output or "-"
    try:
        with click.open_file(output, "wb") as handle:
            handle.write(body)
    except OSError as exc:
        raise click.ClickException(f"Cannot write {output}: {exc.strerror}") from exc
    summary = f"{len(figures) - 1} rows of figures, {len(log) - 1} tickets."
    click.echo(f"Report: {summary}" if output == "-" else f"{output}: {summary}", err=output == "-")


def _installation():
    from pathlib import Path

    from .backup import Installation

    instance = Path(current_app.instance_path)
    return Installation(current.database().url, instance, current_app.config["SECRET_KEY"])


def _size(n: int) -> str:
    for unit in ("bytes", "kB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n} bytes"


@click.command("backup")
@click.option(
    "--output",
    type=click.Path(file_okay=False),
    default=None,
    help="Folder for the archive, created 0700 if missing "
    "(default: backups/ in the instance folder; keep copies on another disk).",
)
@click.option(
    "--keep",
    type=click.IntRange(min=1),
    default=None,
    help="Then remove all but the newest N Lượt backups in that folder.",
)
@with_appcontext
def backup_command(output: str | None, keep: int | None) -> None:
    """Write the database and the secret key to one archive; safe while the server runs."""
    from pathlib import Path

    from .backup import BackupError, create_backup

    folder = Path(output) if output else Path(current_app.instance_path) / "backups"
    try:
        made = create_backup(_installation(), folder, keep)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Backup written: {made.path} ({_size(made.size)})")
    for path in made.removed:
        click.echo(f"Removed old backup: {path.name}")


@click.command("restore")
@click.argument("archive", type=click.Path(dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask before replacing the database.")
@with_appcontext
def restore_command(archive: str, yes: bool) -> None:
    """Put back the database and the secret key from a `luot backup` archive.

    Stop the server first: restore refuses a database another process has open. The archive
    is checked before anything changes; the database is then migrated to this version.
    """
    from pathlib import Path

    from .backup import BackupError, restore_backup

    target = current.database().engine.url.render_as_string(hide_password=True)

    def confirm(manifest: dict) -> bool:
        click.echo(
            f"Backup of {manifest['created_at']} (Lượt {manifest['luot_version']}, "
            f"{manifest['database']}, schema {manifest['alembic_revision']})\n"
            f"replaces the database {target}\n"
            f"and the secret key in {current_app.instance_path}."
        )
        return yes or click.confirm("Restore it?")

    try:
        done = restore_backup(Path(archive), _installation(), confirm)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Restored; the database is at schema {done.revision}.")
    for path in done.kept:
        click.echo(f"What it replaced is kept as {path} (delete it once all is well).")
    for note in done.notes:
        click.echo(f"Warning: {note}", err=True)


COMMANDS = (
    report_command,
    init_db_command,
    seed_demo_command,
    serve_command,
    demo_command,
    user_group,
    token_group,
    device_group,
    province_group,
    backup_command,
    restore_command,
)


def init_app(app: Flask) -> None:
    for command in COMMANDS:
        app.cli.add_command(command)


# Only Lượt's own commands: Flask's group would add --env-file, --app, --debug and every
# extension's commands (flask-smorest's openapi, Flask-Limiter's limiter) to `luot --help`.
cli = click.Group(
    "luot",
    commands=[*COMMANDS, *STANDALONE],
    help="Lượt queue system: set up, serve and manage an office.",
)


def main() -> None:
    from . import create_app

    # What `with_appcontext` loads the app from: the same create_app() as the server's.
    info = ScriptInfo(create_app=create_app, set_debug_flag=False, load_dotenv_defaults=False)
    try:
        cli.main(args=sys.argv[1:], prog_name="luot", obj=info)
    except SettingsError as exc:
        # A bad luot.cfg line or LUOT_* value: one line, whichever command it stopped.
        click.ClickException(str(exc)).show()
        sys.exit(1)
