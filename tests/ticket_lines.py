"""Reading a line of Vietnamese off a printed ticket: the line drawn alone by the printer's
own text renderer, then found dot for dot in a decoded raster or a preview (the tests have
no OCR; the text renderer is deterministic)."""

from __future__ import annotations

from PIL import Image

from printer import Paper
from printer.fonts import BOLD
from printer.textimage import Paragraph, render_paragraphs
from tests.escpos_decode import decode, rasters


def rows(image: Image.Image) -> list[bytes]:
    one_bit = image.convert("1")
    stride = (one_bit.width + 7) // 8
    data = one_bit.tobytes()
    return [data[i * stride : (i + 1) * stride] for i in range(one_bit.height)]


def holds(image: Image.Image, part: Image.Image) -> bool:
    """`part` (as wide as `image`) appears in it, row for row, somewhere down the paper."""
    assert part.width == image.width
    big, small = rows(image), rows(part)
    return any(big[top : top + len(small)] == small for top in range(len(big) - len(small) + 1))


def line_picture(text: str, paper: Paper, bold: bool = True) -> Image.Image:
    """One line of the ticket's details drawn alone, cropped to its ink."""
    para = Paragraph(text, paper.body_px, BOLD) if bold else Paragraph(text, paper.body_px)
    picture = render_paragraphs([para], paper.dots, paper.margin, 0)
    assert picture is not None
    return picture


def decoded_lines(job: bytes, text: str, paper: Paper) -> list[int]:
    """Which of the job's decoded rasters show `text` as a (bold) line."""
    wanted = line_picture(text, paper)
    return [i for i, r in enumerate(rasters(decode(job))) if holds(r.image, wanted)]
