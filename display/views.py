"""Routes: the waiting-room board, the counter screen, call audio and the phone ticket page.

Pages are rendered with their first state already in them (a snapshot as JSON, the ticket
as HTML), so they are right before any script runs; the scripts then keep them live over
Socket.IO. These views only read: every change goes through the engine and the API.
"""

from __future__ import annotations

import re
from typing import Any

from flask import abort, current_app, render_template, request, send_file, url_for
from flask.typing import ResponseReturnValue

from display.blueprint import bp
from display.voice import VoiceUnavailable
from display.voice.call_audio import BadCall, CallAudio, announce_max_age
from server import current
from server.engine import NotFound
from server.i18n import english
from server.i18n.screens import current_lang, labels

TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_\-]{8,128}", re.ASCII)
# "Quầy 1 – Hộ tịch" under a "Quầy 1" heading would say the number twice.
COUNTER_PREFIX = re.compile(r"^(quầy|counter)\s*[0-9]+\s*[-–—:·.,]?\s*", re.IGNORECASE)
AUDIO_MAX_AGE_S = 600
POLL_RANGE_S = (2, 120)
DEFAULT_POLL_S = 10
# A phone whose owner asked for alerts rings once when this few are left ahead.
NEAR_AHEAD = 2


def counter_subtitle(name: str | None) -> str:
    """A counter's name without the "Quầy N" its heading already shows."""
    return COUNTER_PREFIX.sub("", name or "").strip()


def _call_audio() -> CallAudio:
    """One per app: it caches each office's fields and counters for a few seconds."""
    audio = current.call_audio()
    if audio is None:
        audio = CallAudio(current.engine(), current_app.instance_path)
        current.install(current_app, call_audio=audio)
    return audio


def _flag(name: str) -> bool | None:
    """`?mute=1` / `?mute=0`: True, False, or None when the page should decide."""
    value = request.args.get(name)
    if value is None:
        return None
    return value.lower() in ("1", "true", "yes", "on")


def _common(lang: str) -> dict[str, Any]:
    return {
        "lang": lang,
        "words": labels(lang),
        "socket_js": url_for("static", filename="vendor/socket.io.min.js"),
    }


@bp.get("/display/<office>")
def board(office: str) -> ResponseReturnValue:
    """The waiting-room TV: calls, counters, waiting counts, notice, and the voice."""
    engine = current.engine()
    try:
        settings = engine.office_settings(office)["settings"]
        snapshot = engine.snapshot(office)
    except NotFound:
        abort(404)
    lang = current_lang()
    page = {
        "office": office,
        "lang": lang,
        "labels": labels(lang),
        "snapshot": snapshot,
        "announce_url": url_for("display.announce", office=office),
        "chime_url": url_for("static", filename="sounds/chime.wav"),
        "announce_max_age": announce_max_age(settings),
        "mute": _flag("mute"),
    }
    return render_template(
        "display/board.html", page=page, office=snapshot["office"], **_common(lang)
    )


@bp.get("/display/counter/<int:counter_id>")
def counter_screen(counter_id: int) -> ResponseReturnValue:
    """The small screen above a counter; public, so it follows the office room."""
    try:
        counter_view = current.engine().counter_snapshot(counter_id)
        snapshot = current.engine().snapshot(counter_view["office"]["code"])
    except NotFound:
        abort(404)
    lang = current_lang()
    counter = counter_view["counter"]
    page = {
        "office": snapshot["office"]["code"],
        "counter": counter["id"],
        "lang": lang,
        "labels": labels(lang),
        "snapshot": snapshot,
    }
    subtitle = counter_subtitle(counter["name"])
    return render_template(
        "display/counter.html",
        page=page,
        counter=counter,
        subtitle=subtitle,
        office=snapshot["office"],
        **_common(lang),
    )


@bp.get("/display/<office>/announce.wav")
def announce(office: str) -> ResponseReturnValue:
    """Chime + spoken call for `?code=1012&counter=3` (`&recall=1`: "Mời lại …"), rendered
    once and cached."""
    code = request.args.get("code", "")
    counter = request.args.get("counter", "")
    if not code or not counter:
        abort(400, description=english("voice_query"))
    try:
        path = _call_audio().wav(office, code, counter, recall=request.args.get("recall") == "1")
    except NotFound:
        abort(404, description=english("no_office_named", office=office))
    except BadCall as exc:
        abort(exc.status, description=str(exc))
    except ValueError as exc:  # the speech rules cannot read it
        abort(400, description=str(exc))
    except VoiceUnavailable as exc:
        current_app.logger.error("call audio unavailable: %s", exc)
        abort(503, description=english("no_voice"))
    return send_file(path, mimetype="audio/wav", max_age=AUDIO_MAX_AGE_S, conditional=True)


@bp.get("/t/<token>")
def ticket_page(token: str) -> ResponseReturnValue:
    """The page a ticket's QR opens: place, estimate, the call; never personal data."""
    lang = current_lang()
    ticket = None
    if TOKEN_PATTERN.fullmatch(token):
        try:
            ticket = current.engine().ticket_by_token(token)
        except NotFound:
            ticket = None
    if ticket is None:
        return render_template("display/ticket_missing.html", **_common(lang)), 404
    try:
        poll = int(request.args.get("poll", DEFAULT_POLL_S))
    except ValueError:
        poll = DEFAULT_POLL_S
    page = {
        "token": token,
        "lang": lang,
        "labels": labels(lang),
        "ticket": ticket,
        "api_url": url_for("tickets.public_ticket", token=token),
        "poll_seconds": min(max(poll, POLL_RANGE_S[0]), POLL_RANGE_S[1]),
        "chime_url": url_for("static", filename="sounds/chime.wav"),
        "near_ahead": NEAR_AHEAD,
    }
    counter = ticket["counter"]
    response = render_template(
        "display/ticket.html",
        page=page,
        ticket=ticket,
        office=ticket["office"],
        counter_name=counter_subtitle(counter["name"]) if counter else "",
        **_common(lang),
    )
    return response, 200, {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
