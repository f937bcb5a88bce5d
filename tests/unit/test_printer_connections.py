"""Sending rendered bytes: fake printers on loopback for every fault, device files on a
pseudo-terminal, and each URL's driver. A job is reported sent only if the printer took it."""

from __future__ import annotations

import errno
import os
import socket
import threading
from collections.abc import Iterator

import pytest
from escpos.printer import Dummy, File, Network

from printer import (
    PrinterCoverOpenError,
    PrinterDriverMissingError,
    PrinterFaultError,
    PrinterNotAllowedError,
    PrinterOfflineError,
    PrinterPaperError,
    PrinterPolicy,
    PrinterTimeoutError,
    PrinterUrlError,
    connections,
    open_printer,
    print_sample,
    render_ticket,
    sample_ticket,
    send_bytes,
)
from printer.connections import drivers
from tests.escpos_decode import decode, qr_payloads
from tests.fake_printer import (
    COVER_OPEN,
    CUTTER_ERROR,
    LOOPBACK_POLICY,
    PAPER_NEAR_END,
    PAPER_OUT,
    ClosingPrinter,
    FakePrinter,
    ResettingPrinter,
    StuckPrinter,
)
from tests.waiting import wait_until

QUERIES = b"\x10\x04\x01\x10\x04\x02\x10\x04\x03\x10\x04\x04"
TICKET = render_ticket(sample_ticket(), 80)


@pytest.fixture(autouse=True)
def fresh_status_memory():
    connections.forget_status_answers()
    yield
    connections.forget_status_answers()


@pytest.fixture
def fake_printer() -> Iterator[FakePrinter]:
    with FakePrinter() as printer:
        yield printer


@pytest.fixture
def started() -> Iterator:
    """Start fake printers; they are stopped after the test."""
    printers: list[FakePrinter] = []

    def start(printer: FakePrinter) -> FakePrinter:
        printers.append(printer.start())
        return printer

    yield start
    for printer in printers:
        printer.stop()


