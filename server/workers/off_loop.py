"""Work that must not hold up `luot serve`'s one event loop.

Under gevent every request shares one thread: a view that spends seconds in C code
(unzipping and parsing a centre's push) stops every other request for as long, /healthz
included (a 59.6 MB push once held the province for 21 s). Such work goes to gevent's pool
of real threads; the loop goes on serving while it runs, and the request waits for its
result like any other I/O. Without gevent (tests, `flask run`) it simply runs here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


def under_gevent() -> bool:
    """Whether this process runs on gevent's loop (`luot serve` patches first)."""
    try:
        from gevent import monkey
    except ImportError:  # pragma: no cover - gevent is a dependency
        return False
    return bool(monkey.is_module_patched("threading"))


def run(work: Callable[..., T], *args: Any) -> T:
    """`work(*args)` in a real thread when under gevent (its exception raised here)."""
    if not under_gevent():
        return work(*args)
    import gevent

    return gevent.get_hub().threadpool.apply(work, args)
