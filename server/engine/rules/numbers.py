"""Numbering: what a field's numbers look like and where they may run, in one place.

A field hands out the numbers of its block (`number_start` … `number_end`) in order, one a
day from the first (`seq` 1 is `number_start`), shown as its prefix and the number padded
to `digits` ("A001"). Taking the next one is `engine/numbering.py`'s (one UPDATE under the
office lock); what the voice reads is `display/voice/speech.py`'s.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

from ...i18n import english
from ..errors import Invalid


def number(service: Any, seq: int) -> int:
    """The number the `seq`-th ticket of the day of `service` carries."""
    return service.number_start + seq - 1


def code(service: Any, seq: int) -> str:
    """The code printed and shown for that ticket: prefix and padded number ("A001")."""
    return f"{service.prefix}{number(service, seq):0{service.digits}d}"


def capacity(service: Any) -> int:
    """How many tickets the field's block holds in a day."""
    return service.number_end - service.number_start + 1


def check_blocks(services: Iterable[Any]) -> None:
    """Number blocks of an office's active fields must not share a display code.

    Two fields with the same prefix and overlapping numbers would hand out two tickets
    with the same code on the same day (and the voice would call both the same).
    """
    blocks: list[tuple[str, int, int, str]] = []
    for service in services:
        get = service.get if isinstance(service, dict) else functools.partial(getattr, service)
        start, end = get("number_start", 1), get("number_end", 999)
        if start is None or end is None:
            continue
        if not (0 <= start <= end):
            raise Invalid(
                english("block", code=get("code"), start=start, end=end), field="services"
            )
        if get("active", True) is False:
            continue
        prefix = (get("prefix", "") or "").upper()
        for other_prefix, other_start, other_end, other_code in blocks:
            if prefix == other_prefix and start <= other_end and other_start <= end:
                raise Invalid(
                    english(
                        "overlap",
                        code=get("code"),
                        prefix=prefix,
                        start=start,
                        end=end,
                        other=other_code,
                        other_prefix=other_prefix,
                        other_start=other_start,
                        other_end=other_end,
                    ),
                    field="services",
                )
        blocks.append((prefix, start, end, get("code")))
