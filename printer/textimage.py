"""Vietnamese text to a 1-bit raster, because ESC/POS code pages cannot print it reliably.

Paragraphs are word-wrapped to the paper (never cut off), drawn anti-aliased and then
thresholded, so strokes stay solid on a thermal head, and blank rows are cropped away
because every raster row costs bytes on the wire.

Drawing a line costs about a millisecond of FreeType time, so finished blocks are cached:
the office name, service name and footer repeat on every ticket of the day.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from printer.fonts import REGULAR, font

# Grey levels darker than this become black dots; a little above mid-grey keeps thin
# diacritic strokes (the hook of "ở", the dot of "ộ") from disappearing.
_INK_THRESHOLD = 160
_TO_1BIT = [0 if v < _INK_THRESHOLD else 255 for v in range(256)]
_INK_MASK = [255 - v for v in _TO_1BIT]


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A run of text in one style; ``space_before`` is extra blank dots above it."""

    text: str
    size: int
    weight: int = REGULAR
    space_before: int = 0


def wrap(text: str, face: ImageFont.FreeTypeFont, max_width: int) -> list[str]:
    """Greedy word wrap by measured width; a word wider than a line is split by letters."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if face.getlength(candidate) <= max_width:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = ""
        for piece in _split_long_word(word, face, max_width):
            candidate = f"{current} {piece}" if current else piece
            if face.getlength(candidate) <= max_width:
                current = candidate
            else:
                lines.append(current)
                current = piece
    if current:
        lines.append(current)
    return lines


def wrap_balanced(text: str, face: ImageFont.FreeTypeFont, max_width: int) -> list[str]:
    """As few lines as greedy wrapping, but as even as possible: no lone last word."""
    lines = wrap(text, face, max_width)
    if len(lines) < 2:
        return lines
    narrow, wide = 1, max_width
    while narrow < wide:
        mid = (narrow + wide) // 2
        if len(wrap(text, face, mid)) <= len(lines):
            wide = mid
        else:
            narrow = mid + 1
    return wrap(text, face, wide)


def _split_long_word(word: str, face: ImageFont.FreeTypeFont, max_width: int) -> Iterable[str]:
    piece = ""
    for char in word:
        if piece and face.getlength(piece + char) > max_width:
            yield piece
            piece = ""
        piece += char
    if piece:
        yield piece


def render_paragraphs(
    paragraphs: Sequence[Paragraph], width: int, margin: int, pad: int = 4
) -> Image.Image | None:
    """Centre each paragraph on a ``width``-dot canvas; None when there is no ink at all.

    The result may be shared with later calls (it is cached): treat it as read-only.
    """
    return _render(tuple(paragraphs), width, margin, pad)


@lru_cache(maxsize=256)
def _render(
    paragraphs: tuple[Paragraph, ...], width: int, margin: int, pad: int
) -> Image.Image | None:
    laid_out: list[tuple[ImageFont.FreeTypeFont, str, int]] = []
    y = 0
    for para in paragraphs:
        text = unicodedata.normalize("NFC", para.text).strip()
        if not text:
            continue
        face = font(para.size, para.weight)
        ascent, descent = face.getmetrics()
        y += para.space_before
        for line in wrap_balanced(text, face, width - 2 * margin):
            laid_out.append((face, line, y))
            y += ascent + descent
    if not laid_out:
        return None

    canvas = Image.new("L", (width, y), 255)
    draw = ImageDraw.Draw(canvas)
    for face, line, top in laid_out:
        left = (width - face.getlength(line)) / 2
        draw.text((left, top), line, font=face, fill=0)

    inked = canvas.point(_INK_MASK).getbbox()
    if inked is None:
        return None
    # Trim blank rows top and bottom only: the width must stay the paper's.
    top = max(inked[1] - pad, 0)
    bottom = min(inked[3] + pad, canvas.height)
    return canvas.crop((0, top, width, bottom)).point(_TO_1BIT, "1")
