"""Logging for `luot serve`: one access line per request, and a request id through it all.

`RequestId` (WSGI middleware, outermost) takes the caller's `X-Request-ID` when it looks
like one, else makes one, and returns it in the response. Every log record made while a
request (or a socket's message) is handled carries it, so an engine refusal or a failure
in the log can be matched to its access line and to what the client saw.
"""

from __future__ import annotations

import logging
import re
import sys
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from flask import has_request_context, request

HEADER = "X-Request-ID"
ENVIRON_KEY = "luot.request_id"
LEVEL_VARIABLE = "LUOT_LOG_LEVEL"
# A proxy's or client's id is kept only when it is short plain text (it goes into logs).
ACCEPTED = re.compile(r"[A-Za-z0-9._:-]{1,128}")
FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"

access_log = logging.getLogger("luot.access")


class RequestId:
    """WSGI middleware: `environ["luot.request_id"]` for the app, `X-Request-ID` back."""

    def __init__(self, app: Callable) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        incoming = environ.get("HTTP_X_REQUEST_ID", "")
        ident = incoming if ACCEPTED.fullmatch(incoming) else uuid.uuid4().hex
        environ[ENVIRON_KEY] = ident

        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None):
            headers = [(k, v) for k, v in headers if k.lower() != HEADER.lower()]
            headers.append((HEADER, ident))
            return start_response(status, headers, exc_info)

        return self.app(environ, start)


def request_id() -> str | None:
    """The id of the request (or of the socket's opening request) being handled."""
    return request.environ.get(ENVIRON_KEY) if has_request_context() else None


class _WithRequestId(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id() or "-"
        return True


def configure(level: str | int | None = None, quiet: bool = False) -> None:
    """Log to stderr at `level` (the LOG_LEVEL setting, i.e. `LUOT_LOG_LEVEL`; INFO when
    empty); `quiet` drops the access lines (tests, or a proxy that logs requests already)."""
    numeric = (
        level
        if isinstance(level, int)
        else logging.getLevelName(str(level or "INFO").strip().upper())
    )
    if not isinstance(numeric, int):
        raise ValueError(
            f"{LEVEL_VARIABLE}={level!r} is not a level: use DEBUG, INFO, WARNING or ERROR."
        )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(_WithRequestId())
    root = logging.getLogger()
    # Replaces what was there: python-escpos calls logging.basicConfig() on import.
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(numeric)
    # Alembic says which dialect it found each time `serve` checks the schema: not news.
    logging.getLogger("alembic.runtime.migration").setLevel(max(numeric, logging.WARNING))
    access_log.disabled = quiet


def log_access(method: str, path: str, status: str, ms: float, ident: str | None) -> None:
    """One line per request: `GET /api/v1/offices 200 3.1 ms`, its id in brackets."""
    access_log.info(
        "%s %s %s %.1f ms", method, path, status, ms, extra={"request_id": ident or "-"}
    )


def context() -> str:
    """Who asked for what, for a log line about a refusal or failure in a request."""
    if not has_request_context():
        return ""
    from flask import g

    from .auth import caller_source

    # The caller as far as the request looked them up (never a new lookup here).
    return f"{request.method} {request.path} by {caller_source(g.get('principal'))}"
