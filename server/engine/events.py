"""What the engine announces after a commit, and the rooms it is addressed to."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


def office_room(code: str) -> str:
    return f"office:{code}"


def counter_room(counter_id: int) -> str:
    return f"counter:{counter_id}"


def ticket_room(token: str) -> str:
    return f"ticket:{token}"


@dataclass(frozen=True)
class Event:
    """One message (`name`, `payload`) for each room in `rooms`."""

    name: str
    rooms: tuple[str, ...]
    payload: dict[str, Any] = field(default_factory=dict)


@dataclass
class Refresh:
    """Snapshots owed to rooms after a commit.

    They are derived state, so they can be computed later and merged: a burst of kiosk
    taps then costs one refresh instead of one per ticket.
    """

    office_id: int
    services: set[int] = field(default_factory=set)
    counters: set[int] = field(default_factory=set)
    # Fields whose waiting line moved: every ticket in them gets its new place.
    lines: set[int] = field(default_factory=set)

    def merge(self, other: Refresh) -> None:
        self.services |= other.services
        self.counters |= other.counters
        self.lines |= other.lines

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON, to hand to another process."""
        return {
            "office_id": self.office_id,
            "services": sorted(self.services),
            "counters": sorted(self.counters),
            "lines": sorted(self.lines),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Refresh:
        return cls(
            int(data["office_id"]),
            {int(i) for i in data.get("services", ())},
            {int(i) for i in data.get("counters", ())},
            {int(i) for i in data.get("lines", ())},
        )


def device_room(device_id: int) -> str:
    return f"device:{device_id}"


def staff_room(office_code: str) -> str:
    """Officers and managers of an office: printer faults, device status."""
    return f"staff:{office_code}"


def rating_room(counter_id: int) -> str:
    """The rating tablet facing the citizen at one counter."""
    return f"rating:{counter_id}"
