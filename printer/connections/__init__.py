"""Sending rendered jobs to printers, and knowing whether they took them.

Sending takes bytes, not a ticket: a print queue renders once, and every failure surfaces as
a PrinterError whose message says what happened and what to check.

python-escpos renders the jobs and opens USB, serial and CUPS printers, but its transports
write with ``sendall()``/``write()`` and report nothing back: a network printer that accepts
the connection and never reads, one that resets it, and one that closes it after 200 bytes
all look like success; and its ``File`` opens with "wb", creating or truncating any path.
So the transport checks are written here, and only those:

- ``tcp://`` does what CUPS's socket backend does: connect with a timeout, write in a loop
  that counts bytes, then ``shutdown(SHUT_WR)`` and wait, bounded by the timeout, for the
  printer to close its side, keeping what it sends back. A reset, a pending socket error,
  bytes the printer never acknowledged (``SIOCOUTQ``) or no end within the timeout fail.
- ``file://`` opens a character device with ``O_WRONLY|O_NOCTTY``, never creating or
  truncating anything, and bounds each write with ``poll()``.
- ``serial://`` and ``usb://`` are opened by python-escpos; writes are counted and bounded
  (pyserial's ``write_timeout``, pyusb's transfer timeout), a serial port's output queue
  (``TIOCOUTQ``) must drain in time.
- Where the printer answers ESC/POS real-time status (``DLE EOT n``), paper, cover and
  errors are checked before the job and after it. ``?status=auto`` (the default) asks once
  and remembers, for this process, whether the printer at that URL answers.

One module per transport (`tcp`, `device_file`, `serial_port`, `usb_port`, `cups_queue`),
the steps of a job they share in `job`, the printer's own status in `status`.
"""

from __future__ import annotations

from collections.abc import Callable

from escpos.escpos import Escpos
from escpos.printer import Dummy

from ..errors import PrinterUrlError
from ..policy import PrinterPolicy
from ..profiles import ProfileLike, load_profile
from ..urls import (
    AgentTarget,
    CupsTarget,
    DummyTarget,
    FileTarget,
    PrinterTarget,
    SerialTarget,
    TcpTarget,
    UsbTarget,
)
from . import drivers
from .cups_queue import send_cups
from .device_file import DevicePrinter, FileLink, open_device
from .job import (
    DEFAULT_TIMEOUT,
    Job,
    Link,
    require_driver,
)
from .serial_port import SerialLink, serial_printer
from .status import PrinterStatus, SendReport, answers_status
from .tcp import NetworkPrinter, TcpLink
from .usb_port import UsbLink, usb_printer

__all__ = [
    "DEFAULT_TIMEOUT",
    "PrinterStatus",
    "SendReport",
    "forget_status_answers",
    "open_device",
    "open_printer",
    "send_bytes",
]

DEFAULT_POLICY = PrinterPolicy()


def open_printer(
    url: str,
    *,
    profile: ProfileLike = None,
    timeout: float = DEFAULT_TIMEOUT,
    policy: PrinterPolicy | None = None,
) -> Escpos:
    """A python-escpos printer for ``url`` (allowed by ``policy``); it connects on first use.

    A ``?timeout=`` in the URL wins over ``timeout`` (seconds). Jobs go through
    `send_bytes`, which checks what the printer did with them; this is for other uses of
    python-escpos.
    """
    target = (policy or DEFAULT_POLICY).check(url, resolve=False)
    printer = _build(target, timeout, policy or DEFAULT_POLICY, url)
    if profile is not None:
        printer.profile = load_profile(profile)
    return printer


def send_bytes(
    url: str,
    data: bytes,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    policy: PrinterPolicy | None = None,
) -> SendReport:
    """Write a rendered job to the printer at ``url`` and make sure it took all of it.

    The URL is checked against ``policy`` (the default policy when None) here, whatever
    was checked when it was configured. Raises PrinterNotAllowedError (a PrinterUrlError)
    for a URL the policy refuses, a PrinterError for anything that went wrong at the printer.
    """
    policy = policy or DEFAULT_POLICY
    target = policy.check(url, resolve=False)
    timeout = getattr(target, "timeout", None) or timeout
    if isinstance(target, AgentTarget):
        raise PrinterUrlError(f"{url!r}: agent: printers are printed by `luot kiosk-agent`")
    if isinstance(target, DummyTarget):
        return SendReport(len(data))
    if isinstance(target, CupsTarget):
        return send_cups(target, url, data, policy)
    link = _LINKS[type(target)](target, url, timeout, policy)
    return Job(link, url, data, timeout, getattr(target, "status", "off")).run()


def forget_status_answers() -> None:
    """Forget which printers answer status queries (they are asked again)."""
    answers_status.clear()


def _build(target: PrinterTarget, timeout: float, policy: PrinterPolicy, url: str) -> Escpos:
    if isinstance(target, TcpTarget):
        return NetworkPrinter(target.host, target.port, timeout=target.timeout or timeout)
    if isinstance(target, UsbTarget):
        return usb_printer(target, timeout)
    if isinstance(target, SerialTarget):
        require_driver(drivers.Serial, "serial", "pyserial")
        return serial_printer(target, timeout, target.device)
    if isinstance(target, FileTarget):
        return DevicePrinter(policy.resolve_device(target.path, url))
    if isinstance(target, CupsTarget):
        require_driver(drivers.CupsPrinter, "cups", "pycups")
        server = {k: v for k, v in (("host", target.host), ("port", target.port)) if v is not None}
        return drivers.CupsPrinter(target.queue, **server)
    if isinstance(target, DummyTarget):
        return Dummy()
    raise PrinterUrlError(f"{url!r}: agent: printers are printed by `luot kiosk-agent`")


_LINKS: dict[type, Callable[..., Link]] = {
    TcpTarget: TcpLink,
    FileTarget: FileLink,
    SerialTarget: SerialLink,
    UsbTarget: UsbLink,
}
