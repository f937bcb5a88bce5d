"""Printer URLs: every scheme parses to plain values, every mistake names itself."""

import pytest

from printer import PrinterUrlError, parse_printer_url
from printer.urls import (
    AgentTarget,
    CupsTarget,
    DummyTarget,
    FileTarget,
    SerialTarget,
    TcpTarget,
    UsbTarget,
)


@pytest.mark.parametrize(
    ("url", "target"),
    [
        ("tcp://192.0.2.10:9100", TcpTarget("192.0.2.10", 9100)),
        ("tcp://printer.lan", TcpTarget("printer.lan", 9100)),
        ("TCP://Printer.LAN:9101/", TcpTarget("printer.lan", 9101)),
        ("tcp://[::1]:9100?timeout=2.5", TcpTarget("::1", 9100, 2.5)),
        ("tcp://printer.lan?status=off", TcpTarget("printer.lan", 9100, status="off")),
        ("tcp://printer.lan?STATUS=On", TcpTarget("printer.lan", 9100, status="on")),
        ("usb://04b8:0202", UsbTarget(0x04B8, 0x0202)),
        ("usb://04b8:0202?status=off", UsbTarget(0x04B8, 0x0202, status="off")),
        (
            "usb://0416:5011?interface=1&in_ep=0x81&out_ep=0x03&timeout=3",
            UsbTarget(0x0416, 0x5011, interface=1, in_ep=0x81, out_ep=0x03, timeout=3.0),
        ),
        ("serial:///dev/ttyUSB0", SerialTarget("/dev/ttyUSB0")),
        (
            "serial:///dev/ttyS1?baudrate=19200&parity=e&stopbits=2&xonxoff=yes&dsrdtr=0",
            SerialTarget(
                "/dev/ttyS1", baudrate=19200, parity="E", stopbits=2, xonxoff=True, dsrdtr=False
            ),
        ),
        ("serial://COM3?baudrate=115200", SerialTarget("COM3", baudrate=115200)),
        ("serial:///dev/ttyACM0?status=on", SerialTarget("/dev/ttyACM0", status="on")),
        ("file:///dev/usb/lp0", FileTarget("/dev/usb/lp0")),
        ("file://localhost/dev/usb/lp1", FileTarget("/dev/usb/lp1")),
        ("file:///dev/usb/lp0?timeout=2", FileTarget("/dev/usb/lp0", 2.0)),
        ("cups://TM-T20II", CupsTarget("TM-T20II")),
        ("cups://Kiosk_1?host=cups.lan&port=631", CupsTarget("Kiosk_1", "cups.lan", 631)),
        ("agent:", AgentTarget()),
        ("dummy:", DummyTarget()),
        ("dummy://", DummyTarget()),
        ("  dummy:  ", DummyTarget()),
    ],
)
def test_each_scheme_parses(url, target):
    assert parse_printer_url(url) == target


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("", "empty"),
        ("192.0.2.10:9100", "unknown printer URL scheme"),
        ("lpt://1", "unknown printer URL scheme"),
        ("http://printer/", "unknown printer URL scheme"),
        ("tcp://", "no host"),
        ("tcp://:9100", "no host"),
        ("tcp://printer:http", "port must be a number"),
        ("tcp://printer:70000", "port must be a number"),
        ("tcp://printer:0", "port must be a number"),
        ("tcp://printer:9100/queue", "no path"),
        ("tcp://admin:pw@printer:9100", "no user name or password"),
        ("tcp://printer?timeout=soon", "not a number"),
        ("tcp://printer?timeout=0", "above 0"),
        ("tcp://printer?timeout=-1", "must not be negative"),
        ("tcp://printer?tiemout=3", "unknown option tiemout"),
        ("tcp://printer?timeout=1&timeout=2", "given twice"),
        ("tcp://printer#x", "fragment"),
        ("usb://04b8", "usb://VID:PID"),
        ("usb://4b8:202:1", "usb://VID:PID"),
        ("usb://epson:tm20", "usb://VID:PID"),
        ("usb://04b8:0202/1", "usb://VID:PID"),
        ("usb://04b8:0202?out_ep=high", "not a number"),
        ("usb://04b8:0202?endpoint=1", "unknown option endpoint"),
        ("serial://", "no serial port"),
        ("serial:///dev/ttyUSB0?baudrate=fast", "not a number"),
        ("serial:///dev/ttyUSB0?parity=X", "parity"),
        ("serial:///dev/ttyUSB0?bytesize=9", "bytesize"),
        ("serial:///dev/ttyUSB0?xonxoff=maybe", "yes/no"),
        ("file://dev/usb/lp0", "absolute path"),
        ("file:///", "absolute path"),
        ("file:///dev/usb/lp0?mode=raw", "unknown option mode"),
        ("file:///dev/usb/lp0?status=on", "unknown option status"),
        ("tcp://printer?status=maybe", "status=auto, status=on or status=off"),
        ("agent://kiosk", "just agent:"),
        (" agent:", "just agent:"),
        ("cups://", "CUPS queue name"),
        ("cups://two words", "CUPS queue name"),
        ("cups://q?port=99999", "port must be"),
        ("dummy://something", "just dummy:"),
    ],
)
def test_bad_urls_raise_a_clear_error(url, message):
    with pytest.raises(PrinterUrlError, match=message):
        parse_printer_url(url)


def test_url_errors_are_value_errors_and_quote_the_url():
    with pytest.raises(ValueError, match="'lpt://1'"):
        parse_printer_url("lpt://1")
