"""Office configuration: the office, its fields, counters and priority classes, one at a
time or as one document (a province's template). Every change is audited in its own
transaction and screens get a fresh snapshot afterwards."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..i18n import english
from ..models import Counter, CounterService, Office, PriorityClass, Service, Ticket
from . import audit, catalog, journal
from .commit_then_publish import Unit
from .context import office_by_code
from .errors import Conflict, Invalid, NotFound
from .rules import documents, numbers
from .rules import rating_scales as rating

OFFICE_FIELDS = tuple(key for key in catalog.OFFICE_KEYS if key != "settings")
SERVICE_FIELDS = tuple(k for k in catalog.SERVICE_KEYS if k != "code")
PRIORITY_FIELDS = ("name", "name_en", "sort_order", "active")


class OfficeAdmin(Unit):
    """An office's configuration: the office itself, its fields, counters and priority
    classes, one at a time or as one document."""

    # -- offices

    def create_office(self, document: dict[str, Any], user_id: int | None = None) -> dict:
        """A new office from a configuration document (e.g. a province's template)."""
        with self.tx.write() as (session, outbox):
            # On a centre, a new office is journaled like the others, from its first row.
            centre = journal.linked(session) is not None
            if centre:
                journal.start(session)
            office = catalog.create_office(session, document, self.ctx.clock())
            office.journal = centre
            self._audit(
                session,
                office.id,
                user_id,
                "office.create",
                office.code,
                after={"code": office.code, "name": office.name},
            )
            if centre:
                journal.write(session, self.ctx.clock())
            return catalog.export_office(office)

    def export_office(self, office_code: str) -> dict[str, Any]:
        with self.ctx.db.read() as session:
            return catalog.export_office(office_by_code(session, office_code))

    def update_office(
        self, office_code: str, changes: dict[str, Any], user_id: int | None = None
    ) -> dict[str, Any]:
        """Office fields and presentation settings (notice, hours, rating wording, ...)."""
        changes = documents.load(documents.OfficeFields, changes, partial=True)
        settings = changes.pop("settings", None)
        office_id = self.ctx.office_id(office_code)
        with self.tx.office(office_id) as (session, outbox):
            office = outbox.office
            before, after = audit.apply(office, changes, OFFICE_FIELDS)
            if settings is not None:
                merged = _check_settings({**(office.settings or {}), **settings})
                if merged != office.settings:
                    before["settings"], after["settings"] = office.settings, merged
                    office.settings = merged
            if after:
                self._audit(
                    session, office.id, user_id, "office.update", office.code, before, after
                )
            outbox.refresh.services.update(s.id for s in office.services)
            document = catalog.export_office(office)
            return {key: document[key] for key in ("code", *catalog.OFFICE_KEYS)}

    def import_office(
        self,
        office_code: str,
        document: dict[str, Any],
        user_id: int | None = None,
        action: str = "office.import",
    ) -> dict[str, Any]:
        """Apply a configuration document to an existing office, matching by code/number.

        Fields and classes missing from the document are deactivated, never deleted:
        past tickets still point at them.
        """
        document = _check_document(documents.OfficeDocument, document)
        if document["code"] != office_code:
            raise Invalid(
                english("other_document", code=document["code"], office=office_code),
                field="code",
            )
        office_id = self.ctx.office_id(office_code)
        with self.tx.office(office_id) as (session, outbox):
            office = outbox.office
            before = catalog.export_office(office)
            audit.apply(
                office, {k: document[k] for k in OFFICE_FIELDS if k in document}, OFFICE_FIELDS
            )
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
                    audit.apply(
                        service, {k: v for k, v in values.items() if k != "code"}, SERVICE_FIELDS
                    )
                wanted.append(service.code)
            for code, service in services.items():
                if code not in wanted:
                    service.active = False
            classes = {p.code: p for p in office.priority_classes}
            numbers.check_blocks(office.services)
            listed = document["priority_classes"]
            for order, item in enumerate(listed):
                values = {"sort_order": order, **catalog.pick(item, catalog.PRIORITY_KEYS)}
                if item["code"] in classes:
                    audit.apply(
                        classes[item["code"]],
                        {k: v for k, v in values.items() if k != "code"},
                        PRIORITY_FIELDS,
                    )
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
                counter.name = item.get("name") or f"Quầy {item['number']}"
                self._link_services(session, office, counter, item.get("services", []))
            session.flush()
            session.refresh(office)
            after = catalog.export_office(office)
            self._audit(session, office.id, user_id, action, office.code, before, after)
            outbox.refresh.services.update(s.id for s in office.services)
            return after

    # -- fields

    def create_service(
        self, office_code: str, values: dict[str, Any], user_id: int | None = None
    ) -> dict[str, Any]:
        values = documents.load(documents.ServiceFields, values)
        office_id = self.ctx.office_id(office_code)
        with self.tx.office(office_id) as (session, outbox):
            office = outbox.office
            if any(s.code == values.get("code") for s in office.services):
                raise Conflict(english("field_exists", code=values.get("code")), field="code")
            values = {"sort_order": len(office.services), **values}
            service = Service(office_id=office.id, **catalog.pick(values, catalog.SERVICE_KEYS))
            session.add(service)
            session.flush()
            session.refresh(office, ["services"])
            numbers.check_blocks(office.services)
            self._audit(
                session,
                office.id,
                user_id,
                "service.create",
                service.code,
                after=audit.values(service, catalog.SERVICE_KEYS),
            )
            outbox.refresh.services.add(service.id)
            return service.to_dict()

    def update_service(
        self, office_code: str, code: str, changes: dict[str, Any], user_id: int | None = None
    ) -> dict[str, Any]:
        changes = documents.load(documents.ServiceChange, changes, partial=True)
        office_id = self.ctx.office_id(office_code)
        with self.tx.office(office_id) as (session, outbox):
            service = session.scalar(
                select(Service).where(Service.office_id == office_id, Service.code == code)
            )
            if service is None:
                raise NotFound(english("unknown_field_code", code=code), field="service")
            before, after = audit.apply(service, changes, SERVICE_FIELDS)
            numbers.check_blocks(outbox.office.services)
            if after:
                self._audit(session, office_id, user_id, "service.update", code, before, after)
            outbox.refresh.services.add(service.id)
            return service.to_dict()

    # -- counters

    def create_counter(
        self,
        office_code: str,
        number: int,
        name: str,
        services: list[str],
        user_id: int | None = None,
    ) -> dict[str, Any]:
        documents.load(
            documents.CounterFields, {"number": number, "name": name, "services": services}
        )
        office_id = self.ctx.office_id(office_code)
        with self.tx.office(office_id) as (session, outbox):
            office = outbox.office
            if any(c.number == number for c in office.counters):
                raise Conflict(english("counter_exists", number=number), field="number")
            counter = Counter(office_id=office.id, number=number, name=name or f"Quầy {number}")
            session.add(counter)
            self._link_services(session, office, counter, services)
            session.flush()
            self._audit(
                session,
                office.id,
                user_id,
                "counter.create",
                str(number),
                after={"name": counter.name, "services": services},
            )
            outbox.refresh.counters.add(counter.id)
            return counter.to_dict()

    def update_counter(
        self, counter_id: int, changes: dict[str, Any], user_id: int | None = None
    ) -> dict[str, Any]:
        changes = documents.load(documents.CounterChange, changes, partial=True)
        office_id = self.ctx.office_of("counter", counter_id)
        with self.tx.office(office_id) as (session, outbox):
            counter = session.get(Counter, counter_id)
            before = _counter_values(counter)
            if "name" in changes:
                counter.name = changes["name"]
            if "services" in changes:
                self._link_services(session, outbox.office, counter, changes["services"])
            session.flush()
            after = _counter_values(counter)
            if after != before:
                self._audit(
                    session,
                    office_id,
                    user_id,
                    "counter.update",
                    str(counter.number),
                    before,
                    after,
                )
            outbox.refresh.counters.add(counter.id)
            return counter.to_dict()

    @staticmethod
    def _link_services(
        session: Session, office: Office, counter: Counter, codes: list[str]
    ) -> None:
        """The counter serves these fields, in this order (its "next" considers all)."""
        by_code = {s.code: s for s in office.services}
        unknown = [code for code in codes if code not in by_code]
        if unknown:
            raise Invalid(english("unknown_fields", codes=", ".join(unknown)), field="services")
        counter.links.clear()
        session.flush()
        for position, code in enumerate(dict.fromkeys(codes)):
            counter.links.append(CounterService(service_id=by_code[code].id, position=position))

    # -- priority classes

    def save_priority_class(
        self, office_code: str, code: str, values: dict[str, Any], user_id: int | None = None
    ) -> dict[str, Any]:
        """Create or change one priority class of the office."""
        documents.check_code(code)
        values = documents.load(documents.PriorityClassFields, values, partial=True)
        office_id = self.ctx.office_id(office_code)
        with self.tx.office(office_id) as (session, outbox):
            item = session.scalar(
                select(PriorityClass).where(
                    PriorityClass.office_id == office_id, PriorityClass.code == code
                )
            )
            if item is None:
                if not values.get("name"):
                    raise Invalid(english("class_needs_name"), field="name")
                item = PriorityClass(
                    office_id=office_id, code=code, sort_order=len(outbox.office.priority_classes)
                )
                session.add(item)
                _before, after = audit.apply(item, values, PRIORITY_FIELDS)
                before = None
                action = "priority.create"
            else:
                before, after = audit.apply(item, values, PRIORITY_FIELDS)
                action = "priority.update"
            session.flush()
            if after:
                self._audit(session, office_id, user_id, action, code, before, after)
            return item.to_dict() | {"active": item.active}

    def office_has_tickets(self, office_code: str) -> bool:
        with self.ctx.db.read() as session:
            office = office_by_code(session, office_code)
            count = session.scalar(
                select(func.count()).select_from(Ticket).where(Ticket.office_id == office.id)
            )
            return bool(count)


def _counter_values(counter: Counter) -> dict[str, Any]:
    return {"name": counter.name, "services": [link.service.code for link in counter.links]}


def _check_settings(settings: dict[str, Any]) -> dict[str, Any]:
    settings = documents.load(documents.Settings, settings)
    rating.scale(settings)
    return settings


def _check_document(schema: type, document: Any) -> dict[str, Any]:
    """The document checked by `schema`, its fields' number blocks checked together."""
    document = documents.load(schema, document)
    if "settings" in document:
        rating.scale(document["settings"])
    numbers.check_blocks(document.get("services", []))
    return document
