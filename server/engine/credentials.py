"""Users and bearer tokens: creation, password checks, token lookup.

Plain functions over a session so the CLI, the seed and the web share them.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import os
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import quote

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import and_, bindparam, select
from sqlalchemy.orm import Session

from ..i18n import english
from ..models import ApiToken, Device, LoginAttempt, Office, User, UserOffice, UserSession, iso

if TYPE_CHECKING:
    from printer.policy import PrinterPolicy

ROLES = ("officer", "manager", "admin")
DEVICE_KINDS = ("kiosk", "display", "rating")
TOKEN_PREFIX = "luot_"

# Argon2id with the library's recommended cost; tests may ask for the cheapest profile
# (LUOT_FAST_PASSWORD_HASH=1) since hashes carry their parameters and still verify.
_hasher = (
    PasswordHasher.from_parameters(profiles.CHEAPEST)
    if os.environ.get("LUOT_FAST_PASSWORD_HASH") == "1"
    else PasswordHasher()
)


class AccountError(ValueError):
    """A user or token request that cannot be carried out (unknown office, bad role...);
    `field` names the input at fault, for forms."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message  # `english()`'s keyed message, which `str(exc)` would not keep
        self.field = field


class AccountExists(AccountError):
    """The name is taken: a conflict with what is there, not a bad value."""


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(user: User | None, password: str) -> bool:
    """Whether `password` is the user's. Without a user (an unknown name) a stand-in hash
    is checked all the same, so both answers take as long: timing tells no usernames."""
    try:
        return _hasher.verify(user.password_hash if user else _stand_in(), password) and (
            user is not None
        )
    except (VerificationError, InvalidHashError):
        return False


@functools.cache
def _stand_in() -> str:
    return _hasher.hash(secrets.token_urlsafe(16))


def create_user(
    session: Session,
    username: str,
    role: str,
    office_codes: list[str],
    password: str,
    full_name: str = "",
) -> User:
    if role not in ROLES:
        raise AccountError(english("role", roles=", ".join(ROLES)), "role")
    if session.scalar(select(User).where(User.username == username)) is not None:
        raise AccountExists(english("user_exists", username=username), "username")
    offices = []
    for code in office_codes:
        office = session.scalar(select(Office).where(Office.code == code))
        if office is None:
            raise AccountError(english("no_office", code=code), "offices")
        offices.append(office)
    if role != "admin" and not offices:
        raise AccountError(english("must_belong"), "offices")
    user = User(
        username=username,
        full_name=full_name,
        role=role,
        password_hash=hash_password(password),
        created_at=dt.datetime.now(dt.UTC),
        offices=offices,
    )
    session.add(user)
    session.flush()
    return user


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def create_token(session: Session, owner: User | Device, name: str) -> str:
    """A new bearer token for a user or a device; the raw value is returned once, never stored.

    The label is cut to its column's length (a device's name plus "device:" may not fit).
    """
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(token_hash=_digest(raw), name=name[:100], created_at=dt.datetime.now(dt.UTC))
    if isinstance(owner, Device):
        token.device = owner
    else:
        token.user = owner
    session.add(token)
    session.flush()
    return raw


@dataclass(frozen=True)
class TokenOwner:
    """Who a live token belongs to, as plain values: a user (role, offices) or a device
    (its kind as role, its office)."""

    token_id: int
    role: str
    office_ids: frozenset[int]
    name: str
    user_id: int | None = None
    device_id: int | None = None


# Read on every request: one statement of plain rows (one per office of a user), no ORM
# objects. An inactive owner joins as NULLs, so its token finds nobody.
_TOKEN_OWNER = (
    select(
        ApiToken.id,
        User.id.label("user_id"),
        User.role,
        User.full_name,
        User.username,
        UserOffice.office_id,
        Device.id.label("device_id"),
        Device.kind,
        Device.office_id.label("device_office_id"),
        Device.name.label("device_name"),
    )
    .select_from(ApiToken)
    .outerjoin(User, and_(User.id == ApiToken.user_id, User.active.is_(True)))
    .outerjoin(UserOffice, UserOffice.user_id == User.id)
    .outerjoin(Device, and_(Device.id == ApiToken.device_id, Device.active.is_(True)))
    .where(ApiToken.token_hash == bindparam("digest"), ApiToken.revoked_at.is_(None))
)


