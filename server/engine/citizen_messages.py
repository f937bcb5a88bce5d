"""Messages to citizens' phones, written into the outbox inside the transaction that causes
them (a booking, a call, a result ready): if that transaction rolls back there is no
message, and once it commits the message survives any restart until the messages worker
has sent it.

An office that has not chosen a channel (`settings.messages.channel`, default "off"), or
a citizen who gave no phone or no consent, gets nothing written.

The text is rendered here, at enqueue: an SMS stores its body (the office's template for
the kind, or the default one), a ZNS message its template id and parameters. A ZNS
message of a kind the office gave no template id is written `skipped`, with the reason in
`last_error`: Zalo sends only approved templates, and the manager's listing shows what was
not sent and why rather than nothing at all.

One phone is sent at most a few messages a day whatever anyone asks of the public pages
(booking someone else's number with consent and cancelling, over and over, was 50 SMS to
one phone in 4 s): `enqueue` counts what the phone was written in the last 24 hours, on
this server, and past the office's `per_phone_per_day` (itself capped by the server's
LUOT_MESSAGES_PER_PHONE_MAX) keeps the message `skipped`, its reason in `last_error`.

A message goes pending → sending → sent | failed (or back to pending, to retry), or
pending → cancelled; `claim` and `settle` below are the messages worker's
(server/workers/sending/worker.py) steps, each a conditional UPDATE so two workers never both
take one message, and a claim that outlives its worker (`claimed_until`) is taken again.
"""

from __future__ import annotations

import datetime as dt
import secrets
import string
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy import text as sql
from sqlalchemy.orm import Session

from ..models import Appointment, Office, OutboxMessage, iso
from .rules.documents import DEFAULT_TEMPLATES, message_placeholders, message_settings

KINDS = (
    "booked",
    "changed",
    "cancelled",
    "reminder_day",
    "reminder_hour",
    "turn_near",
    "called",
    "result_ready",
    "return_set",
    "phone_code",
)


# Set on a session that wrote a message: the messages worker wakes when it commits.
ENQUEUED = "luot.message_enqueued"
STATUSES = ("pending", "sending", "sent", "failed", "cancelled", "skipped")
# What counts against a phone's daily cap: written to go, or gone (not cancelled, skipped).
COUNTED = ("pending", "sending", "sent", "failed")
CAP_WINDOW = dt.timedelta(days=1)
# The server's ceiling on an office's `per_phone_per_day` (LUOT_MESSAGES_PER_PHONE_MAX):
# the engine puts it on each write session (engine/commit_then_publish.py), where
# `enqueue` reads it.
PHONE_CAP_MAX = "luot.messages_per_phone_max"
DEFAULT_PHONE_CAP_MAX = 20


def channel(office: Office) -> str:
    """The office's messages channel: "sms", "zns" or "off"."""
    return ((office.settings or {}).get("messages") or {}).get("channel", "off")


def sends(office: Office, kind: str) -> bool:
    """Will the office send a message of this kind at all (a channel, and for Zalo the
    kind's template)? Pages promise a message only where this is true."""
    chosen = channel(office)
    if chosen == "zns":
        return bool((settings(office).get("zns_templates") or {}).get(kind))
    return chosen != "off"


def settings(office: Office) -> dict[str, Any]:
    """The office's messages settings (`near_ahead`, `reminder_day_at`, ...) with defaults."""
    return message_settings(office.settings)


def render(text: str, params: dict[str, Any]) -> str:
    """`text` with its `{placeholders}` filled in. A sentence whose every placeholder is
    empty (an appointment without a manage link) is left out rather than sent half-empty."""
    kept = []
    for sentence in _sentences(text):
        names = [name for _, name, _, _ in string.Formatter().parse(sentence) if name]
        values = {
            name: str(params.get(name, "") if params.get(name) is not None else "")
            for name in names
        }
        if names and not any(values.values()):
            continue
        kept.append(sentence.format_map(values))
    return " ".join(kept).strip()


def _sentences(text: str) -> list[str]:
    parts = text.split(". ")
    return [part + ("." if i < len(parts) - 1 else "") for i, part in enumerate(parts)]


def phone_cap(session: Session, office: Office) -> int:
    """How many messages one phone may be written in 24 hours: the office's setting,
    never above the server's ceiling."""
    ceiling = int(session.info.get(PHONE_CAP_MAX, DEFAULT_PHONE_CAP_MAX))
    return max(0, min(int(settings(office)["per_phone_per_day"]), ceiling))


