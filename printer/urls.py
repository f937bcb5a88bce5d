"""Printer URLs from the kiosk configuration, parsed into plain values.

Parsing is separate from connecting so that a typo is reported when the configuration is
read, with a message naming the URL, and not when the first citizen takes a ticket.

    tcp://192.0.2.10:9100?timeout=3         network printer (port defaults to 9100)
    usb://04b8:0202?interface=0&out_ep=0x01 USB vendor:product in hex
    serial:///dev/ttyUSB0?baudrate=19200    serial port (serial://COM3 on Windows)
    file:///dev/usb/lp0                     a device file the printer driver exposes
    cups://QUEUE?host=localhost&port=631    a raw CUPS queue
    agent:                                  printed by `luot kiosk-agent` on the kiosk PC
    dummy:                                  keeps the bytes in memory (tests, demos)

Network, USB and serial printers take ``status=auto|on|off``: whether to ask the printer
for its real-time status (paper, cover, errors) before and after each job. ``auto`` (the
default) asks once and remembers whether the printer answers.

Which of these a server accepts is its printer policy (printer/policy.py), not the URL's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from printer.errors import PrinterUrlError

STATUS_MODES = ("auto", "on", "off")


@dataclass(frozen=True, slots=True)
class TcpTarget:
    host: str
    port: int = 9100
    timeout: float | None = None
    status: str = "auto"


@dataclass(frozen=True, slots=True)
class UsbTarget:
    vendor_id: int
    product_id: int
    interface: int = 0
    in_ep: int | None = None
    out_ep: int | None = None
    timeout: float | None = None
    status: str = "auto"


@dataclass(frozen=True, slots=True)
class SerialTarget:
    device: str
    baudrate: int = 9600
    bytesize: int = 8
    parity: str = "N"
    stopbits: float = 1
    xonxoff: bool = False
    dsrdtr: bool = True
    timeout: float | None = None
    status: str = "auto"


@dataclass(frozen=True, slots=True)
class FileTarget:
    path: str
    timeout: float | None = None


@dataclass(frozen=True, slots=True)
class CupsTarget:
    queue: str
    host: str | None = None
    port: int | None = None


@dataclass(frozen=True, slots=True)
class AgentTarget:
    """The kiosk PC's own printer: the job goes to `luot kiosk-agent`, which has its URL."""


@dataclass(frozen=True, slots=True)
class DummyTarget:
    pass


PrinterTarget = (
    TcpTarget | UsbTarget | SerialTarget | FileTarget | CupsTarget | AgentTarget | DummyTarget
)

_USB_ID = re.compile(r"([0-9a-fA-F]{1,4}):([0-9a-fA-F]{1,4})", re.ASCII)
# CUPS takes UTF-8 queue names: any character but blanks and these (a negated class, so
# Unicode's wider \s only refuses more).
_CUPS_QUEUE = re.compile(r"[^\s/#@:?]+")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def parse_printer_url(url: str) -> PrinterTarget:
    """Turn a configured URL into a target, or raise PrinterUrlError saying what is wrong."""
    if not isinstance(url, str) or not url.strip():
        raise PrinterUrlError("printer URL is empty")
    parts = urlsplit(url.strip())
    parser = _PARSERS.get(parts.scheme.lower())
    if parser is None:
        known = ", ".join(f"{s}:" for s in _PARSERS)
        raise PrinterUrlError(f"{url!r}: unknown printer URL scheme (use one of {known})")
    if parts.fragment:
        raise PrinterUrlError(f"{url!r}: a printer URL has no #fragment")
    return parser(_Url(url, parts.netloc, unquote(parts.path), _query(url, parts.query)))


@dataclass(frozen=True, slots=True)
class _Url:
    raw: str
    netloc: str
    path: str
    query: dict[str, str]

    def fail(self, problem: str) -> PrinterUrlError:
        return PrinterUrlError(f"{self.raw!r}: {problem}")

    def only(self, *allowed: str) -> None:
        unknown = sorted(set(self.query) - set(allowed))
        if unknown:
            hint = f"allowed: {', '.join(allowed)}" if allowed else "this scheme takes none"
            raise self.fail(f"unknown option {', '.join(unknown)} ({hint})")

    def number(self, key: str, kind: type[int] | type[float], default: Any = None) -> Any:
        text = self.query.get(key)
        if text is None:
            return default
        try:
            value = int(text, 0) if kind is int else float(text)
        except ValueError:
            raise self.fail(f"{key}={text!r} is not a number") from None
        if value < 0:
            raise self.fail(f"{key} must not be negative")
        return value

    def timeout(self) -> float | None:
        value = self.number("timeout", float)
        if value == 0:
            raise self.fail("timeout must be above 0 seconds")
        return value

    def status(self) -> str:
        text = self.query.get("status", "auto").lower()
        if text not in STATUS_MODES:
            raise self.fail(f"status={text!r}: use status=auto, status=on or status=off")
        return text

    def flag(self, key: str, default: bool) -> bool:
        text = self.query.get(key, "").lower()
        if not text:
            return default
        if text in _TRUE | _FALSE:
            return text in _TRUE
        raise self.fail(f"{key}={text!r} is not a yes/no value")


