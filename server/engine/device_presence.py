"""Devices seen by the server: a screen connected, went away or is still there; and what a
kiosk's card reader answered, sent back to that kiosk's screen."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ..models import Device
from .commit_then_publish import Unit
from .events import Event, device_room, staff_room


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
                        Event("device_status", (staff_room(device.office.code),), device.to_dict())
                    )

    def card_scanned(self, device_id: int, answer: dict[str, Any]) -> None:
        """The kiosk's screen shows what its card reader read (or why it could not)."""
        self.tx.send(Event("cccd_scanned", (device_room(device_id),), answer))