def token_owner(session: Session, raw: str) -> TokenOwner | None:
    """The owner of the live token behind `raw`, while that user or device is active."""
    rows = session.execute(_TOKEN_OWNER, {"digest": _digest(raw)}).all()
    if not rows:
        return None
    first = rows[0]
    if first.device_id is not None:
        return TokenOwner(
            first.id,
            first.kind,
            frozenset({first.device_office_id}),
            first.device_name,
            device_id=first.device_id,
        )
    if first.user_id is None:
        return None
    return TokenOwner(
        first.id,
        first.role,
        frozenset(row.office_id for row in rows if row.office_id is not None),
        first.full_name or first.username,
        user_id=first.user_id,
    )


def device_path(device: dict, token: str) -> str | None:
    """The page a device opens, its token riding along once (`?key=`, the page keeps it);
    None for a rating tablet bound to no counter yet."""
    key = "?key=" + quote(token, safe="")
    office = quote(device["office"], safe="")
    if device["kind"] == "kiosk":
        return f"/kiosk/{office}{key}"
    if device["kind"] == "display":
        return f"/display/{office}{key}"
    if device["counter_id"] is None:
        return None
    return f"/rate/{device['counter_id']}{key}"


def create_device(
    session: Session,
    office_code: str,
    kind: str,
    name: str,
    printer_url: str | None = None,
    paper: int = 80,
    counter_number: int | None = None,
    policy: PrinterPolicy | None = None,
) -> Device:
    if kind not in DEVICE_KINDS:
        raise AccountError(english("device_kind", kinds=", ".join(DEVICE_KINDS)), "kind")
    office = session.scalar(select(Office).where(Office.code == office_code))
    if office is None:
        raise AccountError(english("no_office", code=office_code))
    if paper not in (58, 80):
        raise AccountError(english("paper"), "paper")
    counter_id = None
    if counter_number is not None:
        counter = next((c for c in office.counters if c.number == counter_number), None)
        if counter is None:
            raise AccountError(
                english("no_counter", office=office_code, number=counter_number), "counter_number"
            )
        counter_id = counter.id
    if printer_url:
        check_printer_url(printer_url, policy)
    device = Device(
        office=office,
        kind=kind,
        name=name,
        printer_url=printer_url or None,
        paper=paper,
        counter_id=counter_id,
        created_at=dt.datetime.now(dt.UTC),
    )
    session.add(device)
    session.flush()
    return device


def check_printer_url(url: str, policy: PrinterPolicy | None = None) -> None:
    """Refuse a printer URL the printer package cannot open or the server's printer policy
    (the default one when None) does not allow; "agent:" means the kiosk PC's printer."""
    from printer import PrinterUrlError
    from printer.policy import PrinterPolicy

    try:
        (policy or PrinterPolicy()).check(url)
    except PrinterUrlError as exc:
        raise AccountError(str(exc), "printer_url") from exc


# Sign-in throttling, by the address asking: after FREE_FAILURES wrong passwords for one
# username from one address, or ADDRESS_FAILURES for any usernames from one address, each
# further try from there waits twice as long as the one before (1, 2, 4 ... minutes, at most
# the window). Nobody elsewhere is held up, so no one can lock the admin out by failing on
# purpose; a guesser gets a handful of tries per address and window.
FREE_FAILURES = 5
ADDRESS_FAILURES = 20
WINDOW = dt.timedelta(minutes=15)


def _failures(session: Session, now: dt.datetime, *conditions) -> list[dt.datetime]:
    return list(
        session.scalars(
            select(LoginAttempt.at)
            .where(LoginAttempt.success.is_(False), LoginAttempt.at > now - WINDOW, *conditions)
            .order_by(LoginAttempt.at.desc())
        )
    )


def _hold(failures: list[dt.datetime], free: int, now: dt.datetime) -> None:
    if len(failures) >= free:
        wait = min(WINDOW, dt.timedelta(minutes=2 ** (len(failures) - free)))
        if now < failures[0] + wait:
            raise Throttled(failures[0] + wait - now)


def sign_in(
    session: Session, username: str, password: str, address: str, now: dt.datetime
) -> User | None:
    """The user for these credentials, or None; Throttled after too many failures.

    The attempt is recorded either way, so the caller must commit even on None.
    """
    username, address = username[:64], address[:64]
    _hold(
        _failures(session, now, LoginAttempt.address == address, LoginAttempt.username == username),
        FREE_FAILURES,
        now,
    )
    _hold(_failures(session, now, LoginAttempt.address == address), ADDRESS_FAILURES, now)
    user = session.scalar(select(User).where(User.username == username))
    ok = check_password(user, password) and user.active
    session.add(LoginAttempt(username=username, address=address, success=ok, at=now))
    return user if ok else None


