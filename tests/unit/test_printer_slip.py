"""The appointment slip, decoded byte by byte: its date and codes as native text, the QR
of the appointment's page (native, or as a picture that decodes), the cut."""

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import zxingcpp

from printer import PAPER_58, PAPER_80, SlipPrint, render_slip
from tests.escpos_decode import cuts, decode, is_blank, plain_text, preview, qr_payloads, rasters

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"

HANOI = timezone(timedelta(hours=7))
PAPERS = [pytest.param(PAPER_80, id="80mm"), pytest.param(PAPER_58, id="58mm")]


@pytest.fixture
def slip() -> SlipPrint:
    return SlipPrint(
        office_name="Trung tâm Phục vụ hành chính công phường Hoàn Kiếm",
        service_name="Đất đai",
        code="H7KM3P",
        start=datetime(2026, 11, 27, 14, 0, tzinfo=HANOI),
        manage_url="http://192.168.1.10:5000/b/abcDEF123",
        dossier_code="000.00.23.H26-250715-0001",
    )


@pytest.mark.parametrize("paper", PAPERS)
def test_the_slip_carries_its_time_code_and_qr(slip, paper):
    segments = decode(render_slip(slip, paper, qr="native"))
    text = plain_text(segments)
    assert "14:00  27/11/2026\n" in text and "H7KM3P\n" in text
    assert qr_payloads(segments) == [slip.manage_url]
    assert len(cuts(segments)) == 1 and segments[-1] == cuts(segments)[0]
    images = rasters(segments)
    assert images and all(r.width == paper.dots and not is_blank(r.image) for r in images)
    ARTIFACTS.mkdir(exist_ok=True)
    preview(segments, paper.dots).save(ARTIFACTS / f"printed-slip-{paper.dots}.png")


def test_a_printer_without_native_qr_gets_a_qr_picture_that_decodes(slip):
    segments = decode(render_slip(slip, PAPER_80, qr="image"))
    assert qr_payloads(segments) == []
    found = [
        code.text
        for raster in rasters(segments)
        for code in zxingcpp.read_barcodes(raster.image.convert("L"))
    ]
    assert found == [slip.manage_url]


def test_a_slip_needs_a_local_time_and_its_page():
    with pytest.raises(ValueError):
        SlipPrint("Xã", "Hộ tịch", "H7KM3P", datetime(2026, 11, 27, 14), "http://x/b/1")
    with pytest.raises(ValueError):
        SlipPrint("Xã", "Hộ tịch", "H7KM3P", datetime(2026, 11, 27, 14, tzinfo=HANOI), "")
