"""`luot ticket-preview`: the ticket a kiosk's printer would print now, as a picture and as
its ESC/POS bytes, without a printer and without issuing one (`render_preview` in
server/workers/print_queue.py)."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from .. import current
from ..engine import EngineError
from ..workers.print_queue import render_preview
from .cli_common import needs_schema, refused


@click.command("ticket-preview")
@click.option("--office", "office_code", required=True, metavar="CODE", help="The office.")
@click.option("--field", "field_code", required=True, metavar="CODE", help="The field (lĩnh vực).")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the ticket as a PNG, one pixel a printer dot (e.g. ticket.png).",
)
@click.option(
    "--escpos",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the ESC/POS bytes the printer would be sent (e.g. ticket.bin).",
)
@click.option("--device", type=click.IntRange(1), help="The kiosk whose printer to use.")
@click.option("--paper", type=click.Choice(["80", "58"]), help="Paper width in mm.")
@with_appcontext
@needs_schema
def ticket_preview_command(
    office_code: str,
    field_code: str,
    out: Path | None,
    escpos: Path | None,
    device: int | None,
    paper: str | None,
) -> None:
    """Draw the ticket of FIELD a kiosk of OFFICE would print now (the same rendering as
    the printer's: the office's name and footer, the next code, the counters serving the
    field, the kiosk's paper and printer model). Nothing is issued, no number taken.

    The printer is the kiosk --device, else the office's first kiosk with a printer.
    """
    if out is None and escpos is None:
        raise click.UsageError("Give --out FILE.png, --escpos FILE.bin, or both.")
    base = current_app.config["PUBLIC_BASE_URL"]
    try:
        data = current.engine().ticket_preview(
            office_code,
            field_code,
            device_id=device,
            paper=int(paper) if paper else None,
            track_url_base=base,
        )
    except EngineError as exc:
        raise refused(exc) from exc
    rendering = render_preview(data)
    written = []
    if out is not None:
        out.write_bytes(rendering.png())
        written.append(f"{out} ({rendering.image.width}×{rendering.image.height} dots)")
    if escpos is not None:
        escpos.write_bytes(rendering.escpos)
        written.append(f"{escpos} ({len(rendering.escpos)} bytes)")
    ticket = data["ticket"]
    click.echo(
        f"Ticket {ticket['code']} of {ticket['service_name']} on {data['paper']} mm paper: "
        + ", ".join(written)
        + "."
    )
    if not base:
        click.echo("The QR holds only the path: LUOT_PUBLIC_BASE_URL is not set.")
