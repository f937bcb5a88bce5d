"""Who is next: priority first, with a cap on priority calls in a row so nobody starves."""

from __future__ import annotations

from typing import TypeVar

T = TypeVar("T")


def choose_next(
    first_priority: T | None, first_ordinary: T | None, streak: int, limit: int | None
) -> tuple[T | None, int]:
    """Pick between the oldest priority and the oldest ordinary candidate.

    `streak` counts priority calls made in a row while ordinary tickets waited; once it
    reaches `limit` an ordinary ticket goes next. Returns the choice and the new streak.
    """
    if first_priority is None:
        return first_ordinary, 0
    if first_ordinary is None:
        return first_priority, 0
    if limit is not None and streak >= limit:
        return first_ordinary, 0
    return first_priority, streak + 1
