"""python-escpos's printer classes for the transports that open through it (USB, serial,
CUPS), looked up here when a printer is opened: one place names them, and a test can stand
in for the hardware by replacing one attribute."""

from __future__ import annotations

from escpos.printer import CupsPrinter, Serial, Usb

__all__ = ["CupsPrinter", "Serial", "Usb"]
