"""A ticket as a kiosk's printer would print it, without a printer (issue 25, point 8).

`engine.ticket_preview` gives a new ticket of a field as the print worker gets a job (the
office's name and footer now, the next code, the counters serving the field, the kiosk's
paper and model), nothing written; `printer.preview_ticket` renders it as
`print_queue.render` does and draws the paper from that same job. The admin page's
`GET /api/v1/offices/<office>/ticket-preview` and `luot ticket-preview` both come here.
"""

from __future__ import annotations

from typing import Any

import printer


def render_preview(data: dict[str, Any]) -> printer.TicketRendering:
    """The ESC/POS bytes and the picture of the paper, for `engine.ticket_preview`'s data."""
    return printer.preview_ticket(
        printer.TicketPrint.from_mapping(data["ticket"]), data["paper"], profile=data["profile"]
    )
