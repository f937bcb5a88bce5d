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
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import select
import socket
import stat
import struct
import time
from collections.abc import Callable
from dataclasses import dataclass

from escpos.constants import RT_STATUS
from escpos.escpos import Escpos
from escpos.exceptions import DeviceNotFoundError
from escpos.printer import CupsPrinter, Dummy, File, Network, Serial, Usb

from printer.errors import (
    PrinterCoverOpenError,
    PrinterDriverMissingError,
    PrinterError,
    PrinterFaultError,
    PrinterNotAllowedError,
    PrinterOfflineError,
    PrinterPaperError,
    PrinterTimeoutError,
    PrinterUrlError,
)
from printer.policy import CUPS_PORT, PrinterPolicy
from printer.profiles import ProfileLike, load_profile
from printer.urls import (
    AgentTarget,
    CupsTarget,
    DummyTarget,
    FileTarget,
    PrinterTarget,
    SerialTarget,
    TcpTarget,
    UsbTarget,
)

log = logging.getLogger(__name__)

try:  # POSIX only: the count of unacknowledged bytes is a refinement, not a need
    import fcntl
    import termios

    _SIOCOUTQ: int | None = termios.TIOCOUTQ  # Linux: SIOCOUTQ == TIOCOUTQ
except (ImportError, AttributeError):
    _SIOCOUTQ = None

try:  # optional: only cups:// printers need pycups, and its errors are not OSErrors
    import cups

    _CUPS_ERRORS: tuple[type[Exception], ...] = (cups.IPPError, cups.HTTPError)
except ImportError:
    _CUPS_ERRORS = ()

DEFAULT_TIMEOUT = 5.0
# How long status=auto waits for a printer's first status answer before deciding it has none.
STATUS_PROBE = 0.5
DEFAULT_POLICY = PrinterPolicy()
_CHUNK = 4096
_QUERIES = {n: RT_STATUS + bytes([n]) for n in (1, 2, 3, 4)}
# url → whether the printer there answers status queries (status=auto), for this process.
_answers_status: dict[str, bool] = {}


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
        return _send_cups(target, url, data, policy)
    link = _LINKS[type(target)](target, url, timeout, policy)
    return _Job(link, url, data, timeout, getattr(target, "status", "off")).run()


def forget_status_answers() -> None:
    """Forget which printers answer status queries (they are asked again)."""
    _answers_status.clear()


class _Closed(Exception):
    """The printer closed the connection (EOF) before the job was done."""


