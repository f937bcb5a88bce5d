"""App-level error handling: JSON under /api/ (or when asked), a friendly page otherwise.

Unknown URLs and wrong methods never reach a blueprint, so these live at app level.
"""

from __future__ import annotations

import logging

from flask import Flask, render_template
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException, InternalServerError

from .api.errors import engine_error, http_error, wants_json
from .engine import EngineError
from .request_log import context

log = logging.getLogger(__name__)


def _http(error: HTTPException) -> ResponseReturnValue:
    if wants_json():
        return http_error(error)
    template = "errors/404.html" if error.code == 404 else "errors/error.html"
    return render_template(template, error=error), error.code or 500


def _engine(error: EngineError) -> ResponseReturnValue:
    """A refusal is a normal answer (a double click, a stale page), logged for support."""
    log.info("engine refused %s: %s: %s", context(), error.code, error.message)
    return engine_error(error)


def _unexpected(error: Exception) -> ResponseReturnValue:
    log.exception("unhandled error in %s", context(), exc_info=error)
    return _http(InternalServerError())


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, _http)
    app.register_error_handler(EngineError, _engine)
    app.register_error_handler(Exception, _unexpected)
