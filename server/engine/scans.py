"""A CCCD scan read by a kiosk's agent, passed on to the kiosk's page.

Nothing is stored (the scan's answer holds no full ID), so there is nothing to commit:
the engine only announces it, in the device's room.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .events import Event, device_room

if TYPE_CHECKING:
    from .core import Engine

SCAN_EVENT = "cccd_scanned"


def forward_scan(engine: Engine, device_id: int, answer: dict[str, Any]) -> None:
    """Show `answer` (what the scan endpoint replied) on kiosk `device_id`'s page."""
    engine.publish(Event(SCAN_EVENT, (device_room(device_id),), answer))
