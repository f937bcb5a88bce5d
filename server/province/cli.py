"""`luot province …`: one command on each side to register a centre, and the rest of a
province's upkeep (status, revocation, templates). See docs/PROVINCE.md."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from .. import current
from ..engine import EngineError
from ..ops.cli_common import needs_schema
from .client import ProvinceClient, Refused, Unreachable, check_url


@click.group("province")
def province_group() -> None:
    """A province: register centres, join one, follow the sync, push templates."""


def _engine_call(verb, *args, **kwargs):
    try:
        return verb(*args, **kwargs)
    except EngineError as exc:
        raise click.ClickException(exc.message) from exc


# -- the provincial server's side


@province_group.command("add-centre")
@click.argument("code")
@click.option("--name", default="", help="The centre's name, as the overview shows it.")
@click.option(
    "--url",
    default=None,
    help="This provincial server's address as centres reach it (default: LUOT_PUBLIC_BASE_URL).",
)
@with_appcontext
@needs_schema
def add_centre(code: str, name: str, url: str | None) -> None:
    """Register centre CODE (or give it a new join code); print the command to run there."""
    invite = _engine_call(current.engine().add_centre, code, name)
    base = (url or current_app.config["PUBLIC_BASE_URL"] or "https://<this server>").rstrip("/")
    click.echo(
        f"Centre {invite['centre']} ({invite['name']}) may join until {invite['expires_at'][:16]}."
    )
    click.echo("On the centre's box, run (the code works once):")
    click.echo(f"  luot province join {base} {invite['join_code']}")


@province_group.command("revoke-centre")
@click.argument("code")
@with_appcontext
@needs_schema
def revoke_centre(code: str) -> None:
    """Stop centre CODE's token at once (what it sent stays)."""
    _engine_call(current.engine().revoke_centre, code)
    click.echo(f"Centre {code} revoked: its pushes are refused from now on.")


@province_group.command("centres")
@with_appcontext
@needs_schema
def centres() -> None:
    """Every centre: state, last contact, sync lag, waiting now."""
    rows = current.engine().centres(current_app.config["PROVINCE_STALE_SECONDS"])
    if not rows:
        click.echo("No centres yet (luot province add-centre CODE).")
    for centre in rows:
        waiting = sum(office["waiting"] for office in centre["offices"])
        contact = (
            f"{centre['seconds_since_contact']} s ago"
            if centre["seconds_since_contact"] is not None
            else "never"
        )
        stale = "  STALE" if centre["stale"] and centre["state"] == "joined" else ""
        click.echo(
            f"{centre['code']:<12} {centre['state']:<8} contact {contact:<12} "
            f"lag {centre['lag_entries']} entries / {centre['lag_seconds']} s  "
            f"waiting {waiting}{stale}"
        )
        if centre["last_error"]:
            click.echo(f"    last refusal: {centre['last_error']}")


@province_group.command("template")
@click.argument("name")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--centre", "centres_", multiple=True, help="Push it to this centre (repeatable).")
@with_appcontext
@needs_schema
def template(name: str, path: Path, centres_: tuple[str, ...]) -> None:
    """Save template NAME from a JSON file (fields, priority classes, settings); with
    --centre, push it to those centres."""
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise click.ClickException(f"{path} is not a JSON file ({exc}).") from exc
    engine = current.engine()
    saved = _engine_call(engine.save_template, name, body)
    click.echo(f"Template {saved['name']} is at version {saved['version']}.")
    if centres_:
        pushed = _engine_call(engine.assign_template, name, list(centres_))
        click.echo(f"Centres {', '.join(pushed['centres'])} apply it at their next contact.")


# -- the centre's side


@province_group.command("join")
@click.argument("url")
@click.argument("code")
@with_appcontext
@needs_schema
def join(url: str, code: str) -> None:
    """Join the province at URL with the one-time CODE its admin gave (`add-centre`)."""
    try:
        client = ProvinceClient(check_url(url), timeout=current_app.config["PROVINCE_TIMEOUT"])
        # The province refuses now, naming it, an office code another office has there.
        granted = client.join(code, [office["code"] for office in current.engine().offices()])
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    except Unreachable as exc:
        raise click.ClickException(f"{exc}; check the address and the network.") from exc
    except Refused as exc:
        raise click.ClickException(f"The province refused: {exc}") from exc
    try:
        centre, token, received = granted["centre"], granted["token"], int(granted["received"])
    except (KeyError, TypeError, ValueError) as exc:
        raise click.ClickException(f"{client.url} did not answer as a Lượt province.") from exc
    link = _engine_call(current.engine().join_province, client.url, centre, token, received)
    click.echo(
        f"Joined {client.url} as centre {centre}: {link['unsent']} journal entries to send. "
        "The running server sends them (restart it if it is not `luot serve`)."
    )


@province_group.command("status")
@with_appcontext
@needs_schema
def status() -> None:
    """This box's link to its province: what is sent, what waits, the last fault."""
    link = current.engine().link()
    if link is None:
        raise click.ClickException("This box has not joined a province (luot province join).")
    click.echo(f"Province {link['province_url']}, centre {link['centre']}: {link['state']}")
    click.echo(
        f"Journal: {link['head']} entries, {link['confirmed']} confirmed, {link['unsent']} to send"
        + (f" (oldest from {link['oldest_unsent_at'][:19]})" if link["oldest_unsent_at"] else "")
    )
    click.echo(f"Last confirmed push: {link['last_ok_at'] or 'never'}")
    if link["state"] == "held":
        click.echo(
            f"Held: restored from a backup at {link['restored_at'][:19]}, this box sends "
            "nothing until `luot province resume` (only on the box that replaces the live one)."
        )
    resync = link["resync"]
    if resync and not resync["done"]:
        click.echo(
            f"Sending its whole state again since {resync['since'][:19]}: "
            f"{resync['sent']} of {resync['total']} entries confirmed ({resync['reason']})."
        )
    elif resync:
        click.echo(f"Last sent its whole state again from {resync['since'][:19]}: done.")
    if link["last_error"]:
        click.echo(f"Last fault ({link['last_error_at'][:19]}): {link['last_error']}")
    click.echo(f"Template version applied: {link['template_version']}")


@province_group.command("resume")
@with_appcontext
@needs_schema
def resume() -> None:
    """After `luot restore` on the box that replaces the live centre: send again.

    The province gets this box's journal; where it holds entries this box no longer has,
    the box sends its whole state again and the province's copy follows it. Never on a
    copy restored for a test: it would send as the live centre."""
    link = _engine_call(current.engine().resume_pushing)
    click.echo(
        f"Centre {link['centre']} sends to {link['province_url']} again; "
        "`luot province status` follows it."
    )


@province_group.command("resync")
@with_appcontext
@needs_schema
def resync() -> None:
    """Send this box's whole state to the province again (the province's copy follows it).

    Not needed after a restore (the province notices and asks); for a copy at the province
    that someone changed by hand."""
    link = _engine_call(current.engine().start_resync, "asked for with `luot province resync`")
    resync = link["resync"]
    click.echo(
        f"Centre {link['centre']}: {resync['total']} entries of its whole state to send "
        "(the running server sends them)."
    )
