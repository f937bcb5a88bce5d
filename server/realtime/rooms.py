"""Every kind of room, in one table: how it is named, who may join, what a joiner gets.

Rooms: `office:<code>` (displays), `counter:<id>` (an officer's console), `ticket:<token>`
(one citizen's phone), `staff:<code>` (officers: devices and faults), `rating:<id>` (the
rating tablet at a counter), `device:<id>` (one device, its print agent). Joining and the
resync after a Redis outage both read this table, so they cannot disagree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask_socketio import SocketIO

from ..engine import Engine, counter_room, office_room, ticket_room
from ..engine.events import device_room, rating_room, staff_room
from ..engine.rules.documents import MAX_ID
from ..i18n import english
from ..web.auth import STAFF, Principal
from . import agent
from .protocol import plausible

Messages = list[tuple[str, dict[str, Any]]]


def _staff_of(principal: Principal | None, office_id: int) -> bool:
    return principal is not None and principal.has_role(*STAFF) and principal.may_act_in(office_id)


def _office_exists(engine: Engine, _principal: Principal | None, code: str) -> bool:
    engine.office_id(code)
    return True


def _ticket_exists(engine: Engine, _principal: Principal | None, token: str) -> bool:
    engine.ticket_by_token(token)
    return True


def _counter_staff(engine: Engine, principal: Principal | None, counter_id: int) -> bool:
    return _staff_of(principal, engine.office_of("counter", counter_id))


def _office_staff(engine: Engine, principal: Principal | None, code: str) -> bool:
    return _staff_of(principal, engine.office_id(code))


def _rating_screen_or_staff(engine: Engine, principal: Principal | None, counter_id: int) -> bool:
    office_id = engine.office_of("counter", counter_id)
    return principal is not None and (
        (
            principal.role == "rating"
            and engine.device(principal.device_id)["counter_id"] == counter_id
        )
        or _staff_of(principal, office_id)
    )


def _the_device(_engine: Engine, principal: Principal | None, device_id: int) -> bool:
    return principal is not None and principal.device_id == device_id


def _no_backlog(_engine: Engine, _key: Any, _snapshot: dict[str, Any]) -> Messages:
    return []


@dataclass(frozen=True)
class RoomKind:
    """One kind of room. `allowed` raises EngineError when the room's subject does not
    exist, and answers whether `principal` may join; `refusal` says why not."""

    name: Callable[[Any], str]
    by_id: bool  # named by a database id, else by a code or token
    allowed: Callable[[Engine, Principal | None, Any], bool]
    snapshot: Callable[[Engine, Any], dict[str, Any]]
    refusal: str = ""
    # Sent after the snapshot on a resync only (a join gets the snapshot alone).
    backlog: Callable[[Engine, Any, dict[str, Any]], Messages] = _no_backlog


ROOM_KINDS: dict[str, RoomKind] = {
    "office": RoomKind(
        office_room, False, _office_exists, lambda engine, code: engine.snapshot(code)
    ),
    "ticket": RoomKind(
        ticket_room,
        False,
        _ticket_exists,
        lambda engine, token: {"ticket": engine.ticket_by_token(token)},
    ),
    "counter": RoomKind(
        counter_room,
        True,
        _counter_staff,
        lambda engine, ident: engine.counter_snapshot(ident),
        english("room_counter"),
    ),
    "staff": RoomKind(
        staff_room,
        False,
        _office_staff,
        lambda engine, code: {"devices": engine.devices(code)},
        english("room_staff"),
    ),
    "rating": RoomKind(
        rating_room,
        True,
        _rating_screen_or_staff,
        lambda engine, ident: engine.rating_prompt(ident),
        english("room_rating"),
    ),
    "device": RoomKind(
        device_room,
        True,
        _the_device,
        lambda engine, ident: {"device": engine.device(ident)},
        english("room_device"),
        agent.backlog,
    ),
}


@dataclass(frozen=True)
class Room:
    """A room asked for and allowed: its name, and how to build its snapshot."""

    kind: RoomKind
    key: Any
    name: str

    def snapshot(self, engine: Engine) -> dict[str, Any]:
        return self.kind.snapshot(engine, self.key)


def resolve(engine: Engine, principal: Principal | None, data: Any) -> Room:
    """The room `data` asks for, if `principal` may join it.

    Raises ValueError (a malformed request), EngineError (no such office, counter, ...)
    or PermissionError.
    """
    if not isinstance(data, dict) or len(data) != 1:
        raise ValueError(english("room_one"))
    ((kind_name, key),) = data.items()
    if not plausible(key):
        raise ValueError(english("room_key", max=MAX_ID))
    kind = ROOM_KINDS.get(kind_name)
    if kind is None or isinstance(key, int) != kind.by_id:
        raise ValueError(english("room_kind", kind=kind_name, key=key))
    if not kind.allowed(engine, principal, key):
        raise PermissionError(kind.refusal)
    return Room(kind, key, kind.name(key))


def room_messages(engine: Engine, room: str) -> Messages:
    """What a client of `room` gets on joining, to send again to a room already joined."""
    kind_name, _, key = room.partition(":")
    kind = ROOM_KINDS.get(kind_name)
    if kind is None:
        return []
    ident = int(key) if kind.by_id else key
    snapshot = kind.snapshot(engine, ident)
    return [("snapshot", {"room": room, **snapshot}), *kind.backlog(engine, ident, snapshot)]


def local_rooms(socketio: SocketIO) -> list[str]:
    """The rooms this process has clients in (not other processes')."""
    rooms = socketio.server.manager.rooms.get("/", {}) if socketio.server else {}
    return [room for room in list(rooms) if isinstance(room, str) and ":" in room]
