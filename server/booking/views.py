"""Routes: the booking page, a booking's own page and its QR.

Both pages arrive drawn with what the server knows (the office, the fields, the booking),
so they read right before any script runs; static/js/booking/ then walks the citizen
through the steps over the REST API. Nothing here writes: the engine does, through the API.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import qrcode
import qrcode.constants
import qrcode.image.svg
from flask import Response, abort, render_template, request, url_for
from flask.typing import ResponseReturnValue

from server import current
from server import i18n as vocabulary
from server.api.appointments import manage_url
from server.engine import NotFound

from .blueprint import bp

TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_\-]{8,128}", re.ASCII)
PRIVATE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
# What a booking's page may carry: the booking without the citizen's name (the phone
# comes masked already).
PUBLIC_KEYS = (
    "code",
    "kind",
    "status",
    "office",
    "service",
    "start",
    "end",
    "day",
    "phone",
    "messages",
    "dossier_code",
    "result_ready",
    "ticket",
)


def current_lang() -> str:
    """`?lang=en` for English; anything else is Vietnamese."""
    return vocabulary.lang_or_default(request.args.get("lang", "vi"))


def switch_url(lang: str) -> str:
    """This page in the other language."""
    args = {**request.view_args, "lang": "vi" if lang == "en" else "en"}
    return url_for(request.endpoint, **args)


def when_text(start: str, end: str, lang: str) -> str:
    """ "Thứ Hai, 30/11/2026, 09:00–09:30" from the office wall times the API gives."""
    day = dt.date.fromisoformat(start[:10])
    weekday = vocabulary.t(f"booking.weekday_{day.isoweekday() % 7}", lang)
    return f"{weekday}, {day:%d/%m/%Y}, {start[11:16]}–{end[11:16]}"


def service_name(service: dict[str, Any], lang: str) -> str:
    return service.get("name_en") if lang == "en" and service.get("name_en") else service["name"]


@bp.get("/book/<office>")
def book(office: str) -> ResponseReturnValue:
    """Choose a field, a day and a slot; a name and a phone; confirm."""
    try:
        info = current.engine().booking(office)
    except NotFound:
        abort(404)
    lang = current_lang()
    page = {
        "office": info["office"]["code"],
        "lang": lang,
        "enabled": info["enabled"],
        "fields": info["fields"],
        "verify_phone": info["verify_phone"],
        "challenge": info["challenge"],
        "challenge_url": f"/api/v1/offices/{info['office']['code']}/booking/challenge",
        "vendor": url_for("static", filename="vendor/"),
        "days_ahead": info["days_ahead"],
        "manage_base": url_for("booking.manage", token="TOKEN").replace("TOKEN", ""),
    }
    return render_template(
        "booking/book.html",
        page=page,
        info=info,
        office=info["office"],
        lang=lang,
        switch_url=switch_url(lang),
    )


def _appointment(token: str) -> dict[str, Any] | None:
    if not TOKEN_PATTERN.fullmatch(token):
        return None
    try:
        return current.engine().appointment(token)
    except NotFound:
        return None


@bp.get("/b/<token>")
def manage(token: str) -> ResponseReturnValue:
    """A booking's own page (what its QR and messages open): status, when, change, cancel."""
    lang = current_lang()
    found = _appointment(token)
    if found is None:
        page = render_template("booking/missing.html", lang=lang, switch_url=switch_url(lang))
        return page, 404, PRIVATE
    appointment = {key: found.get(key) for key in PUBLIC_KEYS}
    page = {
        "token": token,
        "lang": lang,
        "appointment": appointment,
        "book_url": url_for("booking.book", office=appointment["office"]["code"]),
    }
    html = render_template(
        "booking/manage.html",
        page=page,
        appointment=appointment,
        office=appointment["office"],
        service=service_name(appointment["service"], lang),
        when=when_text(appointment["start"], appointment["end"], lang),
        qr_url=url_for("booking.qr", token=token),
        lang=lang,
        switch_url=switch_url(lang),
    )
    return html, 200, PRIVATE


@bp.get("/b/<token>/qr.svg")
def qr(token: str) -> ResponseReturnValue:
    """The QR of the booking's page, drawn on the box (never a third-party service)."""
    if _appointment(token) is None:
        abort(404)
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        border=4,
        image_factory=qrcode.image.svg.SvgPathFillImage,
    )
    code.add_data(manage_url(token))
    code.make(fit=True)
    out = io.BytesIO()
    code.make_image().save(out)
    return Response(out.getvalue(), mimetype="image/svg+xml", headers=PRIVATE)
