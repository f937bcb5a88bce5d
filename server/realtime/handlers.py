"""Socket.IO handlers: connect (with an optional token), join and leave a room.

A join answers with the room's snapshot at once; every later change arrives as an event.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import request, session
from flask_login import current_user
from flask_socketio import ConnectionRefusedError, SocketIO, join_room, leave_room

from .. import current
from ..db import unavailable
from ..engine import EngineError
from ..extensions import socketio as shared_socketio
from ..i18n import english, said
from ..web.auth import Principal, principal_for_token
from ..web.errors import database_unavailable
from . import agent
from .limits import limited
from .protocol import BAD_PAYLOAD, ack, engine_refusal, on_bad_payload, plausible, refusal
from .rooms import Room, resolve

log = logging.getLogger(__name__)


def on_error(exc: Exception) -> dict[str, Any]:
    """Whatever went wrong, the client's callback gets an answer in the error shape; a
    database that cannot take the message now is said so, with when to try again."""
    problem = unavailable(exc)
    if problem is not None:
        database_unavailable(problem)
        answer = refusal("database_unavailable", english("database_" + problem.kind))
        return {**answer, "retry_after": problem.retry_after}
    event = getattr(request, "event", None) or {}
    log.exception(
        "Socket.IO handler for %r failed (socket %s)",
        event.get("message"),
        request.sid,
        exc_info=exc,
    )
    return refusal("internal_error", "The server could not handle this message.")


def _principal_from(auth: Any) -> Principal | None:
    """A token in `auth`, else the signed-in officer's session cookie, else anonymous."""
    token = auth.get("token") if isinstance(auth, dict) else None
    if token is not None and not (isinstance(token, str) and plausible(token, 200)):
        raise ConnectionRefusedError("invalid token")
    if token:
        principal = principal_for_token(current.database(), str(token))
        if principal is None:
            raise ConnectionRefusedError("invalid token")
        return principal
    return current_user.principal if current_user.is_authenticated else None


def on_connect(auth: dict | None = None) -> None:
    principal = _principal_from(auth)
    # Flask-SocketIO keeps a per-connection copy of the session on the server.
    session["socket_principal"] = principal
    if principal is not None and principal.credential:
        current.socket_credentials().connected(request.sid, principal.credential)
    if principal is not None and principal.is_device:
        current.presence().connected(request.sid, principal.device_id)
    current.metrics().sockets.inc()


def on_disconnect(*_reason: Any) -> None:
    current.socket_limits().forget(request.sid)
    current.socket_credentials().disconnected(request.sid)
    current.presence().disconnected(request.sid)
    current.metrics().sockets.dec()


def _resolve(data: Any) -> Room:
    return resolve(current.engine(), session.get("socket_principal"), data)


def on_join(data: Any = None) -> dict[str, Any]:
    try:
        room = _resolve(data)
    except EngineError as exc:
        return engine_refusal(exc)
    except PermissionError as exc:
        return refusal("forbidden", said(exc))
    except ValueError as exc:
        return refusal("bad_request", said(exc))
    # Join first, then read: a change made in between arrives after, never lost.
    join_room(room.name)
    snapshot = room.snapshot(current.engine())
    shared_socketio.emit("snapshot", {"room": room.name, **snapshot}, to=request.sid)
    return ack(room=room.name)


def on_leave(data: Any = None) -> dict[str, Any]:
    try:
        room = _resolve(data)
    except (EngineError, PermissionError, ValueError) as exc:
        return refusal("bad_request", said(exc))
    leave_room(room.name)
    return ack(room=room.name)


def register_handlers(socketio: SocketIO) -> None:
    """Connect, disconnect, join/leave with an immediate snapshot, the print agent's; every
    event within its socket's budget (server/realtime/limits.py)."""
    socketio.on_error_default(on_error)
    socketio.on("connect")(on_connect)
    socketio.on("disconnect")(on_disconnect)
    socketio.on("join")(limited(on_join))
    socketio.on("leave")(limited(on_leave))
    socketio.on(BAD_PAYLOAD)(limited(on_bad_payload))
    agent.register(socketio)
