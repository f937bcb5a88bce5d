"""Sending rendered bytes: a fake network printer on loopback, and each URL's driver."""

import socket
import threading
from collections.abc import Iterator

import pytest
from escpos.printer import Dummy, File, Network

from printer import (
    PrinterDriverMissingError,
    PrinterOfflineError,
    PrinterPaperError,
    PrinterTimeoutError,
    PrinterUrlError,
    connections,
    open_printer,
    print_sample,
    render_ticket,
    sample_ticket,
    send_bytes,
)
from tests.escpos_decode import decode, qr_payloads

PAPER_QUERY = b"\x10\x04\x04"  # DLE EOT 4
PAPER_OK, PAPER_OUT = b"\x12", b"\x72"


class FakePrinter:
    """A raw-TCP printer on 127.0.0.1 that records one connection's bytes."""

    def __init__(self, paper_reply: bytes | None = None) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(10)
        self.port = self.server.getsockname()[1]
        self.url = f"tcp://127.0.0.1:{self.port}"
        self.paper_reply = paper_reply
        self.received = bytearray()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        conn, _ = self.server.accept()
        with conn:
            conn.settimeout(10)
            answered = False
            while chunk := conn.recv(65536):
                self.received += chunk
                if self.paper_reply and not answered and PAPER_QUERY in self.received:
                    conn.sendall(self.paper_reply)
                    answered = True

    def wait(self) -> bytes:
        """The bytes received once the sender has closed the connection."""
        self.thread.join(timeout=10)
        assert not self.thread.is_alive(), "the sender never closed the connection"
        return bytes(self.received)

    def close(self) -> None:
        self.server.close()


@pytest.fixture
def fake_printer() -> Iterator[FakePrinter]:
    printer = FakePrinter()
    yield printer
    printer.close()


