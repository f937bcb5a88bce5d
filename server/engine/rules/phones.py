"""Citizens' phone numbers: what people type, read as one Vietnamese mobile number."""

from __future__ import annotations

import re

from ...i18n.refusals import english
from ..errors import Invalid

# ASCII digits only: `\d` would take every script's ("093333333٣" beside 0933333333).
PHONE = re.compile(r"0[35789][0-9]{8}", re.ASCII)
# What people type between digits (and a no-break space pasted with a number).
PHONE_SEPARATORS = re.compile(r"[ \t.\-()\u00a0\u202f]")


def normalise_phone(text: str | None) -> str:
    """A Vietnamese mobile number as 0xxxxxxxxx: spaces, dots and dashes dropped, +84 or 84
    read as 0. Anything else is refused."""
    digits = PHONE_SEPARATORS.sub("", text or "")
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    if not PHONE.fullmatch(digits):
        raise Invalid(english("phone"), field="phone")
    return digits
