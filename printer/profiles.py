"""What a printer model can do, from python-escpos's capability database.

The profile decides the QR mode ("auto"), which raster command to use, and whether the
paper fits; everything else about a ticket is the same for every printer.
"""

from __future__ import annotations

import copy
from typing import Any, Literal

from escpos.capabilities import BaseProfile, get_profile

from printer.errors import PaperWidthError
from printer.paper import Paper

QrMode = Literal["native", "image", "auto"]
ProfileLike = str | BaseProfile | None

# Preference order: GS v 0 is the most widely implemented raster command.
_IMAGE_IMPLS = ("bitImageRaster", "graphics", "bitImageColumn")


def load_profile(profile: ProfileLike = None) -> BaseProfile:
    """Look a profile up by name ("TM-T20II", "POS-5890"); None is escpos's default."""
    try:
        return get_profile(profile)
    except KeyError:
        raise ValueError(f"unknown printer profile {profile!r}") from None


def fit_to_paper(profile: BaseProfile, paper: Paper) -> BaseProfile:
    """A copy of ``profile`` whose media width is the paper's, checked against the model.

    python-escpos needs a known width to centre images, and prints a notice on stdout for
    every image when it is missing; a model narrower than the paper cannot print it at all.
    """
    data: dict[str, Any] = profile.profile_data
    known = data.get("media", {}).get("width", {}).get("pixels")
    if isinstance(known, int) and known < paper.dots:
        raise PaperWidthError(
            f"profile {data.get('name', '?')!r} prints at most {known} dots, "
            f"but {paper.mm} mm paper needs {paper.dots}"
        )
    fitted = copy.copy(profile)
    fitted.profile_data = {
        **data,
        "media": {"dpi": 203, "width": {"mm": paper.mm, "pixels": paper.dots}},
    }
    return fitted


def uses_native_qr(profile: BaseProfile, qr: QrMode) -> bool:
    """Resolve "auto": printers without the QR feature get the code as a picture."""
    if qr == "native":
        return True
    if qr == "image":
        return False
    if qr == "auto":
        return bool(profile.supports("qrCode"))
    raise ValueError(f"qr must be 'native', 'image' or 'auto', not {qr!r}")


def image_impl(profile: BaseProfile) -> str:
    """The raster command this model understands, as python-escpos's ``impl`` name."""
    for impl in _IMAGE_IMPLS:
        if profile.supports(impl):
            return impl
    raise ValueError(
        f"profile {profile.profile_data.get('name', '?')!r} cannot print images, "
        "so it cannot print Vietnamese text"
    )
