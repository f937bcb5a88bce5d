"""Paper widths in printer dots (203 dpi thermal heads) and the type sizes that suit them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Paper:
    """A paper roll: ``dots`` is the printable width every raster line must have."""

    mm: int
    dots: int
    title_px: int
    body_px: int
    margin: int
    qr_module: int


PAPER_80 = Paper(mm=80, dots=576, title_px=30, body_px=26, margin=8, qr_module=6)
PAPER_58 = Paper(mm=58, dots=384, title_px=26, body_px=23, margin=4, qr_module=5)

_BY_MM = {p.mm: p for p in (PAPER_80, PAPER_58)}


def paper_for(value: Paper | int | str) -> Paper:
    """Accept 80, "58", "80mm" or a Paper, so configuration can stay a plain value."""
    if isinstance(value, Paper):
        return value
    text = str(value).strip().lower().removesuffix("mm").strip()
    if text.isascii() and text.isdigit() and int(text) in _BY_MM:
        return _BY_MM[int(text)]
    raise ValueError(f"unknown paper width {value!r}: use 80 or 58 (mm)")
