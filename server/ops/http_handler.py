"""gevent's server and request handler as `luot serve` runs them: the access log, the API's
error shape for what gevent refuses itself, request framing that can be read only one way,
and time limits on requests that never arrive whole.

gevent answers an over-long request line (414) or an unreadable request (400) before the app
sees it, with an empty text body; clients of the API get JSON like every other error. Every
request, those included, gets one access line (`server.web.request_log`).

**Framing.** A request whose length could be read two ways is refused (400) before the app
sees it: two `Content-Length` fields (gevent used the first), one that is not plain digits,
`Content-Length` beside `Transfer-Encoding`, a transfer coding other than one `chunked`, or
a header block the parser found defects in. A proxy in front that read it the other way
would otherwise pass a second request hidden in the body (request smuggling).

**Time limits** (`Timeouts`, from `LUOT_HTTP_IDLE_TIMEOUT` and `LUOT_HTTP_REQUEST_TIMEOUT`).
Without them a socket that sends nothing, or half a request, holds a file descriptor for
ever, and one client reaches the process's file limit. A connection waits at most `idle`
seconds for the first byte of a request (new or kept alive; then it is closed without an
answer); from that byte the request line and headers must arrive within `request` seconds
(else 408), and the body within `request` plus a second per `body_rate` bytes of its
length (else 408; the body is never read past the limit). Only the arrival of the request
is timed: once it is whole the app may take as long as it needs, so a Socket.IO long-poll
(which waits ~25 s for data) and a WebSocket (open for hours) are not limited. A TLS
handshake must finish within `request` seconds.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import Message
from typing import Any

import gevent
from gevent import pywsgi
from geventwebsocket.handler import WebSocketHandler
from werkzeug.exceptions import RequestTimeout

from ..api.errors import error_body
from ..i18n import english
from ..web.hosts import LOCAL_ADDRESS
from ..web.request_log import ENVIRON_KEY, log_access
from .metrics import ENVIRON_ROUTE

QUIET_ROUTES = {"/api/v1/province/sync"}

log = logging.getLogger(__name__)
# RFC 9110: a field name is a token.
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_DIGITS = re.compile(r"[0-9]{1,18}")


@dataclass(frozen=True)
class Timeouts:
    """How long a request may take to arrive (see the module docstring)."""

    idle: float = 20.0
    request: float = 20.0
    body_rate: int = 16 * 1024

    @classmethod
    def from_settings(cls, config: Mapping[str, Any]) -> Timeouts:
        """From LUOT_HTTP_IDLE_TIMEOUT and LUOT_HTTP_REQUEST_TIMEOUT, or ValueError (one
        line naming the variable)."""
        values = {}
        for key, name in (("idle", "HTTP_IDLE_TIMEOUT"), ("request", "HTTP_REQUEST_TIMEOUT")):
            value = float(config[name])
            if not 0.1 <= value <= 3600:
                raise ValueError(f"LUOT_{name}={value:g}: give seconds from 0.1 to 3600.")
            values[key] = value
        return cls(**values)

    def body_deadline(self, started: float, length: int | None) -> float:
        """When a body of `length` bytes must be in, for a request whose first byte came
        at `started` (monotonic)."""
        return started + self.request + (length or 0) / self.body_rate


class AmbiguousRequest(ValueError):
    """A request whose framing could be read more than one way; the text says which."""


class HeadTimedOut(Exception):
    """The request line and headers did not arrive in time."""


class BodyTimedOut(RequestTimeout):
    """The body did not arrive in time: a 408 from the app (werkzeug would take an OSError
    for a client gone away, 400), then the connection closes."""

    description = english("too_slow")


def _raw(status: str, code: str, message: str) -> bytes:
    body = json.dumps(error_body(code, message)).encode()
    head = (
        f"HTTP/1.1 {status}\r\nConnection: close\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode("latin-1") + body


UNREADABLE = english("unreadable")
TOO_SLOW = english("too_slow")
_ANSWERS = {
    "414": _raw("414 Request URI Too Long", "request_uri_too_long", english("address_too_long")),
    "400": _raw("400 Bad Request", "bad_request", UNREADABLE),
    "408": _raw("408 Request Timeout", "request_timeout", TOO_SLOW),
}


def check_framing(headers: Message, version: str) -> None:
    """Refuse (AmbiguousRequest) a header block whose body length is not one plain reading."""
    if headers.defects:
        raise AmbiguousRequest(english("unreadable_headers"))
    for name in headers:
        if not _TOKEN.fullmatch(name):
            raise AmbiguousRequest(english("header_name"))
    lengths = headers.get_all("content-length") or []
    codings = headers.get_all("transfer-encoding") or []
    if len(lengths) > 1:
        raise AmbiguousRequest(english("two_lengths"))
    if lengths and not _DIGITS.fullmatch(lengths[0].strip()):
        raise AmbiguousRequest(english("length_digits"))
    if codings:
        if lengths:
            raise AmbiguousRequest(english("length_and_coding"))
        if version != "HTTP/1.1":
            raise AmbiguousRequest(english("coding_version"))
        if len(codings) > 1 or codings[0].strip().lower() != "chunked":
            raise AmbiguousRequest(english("coding_chunked"))


class TimedInput(pywsgi.Input):
    """gevent's request body, read only until its deadline (then `BodyTimedOut`)."""

    __slots__ = ("deadline", "timed_out")

    def __init__(self, source: pywsgi.Input, deadline: float) -> None:
        super().__init__(
            source.rfile,
            source.content_length,
            socket=source.socket,
            chunked_input=source.chunked_input,
        )
        self.deadline = deadline
        self.timed_out = False

    def _do_read(self, length: int | None = None, use_readline: bool = False) -> bytes:
        return self._timed(super()._do_read, length, use_readline)

    def _chunked_read(self, length: int | None = None, use_readline: bool = False) -> bytes:
        return self._timed(super()._chunked_read, length, use_readline)

    def _discard(self) -> None:
        """gevent reads what the app left of the body; the rest of one that came too slowly
        is not waited for: the connection closes instead (handle_one_response)."""
        if self.timed_out:
            return
        with contextlib.suppress(BodyTimedOut):
            super()._discard()

    def _timed(self, read: Any, length: int | None, use_readline: bool) -> bytes:
        if self.timed_out:
            raise BodyTimedOut()
        # Past the deadline, what has arrived already is still read (an app that reads the
        # body late is not the client's fault); only waiting for more is cut short.
        timer = gevent.Timeout(max(self.deadline - time.monotonic(), 0.05))
        timer.start()
        try:
            return read(length, use_readline)
        except gevent.Timeout as exc:
            if exc is not timer:
                raise
            self.timed_out = True
            raise BodyTimedOut() from None
        finally:
            timer.close()


