"""`luot printer test URL` prints a sample ticket, to check the wiring, and says plainly when
the printer did not take it."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from server.ops.cli import printer_group
from tests.escpos_decode import Cut, Qr, decode
from tests.fake_printer import (
    COVER_OPEN,
    LOOPBACK_ENV,
    PAPER_OUT,
    ClosingPrinter,
    FakePrinter,
    ResettingPrinter,
    StuckPrinter,
)


def printer_test(*args: str):
    return CliRunner(env=LOOPBACK_ENV).invoke(printer_group, ["test", *args])


def test_printer_test_sends_a_sample_ticket():
    printer = FakePrinter().start()
    try:
        result = printer_test(printer.url, "--paper", "58")
        assert result.exit_code == 0, result.output
        (job,) = printer.wait_for_jobs(1)
        segments = decode(job)
        assert any(isinstance(s, Qr) and s.fn == 80 for s in segments)
        assert sum(isinstance(s, Cut) for s in segments) == 1
        assert f"({len(job)} bytes)" in result.output
        assert "Printer status: ok." in result.output
    finally:
        printer.stop()


def test_printer_test_works_with_a_printer_that_never_answers_status():
    with FakePrinter(status=None) as printer:
        result = printer_test(printer.url)
        assert result.exit_code == 0, result.output
        (job,) = printer.wait_for_jobs(1)
        assert f"Sample ticket sent to {printer.url} ({len(job)} bytes)." in result.output
        assert "status" not in result.output


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda: StuckPrinter(rcvbuf=4096), r"(stopped taking data|did not finish the job)"),
        (lambda: StuckPrinter(), r"did not finish the job within 0.5 s after all \d+ bytes"),
        (lambda: ResettingPrinter(after=1000), r"reset the connection"),
        (lambda: ClosingPrinter(after=200), r"(reset|closed) the connection"),
        (lambda: FakePrinter(status=PAPER_OUT), r"is out of paper"),
        (lambda: FakePrinter(status=COVER_OPEN), r"the cover is open"),
        (lambda: FakePrinter(status_after_job=PAPER_OUT), r"out of paper after the job"),
    ],
    ids=[
        "never-reads-small-buffer",
        "never-reads",
        "resets",
        "closes-after-200-bytes",
        "paper-out",
        "cover-open",
        "paper-runs-out",
    ],
)
def test_printer_test_fails_saying_what_happened(make, says):
    import re

    with make() as printer:
        result = printer_test(printer.url, "--timeout", "0.5")
    assert result.exit_code == 1, result.output
    assert "Printing failed" in result.output and "sent to" not in result.output
    assert re.search(says, result.output), result.output


def test_printer_test_explains_a_dead_printer():
    port = FakePrinter().start()
    url = port.url
    port.stop()
    result = printer_test(url, "--timeout", "1")
    assert result.exit_code == 1
    assert "Printing failed" in result.output and "refused the connection" in result.output


def test_printer_test_refuses_a_bad_url():
    result = printer_test("lpt1:")
    assert result.exit_code == 1 and "Printing failed" in result.output
