"""Ticket printing for Lượt: render a ticket to ESC/POS bytes, send bytes to a printer URL.

Knows nothing of Flask or the server; the server hands over a TicketPrint (or a dict).
"""

import printer.escpos_cache  # noqa: F401  (must run before python-escpos is imported)
from printer.connections import (
    DEFAULT_TIMEOUT,
    PrinterStatus,
    SendReport,
    open_printer,
    send_bytes,
)
from printer.errors import (
    PaperWidthError,
    PrinterCoverOpenError,
    PrinterDriverMissingError,
    PrinterError,
    PrinterFaultError,
    PrinterNotAllowedError,
    PrinterOfflineError,
    PrinterPaperError,
    PrinterPolicyError,
    PrinterTimeoutError,
    PrinterUrlError,
)
from printer.layout import TicketRendering, preview_ticket, render_ticket
from printer.paper import PAPER_58, PAPER_80, Paper, paper_for
from printer.policy import PrinterPolicy
from printer.sample import print_sample
from printer.slip import SlipPrint, render_slip
from printer.ticket import DEFAULT_FOOTER, TicketPrint, sample_ticket
from printer.urls import PrinterTarget, parse_printer_url

__all__ = [
    "DEFAULT_FOOTER",
    "DEFAULT_TIMEOUT",
    "PAPER_58",
    "PAPER_80",
    "Paper",
    "PaperWidthError",
    "PrinterCoverOpenError",
    "PrinterDriverMissingError",
    "PrinterError",
    "PrinterFaultError",
    "PrinterNotAllowedError",
    "PrinterOfflineError",
    "PrinterPaperError",
    "PrinterPolicy",
    "PrinterPolicyError",
    "PrinterStatus",
    "PrinterTarget",
    "PrinterTimeoutError",
    "PrinterUrlError",
    "SendReport",
    "SlipPrint",
    "TicketPrint",
    "TicketRendering",
    "open_printer",
    "paper_for",
    "parse_printer_url",
    "preview_ticket",
    "print_sample",
    "render_slip",
    "render_ticket",
    "sample_ticket",
    "send_bytes",
]
