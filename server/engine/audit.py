"""The audit log: who changed what, when, before and after, in the change's transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from ..i18n import english
from ..models import AuditEntry
from .errors import Invalid


def record(
    session: Session,
    at: dt.datetime,
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
            at=at,
            action=action,
            target=target,
            before=_jsonable(before),
            after=_jsonable(after),
        )
    )


def values(obj: Any, keys: tuple[str, ...]) -> dict[str, Any]:
    return {key: getattr(obj, key) for key in keys}


def apply(obj: Any, changes: dict[str, Any], keys: tuple[str, ...]) -> tuple[dict, dict]:
    """Set the allowed `changes`; returns (before, after) of what really changed."""
    unknown = set(changes) - set(keys)
    if unknown:
        raise Invalid(
            english("cannot_change", names=", ".join(sorted(unknown))), field=sorted(unknown)[0]
        )
    before, after = {}, {}
    for key, value in changes.items():
        if getattr(obj, key) != value:
            before[key], after[key] = getattr(obj, key), value
            setattr(obj, key, value)
    return before, after


def _jsonable(value: dict | None) -> dict | None:
    """Audit values as JSON: dates and times as text."""
    if value is None:
        return None
    return {
        key: item.isoformat() if isinstance(item, dt.date | dt.datetime | dt.time) else item
        for key, item in value.items()
    }
