"""The queue engine: the only writer of queue state. Imports neither flask nor flask_socketio."""

from .context import utcnow
from .errors import Conflict, EngineError, Forbidden, Invalid, InvalidTransition, NotFound
from .events import Event, counter_room, office_room, ticket_room
from .facade import Engine
from .numbering import Citizen

__all__ = [
    "Citizen",
    "Conflict",
    "Engine",
    "EngineError",
    "Event",
    "Forbidden",
    "Invalid",
    "InvalidTransition",
    "NotFound",
    "counter_room",
    "office_room",
    "ticket_room",
    "utcnow",
]
