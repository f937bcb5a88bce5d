"""`luot ticket-preview`: the ticket a kiosk's printer would print, as a PNG and as its
ESC/POS bytes, without a printer; nothing issued (issue 25, point 8)."""

from __future__ import annotations

from PIL import Image

from printer import PAPER_58, PAPER_80
from server.engine import credentials
from tests.escpos_decode import Cut, decode, plain_text, qr_payloads, rasters
from tests.ticket_lines import decoded_lines, holds, line_picture


def test_ticket_preview_writes_the_png_and_the_printers_bytes(runner, engine, office, tmp_path):
    out, raw = tmp_path / "ticket.png", tmp_path / "ticket.bin"
    engine.issue("T1", "A")  # A001 taken: the preview shows A002

    result = runner.invoke(
        args=["ticket-preview", "--office", "T1", "--field", "A", "--out", str(out)]
        + ["--escpos", str(raw)]
    )

    assert result.exit_code == 0, result.output
    assert f"Ticket A002 of Hộ tịch on 80 mm paper: {out} (576×" in result.output
    assert "LUOT_PUBLIC_BASE_URL is not set" in result.output
    image = Image.open(out)
    assert image.width == PAPER_80.dots
    assert round(image.info["dpi"][0]) == 203
    assert holds(image, line_picture("Quầy phục vụ: 1", PAPER_80))
    job = raw.read_bytes()
    segments = decode(job)
    assert "A002\n" in plain_text(segments)
    assert isinstance(segments[-1], Cut)
    assert decoded_lines(job, "Quầy phục vụ: 1", PAPER_80) == [1]
    for raster in rasters(segments):  # the picture is the bytes' rasters, dot for dot
        assert holds(image, raster.image)
    assert engine.issue("T1", "A")["code"] == "A002"  # no number was taken


def test_the_png_qr_decodes_and_the_paper_is_the_kiosks(runner, engine, office, tmp_path, app):
    import zxingcpp

    app.config["PUBLIC_BASE_URL"] = "https://xa-thu.example"
    with engine.db.write() as session:
        # A printer without the native QR command: the QR is a picture in the raster.
        device = credentials.create_device(session, "T1", "kiosk", "K58", "agent:", paper=58)
        device.printer_profile = "TH230"
        device_id = device.id
    out, raw = tmp_path / "t.png", tmp_path / "t.bin"

    result = runner.invoke(
        args=["ticket-preview", "--office", "T1", "--field", "B", "--out", str(out)]
        + ["--escpos", str(raw), "--device", str(device_id)]
    )

    assert result.exit_code == 0, result.output
    image = Image.open(out)
    assert image.width == PAPER_58.dots
    (qr,) = [code.text for code in zxingcpp.read_barcodes(image.convert("L"))]
    assert qr.startswith("https://xa-thu.example/t/")
    assert qr_payloads(decode(raw.read_bytes())) == []  # drawn, as the TH230 needs it
    assert holds(image, line_picture("Quầy phục vụ: 1, 2", PAPER_58))


def test_ticket_preview_refusals_are_one_line(runner, engine, office, tmp_path):
    out = tmp_path / "ticket.png"
    cases = [
        (["--office", "T1", "--field", "ZZ", "--out", str(out)], "has no field 'ZZ'"),
        (["--office", "NOPE", "--field", "A", "--out", str(out)], "NOPE"),
        (["--office", "T1", "--field", "A"], "Give --out FILE.png, --escpos FILE.bin"),
    ]
    for args, says in cases:
        result = runner.invoke(args=["ticket-preview", *args])
        assert result.exit_code != 0, result.output
        assert says in result.output, result.output
        assert "Traceback" not in result.output
    assert not out.exists()