class _Link:
    """One open connection to a printer: counted writes, bounded reads."""

    can_read = True

    def __init__(
        self, target: PrinterTarget, url: str, timeout: float, policy: PrinterPolicy
    ) -> None:
        self.target = target
        self.url = url
        self.timeout = timeout
        self.policy = policy

    def open(self) -> None:
        raise NotImplementedError

    def write(self, chunk: memoryview) -> int:
        """Write some of ``chunk``; the count written. TimeoutError when the printer takes
        nothing within the timeout."""
        raise NotImplementedError

    def read(self, count: int, wait: float) -> bytes:
        """Up to ``count`` bytes the printer sent within ``wait`` seconds (b"" if none)."""
        return b""

    def end(self, queries: bytes, expect: int) -> tuple[bytes, bytes]:
        """Finish the job (sending ``queries`` last); (the last ``expect`` bytes read, all
        bytes read)."""
        self.drain()
        if not queries:
            return b"", b""
        self.write_all(queries)
        replies = self.collect(expect)
        return replies, replies

    def drain(self) -> None:
        """Wait until written bytes have left (bounded by the timeout)."""

    def collect(self, count: int) -> bytes:
        got = b""
        deadline = time.monotonic() + self.timeout
        while len(got) < count:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            got += self.read(count - len(got), remaining)
        return got

    def write_all(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            view = view[self.write(view[:_CHUNK]) :]

    def unacknowledged(self) -> int | None:
        """Bytes written but not yet acknowledged by the printer, where the OS can tell."""
        return None

    def close(self) -> None:
        """Close after a successful job."""

    def abort(self) -> None:
        """Close after a failure, without waiting for anything."""
        with contextlib.suppress(Exception):
            self.close()


class _Job:
    """The steps of one job on one link, and what each failure means."""

    def __init__(self, link: _Link, url: str, data: bytes, timeout: float, status: str) -> None:
        self.link = link
        self.url = url
        self.data = data
        self.total = len(data)
        self.timeout = timeout
        self.status = status
        self.sent = 0
        self.phase = "connect"
        self.unanswered = False  # status=auto asked and heard nothing

    def run(self) -> SendReport:
        done = False
        try:
            self.link.open()
            self.phase = "status"
            asks = self._status_before()
            self.phase = "write"
            self._write()
            self.phase = "end"
            queries = b"".join(_QUERIES.values()) if asks else b""
            replies, back = self.link.end(queries, len(_QUERIES) if asks else 0)
            after = self._status_after(replies) if asks else None
            self.link.close()
            done = True
            if self.unanswered:  # it printed without answering: don't ask it again
                log.info("printer %s does not answer status queries; not asking again", self.url)
                _answers_status[self.url] = False
            return SendReport(self.total, after, back)
        except (PrinterError, PrinterUrlError):
            raise
        except _Closed as exc:
            raise PrinterOfflineError(
                f"printer {self.url} closed the connection {self._where()}"
            ) from exc
        except DeviceNotFoundError as exc:
            raise PrinterOfflineError(f"cannot reach printer {self.url}: {exc}") from exc
        except OSError as exc:
            raise self._failure(exc) from exc
        finally:
            if not done:
                self.link.abort()

    def _write(self) -> None:
        view = memoryview(self.data)
        while self.sent < self.total:
            self.sent += self.link.write(view[self.sent : self.sent + _CHUNK])

    def _status_before(self) -> bool:
        """Ask before the job; True if the printer answers (and is ready)."""
        wanted = self._wants_status()
        if wanted is False:
            return False
        first = self._ask(1, self.timeout if wanted else min(STATUS_PROBE, self.timeout))
        if first is None:
            if wanted:
                raise PrinterTimeoutError(
                    f"printer {self.url} did not answer the status query: is it offline? "
                    "(add ?status=off to the URL for a printer that never answers)"
                )
            # Remembered only once a job went through: a jammed printer says nothing either.
            self.unanswered = True
            return False
        _answers_status[self.url] = True
        answers = [first]
        for n in (2, 3, 4):
            answer = self._ask(n, self.timeout)
            if answer is None:
                raise PrinterTimeoutError(
                    f"printer {self.url} did not answer the status query DLE EOT {n} "
                    "(add ?status=off to the URL for a printer that answers only in part)"
                )
            answers.append(answer)
        fault = PrinterStatus(*answers).fault(self.url)
        if fault is not None:
            raise fault
        return True

    def _wants_status(self) -> bool | None:
        """True: ask and insist; False: don't ask; None: ask briefly, once (auto)."""
        if not self.link.can_read or self.status == "off":
            return False
        if self.status == "on":
            return True
        return _answers_status.get(self.url)

    def _ask(self, n: int, wait: float) -> int | None:
        self.link.write_all(_QUERIES[n])
        deadline = time.monotonic() + wait
        while (remaining := deadline - time.monotonic()) > 0:
            reply = self.link.read(1, remaining)
            if reply and _is_status(reply[0]):
                return reply[0]
        return None

    def _status_after(self, replies: bytes) -> PrinterStatus:
        if len(replies) < len(_QUERIES) or not all(_is_status(b) for b in replies):
            raise PrinterTimeoutError(
                f"printer {self.url} took the job but did not answer the status query after "
                "it: check the printer and the ticket"
            )
        status = PrinterStatus(*replies)
        fault = status.fault(self.url, after_job=True)
        if fault is not None:
            raise fault
        if status.paper_low:
            log.warning("printer %s: paper running low", self.url)
        return status

    def _where(self) -> str:
        if self.phase in ("connect", "status"):
            return "before the job was sent"
        if self.phase == "write":
            return f"after {self.sent} of {self.total} bytes were sent"
        return f"after all {self.total} bytes were sent, before confirming the job"

    def _unacked(self) -> str:
        pending = self.link.unacknowledged()
        return f", {pending} of them not acknowledged" if pending else ""

    def _failure(self, exc: OSError) -> PrinterError:
        if self.phase == "connect":
            return _connect_failure(self.url, exc)
        if _is_timeout(exc):
            if self.phase == "end":
                return PrinterTimeoutError(
                    f"printer {self.url} did not finish the job within {self.timeout:g} s after "
                    f"all {self.total} bytes were sent{self._unacked()}: "
                    "is it jammed, out of paper or open?"
                )
            if self.phase == "write":
                return PrinterTimeoutError(
                    f"printer {self.url} stopped taking data after {self.sent} of {self.total} "
                    f"bytes{self._unacked()}: is it offline, out of paper or open?"
                )
            return PrinterTimeoutError(f"printer {self.url} stopped answering: {exc}")
        if isinstance(exc, ConnectionResetError | BrokenPipeError | ConnectionAbortedError):
            return PrinterOfflineError(f"printer {self.url} reset the connection {self._where()}")
        return PrinterOfflineError(f"printer {self.url} lost the connection {self._where()}: {exc}")


def _is_status(byte: int) -> bool:
    """An ESC/POS status byte has bits 1 and 4 set and bits 0 and 7 clear."""
    return byte & 0x93 == 0x12


def _is_timeout(exc: BaseException) -> bool:
    # Sockets raise TimeoutError; pyusb and pyserial raise OSErrors carrying ETIMEDOUT.
    return isinstance(exc, TimeoutError) or getattr(exc, "errno", None) == errno.ETIMEDOUT


def _connect_failure(url: str, exc: OSError) -> PrinterError:
    if _is_timeout(exc):
        return PrinterTimeoutError(f"printer {url} did not answer: is it switched on?")
    if isinstance(exc, ConnectionRefusedError):
        return PrinterOfflineError(
            f"printer {url} refused the connection: is the address right and the port open?"
        )
    if isinstance(exc, socket.gaierror):
        return PrinterOfflineError(f"cannot find printer {url}: the name does not resolve ({exc})")
    if isinstance(exc, FileNotFoundError):
        return PrinterOfflineError(
            f"cannot reach printer {url}: no such device (is it plugged in and switched on?)"
        )
    if isinstance(exc, PermissionError):
        return PrinterOfflineError(
            f"cannot open printer {url}: permission denied (is the server's user in the "
            "group that owns the device, often lp or dialout?)"
        )
    return PrinterOfflineError(f"cannot reach printer {url}: {exc}")


# -- tcp://


class _TcpLink(_Link):
    """Raw TCP (port 9100, "JetDirect"), as CUPS's socket backend speaks it."""

    target: TcpTarget

    def open(self) -> None:
        self.sock: socket.socket | None = None
        # Looked up again now, whatever the name resolved to when it was configured, and
        # the connection goes to the very address that was checked.
        addresses = self.policy.addresses(self.target.host, self.target.port, self.url)
        error: OSError | None = None
        for family, sockaddr in addresses:
            sock = socket.socket(family, socket.SOCK_STREAM)
            sock.settimeout(self.timeout)
            try:
                sock.connect(sockaddr)
            except OSError as exc:
                sock.close()
                error = exc
                continue
            self.sock = sock
            return
        assert error is not None
        raise error

    def write(self, chunk: memoryview) -> int:
        assert self.sock is not None
        return self.sock.send(chunk)

    def read(self, count: int, wait: float) -> bytes:
        assert self.sock is not None
        self.sock.settimeout(wait)
        try:
            data = self.sock.recv(count)
        except TimeoutError:
            return b""
        finally:
            self.sock.settimeout(self.timeout)
        if not data:
            raise _Closed()
        return data

    def end(self, queries: bytes, expect: int) -> tuple[bytes, bytes]:
        """Status queries go last; then the printer, seeing our end, closes its side once it
        has read everything. Its answers are the last bytes before its end, whatever it
        sent before (a status byte pattern inside image data may draw a reply too)."""
        assert self.sock is not None
        if queries:
            self.write_all(queries)
        try:
            self.sock.shutdown(socket.SHUT_WR)
        except OSError as exc:
            raise self._gone(exc) from exc
        back = bytearray()
        deadline = time.monotonic() + self.timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("no end of job from the printer")
            self.sock.settimeout(remaining)
            try:
                chunk = self.sock.recv(4096)
            except TimeoutError:
                continue
            if not chunk:
                break
            back += chunk
        error = self.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        if error:
            raise OSError(error, os.strerror(error))
        pending = self.unacknowledged()
        if pending:  # the printer ended without acknowledging everything: it did not take it
            raise _Closed()
        return (bytes(back[-expect:]) if expect else b""), bytes(back)

    def _gone(self, exc: OSError) -> OSError:
        """A connected socket that is no longer connected was reset by the peer: the
        reset arrived before our call and left ENOTCONN, not ECONNRESET, behind."""
        if exc.errno != errno.ENOTCONN:
            return exc
        pending = self.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) if self.sock else 0
        if pending and pending != errno.ECONNRESET:
            return OSError(pending, os.strerror(pending))
        return ConnectionResetError(errno.ECONNRESET, "the printer reset the connection")

    def unacknowledged(self) -> int | None:
        if self.sock is None or _SIOCOUTQ is None or self.sock.fileno() < 0:
            return None
        try:
            raw = fcntl.ioctl(self.sock.fileno(), _SIOCOUTQ, struct.pack("i", 0))
        except OSError:
            return None
        return struct.unpack("i", raw)[0]

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()

    def abort(self) -> None:
        """Reset rather than close: the kernel would otherwise go on delivering the rest of
        a failed job, and the printer would print it late."""
        if getattr(self, "sock", None) is not None:
            with contextlib.suppress(OSError):
                self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.sock.close()


