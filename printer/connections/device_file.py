"""file:// — a printer's character device, written with O_WRONLY|O_NOCTTY, never created or
truncated, each write bounded with poll()."""

from __future__ import annotations

import os
import select
import stat
import time

from escpos.exceptions import DeviceNotFoundError
from escpos.printer import File

from ..errors import PrinterNotAllowedError
from ..urls import FileTarget
from .job import Link


class FileLink(Link):
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
            if not writable(self.fd, remaining):
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


def writable(fd: int, wait: float) -> bool:
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


class DevicePrinter(File):
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
