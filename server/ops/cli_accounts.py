"""`luot user`, `luot token`, `luot device`: people, bearer tokens and devices from the
box's shell, through the engine's audited verbs (the same rules as the admin API).

A refusal is one line and changes nothing.
"""

from __future__ import annotations

import secrets

import click
from flask import current_app
from flask.cli import with_appcontext

from .. import current
from ..engine import EngineError, credentials
from .cli_common import needs_schema, refused


@click.group("user")
def user_group() -> None:
    """Manage users."""


@user_group.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice(credentials.ROLES), default="officer", show_default=True)
@click.option("--office", "offices", multiple=True, help="Office code (repeat for several).")
@click.option("--name", "full_name", default="", help="Full name shown to citizens.")
@click.option("--password", default=None, help="Omit to generate one.")
@with_appcontext
@needs_schema
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
        raise refused(exc) from exc
    click.echo(f"User {username} ({role}) added.")
    if generated:
        click.echo(f"Password: {password}")


@user_group.command("list")
@with_appcontext
@needs_schema
def user_list() -> None:
    """List users: name, role, offices, active or not, full name."""
    users = current.engine().users()
    for user in users:
        offices = ",".join(user["offices"]) or "-"
        state = "active" if user["active"] else "inactive"
        click.echo(
            f"{user['username']:<20}  {user['role']:<8}  {offices:<20}  {state:<8}  "
            f"{user['full_name']}".rstrip()
        )
    if not users:
        click.echo("No users (add one: luot user add NAME --role admin).")


@user_group.command("passwd")
@click.argument("username")
@click.option("--password", default=None, help="The new password (else asked for, twice).")
@click.option("--generate", is_flag=True, help="Make one up and print it.")
@with_appcontext
@needs_schema
def user_passwd(username: str, password: str | None, generate: bool) -> None:
    """Set USERNAME's password: what a locked-out admin does on the box itself.

    The user's sessions and bearer tokens end, as with any password change, and their
    failed sign-ins are forgotten, which lifts the sign-in throttle on that name.
    """
    if password is not None and generate:
        raise click.ClickException("Give --password or --generate, not both.")
    if generate:
        password = secrets.token_urlsafe(12)
    elif password is None:
        password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    try:
        done = current.engine().reset_password(username, password)
    except EngineError as exc:
        raise refused(exc) from exc
    click.echo(
        f"Password of {username} changed; {done['signed_out']} session(s) and token(s) "
        f"ended, {done['failed_sign_ins']} failed sign-in(s) forgotten."
    )
    if not done["active"]:
        click.echo(f"{username} is inactive: an admin reactivates them in /admin → Người dùng.")
    if generate:
        click.echo(f"Password: {password}")


@click.group("token")
def token_group() -> None:
    """Manage API bearer tokens."""


@token_group.command("create")
@click.argument("username")
@click.option("--label", default="cli", show_default=True, help="What the token is for.")
@with_appcontext
@needs_schema
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
@needs_schema
def token_list(username: str | None) -> None:
    """List bearer tokens (all, or USERNAME's): id, owner, name, state."""
    try:
        tokens = current.engine().tokens(username)
    except EngineError as exc:
        raise refused(exc) from exc
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
@needs_schema
def token_revoke(token_id: int) -> None:
    """Stop token TOKEN_ID at once (see `luot token list`); its sockets are closed."""
    try:
        token = current.engine().revoke_token(token_id)
    except EngineError as exc:
        raise refused(exc) from exc
    click.echo(f"Token {token['id']} ({token['name']}) revoked.")


@click.group("device")
def device_group() -> None:
    """Register, list and revoke kiosks, displays and rating screens."""


@device_group.command("add")
@click.argument("name")
@click.option("--office", required=True, help="Office code.")
@click.option(
    "--kind", type=click.Choice(credentials.DEVICE_KINDS), default="kiosk", show_default=True
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
@needs_schema
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
        raise refused(exc) from exc
    click.echo(f"Device {device['id']} ({kind}) added. Token (shown once):")
    click.echo(raw)
    path = credentials.device_path(device, raw)
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


@device_group.command("list")
@click.option("--office", default=None, help="Only this office's devices.")
@with_appcontext
@needs_schema
def device_list(office: str | None) -> None:
    """List devices: id, office, kind, name, printer, active or not, last seen."""
    engine = current.engine()
    try:
        codes = [office] if office else [o["code"] for o in engine.offices()]
        devices = [device for code in codes for device in engine.devices(code)]
    except EngineError as exc:
        raise refused(exc) from exc
    for device in devices:
        state = "active" if device["active"] else "inactive"
        if device["connected"]:
            seen = "connected"
        else:
            seen = (device["last_seen_at"] or "never seen")[:16].replace("T", " ")
        printer = device["printer_url"] or "-"
        if device["printer_url"] and device["printer_status"] != "unknown":
            printer += f" ({device['printer_status']})"
        click.echo(
            f"{device['id']:>5}  {device['office']:<12}  {device['kind']:<8}  "
            f"{device['name']:<24}  {printer:<24}  {state:<8}  {seen}"
        )
    if not devices:
        click.echo("No devices (register one: luot device add NAME --office CODE).")


@device_group.command("revoke")
@click.argument("device_id", type=int)
@with_appcontext
@needs_schema
def device_revoke(device_id: int) -> None:
    """Take device DEVICE_ID out of service (see `luot device list`): it is deactivated
    and its token stops working at once; its open screens are disconnected.

    To use it again, give it a new token in /admin (Thiết bị → Cấp mã mới) and reactivate
    it there, or register it anew with `luot device add`.
    """
    try:
        device = current.engine().revoke_device(device_id)
    except EngineError as exc:
        raise refused(exc) from exc
    what = f"Device {device['id']} ({device['name']}, {device['kind']} of {device['office']})"
    if not device["changed"]:
        click.echo(f"{what} was revoked already.")
        return
    click.echo(f"{what} revoked; {device['tokens_revoked']} token(s) stopped.")