@pytest.fixture
def free_port() -> int:
    """A loopback port that nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def send(url: str, data: bytes = TICKET, timeout: float = 2.0, **kwargs):
    return send_bytes(url, data, timeout=timeout, policy=LOOPBACK_POLICY, **kwargs)


# -- a healthy printer


def test_the_printer_receives_exactly_the_rendered_bytes(fake_printer):
    report = send(fake_printer.url)
    assert fake_printer.wait_for_jobs(1) == [TICKET]
    assert report.bytes_sent == len(TICKET)
    assert report.status is not None and report.status.describe() == "ok"


def test_status_is_asked_before_and_after_the_job(fake_printer):
    send(fake_printer.url)
    fake_printer.wait_for_jobs(1)
    (raw,) = fake_printer.received
    assert raw == QUERIES + TICKET + QUERIES


def test_print_sample_sends_a_whole_ticket(fake_printer):
    report = print_sample(fake_printer.url, 58, policy=LOOPBACK_POLICY)
    (received,) = fake_printer.wait_for_jobs(1)
    assert len(received) == report.bytes_sent
    assert qr_payloads(decode(received)) == [sample_ticket().track_url]


def test_a_printer_that_never_answers_status_still_prints_and_is_not_asked_again():
    with FakePrinter(status=None) as printer:
        assert send(printer.url).status is None
        assert send(printer.url).status is None
        assert printer.wait_for_jobs(2) == [TICKET, TICKET]
        first, second = printer.received
        assert first == b"\x10\x04\x01" + TICKET  # one short probe, then the job
        assert second == TICKET  # remembered: no more questions


def test_a_silent_printer_that_failed_is_asked_again_next_time():
    with StuckPrinter() as stuck:
        with pytest.raises(PrinterTimeoutError):
            send(stuck.url, timeout=0.3)
        port = stuck.port
    with FakePrinter(port) as mended:  # the same printer, working again, answers status
        assert send(mended.url).status is not None


def test_status_off_asks_nothing(fake_printer):
    send(fake_printer.url + "?status=off")
    fake_printer.wait_for_jobs(1)
    assert fake_printer.received == [TICKET]


def test_status_on_insists_on_an_answer():
    with FakePrinter(status=None) as printer:
        with pytest.raises(PrinterTimeoutError, match="did not answer the status query"):
            send(printer.url + "?status=on", timeout=0.3)
        printer.wait_for_connections(1)
    assert printer.jobs == []  # nothing was sent to a printer in an unknown state


def test_a_status_pattern_inside_the_job_does_not_confuse_the_answer_after_it():
    # Image data may hold DLE EOT n by chance; the printer answers it like a query.
    with FakePrinter(status_after_job=PAPER_OUT) as printer:
        job = b"\x1b@" + b"\x10\x04\x01" * 3 + b"\x10\x04\x04" + b"TICKET"
        with pytest.raises(PrinterPaperError, match="after the job"):
            send(printer.url, job)
    with FakePrinter() as printer:
        assert send(printer.url, job).status.describe() == "ok"


def test_paper_running_low_prints_and_says_so():
    with FakePrinter(status=PAPER_NEAR_END) as printer:
        report = send(printer.url)
        assert printer.wait_for_jobs(1) == [TICKET]
    assert report.status.paper_low and report.status.describe() == "ok, paper running low"


# -- every way a network printer fails


def test_nothing_listening_is_reported_as_offline(free_port):
    with pytest.raises(PrinterOfflineError, match="refused the connection") as caught:
        send(f"tcp://127.0.0.1:{free_port}", b"\x1b@", timeout=0.5)
    assert caught.value.retryable


@pytest.mark.parametrize(
    ("rcvbuf", "message"),
    [
        # A printer's few kilobytes: the writes may stall, or the end never comes.
        (
            4096,
            rf"(stopped taking data after \d+ of|did not finish the job within 0.5 s after "
            rf"all) {len(TICKET)} bytes",
        ),
        # The whole ticket fits in the kernel's buffers: only waiting for the end can tell.
        (None, rf"did not finish the job within 0.5 s after all {len(TICKET)} bytes were sent"),
    ],
    ids=["small-buffer", "default-buffer"],
)
def test_a_printer_that_accepts_and_never_reads_times_out(started, rcvbuf, message):
    printer = started(StuckPrinter(rcvbuf=rcvbuf))
    with pytest.raises(PrinterTimeoutError, match=message):
        send(printer.url, timeout=0.5)


def test_a_printer_whose_buffer_never_empties_stops_the_writes_with_a_count():
    # A listener that never accepts: once the kernel buffers are full no byte moves.
    with socket.create_server(("127.0.0.1", 0), backlog=1) as stuck:
        url = f"tcp://127.0.0.1:{stuck.getsockname()[1]}?status=off"
        size = 64 * 1024 * 1024
        with pytest.raises(
            PrinterTimeoutError, match=rf"stopped taking data after \d+ of {size} bytes"
        ):
            send(url, bytes(size), timeout=0.3)


def test_a_printer_that_resets_the_connection_fails(started):
    printer = started(ResettingPrinter(after=1000))
    with pytest.raises(PrinterOfflineError, match="reset the connection after"):
        send(printer.url)


def test_a_printer_that_closes_after_200_bytes_fails(started):
    printer = started(ClosingPrinter(after=200))
    with pytest.raises(
        PrinterOfflineError, match=rf"(reset|closed) the connection after .*{len(TICKET)} bytes"
    ):
        send(printer.url)


@pytest.mark.parametrize(
    ("status", "error", "message"),
    [
        (PAPER_OUT, PrinterPaperError, "is out of paper"),
        (COVER_OPEN, PrinterCoverOpenError, "the cover is open"),
        (CUTTER_ERROR, PrinterFaultError, "reports an autocutter error"),
    ],
    ids=["paper-out", "cover-open", "cutter-error"],
)
def test_a_printer_reporting_a_problem_gets_no_job(status, error, message):
    with FakePrinter(status=status) as printer:
        with pytest.raises(error, match=message):
            send(printer.url)
        printer.wait_for_connections(1)
    assert printer.jobs == []  # only the status queries went out


def test_paper_running_out_during_the_job_is_a_failure():
    with FakePrinter(status_after_job=PAPER_OUT) as printer:
        with pytest.raises(PrinterPaperError, match="out of paper after the job"):
            send(printer.url)
        assert printer.wait_for_jobs(1) == [TICKET]


# -- where the connection goes


def test_the_connection_goes_to_the_address_that_was_checked(fake_printer):
    looked_up = []

    def resolver(host, port, **kwargs):
        looked_up.append(host)
        return socket.getaddrinfo("127.0.0.1", port, **kwargs)

    policy = PrinterPolicy(networks=["127.0.0.1/32"], tcp_ports=["1-65535"], resolver=resolver)
    send_bytes(f"tcp://printer.lan:{fake_printer.port}", b"\x1b@", policy=policy)
    assert looked_up == ["printer.lan"]
    assert fake_printer.wait_for_jobs(1) == [b"\x1b@"]


def test_a_name_that_now_resolves_outside_the_networks_is_refused_at_connect(fake_printer):
    # Accepted when configured (a private address), loopback by the time a ticket prints.
    answers = iter(["192.168.1.50", "127.0.0.1"])

    def resolver(host, port, **kwargs):
        return socket.getaddrinfo(next(answers), port, **kwargs)

    policy = PrinterPolicy(networks=["192.168.0.0/16"], tcp_ports=["1-65535"], resolver=resolver)
    url = f"tcp://printer.lan:{fake_printer.port}"
    policy.check(url)
    with pytest.raises(PrinterNotAllowedError, match="127.0.0.1, which is not in the allowed"):
        send_bytes(url, b"\x1b@", policy=policy)
    assert fake_printer.connections == 0


def test_the_default_policy_applies_when_none_is_given(fake_printer):
    with pytest.raises(PrinterNotAllowedError, match="not an allowed printer port"):
        send_bytes(fake_printer.url, b"\x1b@")
    assert fake_printer.connections == 0


# -- device files


@pytest.fixture
def pty_device() -> Iterator[tuple[int, str]]:
    """A pseudo-terminal: a character device standing in for /dev/usb/lp0 or /dev/ttyUSB0."""
    master, slave = os.openpty()
    yield master, os.ttyname(slave)
    os.close(master)
    os.close(slave)


def device_policy(*globs: str) -> PrinterPolicy:
    return PrinterPolicy(device_globs=globs or ["/dev/pts/*"])


def read_all(fd: int, count: int) -> bytes:
    data = b""
    while len(data) < count:
        data += os.read(fd, count - len(data))
    return data


def test_a_device_file_receives_the_bytes(pty_device):
    master, path = pty_device
    os.set_blocking(master, True)
    job = b"\x1b@hello"
    send_bytes(f"file://{path}", job, policy=device_policy())
    assert read_all(master, len(job)) == job


def test_a_device_file_that_takes_nothing_times_out(pty_device):
    _master, path = pty_device  # nobody reads the other side
    size = 4 * 1024 * 1024
    with pytest.raises(PrinterTimeoutError, match=rf"stopped taking data after \d+ of {size}"):
        send_bytes(f"file://{path}", bytes(size), timeout=0.3, policy=device_policy())


def test_file_never_creates_a_file(tmp_path):
    policy = device_policy(f"{tmp_path}/lp*")
    with pytest.raises(PrinterOfflineError, match="cannot reach printer"):
        send_bytes(f"file://{tmp_path}/lp0", b"\x1b@", policy=policy)
    assert not (tmp_path / "lp0").exists()


def test_file_never_writes_a_regular_file(tmp_path):
    precious = tmp_path / "lp1"
    precious.write_text("precious")
    policy = device_policy(f"{tmp_path}/lp*")
    with pytest.raises(PrinterNotAllowedError, match="not a character device"):
        send_bytes(f"file://{precious}", b"\x1b@", policy=policy)
    assert precious.read_text() == "precious"


def test_a_symlink_out_of_the_allowed_devices_is_refused_when_opening(tmp_path, pty_device):
    _master, path = pty_device
    outside = tmp_path / "outside"
    outside.write_text("precious")
    (tmp_path / "lp2").symlink_to(outside)
    (tmp_path / "lp3").symlink_to(path)  # a real character device, but not an allowed one
    policy = device_policy(f"{tmp_path}/lp*")
    for name in ("lp2", "lp3"):
        with pytest.raises(PrinterNotAllowedError, match="leads to"):
            send_bytes(f"file://{tmp_path}/{name}", b"\x1b@", policy=policy)
    assert outside.read_text() == "precious"


def test_a_symlink_to_an_allowed_device_is_followed(tmp_path, pty_device):
    master, path = pty_device
    os.set_blocking(master, True)
    (tmp_path / "lp0").symlink_to(path)
    send_bytes(
        f"file://{tmp_path}/lp0", b"\x1b@", policy=device_policy(f"{tmp_path}/lp*", "/dev/pts/*")
    )
    assert read_all(master, 2) == b"\x1b@"


def test_open_printer_opens_device_files_without_creating_them(tmp_path):
    policy = device_policy(f"{tmp_path}/lp*")
    printer = open_printer(f"file://{tmp_path}/lp0", policy=policy)
    with pytest.raises(Exception, match="No such file"):
        printer.open()
    assert not (tmp_path / "lp0").exists()


# -- serial ports


class SerialPrinter:
    """The far side of a pseudo-terminal: reads the job, answers status queries."""

    def __init__(self, master: int, status: dict[int, int] | None) -> None:
        self.master = master
        self.status = status
        self.received = b""
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        import select

        while not self.stop.is_set():
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if not ready:
                continue
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            start = max(0, len(self.received) - 2)
            self.received += chunk
            at = self.received.find(b"\x10\x04", start)
            while self.status and at != -1 and at + 2 < len(self.received):
                os.write(self.master, bytes([self.status[self.received[at + 2]]]))
                at = self.received.find(b"\x10\x04", at + 3)


@pytest.fixture
def serial_printer(pty_device):
    master, path = pty_device
    printers = []

    def start(status):
        printer = SerialPrinter(master, status)
        printers.append(printer)
        return printer

    yield path, start
    for printer in printers:
        printer.stop.set()
        printer.thread.join(2)


def test_a_serial_printer_gets_the_job_and_is_asked_its_status(serial_printer):
    path, start = serial_printer
    printer = start({1: 0x12, 2: 0x12, 3: 0x12, 4: 0x12})
    report = send_bytes(f"serial://{path}", TICKET, policy=device_policy())
    assert report.status is not None and report.bytes_sent == len(TICKET)
    assert printer.received == QUERIES + TICKET + QUERIES


def test_a_serial_printer_out_of_paper_gets_no_job(serial_printer):
    path, start = serial_printer
    printer = start(dict(PAPER_OUT))
    with pytest.raises(PrinterPaperError, match="out of paper"):
        send_bytes(f"serial://{path}", TICKET, policy=device_policy())
    assert TICKET[:100] not in printer.received


def test_a_serial_printer_that_never_answers_status_still_prints(serial_printer):
    path, start = serial_printer
    printer = start(None)
    assert send_bytes(f"serial://{path}", TICKET, policy=device_policy()).status is None
    wait_until(lambda: len(printer.received) >= 3 + len(TICKET), what="the whole job read")
    assert printer.received == b"\x10\x04\x01" + TICKET


def test_a_serial_printer_that_takes_nothing_times_out(pty_device):
    _master, path = pty_device
    size = 4 * 1024 * 1024
    with pytest.raises(PrinterTimeoutError, match=rf"stopped taking data after \d+ of {size}"):
        send_bytes(f"serial://{path}?status=off", bytes(size), timeout=0.3, policy=device_policy())


def test_a_serial_port_outside_the_allowed_devices_is_refused(pty_device):
    _master, path = pty_device
    with pytest.raises(PrinterNotAllowedError, match="not an allowed printer device"):
        send_bytes(f"serial://{path}", b"\x1b@")


# -- USB (no real device: pyusb's device object stands in)


class FakeUsbDevice:
    """Bulk OUT takes at most 64 bytes a transfer; after ``stall_after`` it times out."""

    def __init__(self, status: dict[int, int] | None, stall_after: int | None = None) -> None:
        self.status = status
        self.stall_after = stall_after
        self.written = b""
        self.answers: list[int] = []

    def write(self, endpoint: int, data: bytes, timeout: int) -> int:
        if self.stall_after is not None and len(self.written) >= self.stall_after:
            raise OSError(errno.ETIMEDOUT, "Operation timed out")
        taken = bytes(data[:64])
        self.written += taken
        queries = [taken[i : i + 3] for i in range(0, len(taken), 3)]
        if self.status and all(q[:2] == b"\x10\x04" and len(q) == 3 for q in queries):
            self.answers += [self.status[q[2]] for q in queries]
        return len(taken)

    def read(self, endpoint: int, size: int, timeout: int) -> bytes:
        if not self.answers:
            raise OSError(errno.ETIMEDOUT, "Operation timed out")
        answer, self.answers = self.answers[:1], self.answers[1:]
        return bytes(answer)


def fake_usb(device: FakeUsbDevice) -> type:
    class Usb:
        @classmethod
        def is_usable(cls) -> bool:
            return True

        def __init__(self, *args: object, **kwargs: object) -> None:
            self.out_ep, self.in_ep = 0x01, 0x82
            self.device = None

        def open(self) -> None:
            self.device = device

        def close(self) -> None:
            self.device = None

    return Usb


def test_usb_writes_are_counted_and_status_read(monkeypatch):
    device = FakeUsbDevice({1: 0x12, 2: 0x12, 3: 0x12, 4: 0x12})
    monkeypatch.setattr(drivers, "Usb", fake_usb(device))
    report = send_bytes("usb://04b8:0202", TICKET)
    assert device.written == QUERIES + TICKET + QUERIES
    assert report.bytes_sent == len(TICKET) and report.status is not None


def test_a_usb_printer_that_stalls_is_a_timeout_with_a_count(monkeypatch):
    device = FakeUsbDevice(None, stall_after=640)
    monkeypatch.setattr(drivers, "Usb", fake_usb(device))
    with pytest.raises(
        PrinterTimeoutError, match=rf"stopped taking data after 640 of {len(TICKET)} bytes"
    ):
        send_bytes("usb://04b8:0202?status=off", TICKET)


def test_a_usb_printer_with_its_cover_open_gets_no_job(monkeypatch):
    device = FakeUsbDevice(dict(COVER_OPEN))
    monkeypatch.setattr(drivers, "Usb", fake_usb(device))
    with pytest.raises(PrinterCoverOpenError):
        send_bytes("usb://04b8:0202", TICKET)
    assert device.written == QUERIES


# -- the other schemes


def test_dummy_swallows_the_job():
    assert send_bytes("dummy:", b"\x1b@").bytes_sent == 2


def test_agent_jobs_are_not_sent_from_here():
    with pytest.raises(PrinterUrlError, match="kiosk-agent"):
        send_bytes("agent:", b"\x1b@")


def test_a_bad_url_is_a_configuration_error_not_a_printer_error():
    with pytest.raises(PrinterUrlError):
        send_bytes("tcp://", b"\x1b@")


def test_tcp_opens_a_network_printer_with_the_timeout():
    printer = open_printer("tcp://192.168.7.7:9101", timeout=2)
    assert isinstance(printer, Network)
    assert (printer.host, printer.port, printer.timeout) == ("192.168.7.7", 9101, 2)
    assert open_printer("tcp://192.168.7.7?timeout=7", timeout=2).timeout == 7


def test_open_printer_applies_the_policy():
    with pytest.raises(PrinterNotAllowedError):
        open_printer("file:///etc/passwd")
    with pytest.raises(PrinterNotAllowedError):
        open_printer("tcp://127.0.0.1:6379")


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
    monkeypatch.setattr(drivers, name, Recorder)
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


class FakeKernelDriverDevice:
    def __init__(self) -> None:
        self.detached: list[int] = []

    def is_kernel_driver_active(self, interface: int) -> bool:
        return True

    def detach_kernel_driver(self, interface: int) -> None:
        self.detached.append(interface)


def test_usb_interface_other_than_zero_is_freed_from_the_kernel(monkeypatch):
    monkeypatch.setattr(drivers, "Usb", Recorder)
    printer = open_printer("usb://0416:5011?interface=1")
    printer.device = FakeKernelDriverDevice()
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
    monkeypatch.setattr(drivers, name, Unusable)
    with pytest.raises(PrinterDriverMissingError, match=package) as caught:
        send_bytes(url, b"\x1b@")
    assert not caught.value.retryable