# -- file://


class _FileLink(_Link):
    """A printer's device file (/dev/usb/lp0): written, never created or truncated."""

    can_read = False
    target: FileTarget

    def open(self) -> None:
        self.fd: int | None = None
        path = self.policy.resolve_device(self.target.path, self.url)
        self.fd = open_device(path, self.url)

    def write(self, chunk: memoryview) -> int:
        assert self.fd is not None
        deadline = time.monotonic() + self.timeout
        while (remaining := deadline - time.monotonic()) > 0:
            if not _writable(self.fd, remaining):
                break
            try:
                return os.write(self.fd, chunk)
            except BlockingIOError:
                continue  # the driver said ready but took nothing: wait again, bounded
        raise TimeoutError("the device took nothing")

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


def _writable(fd: int, wait: float) -> bool:
    poll = getattr(select, "poll", None)  # gevent may take poll away; select stays
    if poll is None:
        return bool(select.select([], [fd], [], wait)[1])
    poller = poll()
    poller.register(fd, select.POLLOUT)
    return bool(poller.poll(wait * 1000))


def open_device(path: str, url: str = "") -> int:
    """Open a printer device for writing: it must exist and be a character device.

    No O_CREAT and no O_TRUNC, so a wrong path can never make or empty a file; O_NOCTTY,
    so a serial device cannot become our controlling terminal; O_NOFOLLOW, because the
    path given here has had its links resolved and checked already.
    """
    flags = os.O_WRONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0)
    flags |= getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags)
    try:
        mode = os.fstat(fd).st_mode
    except OSError:
        os.close(fd)
        raise
    if not stat.S_ISCHR(mode):
        os.close(fd)
        raise PrinterNotAllowedError(
            f"{url or path!r}: {path} is not a character device; a printer is written only "
            "through its device file"
        )
    return fd


