"""One job on one link: the steps, the counted writes and bounded reads every transport
shares (`Link`), and what each failure means."""

from __future__ import annotations

import contextlib
import errno
import logging
import socket
import time

from escpos.escpos import Escpos
from escpos.exceptions import DeviceNotFoundError

from ..errors import (
    PrinterDriverMissingError,
    PrinterError,
    PrinterOfflineError,
    PrinterTimeoutError,
    PrinterUrlError,
)
from ..policy import PrinterPolicy
from ..urls import PrinterTarget
from .status import QUERIES, STATUS_PROBE, PrinterStatus, SendReport, answers_status, is_status

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 5.0
CHUNK = 4096


class Closed(Exception):
    """The printer closed the connection (EOF) before the job was done."""


class Link:
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
            view = view[self.write(view[:CHUNK]) :]

    def unacknowledged(self) -> int | None:
        """Bytes written but not yet acknowledged by the printer, where the OS can tell."""
        return None

    def close(self) -> None:
        """Close after a successful job."""

    def abort(self) -> None:
        """Close after a failure, without waiting for anything."""
        with contextlib.suppress(Exception):
            self.close()


class Job:
    """The steps of one job on one link, and what each failure means."""

    def __init__(self, link: Link, url: str, data: bytes, timeout: float, status: str) -> None:
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
            queries = b"".join(QUERIES.values()) if asks else b""
            replies, back = self.link.end(queries, len(QUERIES) if asks else 0)
            after = self._status_after(replies) if asks else None
            self.link.close()
            done = True
            if self.unanswered:  # it printed without answering: don't ask it again
                log.info("printer %s does not answer status queries; not asking again", self.url)
                answers_status[self.url] = False
            return SendReport(self.total, after, back)
        except (PrinterError, PrinterUrlError):
            raise
        except Closed as exc:
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
            self.sent += self.link.write(view[self.sent : self.sent + CHUNK])

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
        answers_status[self.url] = True
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
        return answers_status.get(self.url)

    def _ask(self, n: int, wait: float) -> int | None:
        self.link.write_all(QUERIES[n])
        deadline = time.monotonic() + wait
        while (remaining := deadline - time.monotonic()) > 0:
            reply = self.link.read(1, remaining)
            if reply and is_status(reply[0]):
                return reply[0]
        return None

    def _status_after(self, replies: bytes) -> PrinterStatus:
        if len(replies) < len(QUERIES) or not all(is_status(b) for b in replies):
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
            return connect_failure(self.url, exc)
        if is_timeout(exc):
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


def is_timeout(exc: BaseException) -> bool:
    # Sockets raise TimeoutError; pyusb and pyserial raise OSErrors carrying ETIMEDOUT.
    return isinstance(exc, TimeoutError) or getattr(exc, "errno", None) == errno.ETIMEDOUT


def connect_failure(url: str, exc: OSError) -> PrinterError:
    if is_timeout(exc):
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


def require_driver(cls: type[Escpos], scheme: str, package: str) -> None:
    if not cls.is_usable():
        raise PrinterDriverMissingError(
            f"{scheme}:// printers need the {package} package "
            f"(pip install 'python-escpos[{scheme}]')"
        )
