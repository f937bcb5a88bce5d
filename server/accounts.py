"""Users and bearer tokens: creation, password checks, token lookup.

Plain functions over a session so the CLI, the seed and the web share them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import ApiToken, Office, User

ROLES = ("officer", "manager", "admin")
TOKEN_PREFIX = "luot_"

_hasher = PasswordHasher()


class AccountError(ValueError):
    """A user or token request that cannot be carried out (unknown office, bad role...)."""


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
        raise AccountError(f"Role must be one of {', '.join(ROLES)}.")
    if session.scalar(select(User).where(User.username == username)) is not None:
        raise AccountError(f"User {username!r} already exists.")
    offices = []
    for code in office_codes:
        office = session.scalar(select(Office).where(Office.code == code))
        if office is None:
            raise AccountError(f"No office with code {code!r}.")
        offices.append(office)
    if role != "admin" and not offices:
        raise AccountError("Officers and managers must belong to at least one office.")
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


def create_token(session: Session, user: User, name: str) -> str:
    """A new bearer token for `user`; the raw value is returned once and never stored."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(
        ApiToken(
            token_hash=_digest(raw), name=name, user=user, created_at=dt.datetime.now(dt.UTC)
        )
    )
    session.flush()
    return raw


def user_for_token(session: Session, raw: str) -> User | None:
    token = session.scalar(
        select(ApiToken).where(ApiToken.token_hash == _digest(raw), ApiToken.revoked_at.is_(None))
    )
    if token is None or token.user is None or not token.user.active:
        return None
    return token.user


def may_act_in(user: User, office_id: int) -> bool:
    return user.role == "admin" or any(office.id == office_id for office in user.offices)
