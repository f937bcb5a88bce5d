"""Which hosts this server answers to, and the base of the links it makes."""

from __future__ import annotations

# Set by `luot serve`'s handler (server/http_handler.py): the address the connection came in
# on, i.e. one of the box's own addresses.
LOCAL_ADDRESS = "luot.local_address"
