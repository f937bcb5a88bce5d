"""What a socket message may carry, and the shape of every acknowledgement.

An ack is `{"ok": True, ...}` or the REST error body (`server.api.errors.error_body`) with
`"ok": False` beside it, so one client helper reads every refusal, REST or socket.

A message's JSON is read as every route reads a body (`input_guard.strict_json`: numbers,
text, nesting at most MAX_DEPTH deep); one that fails never reaches a handler: it becomes
the event BAD_PAYLOAD, whose ack is the refusal in the one shape (100,000 nested `[` made
python-socketio's parser raise RecursionError, logged with its traceback each time).
"""

from __future__ import annotations

import json
from typing import Any

from socketio import packet as sio_packet

from ..api.errors import engine_error_body, error_body
from ..engine import EngineError
from ..engine.rules.documents import MAX_ID
from ..i18n import english, said
from ..web.input_guard import BadInput, check_text, strict_json

BAD_PAYLOAD = "bad_payload"


def ack(**data: Any) -> dict[str, Any]:
    """A handled message's answer."""
    return {"ok": True, **data}


def refusal(code: str, message: str) -> dict[str, Any]:
    """A refused message's answer: the REST error body, plus `ok: false`."""
    return {"ok": False, **error_body(code, message)}


def engine_refusal(error: EngineError) -> dict[str, Any]:
    """An engine refusal, as the REST API would answer it, plus `ok: false`."""
    return {"ok": False, **engine_error_body(error)}


def plausible(value: Any, longest: int = 64) -> bool:
    """A name the database could hold: an id that fits, or short text without NUL or
    unpaired surrogates."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return 1 <= value <= MAX_ID
    if isinstance(value, str):
        try:
            check_text(value)
        except BadInput:
            return False
        return 0 < len(value) <= longest
    return False


def plausible_id(value: Any) -> bool:
    """A database id (not a bool, not text)."""
    return isinstance(value, int) and plausible(value)


class _Json:
    """Socket.IO's JSON: written as the standard library writes it, read as routes read it."""

    @staticmethod
    def dumps(value: Any, **options: Any) -> str:
        return json.dumps(value, **options)

    @staticmethod
    def loads(text: str | bytes, **_options: Any) -> Any:
        return strict_json(text)


class Packet(sio_packet.Packet):
    """python-socketio's packet, its JSON read strictly. An event whose payload cannot be
    read becomes BAD_PAYLOAD (so its ack, if it asked for one, says why); any other packet
    that cannot be read (a connect with unreadable auth) ends that namespace's session."""

    json = _Json

    def decode(self, encoded_packet: Any) -> int:
        try:
            return super().decode(encoded_packet)
        except ValueError as exc:  # BadInput, the parser's own, a malformed header
            reason = said(exc) if isinstance(exc, BadInput) else english("malformed_json")
            if self.packet_type in (sio_packet.EVENT, sio_packet.BINARY_EVENT):
                self.packet_type, self.data = sio_packet.EVENT, [BAD_PAYLOAD, reason]
            else:
                self.packet_type, self.data = sio_packet.DISCONNECT, None
            return 0


def on_bad_payload(reason: Any = None) -> dict[str, Any]:
    """The answer to a message whose payload could not be read."""
    words = reason if isinstance(reason, str) else english("malformed_json")
    return refusal("bad_request", words)
