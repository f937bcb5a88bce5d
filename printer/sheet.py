"""The paper as the printer would print a job: one picture, as wide as the paper in dots.

`layout.Job` hands every piece of a ticket or slip both to the ESC/POS printer object and
to a `Sheet`, so a preview is drawn from the very pictures the raster commands carry (the
Vietnamese text, a QR printed as a picture). What the printer draws itself is drawn here
as the printer would: native text in font A's 12×24-dot cells, magnified by repeating
dots; a native QR with the same data, error correction and module size.
"""

from __future__ import annotations

import io
from functools import lru_cache

import qrcode
from PIL import Image, ImageDraw

from printer.fonts import BOLD, REGULAR, font
from printer.raster import QR_ERROR_CORRECTION

# Font A: 12×24 dots a character; the default line spacing (1/6 inch) is 30 dots a line.
FONT_A_WIDTH = 12
FONT_A_HEIGHT = 24
LINE_DOTS = 30
# The blank paper the printer feeds before the cut, and the head's resolution.
CUT_FEED_DOTS = 3 * LINE_DOTS
DPI = 203


class Sheet:
    """Pictures laid out top to bottom, each centred (a ticket is printed centred)."""

    def __init__(self, width: int) -> None:
        self.width = width
        self.pieces: list[Image.Image] = []

    def picture(self, image: Image.Image) -> None:
        self.pieces.append(image.convert("1"))

    def text(self, text: str, magnify: int = 1, bold: bool = False) -> None:
        """One line of native printer text (ASCII), as font A magnified `magnify` times."""
        cells = Image.new("1", (max(FONT_A_WIDTH * len(text), 1), FONT_A_HEIGHT), 1)
        for index, char in enumerate(text):
            cells.paste(_glyph(char, bold), (index * FONT_A_WIDTH, 0))
        line = Image.new("1", (cells.width, LINE_DOTS), 1)
        line.paste(cells, (0, LINE_DOTS - FONT_A_HEIGHT))
        if magnify > 1:
            # Printers magnify font A by repeating each dot; the line spacing is not magnified.
            big = cells.resize((cells.width * magnify, FONT_A_HEIGHT * magnify), Image.NEAREST)
            line = Image.new("1", (big.width, big.height + LINE_DOTS - FONT_A_HEIGHT), 1)
            line.paste(big, (0, LINE_DOTS - FONT_A_HEIGHT))
        self.pieces.append(line)

    def feed(self, dots: int = LINE_DOTS) -> None:
        self.pieces.append(Image.new("1", (1, dots), 1))

    def qr(self, data: str, module: int) -> None:
        """A QR code the printer draws itself (GS ( k): no quiet zone of its own."""
        code = qrcode.QRCode(error_correction=QR_ERROR_CORRECTION, box_size=module, border=0)
        code.add_data(data)
        code.make(fit=True)
        self.pieces.append(code.make_image().get_image().convert("1"))

    def cut(self) -> None:
        self.feed(CUT_FEED_DOTS)

    def image(self) -> Image.Image:
        """The whole paper so far: exactly `width` dots wide, white where nothing prints."""
        height = sum(piece.height for piece in self.pieces)
        canvas = Image.new("1", (self.width, max(height, 1)), 1)
        top = 0
        for piece in self.pieces:
            if piece.width > self.width:
                raise ValueError(f"picture is {piece.width} dots wide, the paper only {self.width}")
            canvas.paste(piece, ((self.width - piece.width) // 2, top))
            top += piece.height
        return canvas


def png(image: Image.Image) -> bytes:
    """A preview as PNG at the head's resolution, so it prints at the ticket's real size."""
    out = io.BytesIO()
    image.save(out, "PNG", dpi=(DPI, DPI), optimize=True)
    return out.getvalue()


@lru_cache(maxsize=256)
def _glyph(char: str, bold: bool) -> Image.Image:
    """One character cell of font A, drawn with the ticket's own font (stand-in for the
    printer's ROM font, which has the same cell)."""
    cell = Image.new("L", (FONT_A_WIDTH, FONT_A_HEIGHT), 255)
    face = font(20, BOLD if bold else REGULAR)
    ImageDraw.Draw(cell).text(
        (FONT_A_WIDTH / 2, FONT_A_HEIGHT / 2), char, font=face, fill=0, anchor="mm"
    )
    return cell.point(lambda v: 0 if v < 160 else 255, "1")
