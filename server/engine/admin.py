"""Office administration: fields, counters, priority classes, settings, devices, users.

Every change is written to the audit log (who, when, what before and after) in the same
transaction, and screens get a fresh snapshot afterwards. Mixed into `Engine`, so the
engine stays the only writer.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import accounts
from ..models import (
    ApiToken,
    AuditEntry,
    Counter,
    CounterService,
    Device,
    Office,
    PriorityClass,
    Service,
    Ticket,
    User,
)
from . import catalog, documents, rating
from .errors import Conflict, Invalid, NotFound
from .events import Event

OFFICE_FIELDS = tuple(key for key in catalog.OFFICE_KEYS if key != "settings")
SETTING_KEYS = documents.SETTING_KEYS
SERVICE_FIELDS = tuple(k for k in catalog.SERVICE_KEYS if k != "code")
PRIORITY_FIELDS = ("name", "name_en", "sort_order", "active")
DEVICE_FIELDS = ("name", "printer_url", "paper", "printer_profile", "active")


def _values(obj: Any, keys: tuple[str, ...]) -> dict[str, Any]:
    return {key: getattr(obj, key) for key in keys}


def _apply(obj: Any, changes: dict[str, Any], keys: tuple[str, ...]) -> tuple[dict, dict]:
    """Set the allowed `changes`; returns (before, after) of what really changed."""
    unknown = set(changes) - set(keys)
    if unknown:
        raise Invalid(f"Cannot change {', '.join(sorted(unknown))}.", field=sorted(unknown)[0])
    before, after = {}, {}
    for key, value in changes.items():
        if getattr(obj, key) != value:
            before[key], after[key] = getattr(obj, key), value
            setattr(obj, key, value)
    return before, after


class Administration:
    """Configuration verbs of the engine (needs `_write`, `clock`, `db` and `printer_policy`
    from Engine)."""

    def _audit(
        self,
        session: Session,
        office_id: int | None,
        user_id: int | None,
        action: str,
        target: str,
        before: dict | None = None,
        after: dict | None = None,
    ) -> None:
        session.add(
            AuditEntry(
                office_id=office_id,
                user_id=user_id,
                at=self.clock(),
                action=action,
                target=target,
                before=_jsonable(before),
                after=_jsonable(after),
            )
        )

    # -- offices

    def create_office(self, document: dict[str, Any], user_id: int | None = None) -> dict:
        """A new office from a configuration document (e.g. a province's template)."""
        with self.db.write() as session:
            office = catalog.create_office(session, document, self.clock())
            self._audit(session, office.id, user_id, "office.create", office.code,
                        after={"code": office.code, "name": office.name})
            return catalog.export_office(office)

    def export_office(self, office_code: str) -> dict[str, Any]:
        with self.db.read() as session:
            return catalog.export_office(self._office_by_code(session, office_code))

    def update_office(self, office_code: str, changes: dict[str, Any],
                      user_id: int | None = None) -> dict[str, Any]:
        """Office fields and presentation settings (notice, hours, rating wording, ...)."""
        changes = documents.load(documents.OfficeFields, changes, partial=True)
        settings = changes.pop("settings", None)
        office_id = self.office_id(office_code)
        with self._write(office_id) as (session, outbox):
            office = outbox.office
            before, after = _apply(office, changes, OFFICE_FIELDS)
            if settings is not None:
                merged = _check_settings({**(office.settings or {}), **settings})
                if merged != office.settings:
                    before["settings"], after["settings"] = office.settings, merged
                    office.settings = merged
            if after:
                self._audit(session, office.id, user_id, "office.update", office.code,
                            before, after)
            outbox.refresh.services.update(s.id for s in office.services)
            return {**office.to_dict(), "settings": dict(office.settings or {})}

    def import_office(self, office_code: str, document: dict[str, Any],
                      user_id: int | None = None) -> dict[str, Any]:
        """Apply a configuration document to an existing office, matching by code/number.

        Fields and classes missing from the document are deactivated, never deleted:
        past tickets still point at them.
        """
        document = _check_document(documents.OfficeDocument, document)
        if document["code"] != office_code:
            raise Invalid(
                f"This document is the configuration of office {document['code']}; set its "
                f"code to {office_code} to apply it here.",
                field="code",
            )
        office_id = self.office_id(office_code)
        with self._write(office_id) as (session, outbox):
            office = outbox.office
            before = catalog.export_office(office)
            _apply(office, {k: document[k] for k in OFFICE_FIELDS if k in document},
                   OFFICE_FIELDS)
            if "settings" in document:
                office.settings = _check_settings(dict(document["settings"] or {}))
            services = {s.code: s for s in office.services}
            wanted = []
            for order, item in enumerate(document["services"]):
                values = {"sort_order": order, **catalog.pick(item, catalog.SERVICE_KEYS)}
                service = services.get(item["code"])
                if service is None:
                    service = Service(office_id=office.id, **values)
                    session.add(service)
                    services[service.code] = service
                else:
                    _apply(service, {k: v for k, v in values.items() if k != "code"},
                           SERVICE_FIELDS)
                wanted.append(service.code)
            for code, service in services.items():
                if code not in wanted:
                    service.active = False
            classes = {p.code: p for p in office.priority_classes}
            documents.check_blocks(office.services)
            listed = document["priority_classes"]
            for order, item in enumerate(listed):
                values = {"sort_order": order, **catalog.pick(item, catalog.PRIORITY_KEYS)}
                if item["code"] in classes:
                    _apply(classes[item["code"]],
                           {k: v for k, v in values.items() if k != "code"}, PRIORITY_FIELDS)
                else:
                    session.add(PriorityClass(office_id=office.id, **values))
            for code, item in classes.items():
                if code not in {c["code"] for c in listed}:
                    item.active = False
            session.flush()
            session.expire(office, ["services", "priority_classes", "counters"])
            counters = {c.number: c for c in office.counters}
            for item in document["counters"]:
                counter = counters.get(item["number"])
                if counter is None:
                    counter = Counter(office_id=office.id, number=item["number"])
                    session.add(counter)
                counter.name = item.get("name", f"Quầy {item['number']}")
                self._link_services(session, office, counter, item.get("services", []))
            session.flush()
            session.refresh(office)
            after = catalog.export_office(office)
            self._audit(session, office.id, user_id, "office.import", office.code,
                        before, after)
            outbox.refresh.services.update(s.id for s in office.services)
            return after

    # -- fields

    def create_service(self, office_code: str, values: dict[str, Any],
                       user_id: int | None = None) -> dict[str, Any]:
        values = documents.load(documents.ServiceFields, values)
        office_id = self.office_id(office_code)
        with self._write(office_id) as (session, outbox):
            office = outbox.office
            if any(s.code == values.get("code") for s in office.services):
                raise Conflict(f"Field {values.get('code')!r} exists already.", field="code")
            values = {"sort_order": len(office.services), **values}
            service = Service(office_id=office.id, **catalog.pick(values, catalog.SERVICE_KEYS))
            session.add(service)
            session.flush()
            session.refresh(office, ["services"])
            documents.check_blocks(office.services)
            self._audit(session, office.id, user_id, "service.create", service.code,
                        after=_values(service, catalog.SERVICE_KEYS))
            outbox.refresh.services.add(service.id)
            return service.to_dict()

    def update_service(self, office_code: str, code: str, changes: dict[str, Any],
                       user_id: int | None = None) -> dict[str, Any]:
        changes = documents.load(documents.ServiceChange, changes, partial=True)
        office_id = self.office_id(office_code)
        with self._write(office_id) as (session, outbox):
            service = session.scalar(
                select(Service).where(Service.office_id == office_id, Service.code == code)
            )
            if service is None:
                raise NotFound(f"No field {code!r} here.", field="service")
            before, after = _apply(service, changes, SERVICE_FIELDS)
            documents.check_blocks(outbox.office.services)
            if after:
                self._audit(session, office_id, user_id, "service.update", code, before, after)
            outbox.refresh.services.add(service.id)
            return service.to_dict()

    # -- counters

    def create_counter(self, office_code: str, number: int, name: str,
                       services: list[str], user_id: int | None = None) -> dict[str, Any]:
        documents.load(documents.CounterFields,
                       {"number": number, "name": name, "services": services})
        office_id = self.office_id(office_code)
        with self._write(office_id) as (session, outbox):
            office = outbox.office
            if any(c.number == number for c in office.counters):
                raise Conflict(f"Counter {number} exists already.", field="number")
            counter = Counter(office_id=office.id, number=number, name=name or f"Quầy {number}")
            session.add(counter)
            self._link_services(session, office, counter, services)
            session.flush()
            self._audit(session, office.id, user_id, "counter.create", str(number),
                        after={"name": counter.name, "services": services})
            outbox.refresh.counters.add(counter.id)
            return counter.to_dict()

    def update_counter(self, counter_id: int, changes: dict[str, Any],
                       user_id: int | None = None) -> dict[str, Any]:
        changes = documents.load(documents.CounterChange, changes, partial=True)
        office_id = self.office_of("counter", counter_id)
        with self._write(office_id) as (session, outbox):
            counter = session.get(Counter, counter_id)
            before = _counter_values(counter)
            if "name" in changes:
                counter.name = changes["name"]
            if "services" in changes:
                self._link_services(session, outbox.office, counter, changes["services"])
            session.flush()
            after = _counter_values(counter)
            if after != before:
                self._audit(session, office_id, user_id, "counter.update", str(counter.number),
                            before, after)
            outbox.refresh.counters.add(counter.id)
            return counter.to_dict()

    @staticmethod
    def _link_services(session: Session, office: Office, counter: Counter,
                       codes: list[str]) -> None:
        """The counter serves these fields, in this order (its "next" considers all)."""
        by_code = {s.code: s for s in office.services}
        unknown = [code for code in codes if code not in by_code]
        if unknown:
            raise Invalid(f"Unknown fields: {', '.join(unknown)}.", field="services")
        counter.links.clear()
        session.flush()
        for position, code in enumerate(dict.fromkeys(codes)):
            counter.links.append(CounterService(service_id=by_code[code].id, position=position))

    # -- priority classes

    def save_priority_class(self, office_code: str, code: str, values: dict[str, Any],
                            user_id: int | None = None) -> dict[str, Any]:
        """Create or change one priority class of the office."""
        documents.check_code(code)
        values = documents.load(documents.PriorityClassFields, values, partial=True)
        office_id = self.office_id(office_code)
        with self._write(office_id) as (session, outbox):
            item = session.scalar(
                select(PriorityClass).where(
                    PriorityClass.office_id == office_id, PriorityClass.code == code
                )
            )
            if item is None:
                if not values.get("name"):
                    raise Invalid("A new priority class needs a name.", field="name")
                item = PriorityClass(office_id=office_id, code=code,
                                     sort_order=len(outbox.office.priority_classes))
                session.add(item)
                _before, after = _apply(item, values, PRIORITY_FIELDS)
                before = None
                action = "priority.create"
            else:
                before, after = _apply(item, values, PRIORITY_FIELDS)
                action = "priority.update"
            session.flush()
            if after:
                self._audit(session, office_id, user_id, action, code, before, after)
            return item.to_dict() | {"active": item.active}

    # -- devices

    def create_device(self, office_code: str, values: dict[str, Any],
                      user_id: int | None = None) -> tuple[dict[str, Any], str]:
        """Register a device; returns it and its token (shown once)."""
        office_id = self.office_id(office_code)
        with self._write(office_id) as (session, _outbox):
            try:
                device = accounts.create_device(
                    session, office_code, values["kind"], values["name"],
                    values.get("printer_url"), values.get("paper", 80),
                    values.get("counter_number"), policy=self.printer_policy,
                )
            except accounts.AccountError as exc:
                raise Invalid(str(exc), field=exc.field or "device") from exc
            token = accounts.create_token(session, device, f"device:{device.name}")
            self._audit(session, office_id, user_id, "device.create", device.name,
                        after=device.to_dict())
            return device.to_dict(), token

    def update_device(self, device_id: int, changes: dict[str, Any],
                      user_id: int | None = None) -> dict[str, Any]:
        office_id = self.office_of("device", device_id)
        with self._write(office_id) as (session, _outbox):
            device = session.get(Device, device_id)
            if changes.get("printer_url"):
                try:
                    accounts.check_printer_url(changes["printer_url"], self.printer_policy)
                except accounts.AccountError as exc:
                    raise Invalid(str(exc), field="printer_url") from exc
            if "paper" in changes and changes["paper"] not in (58, 80):
                raise Invalid("Paper must be 58 or 80 (mm).", field="paper")
            before, after = _apply(device, changes, DEVICE_FIELDS)
            if after:
                self._audit(session, office_id, user_id, "device.update", device.name,
                            before, after)
            result = device.to_dict()
        if after.get("active") is False:
            self.publish(Event("credentials_revoked", (), {"device": device_id}))
        return result

    def new_device_token(self, device_id: int, user_id: int | None = None) -> str:
        """A fresh token for a device; its old tokens stop working."""
        office_id = self.office_of("device", device_id)
        with self._write(office_id) as (session, _outbox):
            device = session.get(Device, device_id)
            accounts.revoke_tokens(session, device, self.clock())
            token = accounts.create_token(session, device, f"device:{device.name}")
            self._audit(session, office_id, user_id, "device.token", device.name)
        self.publish(Event("credentials_revoked", (), {"device": device_id}))
        return token

    # -- users (admins only; the API checks the role)

    def users(self) -> list[dict[str, Any]]:
        with self.db.read() as session:
            return [_user_dict(u) for u in session.scalars(select(User).order_by(User.username))]

    def create_user(self, values: dict[str, Any], user_id: int | None = None) -> dict[str, Any]:
        with self.db.write() as session:
            try:
                user = accounts.create_user(
                    session, values["username"], values["role"], values.get("offices", []),
                    values["password"], values.get("full_name", ""),
                )
            except accounts.AccountError as exc:
                raise Invalid(str(exc), field=exc.field or "username") from exc
            after = _user_dict(user)
            for office in user.offices or [None]:
                self._audit(session, office.id if office else None, user_id, "user.create",
                            user.username, after=after)
            return after

    def update_user(self, target_id: int, changes: dict[str, Any],
                    user_id: int | None = None, keep_credential: str | None = None
                    ) -> dict[str, Any]:
        """Change a user. A new password, deactivation, or another role or office ends
        the user's sessions and tokens (all but `keep_credential`, the caller's own
        session): what they were allowed before must not outlive the change."""
        with self.db.write() as session:
            user = session.get(User, target_id)
            if user is None:
                raise NotFound(f"User {target_id} does not exist.")
            before = _user_dict(user)
            if "role" in changes:
                if changes["role"] not in accounts.ROLES:
                    raise Invalid(f"Role must be one of {', '.join(accounts.ROLES)}.",
                                  field="role")
                user.role = changes["role"]
            for key in ("full_name", "active"):
                if key in changes:
                    setattr(user, key, changes[key])
            if "offices" in changes:
                offices = session.scalars(
                    select(Office).where(Office.code.in_(changes["offices"]))
                ).all()
                if len(offices) != len(set(changes["offices"])):
                    raise Invalid("Unknown office code.", field="offices")
                user.offices = list(offices)
            if changes.get("password"):
                user.password_hash = accounts.hash_password(changes["password"])
            if user.role != "admin" and not user.offices:
                raise Invalid("Officers and managers must belong to an office.", field="offices")
            after = _user_dict(user)
            revoked = 0
            if changes.get("password") or {"role", "offices", "active"} & {
                key for key in after if after[key] != before[key]
            }:
                revoked = self._revoke_user(session, user, keep_credential)
            audit_after = {**after, "password": "changed"} if changes.get("password") else after
            if revoked:
                audit_after = {**audit_after, "signed_out": revoked}
            for office in user.offices or [None]:
                self._audit(session, office.id if office else None, user_id, "user.update",
                            user.username, before, audit_after)
        if revoked:
            self.publish(Event("credentials_revoked", (), {"user": target_id}))
        return after

    def _revoke_user(self, session: Session, user: User, keep_credential: str | None) -> int:
        kind, _, ident = (keep_credential or "").partition(":")
        keep = int(ident) if kind == "session" and ident.isdigit() else None
        now = self.clock()
        ended = accounts.revoke_sessions(session, user, now, keep=keep)
        return ended + accounts.revoke_tokens(session, user, now)

    def sign_out_everywhere(self, target_id: int, user_id: int | None = None) -> dict[str, Any]:
        """End every session and token of a user (a lost phone, a leaked token)."""
        with self.db.write() as session:
            user = session.get(User, target_id)
            if user is None:
                raise NotFound(f"User {target_id} does not exist.")
            revoked = self._revoke_user(session, user, None)
            for office in user.offices or [None]:
                self._audit(session, office.id if office else None, user_id,
                            "user.sign_out", user.username, after={"signed_out": revoked})
        self.publish(Event("credentials_revoked", (), {"user": target_id}))
        return {"user": target_id, "signed_out": revoked}

    # -- bearer tokens

    def tokens(self, username: str | None = None) -> list[dict[str, Any]]:
        with self.db.read() as session:
            user = None
            if username is not None:
                user = session.scalar(select(User).where(User.username == username))
                if user is None:
                    raise NotFound(f"No user {username!r}.", field="user")
            return [accounts.token_dict(t) for t in accounts.tokens(session, user)]

    def revoke_token(self, token_id: int, user_id: int | None = None) -> dict[str, Any]:
        """Stop one token at once (its open sockets are closed too)."""
        with self.db.write() as session:
            token = session.get(ApiToken, token_id)
            if token is None:
                raise NotFound(f"Token {token_id} does not exist.")
            if token.revoked_at is None:
                token.revoked_at = self.clock()
                office_id = token.device.office_id if token.device else None
                self._audit(session, office_id, user_id, "token.revoke",
                            token.name, after={"token": token.id})
            result = accounts.token_dict(token)
        self.publish(Event("credentials_revoked", (), {"token": token_id}))
        return result

    # -- audit

    def audit_log(self, office_code: str, limit: int = 200) -> list[dict[str, Any]]:
        with self.db.read() as session:
            office = self._office_by_code(session, office_code)
            rows = session.execute(
                select(AuditEntry, User.username)
                .outerjoin(User, User.id == AuditEntry.user_id)
                .where(AuditEntry.office_id == office.id)
                .order_by(AuditEntry.id.desc())
                .limit(limit)
            ).all()
            return [{**entry.to_dict(), "user": username} for entry, username in rows]

    def office_has_tickets(self, office_code: str) -> bool:
        with self.db.read() as session:
            office = self._office_by_code(session, office_code)
            count = session.scalar(
                select(func.count()).select_from(Ticket).where(Ticket.office_id == office.id)
            )
            return bool(count)


def _counter_values(counter: Counter) -> dict[str, Any]:
    return {"name": counter.name, "services": [link.service.code for link in counter.links]}


def _user_dict(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "username": user.username,
        "full_name": user.full_name,
        "role": user.role,
        "active": user.active,
        "offices": [office.code for office in user.offices],
    }


def _check_settings(settings: dict[str, Any]) -> dict[str, Any]:
    settings = documents.load(documents.Settings, settings)
    rating.scale(settings)
    return settings


def _check_document(schema: type, document: Any) -> dict[str, Any]:
    """The document checked by `schema`, its fields' number blocks checked together."""
    document = documents.load(schema, document)
    if "settings" in document:
        rating.scale(document["settings"])
    documents.check_blocks(document.get("services", []))
    return document


def _jsonable(value: dict | None) -> dict | None:
    """Audit values as JSON: dates and times as text."""
    if value is None:
        return None
    return {
        key: item.isoformat() if isinstance(item, dt.date | dt.datetime | dt.time) else item
        for key, item in value.items()
    }
