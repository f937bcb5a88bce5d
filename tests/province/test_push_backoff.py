"""The pusher's backoff holds while the office works: commits wake a healthy pusher at once,
but not one waiting after a failure (each attempt reads and encodes a whole push; one per
ticket kept a centre with a cut link busy at 70 % of a core)."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from server.province.pusher import Pusher
from tests.live_server import free_port


class Threads:
    """What a Pusher needs of Socket.IO: a background task, here a thread."""

    def __init__(self) -> None:
        self.started: list[threading.Thread] = []

    def start_background_task(self, target) -> None:
        thread = threading.Thread(target=target, daemon=True)
        thread.start()
        self.started.append(thread)


@pytest.fixture
def running(centre, province) -> Iterator[Callable[..., list[float]]]:
    """`running(province_url, push=None, **pusher_options)`: the centre joined to the
    province at that address, its pusher serving in a thread and woken by the centre's
    commits; the times of its attempts (each a real push, or `push`). Halted after."""
    threads = Threads()
    pushers: list[Pusher] = []

    def start(url: str, push: Callable[[], bool] | None = None, **options) -> list[float]:
        invite = province.add_centre("XA1", "Xã Một")
        granted = province.join(invite["join_code"])
        centre.join_province(url, "XA1", granted["token"], granted["received"])
        pusher = Pusher(centre, threads, interval=60, retry_max=60, **options)
        attempts: list[float] = []
        push = push or pusher.push_once

        def counted() -> bool:
            attempts.append(time.monotonic())
            return push()

        pusher.push_once = counted
        pusher.watch(centre.db)
        pusher.serve()
        pushers.append(pusher)
        deadline = time.monotonic() + 10
        while not attempts and time.monotonic() < deadline:
            time.sleep(0.01)
        assert attempts, "the pusher never tried"
        return attempts

    yield start
    for pusher in pushers:
        pusher.halt()
    for thread in threads.started:
        thread.join(timeout=10)
    assert not any(thread.is_alive() for thread in threads.started)


def test_commits_do_not_cut_a_backoff_short(centre, running):
    nobody = f"http://127.0.0.1:{free_port()}"  # a closed port: the province out of reach
    attempts = running(nobody, timeout=2)
    for n in range(30):  # each commit writes a journal entry and wakes the pusher
        centre.issue("T1", "A" if n % 2 else "B")
    elapsed = time.monotonic() - attempts[0]
    # Waits of 1, 2, 4 … s after the first attempt: at most this many in `elapsed`.
    assert len(attempts) <= 2 + math.log2(1 + elapsed), (len(attempts), elapsed)
    assert centre.link()["unsent"] > 30 and centre.link()["last_error"]


def test_a_healthy_pusher_is_still_woken_by_a_commit(centre, running):
    """No failure: a commit's wake starts the next push at once, not after the interval."""
    attempts = running("http://province.test", push=lambda: False)
    centre.issue("T1", "A")
    deadline = time.monotonic() + 10
    while len(attempts) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(attempts) >= 2  # long before the 60 s interval
