"""What a printer says of itself (ESC/POS real-time status, DLE EOT n) and what sending a
job found out."""

from __future__ import annotations

from dataclasses import dataclass

from escpos.constants import RT_STATUS

from ..errors import (
    PrinterCoverOpenError,
    PrinterError,
    PrinterFaultError,
    PrinterOfflineError,
    PrinterPaperError,
)

# How long status=auto waits for a printer's first status answer before deciding it has none.
STATUS_PROBE = 0.5
QUERIES = {n: RT_STATUS + bytes([n]) for n in (1, 2, 3, 4)}
# url → whether the printer there answers status queries (status=auto), for this process.
answers_status: dict[str, bool] = {}


@dataclass(frozen=True, slots=True)
class PrinterStatus:
    """A printer's answers to DLE EOT 1 (printer), 2 (offline cause), 3 (errors), 4 (paper)."""

    printer: int
    offline_cause: int
    error_cause: int
    paper: int

    @property
    def paper_out(self) -> bool:
        return self.paper & 0x60 == 0x60 or bool(self.offline_cause & 0x20)

    @property
    def paper_low(self) -> bool:
        return self.paper & 0x0C == 0x0C

    @property
    def cover_open(self) -> bool:
        return bool(self.offline_cause & 0x04)

    @property
    def offline(self) -> bool:
        return bool(self.printer & 0x08)

    @property
    def errors(self) -> list[str]:
        names = [
            name
            for bit, name in (
                (0x04, "a mechanical error"),
                (0x08, "an autocutter error"),
                (0x20, "an unrecoverable error"),
                (0x40, "an automatically recoverable error (print head temperature?)"),
            )
            if self.error_cause & bit
        ]
        if not names and self.offline_cause & 0x40:
            names.append("an error")
        return names

    def fault(self, url: str, after_job: bool = False) -> PrinterError | None:
        """The error to report for this status, or None when the printer can print."""
        when = " after the job: the ticket may be incomplete" if after_job else ""
        if self.paper_out:
            return PrinterPaperError(f"printer {url} is out of paper{when}")
        if self.cover_open:
            return PrinterCoverOpenError(f"printer {url}: the cover is open{when}")
        if self.errors:
            return PrinterFaultError(f"printer {url} reports {' and '.join(self.errors)}{when}")
        if self.offline:
            return PrinterOfflineError(f"printer {url} is offline{when}")
        return None

    def describe(self) -> str:
        if self.paper_low:
            return "ok, paper running low"
        return "ok"


@dataclass(frozen=True, slots=True)
class SendReport:
    """What sending a job found out: bytes written, status after the job, and what the
    printer sent back (ESC/POS automatic status, if it is switched on)."""

    bytes_sent: int
    status: PrinterStatus | None = None
    back_channel: bytes = b""


def is_status(byte: int) -> bool:
    """An ESC/POS status byte has bits 1 and 4 set and bits 0 and 7 clear."""
    return byte & 0x93 == 0x12
