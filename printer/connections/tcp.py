"""tcp:// — raw TCP (port 9100), as CUPS's socket backend speaks it: counted writes, then a
half-close and a bounded wait for the printer's end; bytes never acknowledged fail."""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import socket
import struct
import time

from escpos.exceptions import DeviceNotFoundError
from escpos.printer import Network

from ..urls import TcpTarget
from .job import (
    Closed,
    Link,
)

log = logging.getLogger(__name__)

try:  # POSIX only: the count of unacknowledged bytes is a refinement, not a need
    import fcntl
    import termios

    SIOCOUTQ: int | None = termios.TIOCOUTQ  # Linux: SIOCOUTQ == TIOCOUTQ
except (ImportError, AttributeError):
    SIOCOUTQ = None


class TcpLink(Link):
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
            raise Closed()
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
            raise Closed()
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
        if self.sock is None or SIOCOUTQ is None or self.sock.fileno() < 0:
            return None
        try:
            raw = fcntl.ioctl(self.sock.fileno(), SIOCOUTQ, struct.pack("i", 0))
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


class NetworkPrinter(Network):
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
