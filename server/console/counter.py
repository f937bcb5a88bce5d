"""The officer's counter console (`/counter`): one page, kept live over Socket.IO.

The page is rendered with what it needs to start (the offices the officer may work in,
their counters, fields and priority classes); everything that changes afterwards comes from
the counter room (`snapshot`, `queue_changed`) and the REST API, which the page calls with
the session cookie and the CSRF header. These views only read.
"""

from __future__ import annotations

from typing import Any

from flask import render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import current
from ..engine.rules.documents import office_setting
from ..engine.rules.dossier import PATTERN as DOSSIER_PATTERN
from ..models import Counter, CounterService, Office
from .blueprint import bp
from .session import login_required

STAFF_PAGE_ROLES = ("officer", "manager")


def _office_view(office: Office) -> dict[str, Any]:
    """What the console needs about one office before its first snapshot arrives."""
    return {
        "code": office.code,
        "name": office.name,
        "recalls_before_no_show": office.recalls_before_no_show,
        "transfer_keeps_place": office.transfer_keeps_place,
        "counters_per_officer": office_setting(office.settings, "counters_per_officer"),
        # For the return-of-results dialog's default day and its hint (the engine checks).
        "timezone": office.timezone,
        "hours": (office.settings or {}).get("hours") or None,
        "closed_days": (office.settings or {}).get("closed_days") or [],
        "counters": [
            {
                **counter.ref(),
                "state": counter.state,
                "services": [link.service.code for link in counter.links],
                "officer": (counter.officer.full_name or counter.officer.username)
                if counter.officer
                else None,
            }
            for counter in office.counters
        ],
        "services": [{**service.ref(), "active": service.active} for service in office.services],
        "priority_classes": [pc.to_dict() for pc in office.priority_classes],
    }


def console_offices(office_ids: frozenset[int], everyone: bool) -> list[dict[str, Any]]:
    """The offices a principal may work in (admins: all), by code."""
    db = current.database()
    query = (
        select(Office)
        .order_by(Office.code)
        .options(
            selectinload(Office.counters)
            .selectinload(Counter.links)
            .selectinload(CounterService.service),
            selectinload(Office.counters).selectinload(Counter.officer),
            selectinload(Office.services),
            selectinload(Office.priority_classes),
        )
    )
    if not everyone:
        query = query.where(Office.id.in_(office_ids))
    with db.read() as session:
        return [_office_view(office) for office in session.scalars(query)]


def held_counters(user_id: int | None) -> list[int]:
    """The counters an officer holds (opened and not closed since), by office and number."""
    if user_id is None:
        return []
    query = (
        select(Counter.id)
        .where(Counter.officer_id == user_id, Counter.state != "closed")
        .order_by(Counter.office_id, Counter.number)
    )
    with current.database().read() as session:
        return list(session.scalars(query))


@bp.get("/counter")
@login_required(*STAFF_PAGE_ROLES)
def counter_console():
    principal = current_user.principal
    page = {
        "user": {"name": principal.name, "role": principal.role, "id": principal.user_id},
        "offices": console_offices(principal.office_ids, principal.role == "admin"),
        "preselect": request.args.get("counter", type=int),
        # The page opens the first of these rather than asking which counter again.
        "held": held_counters(principal.user_id),
        "csrf_url": url_for("console.csrf_token"),
        # The form of a dossier code, checked before sending: the engine's own pattern.
        "dossier_pattern": DOSSIER_PATTERN.pattern,
    }
    return render_template("console/counter.html", page=page)
