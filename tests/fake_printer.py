"""Network thermal printer stand-ins: TCP listeners on 127.0.0.1, a healthy one and one for
each way a real printer fails (never reads, resets, closes early, out of paper, cover open).

A healthy `FakePrinter` answers ESC/POS real-time status queries (``DLE EOT n``) as it reads,
like an Epson TM does, and records each connection's job without the status queries the
sender put before and after it (a printer does not print them).
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
import time
from collections.abc import Mapping

from printer.policy import PrinterPolicy

DLE_EOT = b"\x10\x04"

# Replies to DLE EOT 1 (printer), 2 (offline cause), 3 (error cause), 4 (paper sensor).
# Every reply has bits 1 and 4 set and bits 0 and 7 clear: 0x12 means "nothing to report".
STATUS_OK: Mapping[int, int] = {1: 0x12, 2: 0x12, 3: 0x12, 4: 0x12}
PAPER_OUT: Mapping[int, int] = {1: 0x1A, 2: 0x32, 3: 0x12, 4: 0x72}
PAPER_NEAR_END: Mapping[int, int] = {1: 0x12, 2: 0x12, 3: 0x12, 4: 0x1E}
COVER_OPEN: Mapping[int, int] = {1: 0x1A, 2: 0x16, 3: 0x12, 4: 0x12}
CUTTER_ERROR: Mapping[int, int] = {1: 0x1A, 2: 0x52, 3: 0x1A, 4: 0x12}

# What the test servers allow: loopback (the fakes) on any port, besides the defaults.
LOOPBACK_NETWORKS = "127.0.0.1/32,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,fc00::/7"
ANY_PORT = "1-65535"
LOOPBACK_ENV = {"LUOT_PRINTER_NETWORKS": LOOPBACK_NETWORKS, "LUOT_PRINTER_TCP_PORTS": ANY_PORT}
LOOPBACK_POLICY = PrinterPolicy.from_settings(networks=LOOPBACK_NETWORKS, tcp_ports=ANY_PORT)


def strip_status_queries(data: bytes) -> bytes:
    """The job without the DLE EOT queries sent before and after it."""
    while data[:2] == DLE_EOT and len(data) >= 3 and data[2] in (1, 2, 3, 4):
        data = data[3:]
    while len(data) >= 3 and data[-3:-1] == DLE_EOT and data[-1] in (1, 2, 3, 4):
        data = data[:-3]
    return data


class FakePrinter:
    """Accepts connections like a printer on port 9100; one connection = one job.

    ``status`` is how it answers status queries (None: it never answers, like many cheap
    printers); ``status_after_job``, when given, is the answer once job bytes have arrived
    (the paper ran out while printing).
    """

    def __init__(
        self,
        port: int = 0,
        *,
        status: Mapping[int, int] | None = STATUS_OK,
        status_after_job: Mapping[int, int] | None = None,
        rcvbuf: int | None = None,
    ) -> None:
        self.port = port
        self.status = status
        self.status_after_job = status_after_job
        self.rcvbuf = rcvbuf
        self.jobs: list[bytes] = []
        self.received: list[bytes] = []  # every connection's raw bytes, queries included
        self.connections = 0
        self._changed = threading.Condition()
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._open: list[socket.socket] = []

    @property
    def url(self) -> str:
        return f"tcp://127.0.0.1:{self.port}"

    def start(self) -> FakePrinter:
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if self.rcvbuf is not None:  # set before listen(): accepted sockets inherit it
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, self.rcvbuf)
        sock.bind(("127.0.0.1", self.port))
        sock.listen()
        self.port = sock.getsockname()[1]
        self._sock = sock
        self._thread = threading.Thread(target=self._serve, args=(sock,), daemon=True)
        self._thread.start()
        return self

    def _serve(self, sock: socket.socket) -> None:
        while True:
            try:
                conn, _ = sock.accept()
            except OSError:
                return
            with self._changed:
                self.connections += 1
                self._open.append(conn)
                self._changed.notify_all()
            threading.Thread(target=self._connection, args=(conn,), daemon=True).start()

    def _connection(self, conn: socket.socket) -> None:
        try:
            data = self.handle(conn)
        except OSError:
            data = b""
        finally:
            with self._changed:
                if conn in self._open:
                    self._open.remove(conn)
            conn.close()
        job = strip_status_queries(data)
        with self._changed:
            self.received.append(data)
            if job:
                self.jobs.append(job)
            self._changed.notify_all()

    def handle(self, conn: socket.socket) -> bytes:
        """Read the job to the end, answering status queries on the way."""
        data = b""
        while chunk := conn.recv(65536):
            start = max(0, len(data) - 2)
            data += chunk
            self.answer(conn, data, start)
        return data

    def answer(self, conn: socket.socket, data: bytes, start: int) -> None:
        """Reply to each DLE EOT n that begins at or after ``start``."""
        if self.status is None:
            return
        at = data.find(DLE_EOT, start)
        while at != -1 and at + 2 < len(data):
            n = data[at + 2]
            if n in (1, 2, 3, 4):
                table = self.status
                if self.status_after_job and strip_status_queries(data[:at]):
                    table = self.status_after_job  # job bytes came before this query
                conn.sendall(bytes([table[n]]))
            at = data.find(DLE_EOT, at + 3)

    def stop(self) -> None:
        """Stop listening for real: a bare close() leaves a socket blocked in accept() open."""
        if self._sock is not None:
            with contextlib.suppress(OSError):
                self._sock.shutdown(socket.SHUT_RDWR)
            self._sock.close()
            self._sock = None
        with self._changed:
            still_open = list(self._open)
        for conn in still_open:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        if self._thread is not None:
            self._thread.join(5)

    def wait_for_jobs(self, count: int, timeout: float = 10.0) -> list[bytes]:
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(self.jobs) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"{len(self.jobs)} print jobs, expected {count}")
                self._changed.wait(remaining)
            return list(self.jobs)

    def wait_for_connections(self, count: int, timeout: float = 10.0) -> int:
        deadline = time.monotonic() + timeout
        with self._changed:
            while self.connections < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"{self.connections} connections, expected {count}")
                self._changed.wait(remaining)
            return self.connections

    def __enter__(self) -> FakePrinter:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class StuckPrinter(FakePrinter):
    """Accepts the connection and never reads: a jammed printer whose buffer is full.

    Give it a small ``rcvbuf`` (a real printer buffers a few kilobytes) and the sender's
    writes stall; with the default buffer the whole ticket fits in the kernel's buffers and
    only waiting for the printer to finish the job can tell.
    """

    def __init__(self, port: int = 0, *, rcvbuf: int | None = None) -> None:
        super().__init__(port, status=None, rcvbuf=rcvbuf)
        self._release = threading.Event()

    def handle(self, conn: socket.socket) -> bytes:
        self._release.wait(30)
        return b""

    def stop(self) -> None:
        self._release.set()
        super().stop()


class ResettingPrinter(FakePrinter):
    """Reads ``after`` bytes, then resets the connection (SO_LINGER 0 close sends RST)."""

    def __init__(self, port: int = 0, *, after: int = 1000) -> None:
        super().__init__(port, status=None)
        self.after = after

    def handle(self, conn: socket.socket) -> bytes:
        data = _read_at_most(conn, self.after)
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        return data


class ClosingPrinter(FakePrinter):
    """Reads ``after`` bytes, then closes its socket as if the job were done (the kernel
    answers the bytes it never read with a reset, as a printer's TCP stack does)."""

    def __init__(self, port: int = 0, *, after: int = 200) -> None:
        super().__init__(port, status=None)
        self.after = after

    def handle(self, conn: socket.socket) -> bytes:
        return _read_at_most(conn, self.after)


def _read_at_most(conn: socket.socket, count: int) -> bytes:
    data = b""
    while len(data) < count and (chunk := conn.recv(count - len(data))):
        data += chunk
    return data
