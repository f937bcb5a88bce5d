"""The counters that serve the field, on the printed ticket; and the preview: the picture of
the paper drawn from the same job the printer is sent (issue 25, point 8)."""

from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest
import zxingcpp
from PIL import Image

from printer import PAPER_58, PAPER_80, TicketPrint, preview_ticket, render_ticket
from printer.layout import COUNTERS_LABEL
from printer.sheet import LINE_DOTS, Sheet
from printer.slip import render_slip
from printer.ticket import sample_ticket
from tests.escpos_decode import decode, qr_payloads, rasters
from tests.ticket_lines import decoded_lines, holds, line_picture

HANOI = timezone(timedelta(hours=7))
PAPERS = [pytest.param(PAPER_80, id="80mm"), pytest.param(PAPER_58, id="58mm")]


@pytest.fixture
def ticket() -> TicketPrint:
    return sample_ticket(issued_at=datetime(2025, 11, 21, 9, 41, tzinfo=HANOI))


@pytest.mark.parametrize("paper", PAPERS)
def test_the_ticket_names_the_counters_that_serve_its_field(ticket, paper):
    job = render_ticket(replace(ticket, counters=[1, 2, 5]), paper)
    assert decoded_lines(job, "Quầy phục vụ: 1, 2, 5", paper) == [1]  # with the details
    assert decoded_lines(job, "Quầy phục vụ: 1, 2", paper) == []


def test_one_counter_and_many_counters(ticket):
    one = render_ticket(replace(ticket, counters=(3,)), PAPER_80)
    assert decoded_lines(one, COUNTERS_LABEL.format(numbers="3"), PAPER_80) == [1]
    many = tuple(range(1, 21))
    long = render_ticket(replace(ticket, counters=many), PAPER_58)
    # Twenty counters wrap onto a second line on 58 mm paper, never cut off.
    details = rasters(decode(long))[1]
    short = rasters(decode(render_ticket(replace(ticket, counters=(3,)), PAPER_58)))[1]
    assert details.height > short.height and details.width == PAPER_58.dots


def test_no_counters_no_line(ticket):
    bare = replace(ticket, counters=())
    job = render_ticket(bare, PAPER_80)
    assert decoded_lines(job, "Quầy phục vụ: 1, 2, 5", PAPER_80) == []
    with_line = rasters(decode(render_ticket(ticket, PAPER_80)))[1]
    assert rasters(decode(job))[1].height < with_line.height


def test_counters_from_the_servers_plain_dict(ticket):
    as_dict = {f: getattr(ticket, f) for f in TicketPrint.__dataclass_fields__}
    as_dict["counters"] = [1, 2, 5]  # JSON gives a list
    assert render_ticket(as_dict, 80) == render_ticket(ticket, 80)


@pytest.mark.parametrize("paper", PAPERS)
@pytest.mark.parametrize("qr", ["native", "image"])
def test_the_preview_is_the_job_the_printer_gets(ticket, paper, qr):
    shown = preview_ticket(ticket, paper, qr=qr)

    assert shown.escpos == render_ticket(ticket, paper, qr=qr)
    assert shown.image.width == paper.dots
    # Every raster the printer is sent is on the preview, dot for dot.
    for raster in rasters(decode(shown.escpos)):
        assert holds(shown.image, raster.image)
    found = [code.text for code in zxingcpp.read_barcodes(shown.image.convert("L"))]
    assert found == [ticket.track_url]
    if qr == "native":
        assert qr_payloads(decode(shown.escpos)) == [ticket.track_url]
    assert holds(shown.image, line_picture("Quầy phục vụ: 1, 2, 5", paper))


def test_the_preview_is_a_png_at_the_heads_resolution(ticket):
    import io

    png = preview_ticket(ticket, PAPER_58).png()
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.width == PAPER_58.dots
    assert round(image.info["dpi"][0]) == 203


def test_native_text_is_drawn_in_the_printers_cells():
    """The big code is the printer's own text: font A's 12×24 cell, each dot repeated."""
    sheet = Sheet(PAPER_80.dots)
    sheet.text("1012", magnify=6, bold=True)
    (line,) = sheet.pieces
    assert line.width == 4 * 12 * 6
    assert line.height == 24 * 6 + (LINE_DOTS - 24)
    assert sheet.image().width == PAPER_80.dots


def test_the_slip_is_still_the_same_bytes():
    """The slip goes through the same Job methods as the ticket (text, QR, cut)."""
    slip = {
        "office_name": "UBND xã An Phú",
        "service_name": "Đất đai",
        "code": "K7Q2M9",
        "start": datetime(2025, 11, 24, 9, 30, tzinfo=HANOI),
        "manage_url": "https://luot.example/b/abc",
    }
    segments = decode(render_slip(slip, 80, profile="TM-T20II"))
    assert qr_payloads(segments) == ["https://luot.example/b/abc"]
    assert "09:30  24/11/2025\n" in "".join(getattr(s, "text", "") for s in segments)