class _DeviceFile(File):
    """escpos's File, opened by `open_device` instead of open(path, "wb")."""

    def open(self, raise_not_found: bool = True) -> None:
        if self._device:
            self.close()
        try:
            self.device = os.fdopen(open_device(self.devfile), "wb", buffering=0)
        except OSError as exc:
            self.device = None
            if raise_not_found:
                raise DeviceNotFoundError(f"Could not open {self.devfile}: {exc}") from exc


# -- serial://


class _SerialLink(_Link):
    """A serial printer through python-escpos's Serial (pyserial), with a write timeout."""

    target: SerialTarget

    def open(self) -> None:
        _require(Serial, "serial", "pyserial")
        self.printer: Serial | None = None
        device = self.policy.resolve_device(self.target.device, self.url)
        printer = _serial(self.target, self.timeout, device)
        printer.open()
        self.printer = printer
        self.port = printer.device
        fd = getattr(self.port, "fd", None)
        if fd is not None and not stat.S_ISCHR(os.fstat(fd).st_mode):
            raise PrinterNotAllowedError(f"{self.url!r}: {device} is not a character device")
        self.port.write_timeout = self.timeout

    def write(self, chunk: memoryview) -> int:
        import serial

        try:
            return self.port.write(chunk) or 0
        except serial.SerialTimeoutException as exc:
            raise TimeoutError(str(exc)) from exc

    def read(self, count: int, wait: float) -> bytes:
        self.port.timeout = wait
        try:
            return self.port.read(count)
        finally:
            self.port.timeout = self.timeout

    def drain(self) -> None:
        """Wait, bounded, until the port's output queue (TIOCOUTQ) is empty; closing a port
        with bytes still queued would block in the kernel for up to 30 s."""
        deadline = time.monotonic() + self.timeout
        while self.port.out_waiting:
            if time.monotonic() > deadline:
                raise TimeoutError("the serial port's output did not drain")
            time.sleep(0.01)
        self.port.reset_input_buffer()  # older answers are not about this job

    def unacknowledged(self) -> int | None:
        try:
            return self.port.out_waiting
        except (OSError, AttributeError):
            return None

    def close(self) -> None:
        if self.printer is not None:
            self.printer.close()
            self.printer = None

    def abort(self) -> None:
        if getattr(self, "printer", None) is None:
            return
        with contextlib.suppress(Exception):
            self.port.reset_output_buffer()  # drop what is queued, so closing cannot block
        with contextlib.suppress(Exception):
            self.port.close()
        self.printer = None


