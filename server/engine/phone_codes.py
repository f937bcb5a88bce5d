"""Showing one holds the phone one books with, where the office wants it
(`settings.appointments.verify_phone`): a six-digit code sent by SMS, typed back on the
booking page; the booking is made only with it.

The code confirms the booking rather than releasing its messages: a booking that does not
exist until the code comes back holds no place for a number nobody holds (made-up numbers
took a whole calendar), needs no new state for check-in, reports or the staff's list, and
no sweep of unconfirmed bookings.

The code's own SMS goes to a number nobody has shown to hold yet, so it is capped: a few
per phone an hour (here), per address and network (the API's rate limits), and like every
message by the phone's daily cap in the outbox. A code takes `GUESSES` wrong tries, lives
`LIFETIME`, is used once, and only its hash is kept.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ..i18n import english
from ..models import PhoneCode
from . import citizen_messages
from .commit_then_publish import Unit
from .errors import Closed, Conflict, Invalid
from .rules.documents import appointment_rules
from .rules.phones import normalise_phone

LIFETIME = dt.timedelta(minutes=10)
GUESSES = 5
# Codes one phone may be sent, and one source may ask for, in an hour.
PER_PHONE_HOUR = 3
PER_SOURCE_HOUR = 10
DIGITS = 6


def code_hash(phone_code_id: int, phone: str, code: str) -> str:
    """The code is never stored: only this, keyed by its row and the phone."""
    key = f"{phone_code_id}:{phone}".encode()
    return hmac.new(key, code.encode(), hashlib.sha256).hexdigest()


class PhoneCodes(Unit):
    def send_phone_code(
        self, office_code: str, phone: str, source: str | None = None
    ) -> dict[str, Any]:
        """Write the SMS of a new code to `phone` (in the outbox, like every message), or
        refuse: the office does not verify phones or sends no messages, the phone or the
        asker had their codes for the hour, or the phone its messages for the day."""
        phone = normalise_phone(phone)
        office_id = self.ctx.office_id(office_code)
        with self.tx.office(office_id, keeps_figures=True) as (session, outbox):
            office = outbox.office
            rules = appointment_rules(office.settings)
            if not rules["enabled"] or not rules["verify_phone"]:
                raise Conflict(english("no_phone_codes", office=office.name), field="phone")
            chosen = citizen_messages.channel(office)
            templates = citizen_messages.settings(office).get("zns_templates") or {}
            if chosen == "off" or (chosen == "zns" and not templates.get("phone_code")):
                # No way to send it (Zalo sends only a template it approved, by id).
                raise Closed(english("no_phone_codes", office=office.name), field="phone")
            now = self.ctx.clock()
            since = now - dt.timedelta(hours=1)
            if _count(session, PhoneCode.phone == phone, since) >= PER_PHONE_HOUR:
                raise Conflict(english("phone_codes_phone", count=PER_PHONE_HOUR), field="phone")
            if source and _count(session, PhoneCode.source == source, since) >= PER_SOURCE_HOUR:
                raise Conflict(english("phone_codes_here"), field="phone")
            code = "".join(secrets.choice("0123456789") for _ in range(DIGITS))
            row = PhoneCode(
                office_id=office.id,
                phone=phone,
                code_hash="",
                source=source,
                created_at=now,
                expires_at=now + LIFETIME,
            )
            session.add(row)
            session.flush()
            row.code_hash = code_hash(row.id, phone, code)
            message = citizen_messages.enqueue(
                session,
                office,
                kind="phone_code",
                phone=phone,
                params={"code": code, "office": office.name},
                key=f"phone_code:{row.id}",
                now=now,
            )
            if message is None or message.status != "pending":
                raise Conflict(english("phone_messages_day"), field="phone")
            return {"phone": _masked(phone), "expires_at": row.expires_at.isoformat()}


def check(session: Session, office_id: int, phone: str, code: str | None, now: dt.datetime) -> int:
    """The id of the live code of `phone` that `code` matches, or Invalid. A wrong code
    costs one of the code's tries: the caller commits that even when it refuses."""
    row = session.scalar(
        select(PhoneCode)
        .where(
            PhoneCode.office_id == office_id,
            PhoneCode.phone == phone,
            PhoneCode.used_at.is_(None),
            PhoneCode.expires_at > now,
            PhoneCode.attempts < GUESSES,
        )
        .order_by(PhoneCode.id.desc())
        .limit(1)
    )
    if not code:
        raise Invalid(english("phone_code_needed"), field="phone_code")
    if row is None:
        raise Invalid(english("phone_code_expired"), field="phone_code")
    given = code.strip()
    if not (
        given.isascii() and hmac.compare_digest(row.code_hash, code_hash(row.id, phone, given))
    ):
        row.attempts += 1
        raise Invalid(
            english("phone_code_wrong", left=max(GUESSES - row.attempts, 0)), field="phone_code"
        )
    return row.id


def use(session: Session, phone_code_id: int, now: dt.datetime) -> None:
    """Spend the code with the booking it confirmed (in the booking's transaction)."""
    done = session.execute(
        update(PhoneCode)
        .where(PhoneCode.id == phone_code_id, PhoneCode.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:
        raise Invalid(english("phone_code_expired"), field="phone_code")


def _count(session: Session, where: Any, since: dt.datetime) -> int:
    return session.scalar(
        select(func.count()).select_from(PhoneCode).where(where, PhoneCode.created_at > since)
    )


def _masked(phone: str) -> str:
    return "•" * (len(phone) - 3) + phone[-3:]
