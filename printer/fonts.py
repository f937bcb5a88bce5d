"""Be Vietnam Pro from the installed fontpkg package, so every kiosk prints the same glyphs.

Never a system font (kiosks differ) and never a download (kiosks may be offline).
"""

from __future__ import annotations

from functools import lru_cache

import fontpkg
import fontpkg_be_vietnam_pro
from PIL import ImageFont

REGULAR = 400
BOLD = 700


@lru_cache(maxsize=32)
def font(size: int, weight: int = REGULAR) -> ImageFont.FreeTypeFont:
    """Loading a TrueType face costs far more than drawing a ticket, hence the cache."""
    path = fontpkg.path(fontpkg_be_vietnam_pro.FAMILY, weight)
    return ImageFont.truetype(str(path), size)