# -- usb://


class _UsbLink(_Link):
    """A USB printer through python-escpos's Usb (pyusb): each bulk transfer is counted."""

    target: UsbTarget

    def open(self) -> None:
        self.printer: Escpos | None = None
        printer = _usb(self.target, self.timeout)
        printer.open()
        self.printer = printer
        self.device = printer.device
        self.milliseconds = int(self.timeout * 1000)

    def write(self, chunk: memoryview) -> int:
        return self.device.write(self.printer.out_ep, bytes(chunk), self.milliseconds)

    def read(self, count: int, wait: float) -> bytes:
        try:
            return bytes(self.device.read(self.printer.in_ep, 16, max(1, int(wait * 1000))))
        except OSError:  # pyusb's USBError: a timeout, or no IN endpoint to answer on
            return b""

    def close(self) -> None:
        if self.printer is not None:
            self.printer.close()
            self.printer = None


# -- cups://


def _send_cups(target: CupsTarget, url: str, data: bytes, policy: PrinterPolicy) -> SendReport:
    """CUPS takes the job as a whole and reports its own errors; its queue knows the rest."""
    _require(CupsPrinter, "cups", "pycups")
    server: dict[str, object] = {}
    if target.host:
        try:
            (_family, sockaddr), *_ = policy.addresses(target.host, CUPS_PORT, url)
        except OSError as exc:
            raise _connect_failure(url, exc) from exc
        server = {"host": sockaddr[0], "port": CUPS_PORT}
    printer = CupsPrinter(target.queue, **server)
    try:
        printer.open()
        printer._raw(data)  # escpos has no public raw write; Dummy's docs send output this way
        printer.close()  # CUPS submits the job only here, so its errors count too
    except DeviceNotFoundError as exc:
        raise PrinterOfflineError(f"cannot reach printer {url}: {exc}") from exc
    except _CUPS_ERRORS as exc:
        raise PrinterOfflineError(f"CUPS did not take the job for {url}: {exc}") from exc
    except OSError as exc:
        raise _connect_failure(url, exc) from exc
    finally:
        with contextlib.suppress(Exception):
            printer.close()
    return SendReport(len(data))


# -- python-escpos objects


def _build(target: PrinterTarget, timeout: float, policy: PrinterPolicy, url: str) -> Escpos:
    if isinstance(target, TcpTarget):
        return _Network(target.host, target.port, timeout=target.timeout or timeout)
    if isinstance(target, UsbTarget):
        return _usb(target, timeout)
    if isinstance(target, SerialTarget):
        _require(Serial, "serial", "pyserial")
        return _serial(target, timeout, target.device)
    if isinstance(target, FileTarget):
        return _DeviceFile(policy.resolve_device(target.path, url))
    if isinstance(target, CupsTarget):
        _require(CupsPrinter, "cups", "pycups")
        server = {k: v for k, v in (("host", target.host), ("port", target.port)) if v is not None}
        return CupsPrinter(target.queue, **server)
    if isinstance(target, DummyTarget):
        return Dummy()
    raise PrinterUrlError(f"{url!r}: agent: printers are printed by `luot kiosk-agent`")


def _require(cls: type[Escpos], scheme: str, package: str) -> None:
    if not cls.is_usable():
        raise PrinterDriverMissingError(
            f"{scheme}:// printers need the {package} package "
            f"(pip install 'python-escpos[{scheme}]')"
        )


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


def _serial(target: SerialTarget, timeout: float, device: str) -> Escpos:
    return Serial(
        devfile=device,
        baudrate=target.baudrate,
        bytesize=target.bytesize,
        parity=target.parity,
        stopbits=target.stopbits,
        xonxoff=target.xonxoff,
        dsrdtr=target.dsrdtr,
        timeout=target.timeout or timeout,
    )


_LINKS: dict[type, Callable[..., _Link]] = {
    TcpTarget: _TcpLink,
    FileTarget: _FileLink,
    SerialTarget: _SerialLink,
    UsbTarget: _UsbLink,
}