def written_to(session: Session, phone: str, now: dt.datetime) -> int:
    """Messages to `phone` written in the last 24 hours (by any office of this server)
    that went or will go. On PostgreSQL the phone is locked for the rest of the
    transaction first, so two offices writing to it at once count one after the other
    (SQLite's writes are serialised already)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sql("SELECT pg_advisory_xact_lock(hashtext(:phone))"), {"phone": phone})
    return session.scalar(
        select(func.count())
        .select_from(OutboxMessage)
        .where(
            OutboxMessage.phone == phone,
            OutboxMessage.created_at > now - CAP_WINDOW,
            OutboxMessage.status.in_(COUNTED),
        )
    )


def template_text(office: Office, kind: str) -> str:
    return (settings(office).get("templates") or {}).get(kind) or DEFAULT_TEMPLATES[kind]


def zns_data(kind: str, params: dict[str, Any]) -> dict[str, str]:
    """What a ZNS template of this kind may show, as strings (Zalo's template_data)."""
    allowed = message_placeholders(kind)
    return {name: str(value) for name, value in params.items() if name in allowed and value != ""}


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
    body, template_id, status, error = "", None, "pending", None
    if chosen == "zns":
        template_id = (settings(office).get("zns_templates") or {}).get(kind)
        params = zns_data(kind, params)
        if not template_id:
            status = "skipped"
            error = f"no ZNS template id for {kind!r} (settings.messages.zns_templates)"
    else:
        body = render(template_text(office, kind), params)
    if status == "pending":
        cap = phone_cap(session, office)
        if written_to(session, phone, now) >= cap:
            status = "skipped"
            error = f"not sent: this phone was written {cap} messages in 24 hours (the cap)"
    message = OutboxMessage(
        office_id=office.id,
        appointment_id=appointment_id,
        ticket_id=ticket_id,
        key=key,
        ref=secrets.token_hex(16),
        kind=kind,
        channel=chosen,
        phone=phone,
        body=body,
        template_id=template_id,
        params=params,
        status=status,
        last_error=error,
        attempts=0,
        due_at=due_at or now,
        next_attempt_at=due_at or now,
        created_at=now,
    )
    session.add(message)
    session.flush()
    if status == "pending":
        session.info[ENQUEUED] = True
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


# -- the messages worker's steps (server/workers/sending/worker.py)


def _takeable(now: dt.datetime):
    """Due and pending, or claimed by a worker whose claim ran out (it died mid-send)."""
    return or_(
        and_(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now),
        and_(OutboxMessage.status == "sending", OutboxMessage.claimed_until < now),
    )


def claim(session: Session, now: dt.datetime, lease: dt.timedelta) -> OutboxMessage | None:
    """Take the message due first, for `lease`: a conditional UPDATE, so of two workers
    reaching for one message only one gets it. `attempts` counts the sends begun, so a
    message whose send kills its worker each time still ends (failed) after the limit."""
    for message_id in session.scalars(
        select(OutboxMessage.id)
        .where(_takeable(now))
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(5)
    ):
        taken = session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id, _takeable(now))
            .values(
                status="sending",
                claimed_until=now + lease,
                attempts=OutboxMessage.attempts + 1,
            )
            .execution_options(synchronize_session=False)
        )
        if taken.rowcount == 1:
            message = session.get(OutboxMessage, message_id)
            session.refresh(message)
            return message
    return None


def settle(
    session: Session,
    message_id: int,
    claimed_until: dt.datetime,
    now: dt.datetime,
    *,
    sent: bool,
    provider_id: str | None = None,
    error: str | None = None,
    retry_at: dt.datetime | None = None,
) -> bool:
    """Record a send: sent (with the gateway's id), back to pending until `retry_at`, or
    failed (`retry_at` None). Only the claim that is still this worker's settles: one
    taken over by another worker after it ran out is theirs now. True if recorded."""
    if sent:
        values: dict[str, Any] = {
            "status": "sent",
            "provider_id": provider_id,
            "delivery": "accepted",
            "sent_at": now,
            "last_error": None,
        }
    elif retry_at is not None:
        values = {"status": "pending", "next_attempt_at": retry_at, "last_error": error}
    else:
        values = {"status": "failed", "last_error": error}
    done = session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.status == "sending",
            OutboxMessage.claimed_until == claimed_until,
        )
        .values(claimed_until=None, **values)
        .execution_options(synchronize_session=False)
    )
    return done.rowcount == 1


def next_due(session: Session) -> dt.datetime | None:
    """When the worker has something to do next (None: nothing pending or in flight)."""
    pending = session.scalar(
        select(func.min(OutboxMessage.next_attempt_at)).where(OutboxMessage.status == "pending")
    )
    sending = session.scalar(
        select(func.min(OutboxMessage.claimed_until)).where(OutboxMessage.status == "sending")
    )
    times = [time for time in (pending, sending) if time is not None]
    return min(times) if times else None


def needed(session: Session) -> bool:
    """Does this installation send messages at all (an office with a channel, or messages
    still to send)? The worker is started only then."""
    if session.scalar(
        select(OutboxMessage.id).where(OutboxMessage.status.in_(("pending", "sending"))).limit(1)
    ):
        return True
    return any(channel(office) != "off" for office in session.scalars(select(Office)))


def mask(phone: str) -> str:
    """A phone number as the staff list shows it: all but its last three digits hidden."""
    return "•" * max(len(phone) - 3, 0) + phone[-3:]


def listing(
    session: Session, office_id: int, status: str | None = None, limit: int = 100
) -> dict[str, Any]:
    """An office's messages, newest first, for its managers; the phone masked."""
    query = select(OutboxMessage).where(OutboxMessage.office_id == office_id)
    if status:
        query = query.where(OutboxMessage.status == status)
    rows = session.scalars(query.order_by(OutboxMessage.id.desc()).limit(limit))
    counts = dict(
        session.execute(
            select(OutboxMessage.status, func.count())
            .where(OutboxMessage.office_id == office_id)
            .group_by(OutboxMessage.status)
        ).all()
    )
    return {
        "counts": {name: counts.get(name, 0) for name in STATUSES},
        "messages": [message_dict(message) for message in rows],
    }


def message_dict(message: OutboxMessage) -> dict[str, Any]:
    return {
        "id": message.id,
        "kind": message.kind,
        "channel": message.channel,
        "status": message.status,
        "phone": mask(message.phone),
        "attempts": message.attempts,
        "last_error": message.last_error,
        "provider_id": message.provider_id,
        "delivery": message.delivery,
        "appointment_id": message.appointment_id,
        "ticket_id": message.ticket_id,
        "template_id": message.template_id,
        "created_at": iso(message.created_at),
        "due_at": iso(message.due_at),
        "next_attempt_at": iso(message.next_attempt_at),
        "sent_at": iso(message.sent_at),
    }
