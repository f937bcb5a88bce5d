"""gevent's request handler: the access log, and the API's error shape for what it refuses.

gevent answers an over-long request line (414) or an unreadable request (400) before the app
sees it, with an empty text body; clients of the API get JSON like every other error. Every
request, those included, gets one access line (`server.request_log`).
"""

from __future__ import annotations

import json
import time

from geventwebsocket.handler import WebSocketHandler

from .api.errors import error_body
from .metrics import ENVIRON_ROUTE
from .request_log import ENVIRON_KEY, log_access

QUIET_ROUTES = {"/api/v1/province/sync"}


def _raw(status: str, code: str, message: str) -> bytes:
    body = json.dumps(error_body(code, message)).encode()
    head = (
        f"HTTP/1.1 {status}\r\nConnection: close\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode("latin-1") + body


_ANSWERS = {
    "414": _raw("414 Request URI Too Long", "request_uri_too_long", "The address is too long."),
    "400": _raw("400 Bad Request", "bad_request", "The request could not be read."),
}


class JsonErrorHandler(WebSocketHandler):
    def handle_one_request(self):  # noqa: ANN201 - gevent's own protocol of return values
        result = super().handle_one_request()
        if isinstance(result, tuple) and result[0] in _ANSWERS:
            return result[0], _ANSWERS[result[0]]
        return result

    def log_request(self) -> None:
        """One access line, also for a closed WebSocket (its time is the socket's life);
        not for a centre's accepted push (the province says what changes instead:
        server/province/sync_log.py)."""
        environ = self.environ or {}
        status = self.status.decode("latin-1") if isinstance(self.status, bytes) else self.status
        route = environ.get(ENVIRON_ROUTE) or ()
        if QUIET_ROUTES.intersection(route) and (status or "").startswith("2"):
            return
        finished = self.time_finish or time.time()
        log_access(
            self.command or "-",
            (self.path or "-").split("?", 1)[0],
            (status or "000").split(" ", 1)[0],
            (finished - self.time_start) * 1000,
            environ.get(ENVIRON_KEY),
        )
