"""Ticket printing for Lượt: render a ticket to ESC/POS bytes, send bytes to a printer URL.

Knows nothing of Flask or the server; the server hands over a TicketPrint (or a dict).
"""

import os
import tempfile

# python-escpos parses its printer-capabilities YAML (~1.5 s) on import unless it finds a
# pickled copy; without this it makes a fresh temporary folder, and so re-parses, each time.
os.environ.setdefault(
    "ESCPOS_CAPABILITIES_PICKLE_DIR", os.path.join(tempfile.gettempdir(), "luot-escpos")
)
os.makedirs(os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"], exist_ok=True)

from printer.connections import DEFAULT_TIMEOUT, open_printer, send_bytes
from printer.errors import (
    PaperWidthError,
    PrinterDriverMissingError,
    PrinterError,
    PrinterOfflineError,
    PrinterPaperError,
    PrinterTimeoutError,
    PrinterUrlError,
)
from printer.layout import render_ticket
from printer.paper import PAPER_58, PAPER_80, Paper, paper_for
from printer.sample import print_sample
from printer.ticket import DEFAULT_FOOTER, TicketPrint, sample_ticket
from printer.urls import PrinterTarget, parse_printer_url

__all__ = [
    "DEFAULT_FOOTER",
    "DEFAULT_TIMEOUT",
    "PAPER_58",
    "PAPER_80",
    "Paper",
    "PaperWidthError",
    "PrinterDriverMissingError",
    "PrinterError",
    "PrinterOfflineError",
    "PrinterPaperError",
    "PrinterTarget",
    "PrinterTimeoutError",
    "PrinterUrlError",
    "TicketPrint",
    "open_printer",
    "paper_for",
    "parse_printer_url",
    "print_sample",
    "render_ticket",
    "sample_ticket",
    "send_bytes",
]
