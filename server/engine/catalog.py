"""An office's configuration as one plain document: create an office from it, or export it.

The same document seeds the demo, and lets a province set up every commune from one file.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..i18n import english
from ..models import Counter, CounterService, Office, PriorityClass, Service
from .errors import Conflict, Invalid
from .rules import documents, numbers
from .rules import rating_scales as rating

DEFAULT_PRIORITY_CLASSES = [
    {"code": "elderly", "name": "Người cao tuổi (từ 60 tuổi)", "name_en": "Elderly (60+)"},
    {"code": "disability", "name": "Người khuyết tật", "name_en": "Person with a disability"},
    {"code": "pregnant", "name": "Phụ nữ mang thai", "name_en": "Pregnant woman"},
    {
        "code": "child",
        "name": "Người đi cùng trẻ dưới 6 tuổi",
        "name_en": "Carer of a child under 6",
    },
    {"code": "merit", "name": "Người có công với cách mạng", "name_en": "Person of merit"},
]

# At most three priority calls in a row at a counter while ordinary tickets wait.
DEFAULT_STREAK_LIMIT = 3

OFFICE_KEYS = (
    "name",
    "address",
    "district",
    "timezone",
    "priority_streak_limit",
    "transfer_keeps_place",
    "recalls_before_no_show",
    "elderly_age",
    "settings",
)
SERVICE_KEYS = (
    "code",
    "name",
    "name_en",
    "prefix",
    "number_start",
    "number_end",
    "digits",
    "active",
    "sort_order",
    "default_service_minutes",
    "target_wait_minutes",
)
PRIORITY_KEYS = ("code", "name", "name_en", "sort_order", "active")


def create_office(session: Session, config: dict[str, Any], now: dt.datetime) -> Office:
    """A new office with its fields, priority classes and counters, from one document.

    The document is checked here (server/engine/rules/documents.py), whoever brings it: the API,
    the CLI or the demo seed.
    """
    config = documents.load(documents.OfficeTemplate, config)
    if "settings" in config:
        rating.scale(config["settings"])
    numbers.check_blocks(config.get("services", []))
    code = config["code"]
    if session.scalar(select(Office).where(Office.code == code)) is not None:
        raise Conflict(english("office_exists", code=code), field="code")
    values = {"priority_streak_limit": DEFAULT_STREAK_LIMIT, **pick(config, OFFICE_KEYS)}
    office = Office(code=code, created_at=now, **values)
    session.add(office)
    session.flush()
    services = {}
    for order, item in enumerate(config.get("services", [])):
        values = {"sort_order": order, **pick(item, SERVICE_KEYS)}
        service = Service(office_id=office.id, **values)
        session.add(service)
        services[service.code] = service
    classes = config.get("priority_classes", DEFAULT_PRIORITY_CLASSES)
    for order, item in enumerate(classes):
        values = {"sort_order": order, **pick(item, PRIORITY_KEYS)}
        session.add(PriorityClass(office_id=office.id, **values))
    session.flush()
    for item in config.get("counters", []):
        counter = Counter(
            office_id=office.id,
            number=item["number"],
            name=item.get("name") or f"Quầy {item['number']}",
            state=item.get("state", "closed"),
        )
        for position, service_code in enumerate(item.get("services", [])):
            if service_code not in services:
                raise Invalid(
                    english("serves_unknown", number=item["number"], code=service_code),
                    field="counters",
                )
            counter.links.append(
                CounterService(service_id=services[service_code].id, position=position)
            )
        session.add(counter)
    session.flush()
    return office


def export_office(office: Office) -> dict[str, Any]:
    """The document `create_office` takes, so export then import reproduces the office."""
    return {
        "code": office.code,
        **{key: getattr(office, key) for key in OFFICE_KEYS},
        "services": [{k: getattr(s, k) for k in SERVICE_KEYS} for s in office.services],
        "priority_classes": [
            {k: getattr(p, k) for k in PRIORITY_KEYS} for p in office.priority_classes
        ],
        "counters": [
            {
                "number": c.number,
                "name": c.name,
                "services": [link.service.code for link in c.links],
            }
            for c in office.counters
        ],
    }


def pick(values: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    return {key: values[key] for key in keys if key in values}
