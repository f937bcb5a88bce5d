"""Devices seen by the server: a screen connected, went away or is still there; and what a
kiosk's card reader answered, sent back to that kiosk's screen.

`device_view` is the one reading of whether a device is connected: the devices page, the
overview, the staff room and the API all show a device through it, so no two can disagree."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from ..models import Device
from .commit_then_publish import Unit
from .events import Event, device_room, staff_room

# A connected screen's process refreshes `last_seen_at` every 30 s (realtime/presence.py);
# three beats missed and it counts as lost even if its process never said goodbye.
OFFLINE_AFTER = dt.timedelta(seconds=90)
CONNECTIONS = ("connected", "lost", "never")


def connection(
    device: Device, now: dt.datetime, offline_after: dt.timedelta = OFFLINE_AFTER
) -> str:
    """ "connected", "lost" (seen once, since `last_seen_at`) or "never" (never seen)."""
    if device.last_seen_at is None:
        return "never"
    if device.connected and device.last_seen_at >= now - offline_after:
        return "connected"
    return "lost"


def device_view(
    device: Device, now: dt.datetime, offline_after: dt.timedelta = OFFLINE_AFTER
) -> dict[str, Any]:
    """A device as every page and the API show it: its row, and its presence read once
    (`connection`; `connected` and `online` say the same, `last_seen_at` since when)."""
    state = connection(device, now, offline_after)
    return {
        **device.to_dict(),
        "connection": state,
        "connected": state == "connected",
        "online": state == "connected",
    }


class Presence(Unit):
    def device_presence(self, device_ids: list[int], connected: bool | None) -> None:
        """Connected (True), gone (False) or still there (None, a heartbeat: no event)."""
        if not device_ids:
            return
        now = self.ctx.clock()
        with self.tx.write() as (session, outbox):
            devices = session.scalars(select(Device).where(Device.id.in_(device_ids))).all()
            for device in devices:
                device.last_seen_at = now
                if connected is not None:
                    device.connected = connected
                    outbox.send(
                        Event(
                            "device_status",
                            (staff_room(device.office.code),),
                            device_view(device, now),
                        )
                    )

    def card_scanned(self, device_id: int, answer: dict[str, Any]) -> None:
        """The kiosk's screen shows what its card reader read (or why it could not)."""
        self.tx.send(Event("cccd_scanned", (device_room(device_id),), answer))
