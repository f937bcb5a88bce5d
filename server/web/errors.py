"""App-level error handling: JSON under /api/ (or when asked), a friendly page otherwise.

Unknown URLs and wrong methods never reach a blueprint, so these live at app level. A
database that cannot take the request now (full, read-only, locked too long, its connection
lost; `server.db.unavailable`) is a 503 with `Retry-After`, reported to `/healthz`, and
logged as one line (at most one a kind every 10 s: a full disk must not fill with logs).
"""

from __future__ import annotations

import logging
import threading
import time

from flask import Flask, render_template
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

from .. import current
from ..api.errors import engine_error, http_error, wants_json
from ..db import Unavailable, unavailable
from ..engine import EngineError
from ..i18n import english
from .request_log import context

log = logging.getLogger(__name__)
LOG_EVERY = 10.0


def _http(error: HTTPException) -> ResponseReturnValue:
    if wants_json():
        return http_error(error)
    template = "errors/404.html" if error.code == 404 else "errors/error.html"
    return render_template(template, error=error), error.code or 500


def _engine(error: EngineError) -> ResponseReturnValue:
    """A refusal is a normal answer (a double click, a stale page), logged for support."""
    log.info("engine refused %s: %s: %s", context(), error.code, error.message)
    return engine_error(error)


class DatabaseUnavailable(ServiceUnavailable):
    """503 for a database that cannot take the request now."""

    name = "Database Unavailable"

    def __init__(self, problem: Unavailable) -> None:
        super().__init__(english("database_" + problem.kind), retry_after=problem.retry_after)
        self.problem = problem


class _Quiet:
    """One log line per kind of database fault every LOG_EVERY seconds, with a count."""

    def __init__(self) -> None:
        self.last: dict[str, float] = {}
        self.skipped: dict[str, int] = {}
        self.lock = threading.Lock()

    def log(self, problem: Unavailable) -> None:
        now = time.monotonic()
        with self.lock:
            if now - self.last.get(problem.kind, -LOG_EVERY) < LOG_EVERY:
                self.skipped[problem.kind] = self.skipped.get(problem.kind, 0) + 1
                return
            self.last[problem.kind] = now
            skipped = self.skipped.pop(problem.kind, 0)
        also = f" (and {skipped} more since the last line)" if skipped else ""
        log.warning(
            "database unavailable (%s) in %s: %s; answered 503%s",
            problem.kind,
            context(),
            problem.detail,
            also,
        )


_quiet = _Quiet()


def database_unavailable(problem: Unavailable) -> None:
    """Tell health and the log that a request met `problem` (socket handlers too)."""
    _quiet.log(problem)
    current.health().database_failed(problem)


def _database(error: SQLAlchemyError) -> ResponseReturnValue:
    problem = unavailable(error)
    if problem is None:
        return _unexpected(error)
    database_unavailable(problem)
    unavailable_error = DatabaseUnavailable(problem)
    if wants_json():
        return http_error(unavailable_error)
    page = render_template("errors/error.html", error=unavailable_error)
    return page, 503, {"Retry-After": str(problem.retry_after)}


def _unexpected(error: Exception) -> ResponseReturnValue:
    log.exception("unhandled error in %s", context(), exc_info=error)
    return _http(InternalServerError())


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, _http)
    app.register_error_handler(EngineError, _engine)
    app.register_error_handler(SQLAlchemyError, _database)
    app.register_error_handler(Exception, _unexpected)
