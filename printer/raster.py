"""Small 1-bit raster helpers shared by the text and QR pictures."""

from __future__ import annotations

from collections.abc import Sequence

import qrcode
from PIL import Image

# ECC level M survives a smudged or creased thermal ticket better than escpos's default L.
QR_ERROR_CORRECTION = qrcode.constants.ERROR_CORRECT_M
# The QR standard's quiet zone; the scanner needs it even where the paper around is blank.
QR_QUIET_ZONE = 4


def qr_bitmap(data: str, module: int) -> Image.Image:
    """A QR code as a 1-bit picture, for printers without the native QR command."""
    code = qrcode.QRCode(
        error_correction=QR_ERROR_CORRECTION, box_size=module, border=QR_QUIET_ZONE
    )
    code.add_data(data)
    code.make(fit=True)
    return code.make_image().get_image().convert("1")


def stack(images: Sequence[Image.Image | None], width: int) -> Image.Image | None:
    """Put pictures under one another, each centred, so they go out as one raster command."""
    present = [im for im in images if im is not None]
    if not present:
        return None
    canvas = Image.new("1", (width, sum(im.height for im in present)), 1)
    top = 0
    for im in present:
        if im.width > width:
            raise ValueError(f"picture is {im.width} dots wide, the paper only {width}")
        canvas.paste(im, ((width - im.width) // 2, top))
        top += im.height
    return canvas
