"""The provincial server's log of its centres' pushes: a line when a centre's sync changes
(its first push here, back after a silence, falling behind, caught up, refused), never one
per push. 150 centres pushing every 5 s would otherwise write 2.6 million lines a day.

Each process keeps what it last said of each centre (in its app's extensions); with several
processes a change may be said once by each.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger("luot.province")
# Behind by more than this many entries (or this many seconds) is "lagging".
LAG_ENTRIES = 1000
LAG_SECONDS = 120.0


@dataclass
class _Seen:
    code: str
    state: str
    at: dt.datetime
    reason: str = ""


class SyncLog:
    def __init__(self, code_of: Callable[[int], str], stale_after: float = 30.0) -> None:
        self.code_of = code_of
        self.stale_after = dt.timedelta(seconds=stale_after)
        self.seen: dict[int, _Seen] = {}
        self._lock = threading.Lock()

    def pushed(self, centre_id: int, now: dt.datetime, behind: int, waited: float) -> None:
        state = "lagging" if behind > LAG_ENTRIES or waited > LAG_SECONDS else "current"
        line = {
            "lagging": f"{behind} entries behind (the oldest {waited:.0f} s old)",
            "current": "up to date",
        }[state]
        self._note(centre_id, now, state, line)

    def refused(self, centre_id: int, now: dt.datetime, reason: str) -> None:
        self._note(centre_id, now, "refused", f"push refused: {reason}", reason)

    def _note(
        self, centre_id: int, now: dt.datetime, state: str, line: str, reason: str = ""
    ) -> None:
        with self._lock:
            before = self.seen.get(centre_id)
            code = before.code if before else self.code_of(centre_id)
            self.seen[centre_id] = _Seen(code, state, now, reason)
        if before is None:
            log.info("centre %s: pushing here, %s", code, line)
        elif now - before.at > self.stale_after:
            silence = int((now - before.at).total_seconds() // 60)
            log.info("centre %s: back after %d min without a push, %s", code, silence, line)
        elif (before.state, before.reason) != (state, reason):
            log.info("centre %s: %s", code, line)
