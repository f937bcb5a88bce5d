"""Reports: live figures from the event log (`live`), rollups per office-day (`days`), the
appointments' figures, the manager's live overview, and the CSV and XLSX exports.

`report` is the one entry for figures: a short scope is read ticket by ticket, a long one
from the day rollups. `days` builds on `live`; neither imports this package's entry.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from . import days
from .live import (
    GROUPS,
    MAX_LISTED_OFFICES,
    Scope,
    figures,
    live_report,
    scope,
    scope_all,
    ticket_log,
)

__all__ = [
    "GROUPS",
    "MAX_LISTED_OFFICES",
    "Scope",
    "figures",
    "report",
    "scope",
    "scope_all",
    "ticket_log",
]


def report(
    session: Session,
    where: Scope,
    group: str = "service",
    also: tuple[str, ...] = (),
    top: int | None = None,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """Everything the report page shows for a scope, grouped one way (see `live_report`).

    A scope of more than `days.ROLLUP_DAYS` days is read from the day rollups (medians and
    p90 approximate: `approximate` says which)."""
    if days.applies(where):
        return days.report(session, where, now or dt.datetime.now(dt.UTC), group, also, top)
    return live_report(session, where, group, also, top)
