"""Messages to citizens' phones, written into the outbox inside the transaction that causes
them (a booking, a call, a result ready): if that transaction rolls back there is no
message, and once it commits the message survives any restart until the messages worker
has sent it.

An office that has not chosen a channel (`settings.messages.channel`, default "off"), or
a citizen who gave no phone or no consent, gets nothing written.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..models import Appointment, Office, OutboxMessage

KINDS = (
    "booked",
    "changed",
    "cancelled",
    "reminder_day",
    "reminder_hour",
    "turn_near",
    "called",
    "result_ready",
)


def channel(office: Office) -> str:
    """The office's messages channel: "sms", "zns" or "off"."""
    return ((office.settings or {}).get("messages") or {}).get("channel", "off")


def enqueue(
    session: Session,
    office: Office,
    *,
    kind: str,
    phone: str | None,
    params: dict[str, Any],
    key: str,
    now: dt.datetime,
    due_at: dt.datetime | None = None,
    appointment_id: int | None = None,
    ticket_id: int | None = None,
) -> OutboxMessage | None:
    """Write one message to send at `due_at` (now by default); `key` names it, so a second
    call for the same message returns the first. None when nothing is to be sent."""
    assert kind in KINDS, kind
    chosen = channel(office)
    if chosen == "off" or not phone:
        return None
    existing = session.scalar(select(OutboxMessage).where(OutboxMessage.key == key))
    if existing is not None:
        return existing
    message = OutboxMessage(
        office_id=office.id,
        appointment_id=appointment_id,
        ticket_id=ticket_id,
        key=key,
        ref=secrets.token_hex(16),
        kind=kind,
        channel=chosen,
        phone=phone,
        params=params,
        status="pending",
        attempts=0,
        due_at=due_at or now,
        next_attempt_at=due_at or now,
        created_at=now,
    )
    session.add(message)
    session.flush()
    return message


def for_appointment(
    session: Session,
    appointment: Appointment,
    kind: str,
    params: dict[str, Any],
    now: dt.datetime,
    due_at: dt.datetime | None = None,
    ticket_id: int | None = None,
    key: str | None = None,
) -> OutboxMessage | None:
    """A message about an appointment, sent only where the citizen consented."""
    if appointment.consent_at is None:
        return None
    return enqueue(
        session,
        appointment.office,
        kind=kind,
        phone=appointment.phone,
        params=params,
        key=key or f"{kind}:appointment:{appointment.id}",
        now=now,
        due_at=due_at,
        appointment_id=appointment.id,
        ticket_id=ticket_id,
    )


def cancel_pending(session: Session, appointment_id: int, kinds: tuple[str, ...] = KINDS) -> int:
    """Pending messages of an appointment that no longer apply (a cancelled or moved
    booking's reminders) are cancelled, not sent; returns how many."""
    result = session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.appointment_id == appointment_id,
            OutboxMessage.status == "pending",
            OutboxMessage.kind.in_(kinds),
        )
        .values(status="cancelled")
    )
    return result.rowcount or 0
