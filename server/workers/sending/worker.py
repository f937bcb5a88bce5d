"""The messages worker: takes due messages from the outbox and sends them, once each.

Each message is claimed by a conditional UPDATE (pending → sending, for a lease), sent
outside any transaction, and settled by another conditional UPDATE that only the claim's
holder can make: sent, back to pending with a doubling wait (capped), or failed after
`max_attempts` sends or at once on a permanent error, the reason in `last_error`. A
worker that dies mid-send leaves its message `sending`; once the lease runs out any
worker takes it again and sends it with the same `ref`, which the gateway recognises, so
it is delivered once. Several processes may run it: the claim keeps them apart.

Started once per process, on Socket.IO's task runner (`workers/loop.py`), by `luot serve` when
some office has a channel or messages are waiting (`serve()`), and from then on woken at
once by any commit that wrote a message.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from flask_socketio import SocketIO

from ...db import Database
from ...engine import citizen_messages
from ...engine.rules.documents import TICKET_MESSAGE_KINDS
from ..backoff import doubling_wait
from ..loop import WakeableLoop
from .gateways import Gateway, Outcome

log = logging.getLogger(__name__)

# A "your turn is near" or "you are called" this late helps nobody: not sent.
TICKET_MESSAGE_MAX_LATE = dt.timedelta(minutes=30)


class MessageWorker(WakeableLoop):
    woken_by = citizen_messages.ENQUEUED  # `enqueue` marks the session

    def __init__(
        self,
        db: Database,
        clock: Callable[[], dt.datetime],
        gateways: dict[str, Gateway],
        socketio: SocketIO | None = None,
        *,
        lease: float = 60.0,
        max_attempts: int = 8,
        retry: float = 30.0,
        retry_max: float = 3600.0,
        poll: float = 5.0,
    ) -> None:
        self.db = db
        self.clock = clock
        self.gateways = gateways
        self.lease = dt.timedelta(seconds=lease)
        self.max_attempts = max_attempts
        self.retry = retry
        self.retry_max = retry_max
        self.poll = poll
        super().__init__(socketio)
        # The last fault seen (a gateway's refusal, a database error), for the listing.
        self.last_error: str | None = None
        self.last_error_at: dt.datetime | None = None

    # -- one pass, what the loop (and the tests) call

    def backoff(self, attempts: int) -> dt.timedelta:
        return dt.timedelta(seconds=doubling_wait(attempts, self.retry, self.retry_max))

    def send_one(self) -> tuple[int, Outcome] | None:
        """Claim one due message, send it, settle it; None when nothing is due."""
        with self.db.write() as session:
            message = citizen_messages.claim(session, self.clock(), self.lease)
            if message is None:
                return None
            session.expunge(message)
        claimed_until = message.claimed_until
        assert claimed_until is not None
        outcome = self._send(message)
        now = self.clock()
        retry_at = None
        if outcome.status == "retry" and message.attempts < self.max_attempts:
            retry_at = now + self.backoff(message.attempts)
        error = outcome.reason
        if outcome.status == "retry" and retry_at is None:
            error = f"{outcome.reason} (gave up after {message.attempts} attempts)"
        with self.db.write() as session:
            recorded = citizen_messages.settle(
                session,
                message.id,
                claimed_until,
                now,
                sent=outcome.status == "sent",
                provider_id=outcome.provider_id,
                error=error,
                retry_at=retry_at,
            )
        if not recorded:
            log.warning("message %s: claim ran out before it was settled", message.id)
        if outcome.status != "sent":
            self._fault(f"message {message.id} ({message.kind}): {error}", now)
        return message.id, outcome

    def _send(self, message: Any) -> Outcome:
        late = self.clock() - message.due_at
        if message.kind in TICKET_MESSAGE_KINDS and late > TICKET_MESSAGE_MAX_LATE:
            return Outcome.failed(f"not sent: {int(late.total_seconds() // 60)} minutes late")
        gateway = self.gateways.get(message.channel)
        if gateway is None:
            return Outcome.failed(f"no gateway for channel {message.channel!r}")
        try:
            return gateway.send(message)
        except Exception as exc:  # noqa: BLE001 - a gateway bug must not stop the worker
            log.exception("message %s: the %s gateway raised", message.id, message.channel)
            return Outcome.retry(f"the gateway failed ({exc.__class__.__name__})")

    def run_once(self, limit: int = 100) -> int:
        """Send what is due now (at most `limit` messages); returns how many were tried."""
        done = 0
        while done < limit and self.send_one() is not None:
            done += 1
        return done

    def _fault(self, text: str, now: dt.datetime) -> None:
        log.warning("messages: %s", text)
        self.last_error, self.last_error_at = text, now

    # -- the background loop

    def serve(self) -> None:
        """`luot serve`: start now if this installation sends messages; in any case start
        (or wake) on the first commit that writes one."""
        self.arm()
        with self.db.read() as session:
            if citizen_messages.needed(session):
                self.wake()

    def _run(self) -> None:
        self.running = True
        while True:
            self._wake.clear()
            try:
                self.run_once()
                with self.db.read() as session:
                    due = citizen_messages.next_due(session)
            except Exception as exc:  # noqa: BLE001 - reported, and tried again
                log.exception("messages worker pass failed")
                self._fault(f"worker pass failed ({exc.__class__.__name__})", self.clock())
                due = None
            wait = self.poll
            if due is not None:
                wait = min(self.poll, max((due - self.clock()).total_seconds(), 0.05))
            self._wake.wait(wait)

    def state(self) -> dict[str, Any]:
        return {
            "running": self.running,
            "last_error": self.last_error,
            "last_error_at": self.last_error_at.isoformat() if self.last_error_at else None,
            "channels": {
                name: type(gateway).__name__ != "Unconfigured"
                for name, gateway in self.gateways.items()
            },
        }
