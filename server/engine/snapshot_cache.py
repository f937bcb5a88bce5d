"""Office snapshots kept in memory per office version, encoded once.

Every kiosk, screen and phone loads the office snapshot, and pollers ask again and again.
Building one costs a dozen queries; checking that a kept one is current costs one: every
write under the office lock raises `offices.version` (outbox.Transactions.office), in this
process or any other, so a snapshot built at version N is current while the row says N
and the office's local day is the same. What changes outside the office lock (a user's
display name) is picked up within `max_age` seconds.

`at` is the server's time when asked, not when built: displays set their clocks from it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from ..models import Office, iso
from .lines import local_day


@dataclass(frozen=True)
class Kept:
    version: int
    day: dt.date
    built: float
    payload: dict[str, Any]  # without "at"
    body_head: bytes  # the JSON object without its closing brace
    etag: str


class SnapshotCache:
    def __init__(self, max_age: float = 5.0, monotonic: Callable[[], float] = time.monotonic):
        self.max_age = max_age
        self.monotonic = monotonic
        self._kept: dict[int, Kept] = {}
        self._lock = threading.Lock()

    def get(
        self,
        version_of: Callable[[int], tuple[int, str] | None],
        build: Callable[[], tuple[Office, dict[str, Any]]],
        office_id: int,
        now: dt.datetime,
    ) -> Kept | None:
        """The office's current snapshot, built (`build`) only if the one kept is out of
        date; None if there is no such office. `version_of` reads the office row's version
        and time zone: one statement, outside any transaction."""
        row = version_of(office_id)
        if row is None:
            return None
        version, zone = row
        kept = self._kept.get(office_id)
        if (
            kept is not None
            and kept.version == version
            and kept.day == now.astimezone(ZoneInfo(zone)).date()
            and self.monotonic() - kept.built < self.max_age
        ):
            return kept
        # Built after the version was read: at least that new, so never older than its tag.
        office, payload = build()
        payload.pop("at", None)
        encoded = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        kept = Kept(
            version=version,
            day=local_day(office, now),
            built=self.monotonic(),
            payload=payload,
            body_head=encoded[:-1],
            etag='W/"' + hashlib.blake2b(encoded, digest_size=12).hexdigest() + '"',
        )
        with self._lock:
            current = self._kept.get(office_id)
            if current is None or current.version <= version:
                self._kept[office_id] = kept
        return kept

    def forget(self, office_id: int) -> None:
        with self._lock:
            self._kept.pop(office_id, None)


def with_time(kept: Kept, now: dt.datetime) -> dict[str, Any]:
    """The snapshot as a dict, stamped with the time it is sent."""
    return {**kept.payload, "at": iso(now)}


def body_with_time(kept: Kept, now: dt.datetime) -> bytes:
    """The snapshot as JSON bytes, stamped with the time it is sent."""
    return kept.body_head + b',"at":' + json.dumps(iso(now)).encode() + b"}"
