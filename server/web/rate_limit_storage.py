"""The rate limits' memory storage without a timer per request.

limits' `MemoryStorage` expires old keys from a `threading.Timer` it starts again on
almost every counted request (0.01 s after the last ended): under gevent a new greenlet
per request. Here the same sweep runs inline, at most once a second (what that saves is
within the noise of `bench/bench_rate_limits.py`; counting itself costs an issue 13–17 %).
A key's own expiry is checked whenever it is read, so no count outlives its window.
"""

from __future__ import annotations

import time

from limits.storage import MemoryStorage

SCHEME = "luot-memory"


class SweptMemoryStorage(MemoryStorage):
    STORAGE_SCHEME = [SCHEME]
    SWEEP_SECONDS = 1.0

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: str):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self._swept = time.monotonic()

    def _MemoryStorage__schedule_expiry(self) -> None:  # noqa: N802 - overrides limits' private hook
        now = time.monotonic()
        if now - self._swept >= self.SWEEP_SECONDS:
            self._swept = now
            self._MemoryStorage__expire_events()
