"""A rendered ticket, decoded byte by byte: the cut, the QR, the Vietnamese rasters."""

from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from printer import PAPER_58, PAPER_80, PaperWidthError, TicketPrint, render_ticket, sample_ticket
from tests.escpos_decode import (
    Bold,
    Init,
    Raster,
    Size,
    cuts,
    decode,
    is_blank,
    plain_text,
    preview,
    qr_payloads,
    rasters,
)

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
HANOI = timezone(timedelta(hours=7))
PAPERS = [pytest.param(PAPER_80, id="80mm"), pytest.param(PAPER_58, id="58mm")]


@pytest.fixture
def ticket() -> TicketPrint:
    return sample_ticket(issued_at=datetime(2025, 11, 21, 9, 41, tzinfo=HANOI))


def qr_texts(image: Image.Image) -> list[str]:
    return [code.text for code in zxingcpp.read_barcodes(image.convert("L"))]


def ink_columns(image: Image.Image) -> tuple[int, int]:
    """First and last column holding a black dot."""
    inverted = image.convert("L").point(lambda v: 255 - v)
    left, _, right, _ = inverted.getbbox()
    return left, right


@pytest.mark.parametrize("paper", PAPERS)
def test_native_job_has_init_qr_rasters_and_cut(ticket, paper):
    segments = decode(render_ticket(ticket, paper, qr="native"))

    assert segments[0] == Init()
    assert qr_payloads(segments) == [ticket.track_url]
    assert len(cuts(segments)) == 1
    assert segments.index(cuts(segments)[0]) == len(segments) - 1
    images = rasters(segments)
    assert images, "the Vietnamese text must go out as a raster"
    for raster in images:
        assert raster.command == "GS v 0"
        assert raster.width == paper.dots
        assert not is_blank(raster.image)


@pytest.mark.parametrize("paper", PAPERS)
def test_big_code_and_date_are_native_text(ticket, paper):
    segments = decode(render_ticket(ticket, paper))
    text = plain_text(segments)

    assert "1012\n" in text
    assert "21/11/2025 09:41\n" in text
    code_at = next(i for i, s in enumerate(segments) if "1012" in getattr(s, "text", ""))
    before = segments[:code_at]
    size = [s for s in before if isinstance(s, Size)][-1]
    assert size.width == size.height >= 5
    assert [s for s in before if isinstance(s, Bold)][-1] == Bold(True)


def test_code_magnification_shrinks_to_fit_the_paper(ticket):
    segments = decode(render_ticket(replace(ticket, code="A00123"), PAPER_58))
    sizes = [s for s in segments if isinstance(s, Size) and s.width > 1]
    assert sizes and all(s.width * 12 * len("A00123") <= PAPER_58.dots for s in sizes)


@pytest.mark.parametrize("paper", PAPERS)
def test_image_qr_decodes_to_the_track_url(ticket, paper):
    segments = decode(render_ticket(ticket, paper, qr="image"))

    assert qr_payloads(segments) == []
    found = [text for raster in rasters(segments) for text in qr_texts(raster.image)]
    assert found == [ticket.track_url]
    assert all(raster.width == paper.dots for raster in rasters(segments))


def test_auto_uses_native_qr_when_the_profile_has_it(ticket):
    segments = decode(render_ticket(ticket, PAPER_80, profile="TM-T20II", qr="auto"))
    assert qr_payloads(segments) == [ticket.track_url]


def test_auto_picks_an_image_qr_for_a_profile_without_native_qr(ticket):
    segments = decode(render_ticket(ticket, PAPER_80, profile="TH230", qr="auto"))

    assert qr_payloads(segments) == []
    assert [t for r in rasters(segments) for t in qr_texts(r.image)] == [ticket.track_url]


def test_column_only_printer_gets_esc_star_rasters_with_a_readable_qr(ticket):
    segments = decode(render_ticket(ticket, PAPER_58, profile="TM-U220"))

    images = rasters(segments)
    assert {r.command for r in images} == {"ESC *"}
    assert all(r.width == PAPER_58.dots for r in images)
    assert [t for r in images for t in qr_texts(r.image)] == [ticket.track_url]