class Throttled(AccountError):
    """Too many failed sign-ins; `wait` says for how long to hold off."""

    def __init__(self, wait: dt.timedelta) -> None:
        self.wait = wait
        minutes = max(1, round(wait.total_seconds() / 60))
        super().__init__(english("throttled", minutes=minutes))


def revoke_tokens(session: Session, owner: User | Device, now: dt.datetime) -> int:
    """Stop every live token of a user or device; how many were stopped."""
    column = ApiToken.device_id if isinstance(owner, Device) else ApiToken.user_id
    stopped = 0
    for token in session.scalars(
        select(ApiToken).where(column == owner.id, ApiToken.revoked_at.is_(None))
    ):
        token.revoked_at = now
        stopped += 1
    return stopped


def revoke_sessions(session: Session, user: User, now: dt.datetime, keep: int | None = None) -> int:
    """End the user's signed-in sessions (but `keep`, the caller's own); how many ended."""
    ended = 0
    for item in session.scalars(
        select(UserSession).where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
    ):
        if item.id != keep:
            item.revoked_at = now
            ended += 1
    return ended


def start_session(
    session: Session, user: User, now: dt.datetime, address: str = "", user_agent: str = ""
) -> tuple[str, UserSession]:
    """A new signed-in session; the raw key goes into the (signed) cookie, never the table."""
    raw = secrets.token_urlsafe(32)
    item = UserSession(
        key_hash=_digest(raw),
        user_id=user.id,
        created_at=now,
        address=address[:64],
        user_agent=user_agent[:200],
    )
    session.add(item)
    session.flush()
    return raw, item


def session_for(
    session: Session, raw: str, now: dt.datetime, lifetime: dt.timedelta
) -> UserSession | None:
    """The live session behind a cookie's key: not ended, not expired, its user active."""
    item = session.scalar(
        select(UserSession).where(
            UserSession.key_hash == _digest(raw), UserSession.revoked_at.is_(None)
        )
    )
    if item is None or item.created_at + lifetime < now or not item.user.active:
        return None
    return item


def end_session(session: Session, raw: str, now: dt.datetime) -> None:
    for item in session.scalars(
        select(UserSession).where(
            UserSession.key_hash == _digest(raw), UserSession.revoked_at.is_(None)
        )
    ):
        item.revoked_at = now


def live_credentials(
    session: Session, credentials: set[str], now: dt.datetime, lifetime: dt.timedelta
) -> set[str]:
    """Which of these ("session:ID", "token:ID") still stand: what open sockets re-check."""
    ids: dict[str, list[int]] = {"session": [], "token": []}
    for credential in credentials:
        kind, _, ident = credential.partition(":")
        if kind in ids and ident.isascii() and ident.isdigit():
            ids[kind].append(int(ident))
    live = set()
    for item in session.scalars(
        select(UserSession).where(
            UserSession.id.in_(ids["session"]), UserSession.revoked_at.is_(None)
        )
    ):
        if item.created_at + lifetime >= now and item.user.active:
            live.add(f"session:{item.id}")
    for token in session.scalars(
        select(ApiToken).where(ApiToken.id.in_(ids["token"]), ApiToken.revoked_at.is_(None))
    ):
        owner = token.user or token.device
        if owner is not None and owner.active:
            live.add(f"token:{token.id}")
    return live


def tokens(session: Session, user: User | None = None) -> list[ApiToken]:
    query = select(ApiToken).order_by(ApiToken.id)
    if user is not None:
        query = query.where(ApiToken.user_id == user.id)
    return list(session.scalars(query))


def token_dict(token: ApiToken) -> dict:
    owner = token.user or token.device
    kind = "device" if token.device_id else "user"
    return {
        "id": token.id,
        "name": token.name,
        "owner": kind,
        "user": token.user.username if token.user else None,
        "device": token.device.name if token.device else None,
        "device_id": token.device_id,
        "active": token.revoked_at is None and owner is not None and owner.active,
        "created_at": iso(token.created_at),
        "last_used_at": iso(token.last_used_at),
        "revoked_at": iso(token.revoked_at),
    }
