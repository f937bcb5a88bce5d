"""serial:// — a serial printer through python-escpos's Serial (pyserial), writes bounded by
a write timeout, the output queue drained in time."""

from __future__ import annotations

import contextlib
import os
import stat
import time

from escpos.escpos import Escpos

from ..errors import PrinterNotAllowedError
from ..urls import SerialTarget
from . import drivers
from .job import (
    Link,
    require_driver,
)


class SerialLink(Link):
    """A serial printer through python-escpos's Serial (pyserial), with a write timeout."""

    target: SerialTarget

    def open(self) -> None:
        require_driver(drivers.Serial, "serial", "pyserial")
        self.printer: drivers.Serial | None = None
        device = self.policy.resolve_device(self.target.device, self.url)
        printer = serial_printer(self.target, self.timeout, device)
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


def serial_printer(target: SerialTarget, timeout: float, device: str) -> Escpos:
    return drivers.Serial(
        devfile=device,
        baudrate=target.baudrate,
        bytesize=target.bytesize,
        parity=target.parity,
        stopbits=target.stopbits,
        xonxoff=target.xonxoff,
        dsrdtr=target.dsrdtr,
        timeout=target.timeout or timeout,
    )