@pytest.mark.parametrize(("impl", "command"), [("graphics", "GS ( L"), ("bitImageColumn", "ESC *")])
def test_every_raster_command_carries_the_same_pixels(ticket, impl, command):
    reference = rasters(decode(render_ticket(ticket, PAPER_80)))
    other = rasters(decode(render_ticket(ticket, PAPER_80, image_impl=impl)))

    assert [r.command for r in other] == [command] * len(reference)
    for want, got in zip(reference, other, strict=True):
        # ESC * sends 24-dot stripes, so its last stripe is padded with blank rows.
        cropped = got.image.crop((0, 0, want.width, want.height))
        assert cropped.tobytes() == want.image.tobytes()
        assert is_blank(got.image.crop((0, want.height, got.width, got.height)))


def test_long_names_wrap_instead_of_being_cut(ticket):
    short = replace(ticket, office_name="UBND xã An Phú", service_name="Đất đai")
    long = replace(
        ticket,
        office_name="Trung tâm Phục vụ hành chính công tỉnh Bà Rịa – Vũng Tàu, chi nhánh "
        "phường Thắng Nhất, thành phố Vũng Tàu",
        service_name="Đăng ký biến động quyền sử dụng đất, quyền sở hữu nhà ở và tài sản "
        "khác gắn liền với đất",
    )
    for paper in (PAPER_80, PAPER_58):
        short_header = rasters(decode(render_ticket(short, paper)))[0]
        long_header = rasters(decode(render_ticket(long, paper)))[0]

        assert long_header.width == paper.dots
        assert long_header.height > 2 * short_header.height
        left, right = ink_columns(long_header.image)
        assert left >= paper.margin and right <= paper.dots - paper.margin


def test_an_unbreakable_word_is_split_not_cut(ticket):
    url_like = replace(ticket, service_name="X" * 120)
    header = rasters(decode(render_ticket(url_like, PAPER_58)))[0]
    left, right = ink_columns(header.image)
    assert left >= PAPER_58.margin and right <= PAPER_58.dots - PAPER_58.margin


def test_optional_lines_are_left_out(ticket):
    full = rasters(decode(render_ticket(ticket, PAPER_80)))
    bare = rasters(decode(render_ticket(replace(ticket, eta_minutes=None, priority_name=None))))
    assert bare[1].height < full[1].height
    assert [r.height for r in bare[::2]] == [r.height for r in full[::2]]


def test_a_code_that_is_not_ascii_becomes_a_picture(ticket):
    segments = decode(render_ticket(replace(ticket, code="Ư001"), PAPER_80))
    assert "Ư001" not in plain_text(segments)
    assert len(rasters(segments)) == len(rasters(decode(render_ticket(ticket, PAPER_80)))) + 1


def test_a_plain_dict_renders_like_the_dataclass(ticket):
    as_dict = {f: getattr(ticket, f) for f in TicketPrint.__dataclass_fields__}
    as_dict["ticket_id"] = 42  # extra keys from the server are ignored
    assert render_ticket(as_dict, 58) == render_ticket(ticket, 58)


def test_rendering_is_deterministic(ticket):
    assert render_ticket(ticket, "80mm") == render_ticket(ticket, 80)


def test_a_profile_narrower_than_the_paper_is_refused(ticket):
    with pytest.raises(PaperWidthError, match="512 dots"):
        render_ticket(ticket, PAPER_80, profile="TM-T88V")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"qr": "pretty"}, "qr must be"),
        ({"profile": "NO-SUCH-PRINTER"}, "unknown printer profile"),
        ({"paper": 76}, "unknown paper width"),
    ],
)
def test_bad_options_are_refused(ticket, kwargs, message):
    with pytest.raises(ValueError, match=message):
        render_ticket(ticket, **kwargs)


def test_a_naive_time_is_refused(ticket):
    with pytest.raises(ValueError, match="timezone-aware"):
        replace(ticket, issued_at=datetime(2025, 11, 21, 9, 41))


@pytest.mark.parametrize("paper", PAPERS)
def test_save_preview_for_people_to_look_at(ticket, paper):
    """Writes tests/artifacts/ticket_<mm>mm.png (git-ignored): the decoded job, drawn."""
    segments = decode(render_ticket(ticket, paper))
    picture = preview(segments, paper.dots)
    ARTIFACTS.mkdir(exist_ok=True)
    picture.save(ARTIFACTS / f"ticket_{paper.mm}mm.png")
    assert picture.width == paper.dots
    assert any(isinstance(s, Raster) for s in segments)
