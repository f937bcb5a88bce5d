"""`luot printer test URL` prints a sample ticket, to check the wiring."""

from __future__ import annotations

from click.testing import CliRunner

from server.cli import printer_group
from tests.escpos_decode import Cut, Qr, decode
from tests.fake_printer import FakePrinter


def test_printer_test_sends_a_sample_ticket():
    printer = FakePrinter().start()
    try:
        result = CliRunner().invoke(printer_group, ["test", printer.url, "--paper", "58"])
        assert result.exit_code == 0, result.output
        (job,) = printer.wait_for_jobs(1)
        segments = decode(job)
        assert any(isinstance(s, Qr) and s.fn == 80 for s in segments)
        assert sum(isinstance(s, Cut) for s in segments) == 1
        assert f"({len(job)} bytes)" in result.output
    finally:
        printer.stop()


def test_printer_test_explains_a_dead_printer():
    port = FakePrinter().start()
    url = port.url
    port.stop()
    result = CliRunner().invoke(printer_group, ["test", url, "--timeout", "1"])
    assert result.exit_code == 1
    assert "Printing failed" in result.output


def test_printer_test_refuses_a_bad_url():
    result = CliRunner().invoke(printer_group, ["test", "lpt1:"])
    assert result.exit_code == 1 and "Printing failed" in result.output
