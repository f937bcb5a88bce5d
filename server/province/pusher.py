"""The centre's pusher: sends the journal to the province, and says how the centre stands.

One loop per installation (a claim on the link row keeps a second process out). It pushes
at once when a commit wrote a journal entry, and every PROVINCE_PUSH_SECONDS anyway with
the offices' live figures, so the province's overview stays current. While the province is
out of reach it tries again after 1, 2, 4 … seconds, never longer than
PROVINCE_RETRY_MAX_SECONDS: the link may come back at any moment and the backlog should
start moving at once. Commits do not cut that wait short: each attempt reads and encodes a
whole push, and one per ticket kept a centre with a cut link busy at 70 % of a core. A
backlog goes in pushes of PROVINCE_PUSH_ENTRIES, one after another.

Nothing is lost meanwhile: entries stay in the journal until the province confirms them,
and the province applies each once (the numbers must follow on). A revoked token stops the
loop until the centre joins again; every fault is kept on the link (`luot province status`,
`GET /api/v1/province/link`).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import socket
from typing import Any

from flask_socketio import SocketIO

from ..engine import Engine
from ..engine.centre import for_the_wire
from ..engine.errors import EngineError
from ..engine.journal import JOURNALED
from ..reports.overview import office_overview
from ..workers.backoff import doubling_wait
from ..workers.loop import WakeableLoop
from . import template
from .client import ProvinceClient, Refused, Revoked, Unreachable

log = logging.getLogger(__name__)
# Confirmed entries are pruned about this often.
PRUNE_EVERY = dt.timedelta(hours=1)
# A push's entries stop short of this much JSON (a baseline's entries hold 500 rows each):
# half what a province takes (LUOT_PROVINCE_PUSH_MAX_JSON, 8 MB by default), which leaves
# room for the live figures and for one entry larger than this alone.
PUSH_JSON_BYTES = 4 * 1024 * 1024


class Pusher(WakeableLoop):
    woken_by = JOURNALED  # each commit that wrote a journal entry

    def __init__(
        self,
        engine: Engine,
        socketio: SocketIO | None,
        *,
        interval: float = 5.0,
        retry_max: float = 10.0,
        batch: int = 500,
        timeout: float = 30.0,
        max_bytes: int = PUSH_JSON_BYTES,
    ) -> None:
        self.engine = engine
        self.interval = interval
        self.retry_max = retry_max
        self.batch = batch
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"[:80]
        super().__init__(socketio)
        self._failures = 0
        self._pruned_at: dt.datetime | None = None

    # -- one push, what the loop (and the tests) call

    def push_once(self) -> bool:
        """One push: the live figures and the next entries. True when more are waiting."""
        secret = self.engine.link_secret()
        out = self.engine.outgoing(self.batch)
        if secret is None or out is None:
            return False
        url, token, _bases = secret
        client = ProvinceClient(url, token, self.timeout)
        link = self.engine.link()
        body = {
            "at": self.engine.clock().isoformat(),
            "head": out["head"],
            "oldest_unsent_at": link["oldest_unsent_at"] if link else None,
            "offices": live_figures(self.engine),
            "entries": for_the_wire(self._within_size(out["entries"])),
            "epoch": out["epoch"],
            "base": out["base"],
        }
        try:
            answer = client.push(body)
        except Revoked as exc:
            self.engine.push_failed(f"the province revoked this centre ({exc})", revoked=True)
            raise
        except Refused as exc:
            if exc.status == 409:
                # Diverged (send the state again) or out of order (send from `received`).
                self.engine.province_refused(exc.body)
                return True
            raise
        received = answer.get("received")
        if not isinstance(received, int):
            raise Refused(200, "the province's answer has no 'received'")
        more = self.engine.confirmed(received)
        if answer.get("template"):
            self._follow_template(client)
        return more

    def _within_size(self, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The first entries that fit in one push (always at least one)."""
        size = 0
        for count, entry in enumerate(entries):
            size += len(json.dumps(entry["rows"], ensure_ascii=False).encode())
            if count and size > self.max_bytes:
                return entries[:count]
        return entries

    def _follow_template(self, client: ProvinceClient) -> None:
        offered = client.template()
        version, body = offered.get("version"), offered.get("body")
        if not isinstance(version, int) or not isinstance(body, dict):
            raise Refused(200, "the province's template is not {version, body}")
        report = template.apply(self.engine, version, body)
        client.template_applied(version, report)

    # -- the background loop

    def serve(self) -> None:
        """`luot serve`: run from now on (it idles while the box has not joined)."""
        self.arm()
        self.wake()

    def stop(self) -> None:
        """The server stops: another process may push at once, not after the claim."""
        if self.running:
            self.engine.release_pusher(self.owner)

    def _run(self) -> None:
        self.running = True
        while not self.halted:
            self._wake.clear()
            wait = self.interval
            try:
                if self.engine.link() is not None and self.engine.claim_pusher(
                    self.owner, 3 * self.interval + self.timeout
                ):
                    more = self.push_once()
                    self._failures = 0
                    wait = 0 if more else self.interval
                    self._prune()
            except Revoked:
                wait = self.interval
            except (Unreachable, Refused, EngineError) as exc:
                self._failures += 1
                wait = doubling_wait(self._failures, 1, self.retry_max)
                self._fault(str(getattr(exc, "message", exc)))
            except Exception as exc:  # noqa: BLE001 - the loop must go on; said, and retried
                log.exception("province push failed")
                self._failures += 1
                wait = self.retry_max
                self._fault(f"push failed ({exc.__class__.__name__})")
            if wait:
                self.rest(wait, woken=not self._failures)

    def _fault(self, reason: str) -> None:
        log.warning("province: %s", reason)
        try:
            self.engine.push_failed(reason)
        except Exception:  # noqa: BLE001 - the database itself may be the fault
            log.exception("could not record the push's fault")

    def _prune(self) -> None:
        now = self.engine.clock()
        if self._pruned_at is None or now - self._pruned_at > PRUNE_EVERY:
            self._pruned_at = now
            self.engine.prune_journal()

    def state(self) -> dict[str, Any]:
        return {"running": self.running, "failures": self._failures}


def live_figures(engine: Engine) -> list[dict[str, Any]]:
    """Each office now, as the province's overview shows it."""
    figures = []
    for office in engine.offices():
        view = office_overview(engine, office["code"])
        figures.append(
            {
                "code": office["code"],
                "name": office["name"],
                "waiting": view["waiting_total"],
                "open_counters": view["open_counters"],
                "counters": len(view["counters"]),
                "serving": sum(1 for c in view["counters"] if c.get("current")),
                "longest_wait_seconds": view["longest_wait_seconds"],
                "served_today": view["served_today"],
                "services": [
                    {"code": s["code"], "name": s["name"], "waiting": s["waiting"]}
                    for s in view["services"]
                ],
            }
        )
    return figures
