"""Kiosk pages: the touchscreen page of an office and the QR image its result screen shows.

`GET /kiosk/<office>` renders the page with everything it needs to draw its first screen
even when the network drops right after loading: the office, its active fields and priority
classes, the kiosk options, and whether it books appointments (the start screen then offers
the check-in, `POST /api/v1/offices/<office>/check-in`). The page refreshes fields and
classes from the REST API each time it returns to its start screen.

Kiosk options live in the office's free settings under ``settings["kiosk"]`` (all optional):

``return_seconds`` (int, 3–600, default 20)
    how long the ticket screen stays before the page returns to the start by itself.
``idle_seconds`` (int, 10–600, default 60)
    a half-finished choice (a later page, the priority screen, a greeting) is dropped
    after this long without a touch.
``services_per_page`` (int, 1–24, default: as many as fit the screen)
    the most field buttons on one page; fewer are shown when they would not fit.
``groups`` (list of ``{"title", "title_en", "services": [codes]}``)
    groups fields under a heading; fields in no group follow under "Lĩnh vực khác".
``ask_priority`` (bool, default true)
    show the "Ưu tiên?" screen (skipped anyway when the office has no priority class).
``elderly_class`` (str, default "elderly")
    the priority class offered first to a citizen whose scanned card says they are old enough.
``request_timeout_seconds`` (int, 3–60, default 10)
    after this long without an answer to a ticket request the page shows its retry screen.
``scan_min_chars`` (int, default 20) and ``scan_key_gap_ms`` (int, default 50)
    what counts as a keyboard-mode scanner: at least that many keys ending in Enter, typed
    on average within that many milliseconds of each other (no pause over 10× that, at
    least 1 s, inside the burst).

``printer_slot`` ("below", "left" or "right", default "below")
    where the ticket comes out, pointed at on the ticket screen while it prints.
``scan_invite`` (bool, default true)
    invite citizens on the start screen to scan their ID card (turn off without a scanner).
``unserved`` ("hide" or "show", default "hide")
    a field no counter is set to serve is never ticketed; "show" keeps its button, greyed
    out and saying it is not served now, where citizens would otherwise look for it.
``check_seconds`` (int, 5–300, default 20)
    how often the start screen asks whether the office is open (it shows "closed" with
    the hours) and notices a server that went away (a registered kiosk's socket notices
    at once).

Query parameters override three of them for one page load: ``?return=SECONDS``,
``?idle=SECONDS`` and ``?check=SECONDS`` (tests and trials). ``?key=TOKEN`` hands the
page its device token once; the page keeps it in localStorage and removes it from the
address bar.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import qrcode
import qrcode.constants
import qrcode.image.svg
from flask import Response, abort, current_app, render_template, request, send_from_directory

from server import current
from server.engine.errors import NotFound
from server.i18n import english

from .blueprint import bp

MAX_QR_DATA = 512

DEFAULTS: dict[str, Any] = {
    "return_seconds": 20,
    "idle_seconds": 60,
    "services_per_page": None,
    "groups": [],
    "ask_priority": True,
    "elderly_class": "elderly",
    "request_timeout_seconds": 10,
    "scan_min_chars": 20,
    "scan_key_gap_ms": 50,
    "check_seconds": 20,
    "scan_invite": True,
    "printer_slot": "below",
    "unserved": "hide",
}
PRINTER_SLOTS = ("below", "left", "right")
UNSERVED = ("hide", "show")
LIMITS: dict[str, tuple[int, int]] = {
    "return_seconds": (3, 600),
    "idle_seconds": (10, 600),
    "services_per_page": (1, 24),
    "request_timeout_seconds": (3, 60),
    "scan_min_chars": (10, 200),
    "scan_key_gap_ms": (10, 500),
    "check_seconds": (5, 300),
}
# Query parameters may go lower than settings: tests want a ticket screen of a few seconds.
QUERY_LIMITS: dict[str, tuple[str, int, int]] = {
    "return": ("return_seconds", 1, 600),
    "idle": ("idle_seconds", 2, 600),
    "check": ("check_seconds", 1, 300),
}


def _int_in(value: Any, low: int, high: int) -> int | None:
    """An int within [low, high], clamped; None when the value is not a number at all."""
    if isinstance(value, bool):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return max(low, min(high, number))


def _groups(value: Any) -> list[dict[str, Any]]:
    groups = []
    if not isinstance(value, list):
        return groups
    for item in value:
        if not isinstance(item, dict) or not isinstance(item.get("services"), list):
            continue
        codes = [c for c in item["services"] if isinstance(c, str) and c]
        if not codes:
            continue
        title = item.get("title") if isinstance(item.get("title"), str) else ""
        title_en = item.get("title_en") if isinstance(item.get("title_en"), str) else ""
        groups.append({"title": title, "title_en": title_en or title, "services": codes})
    return groups


def kiosk_options(settings: dict[str, Any], query: dict[str, str] | None = None) -> dict:
    """The kiosk's options from the office's ``settings["kiosk"]``, checked, with defaults.

    Bad values fall back to the default rather than breaking the kiosk.
    """
    raw = settings.get("kiosk") if isinstance(settings, dict) else None
    raw = raw if isinstance(raw, dict) else {}
    options = dict(DEFAULTS)
    for key, (low, high) in LIMITS.items():
        if key in raw:
            number = _int_in(raw[key], low, high)
            if number is not None:
                options[key] = number
    if raw.get("printer_slot") in PRINTER_SLOTS:
        options["printer_slot"] = raw["printer_slot"]
    if raw.get("unserved") in UNSERVED:
        options["unserved"] = raw["unserved"]
    if isinstance(raw.get("scan_invite"), bool):
        options["scan_invite"] = raw["scan_invite"]
    if isinstance(raw.get("ask_priority"), bool):
        options["ask_priority"] = raw["ask_priority"]
    if isinstance(raw.get("elderly_class"), str) and raw["elderly_class"]:
        options["elderly_class"] = raw["elderly_class"]
    options["groups"] = _groups(raw.get("groups"))
    for name, (key, low, high) in QUERY_LIMITS.items():
        if query and name in query:
            number = _int_in(query[name], low, high)
            if number is not None:
                options[key] = number
    return options


@bp.get("/kiosk/sw.js")
def service_worker():
    """The kiosk's service worker, at a path whose scope covers every kiosk page."""
    response = send_from_directory(
        Path(current_app.static_folder) / "js" / "kiosk", "sw.js", mimetype="text/javascript"
    )
    response.headers["Cache-Control"] = "no-cache"  # a new version is picked up at once
    return response


