"""Socket.IO: clients join rooms and get a snapshot; the engine's events are emitted to rooms.

- `rooms`: the one table of room kinds (who may join, what a joiner gets);
- `handlers`: connect, join, leave; `agent`: the kiosk print agent's messages;
- `publisher`: engine events to rooms, and the coalesced snapshots (`Fanout`);
- `presence`: connected devices and every socket's sign-in (`SocketCredentials`);
- `limits`: sessions per client address and events per socket; `protocol`: acks in the
  one error shape, and payloads read as every route reads JSON (`Packet`);
- `redis_queue` and `resync`: sharing events between processes through Redis, and keeping
  this process's screens right while Redis is down;
- `workers`: how each of those background loops starts (on first need, once).

Every emit reaches this process's own clients first; while Redis is down, `Resync` keeps
them right about changes made through other processes, and brings every room up to date
once Redis is back.
"""

from .connections import Presence, SocketCredentials
from .handlers import register_handlers
from .limits import SocketLimits
from .protocol import Packet
from .publisher import Fanout, fanout, health_publisher, publisher
from .redis_queue import QueueManager
from .resync import Resync, change_marker
from .rooms import ROOM_KINDS, local_rooms, room_messages

__all__ = [
    "ROOM_KINDS",
    "Fanout",
    "fanout",
    "Packet",
    "Presence",
    "QueueManager",
    "Resync",
    "SocketCredentials",
    "SocketLimits",
    "change_marker",
    "health_publisher",
    "local_rooms",
    "publisher",
    "register_handlers",
    "room_messages",
]
