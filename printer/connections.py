"""Opening python-escpos printers from URLs, and sending already-rendered jobs to them.

Sending takes bytes, not a ticket: a print queue renders once and may retry the send, and
every failure surfaces as a PrinterError whose message says what to check.
"""

from __future__ import annotations

import errno
import logging
import socket
from collections.abc import Callable

from escpos.escpos import Escpos
from escpos.exceptions import DeviceNotFoundError
from escpos.printer import CupsPrinter, Dummy, File, Network, Serial, Usb

from printer.errors import (
    PrinterDriverMissingError,
    PrinterError,
    PrinterOfflineError,
    PrinterPaperError,
    PrinterTimeoutError,
)
from printer.profiles import ProfileLike, load_profile
from printer.urls import (
    CupsTarget,
    DummyTarget,
    FileTarget,
    PrinterTarget,
    SerialTarget,
    TcpTarget,
    UsbTarget,
    parse_printer_url,
)

log = logging.getLogger(__name__)

try:  # optional: only cups:// printers need pycups, and its errors are not OSErrors
    import cups

    _CUPS_ERRORS: tuple[type[Exception], ...] = (cups.IPPError, cups.HTTPError)
except ImportError:
    _CUPS_ERRORS = ()

DEFAULT_TIMEOUT = 5.0
_NO_PAPER = 0  # python-escpos paper_status(): 2 plenty, 1 near end, 0 none


def open_printer(
    url: str, *, profile: ProfileLike = None, timeout: float = DEFAULT_TIMEOUT
) -> Escpos:
    """A python-escpos printer for ``url``; it connects on first use, not here.

    A ``?timeout=`` in the URL wins over ``timeout`` (seconds).
    """
    printer = _build(parse_printer_url(url), timeout)
    if profile is not None:
        printer.profile = load_profile(profile)
    return printer


def send_bytes(
    url: str, data: bytes, *, timeout: float = DEFAULT_TIMEOUT, check_paper: bool = False
) -> None:
    """Write a rendered job to the printer at ``url`` and close the connection.

    ``check_paper`` asks the printer (DLE EOT 4) first, for connections that can answer;
    leave it off for printers that do not reply to status queries.
    """
    target = parse_printer_url(url)
    printer = _build(target, timeout)
    try:
        printer.open()
        if check_paper:
            _check_paper(printer, url)
        printer._raw(data)  # escpos has no public raw write; Dummy's docs send output this way
        printer.close()  # CUPS submits the job only here, so its errors count too
    except DeviceNotFoundError as exc:
        raise _connect_failure(url, exc) from exc
    except _CUPS_ERRORS as exc:
        raise PrinterOfflineError(f"CUPS did not take the job for {url}: {exc}") from exc
    except OSError as exc:
        # Sockets raise TimeoutError; pyusb and pyserial raise OSErrors carrying ETIMEDOUT.
        if isinstance(exc, TimeoutError) or exc.errno == errno.ETIMEDOUT:
            raise PrinterTimeoutError(
                f"printer {url} stopped taking data: is it offline, out of paper or open?"
            ) from exc
        raise PrinterOfflineError(f"printer {url} lost the connection: {exc}") from exc
    finally:
        _close_quietly(printer)


def _check_paper(printer: Escpos, url: str) -> None:
    if not isinstance(printer, Network | Serial | Usb):
        return  # device files and CUPS queues cannot answer a status query
    try:
        status = printer.paper_status()
    except TimeoutError as exc:
        raise PrinterTimeoutError(
            f"printer {url} did not answer the paper status query "
            "(turn the paper check off for printers that do not report status)"
        ) from exc
    if status == _NO_PAPER:
        raise PrinterPaperError(f"printer {url} is out of paper")


def _connect_failure(url: str, exc: DeviceNotFoundError) -> PrinterError:
    cause = exc.__cause__ or exc.__context__
    if isinstance(cause, TimeoutError):
        return PrinterTimeoutError(f"printer {url} did not answer: is it switched on?")
    if isinstance(cause, ConnectionRefusedError):
        return PrinterOfflineError(
            f"printer {url} refused the connection: is the address right and the port open?"
        )
    return PrinterOfflineError(f"cannot reach printer {url}: {exc}")


def _close_quietly(printer: Escpos) -> None:
    try:
        printer.close()
    except Exception:
        log.debug("closing %r failed after an earlier error", printer, exc_info=True)


def _build(target: PrinterTarget, timeout: float) -> Escpos:
    builder = _BUILDERS[type(target)]
    return builder(target, timeout)


def _require(cls: type[Escpos], scheme: str, package: str) -> None:
    if not cls.is_usable():
        raise PrinterDriverMissingError(
            f"{scheme}:// printers need the {package} package "
            f"(pip install 'python-escpos[{scheme}]')"
        )


def _tcp(target: TcpTarget, timeout: float) -> Escpos:
    return _Network(target.host, target.port, timeout=target.timeout or timeout)


class _Network(Network):
    """escpos's Network leaks its socket when connecting fails and speaks IPv4 only."""

    def open(self, raise_not_found: bool = True) -> None:
        if self._device:
            self.close()
        try:
            self.device = socket.create_connection((self.host, self.port), self.timeout)
        except OSError as exc:
            self.device = None
            if raise_not_found:
                raise DeviceNotFoundError(f"could not connect to {self.host}: {exc}") from exc
            log.error("network printer %s not reachable: %s", self.host, exc)


def _usb(target: UsbTarget, timeout: float) -> Escpos:
    _require(Usb, "usb", "pyusb")
    endpoints = {
        name: value
        for name, value in (("in_ep", target.in_ep), ("out_ep", target.out_ep))
        if value is not None
    }
    milliseconds = int((target.timeout or timeout) * 1000)
    cls = Usb if target.interface == 0 else _usb_on_interface(target.interface)
    return cls(target.vendor_id, target.product_id, timeout=milliseconds, **endpoints)


def _usb_on_interface(interface: int) -> type[Escpos]:
    """escpos's Usb frees only interface 0 from the kernel's usblp; some printers use another."""

    class UsbOnInterface(Usb):
        def _check_driver(self) -> None:
            device = self.device
            try:
                if device is not None and device.is_kernel_driver_active(interface):
                    device.detach_kernel_driver(interface)
            except NotImplementedError:
                pass  # only pyusb's libusb1 backend can detach kernel drivers

    return UsbOnInterface


def _serial(target: SerialTarget, timeout: float) -> Escpos:
    _require(Serial, "serial", "pyserial")
    return Serial(
        devfile=target.device,
        baudrate=target.baudrate,
        bytesize=target.bytesize,
        parity=target.parity,
        stopbits=target.stopbits,
        xonxoff=target.xonxoff,
        dsrdtr=target.dsrdtr,
        timeout=target.timeout or timeout,
    )


def _file(target: FileTarget, timeout: float) -> Escpos:
    return File(target.path)


def _cups(target: CupsTarget, timeout: float) -> Escpos:
    _require(CupsPrinter, "cups", "pycups")
    server = {k: v for k, v in (("host", target.host), ("port", target.port)) if v is not None}
    return CupsPrinter(target.queue, **server)


def _dummy(target: DummyTarget, timeout: float) -> Escpos:
    return Dummy()


_BUILDERS: dict[type, Callable[..., Escpos]] = {
    TcpTarget: _tcp,
    UsbTarget: _usb,
    SerialTarget: _serial,
    FileTarget: _file,
    CupsTarget: _cups,
    DummyTarget: _dummy,
}