@bp.get("/kiosk/<office>")
def kiosk_page(office: str):
    engine = current.engine()
    try:
        settings = engine.office_settings(office)
    except NotFound:
        abort(404)
    config = {
        "office": {
            "code": settings["code"],
            "name": settings["name"],
            "elderly_age": settings["elderly_age"],
        },
        "options": kiosk_options(settings["settings"], request.args.to_dict()),
        "services": engine.services(office),
        "priority_classes": engine.priority_classes(office),
        "opening": engine.opening(office),
        # "Tôi đã đặt lịch hẹn" on the start screen: the office books appointments.
        "booking": engine.booking(office)["enabled"],
    }
    response = Response(render_template("kiosk/kiosk.html", config=config, office=settings))
    # The page carries live waiting counts; the token may arrive in the URL once.
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def valid_qr_data(data: str | None) -> bool:
    """Only what a ticket's QR holds: an http(s) URL of sensible length, printable ASCII."""
    if not data or len(data) > MAX_QR_DATA:
        return False
    if any(ord(ch) <= 0x20 or ord(ch) >= 0x7F for ch in data):
        return False
    try:
        parts = urlsplit(data)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


@bp.get("/kiosk/qr.svg")
def qr_svg():
    """The QR of a ticket's phone page, drawn on the box (no JS QR library, no CDN)."""
    data = request.args.get("data")
    if not valid_qr_data(data):
        abort(400, description=english("qr_data"))
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        border=4,
        image_factory=qrcode.image.svg.SvgPathFillImage,
    )
    code.add_data(data)
    code.make(fit=True)
    out = io.BytesIO()
    code.make_image().save(out)
    response = Response(out.getvalue(), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "private, max-age=3600"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
