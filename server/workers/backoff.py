"""How long a background loop waits before trying again: one rule for every loop."""

from __future__ import annotations


def doubling_wait(failures: int, first: float, most: float) -> float:
    """Seconds to wait after `failures` failures in a row: `first`, doubling, at most `most`
    (a gateway or a province that is down is not asked again every few seconds)."""
    return min(first * 2 ** max(failures - 1, 0), most)
