"""A CCCD scan from the kiosk: parse on the server, answer what the kiosk may show.

Keyboard-mode scanners type into the kiosk page, which posts the burst here; serial
scanners are read by `luot kiosk-agent`, which posts with `forward` so the result is
pushed to the kiosk page in the device's room. The answer never holds the full ID or the
address; `citizen` is a signed token the ticket request brings back. A refused scan is
the API's error body (`error`, `message`, `vi`) with `ok: false` beside it.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask import abort, jsonify, request

from server import current
from server.api.errors import error_body, json_endpoint
from server.engine import Citizen
from server.extensions import limiter
from server.i18n import english
from server.web.auth import bearer_token, current_principal
from server.web.citizen_tokens import id_salt, sign_citizen
from server.web.rate_limits import scan_limit

from .blueprint import bp
from .cccd import CccdError, display_name, parse_cccd

MAX_PAYLOAD = 1000


@bp.post("/kiosk/<office>/scan")
@json_endpoint
@limiter.limit(scan_limit, error_message="Too many scans from here; wait a minute.")
def scan(office: str):
    engine = current.engine()
    settings = engine.office_settings(office)
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("payload"), str):
        abort(400, description=english("scan_payload"))
    if len(body["payload"]) > MAX_PAYLOAD:
        abort(413)
    principal = current_principal()
    if bearer_token() and principal is None:
        abort(401, description=english("token_unknown"))
    forward = bool(body.get("forward"))
    if forward and (principal is None or principal.role != "kiosk"):
        abort(403, description=english("scan_agent_only"))
    if principal is not None and not principal.may_act_in(engine.office_id(office)):
        abort(403, description=english("token_other_office"))

    today = dt.datetime.now(ZoneInfo(settings["timezone"])).date()
    try:
        result = parse_cccd(body["payload"], today, salt=id_salt(office))
    except CccdError as exc:
        answer = {
            "ok": False,
            **error_body(f"cccd_{exc.code}", exc.message_en, vietnamese_message=exc.message_vi),
        }
        if forward:
            engine.card_scanned(principal.device_id, answer)
        return jsonify(answer), 400

    name = display_name(result)
    threshold = settings["elderly_age"]
    answer = {
        "ok": True,
        "name": name,
        "age": result.age,
        "elderly": result.age is not None and result.age >= threshold,
        "elderly_age": threshold,
        "id_last4": result.id_last4,
        "citizen": sign_citizen(
            office, Citizen(name=name, id_hash=result.id_hash, id_last4=result.id_last4)
        ),
    }
    if forward:
        engine.card_scanned(principal.device_id, answer)
    return jsonify(answer)
