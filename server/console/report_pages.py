"""The manager's pages of issue 6: the live overview (`/admin/overview`) and the reports
(`/admin/reports`).

Both pages are thin, like the other admin pages: they render a skeleton plus the offices
the user may see, and their scripts (`static/js/overview.js`, `static/js/reports.js`) read
everything else from the REST API with the session cookie (`/offices/<code>/overview`,
`/reports`, `/reports/export`) and follow changes over Socket.IO. Nothing here writes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from flask import abort, render_template, request
from flask_login import current_user

from .. import current
from ..i18n import t
from ..reports.live import GROUPS, MAX_LISTED_OFFICES
from .blueprint import bp
from .language import staff_lang
from .session import Forbidden, login_required

# A chart shows this many counters (officers, fields, offices) and the rest as one bar.
CHART_TOP = 12

DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"


def _offices() -> list[dict[str, Any]]:
    """The offices this user may see (admins: all), as `GET /api/v1/me` lists them."""
    principal = current_user.principal
    view = current.engine().principal_view(
        principal.role, principal.office_ids, principal.name, principal.user_id, None
    )
    return view["offices"]


def _nav(current: str) -> list[dict[str, Any]]:
    lang = staff_lang()
    tabs = [
        {
            "path": "/admin/overview",
            "title": t("admin.nav.overview", lang),
            "current": current == "overview",
        },
        {
            "path": "/admin/reports",
            "title": t("admin.reports", lang),
            "current": current == "reports",
        },
        {"path": "/admin", "title": t("staff.admin", lang), "current": False},
    ]
    if current_user.principal.role == "admin":
        tabs.insert(
            1,
            {
                "path": "/admin/province",
                "title": t("admin.prov.title", lang),
                "current": current == "province",
            },
        )
    return tabs


def _known_elsewhere(code: str) -> bool:
    return code in {o["code"] for o in current.engine().offices()}


def _today(offices: list[dict[str, Any]]) -> str:
    """Today in the (first) office's timezone: what the period presets count from."""
    zone = offices[0]["timezone"] if offices else DEFAULT_TIMEZONE
    return dt.datetime.now(ZoneInfo(zone or DEFAULT_TIMEZONE)).date().isoformat()


@bp.get("/admin/overview")
@login_required("manager")
def admin_overview():
    """Right now, one office at a time (`?office=CODE`, default the first)."""
    offices = _offices()
    wanted = request.args.get("office")
    office = next((o for o in offices if o["code"] == wanted), None)
    if wanted and office is None:
        if _known_elsewhere(wanted):
            return render_template("errors/error.html", error=Forbidden()), 403
        abort(404)
    office = office or (offices[0] if offices else None)
    page = {
        "office": office,
        "offices": offices,
        "api": "/api/v1",
        "refresh_ms": 2000,
        "poll_ms": 30000,
    }
    return render_template(
        "console/overview.html", page=page, office=office, offices=offices, nav=_nav("overview")
    )


@bp.get("/admin/province")
@login_required("admin")
def admin_province():
    """Every commune centre of the province at once: contact, sync lag, live figures."""
    page = {
        "api": "/api/v1",
        "poll_ms": 5000,
        "stale_after": current.settings()["PROVINCE_STALE_SECONDS"],
    }
    return render_template("console/province.html", page=page, nav=_nav("province"))


@bp.get("/admin/reports")
@login_required("manager")
def admin_reports():
    """Figures for a choice of offices, a period and a grouping; the filters travel in the
    query string (`office` or `all`, `from`, `to`, `group`, `preset`) so a report can be
    linked. "All offices" asks the API for `all=true`, not a list of every code: a province's
    150 centres are one report."""
    offices = _offices()
    mine = {o["code"] for o in offices}
    chosen = [code for code in request.args.getlist("office") if code in mine]
    group = request.args.get("group")
    page = {
        "offices": offices,
        "api": "/api/v1",
        "today": _today(offices),
        "groups": list(GROUPS),
        "targets": current.engine().report_targets([o["code"] for o in offices]),
        "chart_top": CHART_TOP,
        "max_offices": MAX_LISTED_OFFICES,
        "initial": {
            "all": request.args.get("all") in ("1", "true"),
            "offices": chosen,
            "from": request.args.get("from") or None,
            "to": request.args.get("to") or None,
            "group": group if group in GROUPS else None,
            "preset": request.args.get("preset") or None,
        },
    }
    return render_template("console/reports.html", page=page, offices=offices, nav=_nav("reports"))