def _query(url: str, query: str) -> dict[str, str]:
    pairs = parse_qsl(query, keep_blank_values=True)
    keys = [k.lower() for k, _ in pairs]
    if len(set(keys)) != len(keys):
        raise PrinterUrlError(f"{url!r}: an option is given twice")
    return {k.lower(): v for k, v in pairs}


def _tcp(u: _Url) -> TcpTarget:
    u.only("timeout", "status")
    parts = urlsplit(u.raw.strip())
    try:
        port = parts.port
    except ValueError:
        raise u.fail("the port must be a number from 1 to 65535") from None
    if not parts.hostname:
        raise u.fail("no host: write tcp://HOST:9100")
    if parts.username or parts.password:
        raise u.fail("a printer URL carries no user name or password")
    if u.path not in ("", "/"):
        raise u.fail("a network printer URL has no path")
    if port == 0:
        raise u.fail("the port must be a number from 1 to 65535")
    return TcpTarget(parts.hostname, port or 9100, u.timeout(), u.status())


def _usb(u: _Url) -> UsbTarget:
    u.only("interface", "in_ep", "out_ep", "timeout", "status")
    match = _USB_ID.fullmatch(u.netloc)
    if not match or u.path not in ("", "/"):
        raise u.fail("write usb://VID:PID with the two ids in hex, e.g. usb://04b8:0202")
    return UsbTarget(
        vendor_id=int(match[1], 16),
        product_id=int(match[2], 16),
        interface=u.number("interface", int, 0),
        in_ep=u.number("in_ep", int),
        out_ep=u.number("out_ep", int),
        timeout=u.timeout(),
        status=u.status(),
    )


def _serial(u: _Url) -> SerialTarget:
    u.only("baudrate", "bytesize", "parity", "stopbits", "xonxoff", "dsrdtr", "timeout", "status")
    device = u.path if not u.netloc else u.netloc + u.path
    if not device or device == "/":
        raise u.fail("no serial port: write serial:///dev/ttyUSB0 (or serial://COM3)")
    parity = u.query.get("parity", "N").upper()
    if parity not in ("N", "E", "O", "M", "S"):
        raise u.fail("parity must be one of N, E, O, M, S")
    bytesize = u.number("bytesize", int, 8)
    stopbits = u.number("stopbits", float, 1)
    baudrate = u.number("baudrate", int, 9600)
    if bytesize not in (5, 6, 7, 8) or stopbits not in (1, 1.5, 2) or baudrate == 0:
        raise u.fail("bytesize must be 5-8, stopbits 1, 1.5 or 2, baudrate above 0")
    return SerialTarget(
        device=device,
        baudrate=baudrate,
        bytesize=bytesize,
        parity=parity,
        stopbits=stopbits,
        xonxoff=u.flag("xonxoff", False),
        dsrdtr=u.flag("dsrdtr", True),
        timeout=u.timeout(),
        status=u.status(),
    )


def _file(u: _Url) -> FileTarget:
    u.only("timeout")
    if u.netloc not in ("", "localhost") or not u.path.startswith("/") or u.path == "/":
        raise u.fail("write file:///dev/usb/lp0 with an absolute path")
    return FileTarget(u.path, u.timeout())


def _cups(u: _Url) -> CupsTarget:
    u.only("host", "port")
    queue = unquote(u.netloc)
    if not _CUPS_QUEUE.fullmatch(queue) or u.path not in ("", "/"):
        raise u.fail("write cups://QUEUE with the CUPS queue name, e.g. cups://TM-T20")
    port = u.number("port", int)
    if port is not None and not 0 < port < 65536:
        raise u.fail("the port must be a number from 1 to 65535")
    return CupsTarget(queue, u.query.get("host") or None, port)


def _agent(u: _Url) -> AgentTarget:
    if u.raw != "agent:":
        raise u.fail("write just agent:")
    return AgentTarget()


def _dummy(u: _Url) -> DummyTarget:
    u.only()
    if u.netloc or u.path not in ("", "/"):
        raise u.fail("write just dummy:")
    return DummyTarget()


_PARSERS = {
    "tcp": _tcp,
    "usb": _usb,
    "serial": _serial,
    "file": _file,
    "cups": _cups,
    "agent": _agent,
    "dummy": _dummy,
}
