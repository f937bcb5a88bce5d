"""usb:// — a USB printer through python-escpos's Usb (pyusb): each bulk transfer counted
and bounded."""

from __future__ import annotations

from escpos.escpos import Escpos

from ..urls import UsbTarget
from . import drivers
from .job import (
    Link,
    require_driver,
)


class UsbLink(Link):
    """A USB printer through python-escpos's Usb (pyusb): each bulk transfer is counted."""

    target: UsbTarget

    def open(self) -> None:
        self.printer: Escpos | None = None
        printer = usb_printer(self.target, self.timeout)
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


def usb_printer(target: UsbTarget, timeout: float) -> Escpos:
    require_driver(drivers.Usb, "usb", "pyusb")
    endpoints = {
        name: value
        for name, value in (("in_ep", target.in_ep), ("out_ep", target.out_ep))
        if value is not None
    }
    milliseconds = int((target.timeout or timeout) * 1000)
    cls = drivers.Usb if target.interface == 0 else usb_on_interface(target.interface)
    return cls(target.vendor_id, target.product_id, timeout=milliseconds, **endpoints)


def usb_on_interface(interface: int) -> type[Escpos]:
    """escpos's Usb frees only interface 0 from the kernel's usblp; some printers use another."""

    class UsbOnInterface(drivers.Usb):
        def _check_driver(self) -> None:
            device = self.device
            try:
                if device is not None and device.is_kernel_driver_active(interface):
                    device.detach_kernel_driver(interface)
            except NotImplementedError:
                pass  # only pyusb's libusb1 backend can detach kernel drivers

    return UsbOnInterface
