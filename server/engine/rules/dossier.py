"""Dossier codes (mã hồ sơ) as the electronic one-stop system issues them.

Form `V1V2V3.Z1Z2.Y1Y2.MX1X2-YYMMDD-XXXX`, e.g. `000.00.23.H26-250715-0001`: agency code
parts, level letter with unit code, the receiving date and a daily serial.
"""

from __future__ import annotations

import datetime as dt
import re

from ...i18n import english
from ..errors import Invalid

PATTERN = re.compile(
    r"[0-9A-Z]{3}\.[0-9A-Z]{2}\.[0-9A-Z]{2}\.[A-Z][0-9A-Z]{2}-([0-9]{2})([0-9]{2})([0-9]{2})-[0-9]{4}",
    re.ASCII,
)


def normalise_dossier_code(value: str) -> str:
    """The code upper-cased and trimmed, or Invalid with the expected form."""
    code = value.strip().upper()
    match = PATTERN.fullmatch(code) if code.isascii() else None
    if match:
        yy, mm, dd = (int(part) for part in match.groups())
        try:
            dt.date(2000 + yy, mm, dd)
        except ValueError:
            match = None
    if not match:
        raise Invalid(
            english("dossier", value=value),
            field="dossier_code",
        )
    return code
