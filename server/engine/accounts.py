"""Accounts: devices and their tokens, users and their sessions, bearer tokens, and the
audit log. A change that takes rights away ends the sessions and sockets that held them
(`credentials_revoked`, sent after the commit like every other event)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from ..i18n import english
from ..models import ApiToken, AuditEntry, Device, LoginAttempt, Office, User
from . import audit, credentials
from .commit_then_publish import Unit
from .context import office_by_code
from .errors import Conflict, Forbidden, Invalid, NotFound
from .events import Event

DEVICE_FIELDS = ("name", "printer_url", "paper", "printer_profile", "active")
# What the API asks of a password (server/api/schemas.py UserIn), asked of the CLI's too.
PASSWORD_LENGTH = (8, 200)


class AccountAdmin(Unit):
    # -- devices

    def create_device(
        self, office_code: str, values: dict[str, Any], user_id: int | None = None
    ) -> tuple[dict[str, Any], str]:
        """Register a device; returns it and its token (shown once)."""
        office_id = self.ctx.office_id(office_code)
        with self.tx.office(office_id) as (session, _outbox):
            try:
                device = credentials.create_device(
                    session,
                    office_code,
                    values["kind"],
                    values["name"],
                    values.get("printer_url"),
                    values.get("paper", 80),
                    values.get("counter_number"),
                    policy=self.ctx.printer_policy,
                )
            except credentials.AccountError as exc:
                raise Invalid(exc.message, field=exc.field or "device") from exc
            token = credentials.create_token(session, device, f"device:{device.name}")
            self._audit(
                session, office_id, user_id, "device.create", device.name, after=device.to_dict()
            )
            return device.to_dict(), token

    def update_device(
        self, device_id: int, changes: dict[str, Any], user_id: int | None = None
    ) -> dict[str, Any]:
        office_id = self.ctx.office_of("device", device_id)
        with self.tx.office(office_id) as (session, outbox):
            device = session.get(Device, device_id)
            if changes.get("printer_url"):
                try:
                    credentials.check_printer_url(changes["printer_url"], self.ctx.printer_policy)
                except credentials.AccountError as exc:
                    raise Invalid(exc.message, field="printer_url") from exc
            if "paper" in changes and changes["paper"] not in (58, 80):
                raise Invalid(english("paper"), field="paper")
            before, after = audit.apply(device, changes, DEVICE_FIELDS)
            if after:
                self._audit(
                    session, office_id, user_id, "device.update", device.name, before, after
                )
            if after.get("active") is False:
                outbox.send(Event("credentials_revoked", (), {"device": device_id}))
            result = device.to_dict()
        return result

    def new_device_token(self, device_id: int, user_id: int | None = None) -> str:
        """A fresh token for a device; its old tokens stop working."""
        office_id = self.ctx.office_of("device", device_id)
        with self.tx.office(office_id) as (session, outbox):
            device = session.get(Device, device_id)
            credentials.revoke_tokens(session, device, self.ctx.clock())
            token = credentials.create_token(session, device, f"device:{device.name}")
            self._audit(session, office_id, user_id, "device.token", device.name)
            outbox.send(Event("credentials_revoked", (), {"device": device_id}))
        return token

    def revoke_device(self, device_id: int, user_id: int | None = None) -> dict[str, Any]:
        """Take a device out of service for good (stolen, replaced): it is deactivated and
        its tokens revoked, so reactivating it later in /admin still needs a new token.
        `changed` is False when it was revoked already (nothing is written then)."""
        office_id = self.ctx.office_of("device", device_id)
        with self.ctx.db.read() as session:
            device = session.get(Device, device_id)
            if not device.active and not _live_tokens(session, device_id):
                # Nothing to do: not even the office lock, which would raise its version.
                return {**device.to_dict(), "tokens_revoked": 0, "changed": False}
        with self.tx.office(office_id) as (session, outbox):
            device = session.get(Device, device_id)
            was_active = device.active
            device.active = False
            stopped = credentials.revoke_tokens(session, device, self.ctx.clock())
            changed = was_active or stopped > 0
            if changed:
                self._audit(
                    session,
                    office_id,
                    user_id,
                    "device.revoke",
                    device.name,
                    {"active": was_active},
                    {"active": False, "tokens_revoked": stopped},
                )
                outbox.send(Event("credentials_revoked", (), {"device": device_id}))
            return {**device.to_dict(), "tokens_revoked": stopped, "changed": changed}

    # -- users: admins every user; a manager the officers of their own offices (`within`:
    # the manager's office ids, None for an admin). The API checks the role, the rule
    # below what a manager may do, inside the same transaction as the change.

    def users(self, within: frozenset[int] | None = None) -> list[dict[str, Any]]:
        """Every user (admins), or those of the offices `within` (a manager's)."""
        query = select(User).order_by(User.username)
        if within is not None:
            query = query.where(User.offices.any(Office.id.in_(within)))
        with self.ctx.db.read() as session:
            return [_user_dict(u) for u in session.scalars(query)]

    def create_user(
        self,
        values: dict[str, Any],
        user_id: int | None = None,
        within: frozenset[int] | None = None,
    ) -> dict[str, Any]:
        with self.tx.write() as (session, outbox):
            if within is not None:
                _steward_may_create(session, values, within)
            _check_password(values["password"])
            try:
                user = credentials.create_user(
                    session,
                    values["username"],
                    values["role"],
                    values.get("offices", []),
                    values["password"],
                    values.get("full_name", ""),
                )
            except credentials.AccountExists as exc:
                raise Conflict(exc.message, field=exc.field or "username") from exc
            except credentials.AccountError as exc:
                raise Invalid(exc.message, field=exc.field or "username") from exc
            after = _user_dict(user)
            self._audit_user(session, user, user_id, "user.create", None, after)
            return after

    def update_user(
        self,
        target_id: int,
        changes: dict[str, Any],
        user_id: int | None = None,
        keep_credential: str | None = None,
        within: frozenset[int] | None = None,
    ) -> dict[str, Any]:
        """Change a user. A new password, deactivation, or another role or office ends
        the user's sessions and tokens (all but `keep_credential`, the caller's own
        session): what they were allowed before must not outlive the change. A manager
        (`within` their offices) changes only their own offices' officers."""
        with self.tx.write() as (session, outbox):
            user = session.get(User, target_id)
            if user is None:
                raise NotFound(english("does_not_exist", label="User", id=target_id))
            _own_user(user)
            if within is not None:
                _steward_may_change(session, user, changes, within, user_id)
            before = _user_dict(user)
            if "role" in changes:
                if changes["role"] not in credentials.ROLES:
                    raise Invalid(english("role", roles=", ".join(credentials.ROLES)), field="role")
                user.role = changes["role"]
            for key in ("full_name", "active"):
                if key in changes:
                    setattr(user, key, changes[key])
            if "offices" in changes:
                offices = session.scalars(
                    select(Office).where(Office.code.in_(changes["offices"]))
                ).all()
                if len(offices) != len(set(changes["offices"])):
                    raise Invalid(english("unknown_office"), field="offices")
                user.offices = list(offices)
            if changes.get("password"):
                user.password_hash = credentials.hash_password(changes["password"])
            if user.role != "admin" and not user.offices:
                raise Invalid(english("must_belong_one"), field="offices")
            after = _user_dict(user)
            revoked = 0
            if changes.get("password") or {"role", "offices", "active"} & {
                key for key in after if after[key] != before[key]
            }:
                revoked = self._revoke_user(session, user, keep_credential)
            audit_after = {**after, "password": "changed"} if changes.get("password") else after
            if revoked:
                audit_after = {**audit_after, "signed_out": revoked}
            self._audit_user(session, user, user_id, "user.update", before, audit_after)
            if revoked:
                outbox.send(Event("credentials_revoked", (), {"user": target_id}))
        return after

    def reset_password(
        self, username: str, password: str, user_id: int | None = None
    ) -> dict[str, Any]:
        """Set a user's password from the box's shell, as a locked-out sole admin needs:
        their sessions and tokens end (as with any password change) and their failed
        sign-ins are forgotten, so the sign-in throttle no longer holds them back."""
        _check_password(password)
        with self.tx.write() as (session, outbox):
            user = session.scalar(select(User).where(User.username == username))
            if user is None:
                raise NotFound(english("no_user", username=username), field="user")
            _own_user(user)
            user.password_hash = credentials.hash_password(password)
            revoked = self._revoke_user(session, user, None)
            cleared = session.execute(
                delete(LoginAttempt).where(
                    LoginAttempt.username == username[:64], LoginAttempt.success.is_(False)
                )
            ).rowcount
            after = {"password": "changed", "signed_out": revoked, "failed_sign_ins": cleared}
            self._audit_user(session, user, user_id, "user.password", None, after)
            if revoked:
                outbox.send(Event("credentials_revoked", (), {"user": user.id}))
            return {**_user_dict(user), "signed_out": revoked, "failed_sign_ins": cleared}

    def _audit_user(
        self,
        session: Session,
        user: User,
        user_id: int | None,
        action: str,
        before: dict | None,
        after: dict | None,
    ) -> None:
        """A user's change is in the audit log of each office they belong to."""
        for office in user.offices or [None]:
            self._audit(
                session,
                office.id if office else None,
                user_id,
                action,
                user.username,
                before,
                after,
            )

    def _revoke_user(self, session: Session, user: User, keep_credential: str | None) -> int:
        kind, _, ident = (keep_credential or "").partition(":")
        keep = int(ident) if kind == "session" and ident.isascii() and ident.isdigit() else None
        now = self.ctx.clock()
        ended = credentials.revoke_sessions(session, user, now, keep=keep)
        return ended + credentials.revoke_tokens(session, user, now)

    def sign_out_everywhere(self, target_id: int, user_id: int | None = None) -> dict[str, Any]:
        """End every session and token of a user (a lost phone, a leaked token)."""
        with self.tx.write() as (session, outbox):
            user = session.get(User, target_id)
            if user is None:
                raise NotFound(english("does_not_exist", label="User", id=target_id))
            revoked = self._revoke_user(session, user, None)
            self._audit_user(session, user, user_id, "user.sign_out", None, {"signed_out": revoked})
            outbox.send(Event("credentials_revoked", (), {"user": target_id}))
        return {"user": target_id, "signed_out": revoked}

    # -- bearer tokens

    def tokens(self, username: str | None = None) -> list[dict[str, Any]]:
        with self.ctx.db.read() as session:
            user = None
            if username is not None:
                user = session.scalar(select(User).where(User.username == username))
                if user is None:
                    raise NotFound(english("no_user", username=username), field="user")
            return [credentials.token_dict(t) for t in credentials.tokens(session, user)]

    def create_user_token(self, username: str, label: str, user_id: int | None = None) -> str:
        """A new bearer token acting as `username` (shown once)."""
        with self.tx.write() as (session, _outbox):
            user = session.scalar(select(User).where(User.username == username))
            if user is None:
                raise NotFound(english("no_user", username=username), field="user")
            _own_user(user)
            raw = credentials.create_token(session, user, label)
            self._audit_user(session, user, user_id, "token.create", None, {"name": label})
        return raw

    def revoke_token(self, token_id: int, user_id: int | None = None) -> dict[str, Any]:
        """Stop one token at once (its open sockets are closed too)."""
        with self.tx.write() as (session, outbox):
            token = session.get(ApiToken, token_id)
            if token is None:
                raise NotFound(english("does_not_exist", label="Token", id=token_id))
            if token.revoked_at is None:
                token.revoked_at = self.ctx.clock()
                office_id = token.device.office_id if token.device else None
                self._audit(
                    session,
                    office_id,
                    user_id,
                    "token.revoke",
                    token.name,
                    after={"token": token.id},
                )
            result = credentials.token_dict(token)
            outbox.send(Event("credentials_revoked", (), {"token": token_id}))
        return result

    # -- audit

    def audit_log(self, office_code: str | None, limit: int = 200) -> list[dict[str, Any]]:
        """An office's changes, newest first; with None, the server's own (centres,
        templates, a province's join)."""
        with self.ctx.db.read() as session:
            office_id = office_by_code(session, office_code).id if office_code else None
            rows = session.execute(
                select(AuditEntry, User.username)
                .outerjoin(User, User.id == AuditEntry.user_id)
                .where(
                    AuditEntry.office_id.is_(office_id)
                    if office_id is None
                    else AuditEntry.office_id == office_id
                )
                .order_by(AuditEntry.id.desc())
                .limit(limit)
            ).all()
            return [{**entry.to_dict(), "user": username} for entry, username in rows]


def _user_dict(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "username": user.username,
        "full_name": user.full_name,
        "role": user.role,
        "active": user.active,
        "offices": [office.code for office in user.offices],
    }


def _live_tokens(session: Session, device_id: int) -> int:
    query = select(func.count()).where(
        ApiToken.device_id == device_id, ApiToken.revoked_at.is_(None)
    )
    return session.scalar(query)


def _check_password(password: str) -> None:
    """The API's rule for a password (its schemas say it too), for every other way in."""
    low, high = PASSWORD_LENGTH
    if not low <= len(password) <= high:
        raise Invalid(
            english("password_length", low=low, high=high, length=len(password)),
            field="password",
        )


def _offices_named(session: Session, codes: list[str]) -> set[int] | None:
    """The ids of offices named by code; None when a code names no office."""
    ids = set(session.scalars(select(Office.id).where(Office.code.in_(codes))))
    return ids if len(ids) == len(set(codes)) else None


def _steward_may_create(session: Session, values: dict[str, Any], within: frozenset[int]) -> None:
    """A manager adds officers, to offices they manage, and nothing else."""
    if values["role"] != "officer":
        raise Forbidden(english("steward_role"), field="role")
    offices = _offices_named(session, values.get("offices", []))
    if not offices or not offices <= within:
        raise Forbidden(english("steward_offices"), field="offices")


def _steward_may_change(
    session: Session,
    user: User,
    changes: dict[str, Any],
    within: frozenset[int],
    actor_id: int | None,
) -> None:
    """A manager changes (names, passwords, deactivates, reactivates) officers whose every
    office they manage; never themselves, another manager or an administrator, never a
    role, and offices only among their own."""
    if user.id == actor_id:
        raise Forbidden(english("steward_self"), field="user")
    if user.role != "officer":
        raise Forbidden(english("steward_not_officer", username=user.username), field="user")
    mine = {office.id for office in user.offices}
    if not mine or not mine <= within:
        raise Forbidden(english("steward_not_yours", username=user.username), field="user")
    if changes.get("role", "officer") != "officer":
        raise Forbidden(english("steward_role"), field="role")
    if "offices" in changes:
        offices = _offices_named(session, changes["offices"])
        if not offices or not offices <= within:
            raise Forbidden(english("steward_offices"), field="offices")


def _own_user(user: User) -> None:
    """A centre's officer, known here by name for the reports, never signs in here."""
    if user.centre_id is not None:
        raise Conflict(english("mirrored_user", username=user.username), field="user")
