"""One error shape: `{"error": CODE, "message": TEXT, "fields": {...}}` for REST, socket
acks (with `"ok": false` beside it) and the kiosk's scan.

`message` and `fields` are in English, as the engine words them (scripts and logs read
those); `vi` holds the same in Vietnamese for the staff pages, which show whichever language
the page is in and translate nothing themselves. A message made by `server.i18n.english()`
is rendered by its key; a library's own words (marshmallow's, werkzeug's) by their English.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import marshmallow as ma
from flask import current_app, jsonify, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException

from ..engine import EngineError
from ..i18n import english, vietnamese, vietnamese_fields
from ..i18n.refusals import CATALOGUE as REFUSALS

ENGINE_STATUS = {
    "not_found": 404,
    "conflict": 409,
    "invalid_transition": 409,
    "out_of_order": 409,
    "diverged": 409,
    "closed": 409,
    "not_served": 409,
    # Parsed, but refused by a rule (a number block that overlaps another, an unknown
    # field): 422 like every other refused value; 400 means the request itself was unreadable.
    "invalid": 422,
    "validation_error": 422,
    "idempotency_key_reused": 422,
    "forbidden": 403,
    "kiosk_required": 401,
}


class ErrorSchema(ma.Schema):
    """Documents the error body in the OpenAPI description."""

    error = ma.fields.String(metadata={"description": "machine-readable code"})
    message = ma.fields.String(metadata={"description": "for people"})
    fields = ma.fields.Dict(metadata={"description": "per-field problems, when any"})
    vi = ma.fields.Dict(metadata={"description": "message and fields in Vietnamese"})


def error_body(
    code: str,
    message: str,
    fields: dict | None = None,
    vietnamese_message: str | None = None,
    **extra: Any,
) -> dict:
    """The one error shape: REST bodies, socket acks (with `ok: false`), the kiosk's scan
    and gevent's own refusals all build it here. `vietnamese_message` is for a refusal
    that comes worded in both languages already (a CCCD card's)."""
    body: dict = {"error": code, "message": message}
    said: dict = {"message": vietnamese_message or vietnamese(message)}
    if fields:
        body["fields"] = fields
        said["fields"] = vietnamese_fields(fields)
    body["vi"] = said
    return {**body, **extra}


def error_response(
    status: int, code: str, message: str, fields: dict | None = None
) -> ResponseReturnValue:
    return jsonify(error_body(code, message, fields)), status


def json_endpoint(view: Callable) -> Callable:
    """Mark a view outside /api/ whose errors must be JSON too (the kiosk's scan, ...)."""
    view.json_errors = True  # type: ignore[attr-defined]
    return view


def wants_json() -> bool:
    if request.path.startswith("/api/"):
        return True
    view = current_app.view_functions.get(request.endpoint or "")
    if getattr(view, "json_errors", False):
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return (
        best == "application/json"
        and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def _flatten(messages: object) -> dict:
    """webargs nests errors by location ({"json": {...}}); clients only need the fields."""
    if isinstance(messages, dict):
        flat: dict = {}
        for location, value in messages.items():
            if isinstance(value, dict):
                flat.update(value)
            else:
                flat[location] = value
        return flat
    return {"_body": messages}


def http_error(error: HTTPException) -> ResponseReturnValue:
    data = getattr(error, "data", None) or {}
    status = error.code or 500
    if "messages" in data:
        fields = _flatten(data["messages"])
        if status == 400:
            return error_response(400, "malformed_json", english("malformed_json"))
        return error_response(422, "validation_error", english("fields_wrong"), fields)
    code = (error.name or "error").lower().replace(" ", "_")
    message = data.get("message") or error.description or error.name
    if message == type(error).description and f"http_{status}" in REFUSALS:
        message = english(f"http_{status}")  # werkzeug's own words, keyed
    response, status = error_response(status, code, message)
    # What the error says about the request (Allow on a 405, Retry-After on a 429).
    for name, value in error.get_headers():
        if name.lower() in ("allow", "retry-after", "www-authenticate"):
            response.headers[name] = value
    return response, status


# Details of a refusal a client acts on (the console counts down to `no_show_at`).
PUBLIC_DETAILS = ("no_show_at", "seconds_left")


def engine_error_body(error: EngineError) -> dict:
    """An engine refusal in the one shape, its fields (when it names any) included."""
    fields = error.details.get("fields")
    if fields is None and "field" in error.details:
        fields = {error.details["field"]: [error.message]}
    extra = {key: error.details[key] for key in PUBLIC_DETAILS if key in error.details}
    return error_body(error.code, error.message, fields, **extra)


def engine_error(error: EngineError) -> ResponseReturnValue:
    return jsonify(engine_error_body(error)), ENGINE_STATUS.get(error.code, 400)
