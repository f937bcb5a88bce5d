"""Administration pages `/admin/...` for managers of an office and for admins.

The pages are thin: each renders its skeleton plus what its script needs (the office being
set up, the offices the user may manage, the role), and `static/js/admin*.js` reads and
writes through the REST API (`/api/v1`, session cookie + `X-CSRFToken`). Every change thus
goes through the engine's checks and lands in the audit log; nothing here writes.

The office is chosen with `?office=CODE` (default: the first the user may manage). Users
are global for admins; a manager sees their offices' and adds or changes their officers.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from flask import Response, abort, current_app, render_template, request, url_for
from flask_login import current_user

from printer import DEFAULT_FOOTER

from .. import current
from ..i18n import t
from .blueprint import bp
from .language import staff_lang
from .session import Forbidden, login_required


@dataclass(frozen=True)
class Section:
    """A page of the admin menu; its title and hint are the vocabulary's `admin.<key>` and
    `admin.<key>_hint` (server/i18n/staff_words.py), in the page's language."""

    key: str
    path: str
    admins_only: bool = False
    needs_office: bool = True

    def title(self, lang: str = "vi") -> str:
        return t(f"admin.{self.key}", lang)

    def hint(self, lang: str = "vi") -> str:
        return t(f"admin.{self.key}_hint", lang)


SECTIONS = (
    Section("office", "/admin"),
    Section("fields", "/admin/fields"),
    Section("counters", "/admin/counters"),
    Section("priority", "/admin/priority"),
    Section("booking", "/admin/booking"),
    Section("devices", "/admin/devices"),
    # Admins: every account; a manager: their own offices' officers (api/admin.py).
    Section("users", "/admin/users", needs_office=False),
    Section("config", "/admin/config", needs_office=False),
    Section("audit", "/admin/audit"),
)
BY_KEY = {section.key: section for section in SECTIONS}

# Pages of later work that join the menu (first) as soon as their routes exist.
LATER = (("/admin/overview", "admin.overview"), ("/admin/reports", "admin.reports"))


def _has_route(path: str) -> bool:
    return any(rule.rule == path for rule in current_app.url_map.iter_rules())


def _rate_url_template() -> str:
    """How the rating tablet's page is addressed, e.g. "/rate/{counter_id}" (or by number)."""
    for rule in current_app.url_map.iter_rules():
        if rule.rule.startswith("/rate/") and rule.arguments:
            name = sorted(rule.arguments)[0]
            return "/rate/{" + ("counter_number" if "number" in name else "counter_id") + "}"
    return "/rate/{counter_id}"


def _offices() -> list[dict[str, Any]]:
    """The offices this user may administer (admins: all), as `GET /api/v1/me` says."""
    principal = current_user.principal
    view = current.engine().principal_view(
        principal.role, principal.office_ids, principal.name, principal.user_id, None
    )
    return view["offices"]


def _forbidden():
    return render_template("errors/error.html", error=Forbidden()), 403


def _chosen_office(offices: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The office of `?office=CODE` (404 unknown, 403 not the user's), else the first."""
    wanted = request.args.get("office")
    office = next((o for o in offices if o["code"] == wanted), None)
    if wanted and office is None:
        if wanted in {o["code"] for o in current.engine().offices()}:
            abort(403, description=Forbidden.description)
        abort(404)
    return office or (offices[0] if offices else None)


def _render(key: str):
    section = BY_KEY[key]
    principal = current_user.principal
    if section.admins_only and principal.role != "admin":
        return _forbidden()
    offices = _offices()
    office = _chosen_office(offices)
    lang = staff_lang()
    menu = [
        {"key": s.key, "title": s.title(lang), "path": s.path}
        for s in SECTIONS
        if not s.admins_only or principal.role == "admin"
    ]
    later = [
        {"key": path, "title": t(title, lang), "path": path}
        for path, title in LATER
        if _has_route(path)
    ]
    page = {
        "section": key,
        "office": office,
        "offices": offices,
        "role": principal.role,
        "user_id": principal.user_id,
        "api": "/api/v1",
        "csrf_url": url_for("console.csrf_token"),
        "rate_url": _rate_url_template(),
    }
    return render_template(
        f"console/admin_{key}.html",
        section=section,
        menu=later + menu,
        office=office,
        offices=offices,
        page=page,
        is_admin=principal.role == "admin",
        default_footer=DEFAULT_FOOTER,
    )


@bp.get("/admin")
@login_required("manager")
def admin_office():
    return _render("office")


@bp.get("/admin/fields")
@login_required("manager")
def admin_fields():
    return _render("fields")


@bp.get("/admin/counters")
@login_required("manager")
def admin_counters():
    return _render("counters")


@bp.get("/admin/priority")
@login_required("manager")
def admin_priority():
    return _render("priority")


@bp.get("/admin/booking")
@login_required("manager")
def admin_booking():
    return _render("booking")


@bp.get("/admin/devices")
@login_required("manager")
def admin_devices():
    return _render("devices")


@bp.get("/admin/users")
@login_required("manager")
def admin_users():
    return _render("users")


@bp.get("/admin/config")
@login_required("manager")
def admin_config():
    return _render("config")


@bp.get("/admin/audit")
@login_required("manager")
def admin_audit():
    return _render("audit")


@bp.get("/admin/export")
@login_required("manager")
def admin_export():
    """The office's whole configuration as a file `<CODE>.json` (the pages read it too).

    The same document `GET /api/v1/offices/<code>/config` describes, served here as a
    download with a file name; `PUT .../config` or `POST /api/v1/offices` take it back.
    """
    office = _chosen_office(_offices())
    if office is None:
        abort(404)
    document = current.engine().export_office(office["code"])
    body = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    filename = re.sub(r"[^A-Za-z0-9_.-]", "_", office["code"]) + ".json"
    return Response(
        body,
        mimetype="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )
