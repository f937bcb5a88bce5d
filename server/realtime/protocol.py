"""What a socket message may carry, and the shape of every acknowledgement.

An ack is `{"ok": True, ...}` or the REST error body (`server.api.errors.error_body`) with
`"ok": False` beside it, so one client helper reads every refusal, REST or socket.
"""

from __future__ import annotations

from typing import Any

from ..api.errors import engine_error_body, error_body
from ..engine import EngineError
from ..engine.documents import MAX_ID
from ..input_guard import BadInput, check_text


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
