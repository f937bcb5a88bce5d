"""A proof-of-work check on the public booking form when the office is under pressure:
ALTCHA (the `altcha` library here, its widget served from static/vendor/), so it works
with no internet and asks nothing of the citizen but a few seconds of their phone's work.

The office's `settings.appointments.challenge` says when: `auto` (the default) once more
than `challenge_after` bookings came in the last `WINDOW`, `always`, or `off`. When it is
on, a booking needs a solution of a challenge this server signed (HMAC, a key derived from
the server's secret key), not expired, and not used before: each solution is remembered
(`challenge_uses`, its signature's hash) until its challenge expires, so one solved
challenge books once, in any process.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from typing import Any

import altcha
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..i18n import english
from ..models import Appointment, ChallengeUse, Office
from .commit_then_publish import Unit
from .context import office_by_code
from .errors import Invalid
from .rules.documents import appointment_rules

ALGORITHM = "PBKDF2/SHA-256"
# What "under pressure" looks back over.
WINDOW = dt.timedelta(minutes=10)


def wall_clock() -> dt.datetime:
    """A challenge's lifetime is real time, not the engine's clock: the library checks
    expiry against the system's."""
    return dt.datetime.now(dt.UTC)


def challenge_key(secret_key: str) -> str:
    """The HMAC key of challenges: derived from the server's secret, never the secret."""
    return hmac.new(secret_key.encode(), b"luot booking challenge", hashlib.sha256).hexdigest()


def under_pressure(session: Session, office: Office, now: dt.datetime) -> bool:
    """Does a booking at `office` need a solved challenge now?"""
    rules = appointment_rules(office.settings)
    if rules["challenge"] == "always":
        return True
    if rules["challenge"] == "off":
        return False
    recent = session.scalar(
        select(func.count())
        .select_from(Appointment)
        .where(
            Appointment.office_id == office.id,
            Appointment.kind == "booking",
            Appointment.created_at > now - WINDOW,
        )
    )
    return recent >= rules["challenge_after"]


class Challenges(Unit):
    def booking_challenge(self, office_code: str) -> dict[str, Any]:
        """A new signed challenge for the booking form's widget, and whether the office
        asks for one now."""
        with self.ctx.db.read() as session:
            office = office_by_code(session, office_code)
            needed = under_pressure(session, office, self.ctx.clock())
        expires = wall_clock() + dt.timedelta(seconds=self.ctx.challenge_seconds)
        challenge = altcha.create_challenge(
            ALGORITHM,
            self.ctx.challenge_cost,
            expires_at=int(expires.timestamp()),
            hmac_secret=self.ctx.challenge_key,
        )
        return {**challenge.to_dict(), "needed": needed}

    def spend_challenge(self, office_id: int, payload: str | None) -> None:
        """Where the office asks for it now, `payload` must be a solution of a challenge of
        ours, unexpired and never used: it is spent here (committed), whatever becomes of
        the booking. Invalid (field `altcha`) otherwise."""
        with self.ctx.db.read() as session:
            office = session.get(Office, office_id)
            if office is None or not under_pressure(session, office, self.ctx.clock()):
                return
        if not payload:
            raise Invalid(english("challenge_needed"), field="altcha")
        if len(payload) > 4000 or not payload.isascii():
            raise Invalid(english("challenge_bad"), field="altcha")
        try:
            result = altcha.verify_solution(payload, self.ctx.challenge_key)
        except Exception:  # noqa: BLE001 - a hostile payload is a refusal, never a 500
            raise Invalid(english("challenge_bad"), field="altcha") from None
        if result.expired:
            raise Invalid(english("challenge_expired"), field="altcha")
        if not result.verified:
            raise Invalid(english("challenge_bad"), field="altcha")
        parsed = altcha.Payload.from_base64(payload).challenge
        digest = hashlib.sha256(str(parsed.signature).encode()).hexdigest()
        expires = dt.datetime.fromtimestamp(int(parsed.parameters.expires_at or 0), dt.UTC)
        try:
            with self.tx.write() as (session, _outbox):
                now = wall_clock()
                session.execute(delete(ChallengeUse).where(ChallengeUse.expires_at < now))
                if session.get(ChallengeUse, digest) is not None:
                    raise Invalid(english("challenge_used"), field="altcha")
                session.add(ChallengeUse(digest=digest, expires_at=expires))
        except IntegrityError:
            # The same solution sent twice at once: the other request took it.
            raise Invalid(english("challenge_used"), field="altcha") from None