class JsonErrorHandler(WebSocketHandler):
    """One connection: requests read within their time limits, refusals as JSON."""

    _head_timer: gevent.Timeout | None = None
    _started = 0.0

    @property
    def timeouts(self) -> Timeouts:
        return getattr(self.server, "timeouts", None) or Timeouts()

    def handle_one_request(self):  # noqa: ANN201 - gevent's own protocol of return values
        try:
            result = super().handle_one_request()
        except HeadTimedOut:
            result = ("408", _ANSWERS["408"])
        finally:
            self._stop_head_timer()
        if isinstance(result, tuple) and result[0] in _ANSWERS:
            return result[0], _ANSWERS[result[0]]
        return result

    def read_requestline(self) -> str:
        """Wait `idle` seconds for a request to begin (none: "" closes the connection
        quietly), then time its head from that first byte."""
        if not self._first_byte(self.timeouts.idle):
            return ""
        self._started = time.monotonic()
        self._head_timer = gevent.Timeout(self.timeouts.request, HeadTimedOut())
        self._head_timer.start()
        return super().read_requestline()

    def _first_byte(self, seconds: float) -> bool:
        timer = gevent.Timeout(seconds)
        timer.start()
        try:
            return bool(self.rfile.peek(1))
        except gevent.Timeout as exc:
            if exc is not timer:
                raise
            return False
        except OSError:
            return False
        finally:
            timer.close()

    def read_request(self, raw_requestline: str) -> bool:
        try:
            return super().read_request(raw_requestline)
        finally:
            self._stop_head_timer()

    def _stop_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.close()
            self._head_timer = None

    def MessageClass(self, *args: Any) -> Message:  # noqa: N802 - gevent's name
        headers = super().MessageClass(*args)
        if not headers.status:  # gevent refuses a line too long itself
            check_framing(headers, self.request_version or "")
        return headers

    def _handle_client_error(self, ex: BaseException):  # noqa: ANN202 - gevent's protocol
        if isinstance(ex, HeadTimedOut):
            return "408", _ANSWERS["408"]
        if isinstance(ex, AmbiguousRequest):
            self.log_error("(from %s) %s", self.client_address, ex)
            return "400", _raw("400 Bad Request", "bad_request", str(ex))
        return super()._handle_client_error(ex)

    def log_error(self, msg: str, *args: Any) -> None:
        """gevent's words about a refused request, in the server's log (not bare stderr)."""
        log.info("http: " + msg, *args)

    def get_environ(self) -> dict[str, Any]:
        """gevent's environ, with the body timed and the address the client reached."""
        environ = super().get_environ()
        deadline = self.timeouts.body_deadline(self._started, self.content_length)
        self.wsgi_input = TimedInput(self.wsgi_input, deadline)
        if environ.get("wsgi.input") is not self.rfile:  # a WebSocket upgrade reads the socket
            environ["wsgi.input"] = self.wsgi_input
        with contextlib.suppress(OSError, IndexError, TypeError):
            environ[LOCAL_ADDRESS] = self.socket.getsockname()[0]
        return environ

    def handle_one_response(self) -> None:
        super().handle_one_response()
        if isinstance(self.wsgi_input, TimedInput) and self.wsgi_input.timed_out:
            self.close_connection = True  # the rest of the body may still be on its way

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


class Server(pywsgi.WSGIServer):
    """gevent's WSGI server with `Timeouts` (its handler reads them) and a TLS handshake
    that must finish in time."""

    def __init__(self, *args: Any, timeouts: Timeouts | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("handler_class", JsonErrorHandler)
        super().__init__(*args, **kwargs)
        self.timeouts = timeouts or Timeouts()

    def wrap_socket_and_handle(self, client_socket: Any, address: Any) -> Any:
        # Wrapped without the handshake (the TLS socket then owns the descriptor), so that a
        # handshake that never finishes can be given up and its socket closed.
        wrapped = self.wrap_socket(
            client_socket, **{**self.ssl_args, "do_handshake_on_connect": False}
        )
        try:
            timer = gevent.Timeout(self.timeouts.request)
            timer.start()
            try:
                wrapped.do_handshake()
            except gevent.Timeout as exc:
                if exc is not timer:
                    raise
                return None
            finally:
                timer.close()
            return self.handle(wrapped, address)
        finally:
            wrapped.close()
