"""Users and bearer tokens: creation, password checks, token lookup.

Plain functions over a session so the CLI, the seed and the web share them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import secrets
from typing import TYPE_CHECKING

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import ApiToken, Device, LoginAttempt, Office, User

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
        self.field = field


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(user: User, password: str) -> bool:
    try:
        return _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def create_user(
    session: Session,
    username: str,
    role: str,
    office_codes: list[str],
    password: str,
    full_name: str = "",
) -> User:
    if role not in ROLES:
        raise AccountError(f"Role must be one of {', '.join(ROLES)}.", "role")
    if session.scalar(select(User).where(User.username == username)) is not None:
        raise AccountError(f"User {username!r} already exists.", "username")
    offices = []
    for code in office_codes:
        office = session.scalar(select(Office).where(Office.code == code))
        if office is None:
            raise AccountError(f"No office with code {code!r}.", "offices")
        offices.append(office)
    if role != "admin" and not offices:
        raise AccountError("Officers and managers must belong to at least one office.", "offices")
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


def create_token(
    session: Session, owner: User | Device, name: str
) -> str:
    """A new bearer token for a user or a device; the raw value is returned once, never stored."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(token_hash=_digest(raw), name=name, created_at=dt.datetime.now(dt.UTC))
    if isinstance(owner, Device):
        token.device = owner
    else:
        token.user = owner
    session.add(token)
    session.flush()
    return raw


def token_for(session: Session, raw: str) -> ApiToken | None:
    """The live token behind `raw`, whose user or device is still active."""
    token = session.scalar(
        select(ApiToken).where(ApiToken.token_hash == _digest(raw), ApiToken.revoked_at.is_(None))
    )
    if token is None:
        return None
    owner = token.user or token.device
    return token if owner is not None and owner.active else None


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
        raise AccountError(f"Device kind must be one of {', '.join(DEVICE_KINDS)}.", "kind")
    office = session.scalar(select(Office).where(Office.code == office_code))
    if office is None:
        raise AccountError(f"No office with code {office_code!r}.")
    if paper not in (58, 80):
        raise AccountError("Paper must be 58 or 80 (mm).", "paper")
    counter_id = None
    if counter_number is not None:
        counter = next((c for c in office.counters if c.number == counter_number), None)
        if counter is None:
            raise AccountError(
                f"Office {office_code} has no counter {counter_number}.", "counter_number"
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


# Sign-in throttling: after this many failures in the window, each further attempt waits
# twice as long as the one before (1, 2, 4 ... minutes, at most the window).
FREE_FAILURES = 5
WINDOW = dt.timedelta(minutes=15)


def sign_in(session: Session, username: str, password: str, address: str,
            now: dt.datetime) -> User | None:
    """The user for these credentials, or None; Throttled after too many failures.

    The attempt is recorded either way, so the caller must commit even on None.
    """
    failures = session.scalars(
        select(LoginAttempt.at)
        .where(
            LoginAttempt.username == username,
            LoginAttempt.success.is_(False),
            LoginAttempt.at > now - WINDOW,
        )
        .order_by(LoginAttempt.at.desc())
    ).all()
    if len(failures) >= FREE_FAILURES:
        wait = min(WINDOW, dt.timedelta(minutes=2 ** (len(failures) - FREE_FAILURES)))
        if now < failures[0] + wait:
            raise Throttled(failures[0] + wait - now)
    user = session.scalar(select(User).where(User.username == username))
    ok = user is not None and user.active and check_password(user, password)
    session.add(LoginAttempt(username=username[:64], address=address[:64], success=ok, at=now))
    return user if ok else None


class Throttled(AccountError):
    """Too many failed sign-ins; `wait` says for how long to hold off."""

    def __init__(self, wait: dt.timedelta) -> None:
        self.wait = wait
        minutes = max(1, round(wait.total_seconds() / 60))
        super().__init__(f"Too many failed sign-ins; try again in {minutes} minute(s).")


def revoke_tokens(session: Session, owner: User | Device, now: dt.datetime) -> None:
    column = ApiToken.device_id if isinstance(owner, Device) else ApiToken.user_id
    for token in session.scalars(
        select(ApiToken).where(column == owner.id, ApiToken.revoked_at.is_(None))
    ):
        token.revoked_at = now
