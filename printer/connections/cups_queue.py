"""cups:// — a CUPS queue through pycups: the job handed to the spooler."""

from __future__ import annotations

import contextlib

from escpos.exceptions import DeviceNotFoundError

from ..errors import PrinterOfflineError
from ..policy import CUPS_PORT, PrinterPolicy
from ..urls import CupsTarget
from . import drivers
from .job import (
    connect_failure,
    require_driver,
)
from .status import SendReport

try:  # optional: only cups:// printers need pycups, and its errors are not OSErrors
    import cups

    CUPS_ERRORS: tuple[type[Exception], ...] = (cups.IPPError, cups.HTTPError)
except ImportError:
    CUPS_ERRORS = ()


def send_cups(target: CupsTarget, url: str, data: bytes, policy: PrinterPolicy) -> SendReport:
    """CUPS takes the job as a whole and reports its own errors; its queue knows the rest."""
    require_driver(drivers.CupsPrinter, "cups", "pycups")
    server: dict[str, object] = {}
    if target.host:
        try:
            (_family, sockaddr), *_ = policy.addresses(target.host, CUPS_PORT, url)
        except OSError as exc:
            raise connect_failure(url, exc) from exc
        server = {"host": sockaddr[0], "port": CUPS_PORT}
    printer = drivers.CupsPrinter(target.queue, **server)
    try:
        printer.open()
        printer._raw(data)  # escpos has no public raw write; Dummy's docs send output this way
        printer.close()  # CUPS submits the job only here, so its errors count too
    except DeviceNotFoundError as exc:
        raise PrinterOfflineError(f"cannot reach printer {url}: {exc}") from exc
    except CUPS_ERRORS as exc:
        raise PrinterOfflineError(f"CUPS did not take the job for {url}: {exc}") from exc
    except OSError as exc:
        raise connect_failure(url, exc) from exc
    finally:
        with contextlib.suppress(Exception):
            printer.close()
    return SendReport(len(data))
