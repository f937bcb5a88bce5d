"""Estimated wait: tickets ahead ÷ counters serving the field × recent minutes per ticket."""

from __future__ import annotations

from collections.abc import Sequence


def mean_minutes(durations_seconds: Sequence[float], default: float) -> float:
    """Mean of recent service durations in minutes, or `default` with no history."""
    if not durations_seconds:
        return default
    return sum(durations_seconds) / len(durations_seconds) / 60.0


def estimate_minutes(ahead: int, counters: int, minutes_per_ticket: float) -> int:
    """Whole minutes, rounded half up, with at least one counter serving."""
    value = ahead * minutes_per_ticket / max(counters, 1)
    return int(value + 0.5)
