"""Vietnamese lines to 1-bit pictures: wrapping, cropping, the font from the package."""

from pathlib import Path

import fontpkg_be_vietnam_pro
import pytest

from printer.fonts import BOLD, REGULAR, font
from printer.textimage import Paragraph, render_paragraphs, wrap, wrap_balanced

TEXT = "Đăng ký biến động quyền sử dụng đất, quyền sở hữu nhà ở và tài sản khác gắn liền với đất"


def test_the_font_comes_from_the_installed_package():
    for weight in (REGULAR, BOLD):
        path = Path(font(26, weight).path)
        assert path.is_relative_to(fontpkg_be_vietnam_pro.ROOT)
        assert path.name.startswith("BeVietnamPro-")


def test_fonts_are_cached():
    assert font(26, BOLD) is font(26, BOLD)


@pytest.mark.parametrize("width", [120, 250, 376, 560])
def test_wrapped_lines_fit_and_keep_every_word(width):
    face = font(26)
    for wrapper in (wrap, wrap_balanced):
        lines = wrapper(TEXT, face, width)
        assert all(face.getlength(line) <= width for line in lines)
        assert " ".join(lines).split() == TEXT.split()


def test_balanced_wrapping_leaves_no_lone_last_word():
    face = font(26)
    greedy = wrap("Vui lòng chờ đến lượt. Xin cảm ơn!", face, 376)
    balanced = wrap_balanced("Vui lòng chờ đến lượt. Xin cảm ơn!", face, 376)
    assert len(balanced) == len(greedy) == 2
    assert len(balanced[-1].split()) > len(greedy[-1].split())


def test_a_word_wider_than_the_line_is_split():
    face = font(26)
    lines = wrap("https://luot.example/t/" + "K" * 60, face, 200)
    assert len(lines) > 1
    assert all(face.getlength(line) <= 200 for line in lines)
    assert "".join(lines) == "https://luot.example/t/" + "K" * 60


@pytest.mark.parametrize("width", [576, 384])
def test_picture_is_paper_wide_one_bit_and_cropped(width):
    image = render_paragraphs([Paragraph("Số thứ tự", 26, space_before=80)], width, 8)
    assert image.mode == "1"
    assert image.width == width
    assert image.height < 26 * 2  # the blank space_before at the top is cropped away


def test_decomposed_input_renders_like_precomposed():
    composed = render_paragraphs([Paragraph("Người cao tuổi", 26)], 576, 8)
    nfd = "Ngu\u031bo\u031b\u0300i cao tuo\u0302\u0309i"
    decomposed = render_paragraphs([Paragraph(nfd, 26)], 576, 8)
    assert composed.tobytes() == decomposed.tobytes()


def test_nothing_to_draw_gives_none():
    assert render_paragraphs([Paragraph("   ", 26)], 576, 8) is None
    assert render_paragraphs([], 576, 8) is None
