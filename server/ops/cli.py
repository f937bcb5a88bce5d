"""`luot`: thin commands over the engine, accounts and seed code.

Every command builds the app with `create_app()`, so the CLI reads the same configuration
(instance folder, `DATABASE_URL`, `LUOT_*`) as the server it manages.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from .. import current
from ..i18n import t
from ..province.cli import province_group
from . import migrate, serving
from .cli_accounts import device_group, token_group, user_group
from .cli_common import needs_schema as _needs_schema
from .cli_offices import office_group
from .cli_ticket import ticket_preview_command
from .demo import DEMO_ADMIN_PASSWORD, DEMO_OFFICE, demo_device_urls, describe_demo, seed_demo

if TYPE_CHECKING:
    from printer.policy import PrinterPolicy


@click.command("init-db")
@with_appcontext
def init_db_command() -> None:
    """Create or upgrade the database schema (keeps data)."""
    db = current.database()
    try:
        migrate.upgrade(db)
    except migrate.MigrationError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Database ready: {db.engine.url.render_as_string(hide_password=True)}")


@click.command("upgrade")
@click.option(
    "--keep",
    type=click.IntRange(min=1),
    default=3,
    show_default=True,
    help="Before-upgrade backups kept in the instance folder's backups/before-upgrade.",
)
@with_appcontext
def upgrade_command(keep: int) -> None:
    """Bring this installation up to the installed code (`make upgrade` runs it).

    Takes a backup first, runs the migrations in one transaction (a failure changes
    nothing), gives the instance folder and its files the modes a new installation has,
    and says what to restart. With migrations to run it refuses while a server uses the
    database: stop it first.
    """
    from . import upgrade

    installation = _installation()
    target = current.database().engine.url.render_as_string(hide_password=True)
    click.echo(f"Upgrading {target} (instance folder {installation.instance})")
    try:
        done = upgrade.run(installation, keep)
    except upgrade.UpgradeError as exc:
        raise click.ClickException(str(exc)) from exc
    if done.backup:
        click.echo(f"Backup taken first: {done.backup.path} ({done.backup_seconds:.1f} s)")
    if done.start is None:
        click.echo(f"A new database: created at schema {done.end}.")
    elif done.applied:
        click.echo(
            f"Schema {done.start} → {done.end} ({len(done.applied)} migrations, "
            f"{done.migrate_seconds:.1f} s)."
        )
    else:
        click.echo(f"Schema {done.end}: already current.")
    for change in done.tightened:
        click.echo(f"Mode tightened: {change}")
    for note in done.notes:
        click.echo(f"Note: {note}")
    click.echo(
        "Now restart the server (systemctl restart luot.target, or stop and start "
        "`luot serve`); "
        "screens and kiosks reconnect by themselves."
    )


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
    from kiosk.agent.main import AgentConfig, AgentError, KioskAgent
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
    "--csv-style",
    type=click.Choice(["excel-vi", "plain"]),
    default="excel-vi",
    show_default=True,
    help="CSV for Excel set to Vietnamese (';' and decimal comma) or plain (',' and '.').",
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
def report_command(offices, every, start, end, fmt, csv_style, group, raw_log, output) -> None:
    """Write the report of a period as XLSX (figures and ticket log) or CSV, for some
    offices (--office, repeated) or all of them (--all).

    Nothing is written where the command runs unless --output says so.
    """
    from .. import reports
    from ..reports import exports

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
        body = exports.to_csv(log if raw_log else figures, csv_style)
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

    from .backup import BackupError, restore_backup, restored_centre

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
    centre = restored_centre(current.database().url)
    if centre:
        click.echo(
            f"This box is centre {centre}: it sends nothing to the province until "
            "`luot province resume`. Run that only on the box that replaces the live one "
            "(never on a test restore); the province then gets this box's state again."
        )
    for path in done.kept:
        click.echo(f"What it replaced is kept as {path} (delete it once all is well).")
    for note in done.notes:
        click.echo(f"Warning: {note}", err=True)


COMMANDS = (
    report_command,
    init_db_command,
    upgrade_command,
    seed_demo_command,
    serve_command,
    demo_command,
    office_group,
    user_group,
    token_group,
    device_group,
    province_group,
    backup_command,
    restore_command,
    ticket_preview_command,
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