@pytest.fixture
def free_port() -> int:
    """A loopback port that nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_printer_receives_exactly_the_rendered_bytes(fake_printer):
    job = render_ticket(sample_ticket(), 80)
    send_bytes(fake_printer.url, job, timeout=5)
    assert fake_printer.wait() == job


def test_print_sample_sends_a_whole_ticket(fake_printer):
    sent = print_sample(fake_printer.url, 58)
    received = fake_printer.wait()
    assert len(received) == sent
    assert qr_payloads(decode(received)) == [sample_ticket().track_url]


def test_nothing_listening_is_reported_as_offline(free_port):
    with pytest.raises(PrinterOfflineError, match="refused the connection") as caught:
        send_bytes(f"tcp://127.0.0.1:{free_port}", b"\x1b@", timeout=0.5)
    assert caught.value.retryable


def test_a_printer_that_stops_reading_times_out():
    # A listener that never accepts: the kernel buffers fill, then sendall must give up.
    with socket.create_server(("127.0.0.1", 0), backlog=1) as stuck:
        url = f"tcp://127.0.0.1:{stuck.getsockname()[1]}"
        with pytest.raises(PrinterTimeoutError, match="stopped taking data"):
            send_bytes(url, bytes(64 * 1024 * 1024), timeout=0.3)


def test_paper_out_is_reported_before_anything_prints():
    printer = FakePrinter(paper_reply=PAPER_OUT)
    try:
        with pytest.raises(PrinterPaperError, match="out of paper"):
            send_bytes(printer.url, b"\x1b@TICKET", timeout=5, check_paper=True)
        assert printer.wait() == PAPER_QUERY
    finally:
        printer.close()


def test_paper_present_lets_the_job_through():
    printer = FakePrinter(paper_reply=PAPER_OK)
    try:
        send_bytes(printer.url, b"\x1b@TICKET", timeout=5, check_paper=True)
        assert printer.wait() == PAPER_QUERY + b"\x1b@TICKET"
    finally:
        printer.close()


def test_a_printer_that_never_reports_status_times_out(fake_printer):
    with pytest.raises(PrinterTimeoutError, match="paper status query"):
        send_bytes(fake_printer.url, b"\x1b@", timeout=0.3, check_paper=True)
    assert fake_printer.wait() == PAPER_QUERY


def test_a_device_file_receives_the_bytes(tmp_path):
    device = tmp_path / "lp0"
    send_bytes(f"file://{device}", b"\x1b@hello", check_paper=True)
    assert device.read_bytes() == b"\x1b@hello"


def test_a_missing_device_file_is_offline(tmp_path):
    with pytest.raises(PrinterOfflineError, match="cannot reach printer"):
        send_bytes(f"file://{tmp_path}/no/such/lp0", b"\x1b@")


def test_dummy_swallows_the_job():
    send_bytes("dummy:", b"\x1b@", check_paper=True)


def test_a_bad_url_is_a_configuration_error_not_a_printer_error():
    with pytest.raises(PrinterUrlError):
        send_bytes("tcp://", b"\x1b@")


def test_tcp_opens_a_network_printer_with_the_timeout():
    printer = open_printer("tcp://192.0.2.7:9101", timeout=2)
    assert isinstance(printer, Network)
    assert (printer.host, printer.port, printer.timeout) == ("192.0.2.7", 9101, 2)
    assert open_printer("tcp://192.0.2.7?timeout=7", timeout=2).timeout == 7


def test_file_and_dummy_open_their_escpos_classes():
    assert open_printer("file:///dev/usb/lp0").devfile == "/dev/usb/lp0"
    assert isinstance(open_printer("file:///dev/usb/lp0"), File)
    assert isinstance(open_printer("dummy:"), Dummy)


def test_a_profile_can_be_chosen_by_name():
    assert open_printer("dummy:", profile="TM-T20II").profile.profile_data["name"] == "TM-T20II"


class Recorder:
    """Stands in for an escpos printer class whose library may not be installed here."""

    usable = True

    @classmethod
    def is_usable(cls) -> bool:
        return cls.usable

    def __init__(self, *args: object, **kwargs: object) -> None:
        self.args = args
        self.kwargs = kwargs


class Unusable(Recorder):
    usable = False


@pytest.mark.parametrize("name", ["Usb", "Serial", "CupsPrinter"])
def test_drivers_get_the_url_options(monkeypatch, name):
    monkeypatch.setattr(connections, name, Recorder)
    usb = open_printer("usb://04b8:0202?out_ep=0x02", timeout=1.5) if name == "Usb" else None
    serial = open_printer("serial:///dev/ttyUSB0?baudrate=19200") if name == "Serial" else None
    cups = open_printer("cups://TM-T20?host=cups.lan") if name == "CupsPrinter" else None

    if usb is not None:
        assert usb.args == (0x04B8, 0x0202)
        assert usb.kwargs == {"timeout": 1500, "out_ep": 0x02}
    if serial is not None:
        assert serial.kwargs["devfile"] == "/dev/ttyUSB0"
        assert serial.kwargs["baudrate"] == 19200
        assert serial.kwargs["timeout"] == connections.DEFAULT_TIMEOUT
    if cups is not None:
        assert cups.args == ("TM-T20",)
        assert cups.kwargs == {"host": "cups.lan"}


class FakeUsbDevice:
    def __init__(self) -> None:
        self.detached: list[int] = []

    def is_kernel_driver_active(self, interface: int) -> bool:
        return True

    def detach_kernel_driver(self, interface: int) -> None:
        self.detached.append(interface)


def test_usb_interface_other_than_zero_is_freed_from_the_kernel(monkeypatch):
    monkeypatch.setattr(connections, "Usb", Recorder)
    printer = open_printer("usb://0416:5011?interface=1")
    printer.device = FakeUsbDevice()
    printer._check_driver()
    assert isinstance(printer, Recorder)
    assert printer.device.detached == [1]


@pytest.mark.parametrize(
    ("name", "url", "package"),
    [
        ("Usb", "usb://04b8:0202", "pyusb"),
        ("Serial", "serial:///dev/ttyUSB0", "pyserial"),
        ("CupsPrinter", "cups://TM-T20", "pycups"),
    ],
)
def test_a_missing_driver_library_is_named(monkeypatch, name, url, package):
    monkeypatch.setattr(connections, name, Unusable)
    with pytest.raises(PrinterDriverMissingError, match=package) as caught:
        send_bytes(url, b"\x1b@")
    assert not caught.value.retryable
