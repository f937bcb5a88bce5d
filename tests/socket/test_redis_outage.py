"""The Redis manager and the re-sending of snapshots, piece by piece and without timing:
the manager against a port where nothing listens, `Resync` driven round by round.
(End to end, with a real `redis-server` killed and restarted: tests/multiproc.)"""

from __future__ import annotations

import json
import logging
from types import SimpleNamespace

import pytest

from server.realtime import QueueManager, Resync
from tests.live_server import free_port


def dead_manager(**options) -> QueueManager:
    manager = QueueManager(f"redis://127.0.0.1:{free_port()}/0", "luot-test", **options)
    manager.json = json  # what the Socket.IO server sets when it adopts the manager
    return manager


def test_a_publisher_without_redis_logs_one_warning_and_gives_up_quickly(caplog):
    manager = dead_manager(retry=3600)
    with caplog.at_level(logging.DEBUG):
        for n in range(50):
            assert manager._publish({"method": "emit", "n": n}) is None
    assert manager.dropped == 50
    assert manager.publishing is False and manager.up is False
    messages = [r.getMessage() for r in caplog.records]
    assert not [m for m in messages if "Cannot publish" in m]
    (warning,) = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert "is unreachable" in warning.getMessage() and "Connection refused" in warning.getMessage()


def test_state_changes_say_when_local_rooms_need_a_refresh():
    changes = []
    manager = dead_manager(on_change=lambda up, refresh: changes.append((up, refresh)))
    manager._update(listening=True)  # the first subscription: anything earlier went past
    manager._update(listening=False)
    manager._update(publishing=False)
    manager._update(listening=True)  # still down: the publisher is not back
    manager._update(listening=True)  # no change, no call
    assert changes == [(True, True), (False, False), (False, False), (False, False)]
    manager.redis = SimpleNamespace(publish=lambda *args: changes.append(("resync", args[0])))
    manager._update(publishing=True)
    assert changes[-2:] == [("resync", "luot-test:resync"), (True, True)]


class FakeSocketIO:
    """The slice of Flask-SocketIO that `Resync` uses, recording what it sends."""

    def __init__(self, manager: QueueManager) -> None:
        self.server = SimpleNamespace(manager=manager)
        self.sent: list[tuple[str, str, dict]] = []

    def emit(self, name, payload, to, ignore_queue=False):
        assert ignore_queue  # to this process's clients only
        self.sent.append((to, name, payload))

    def start_background_task(self, target, *args):
        pass

    def sleep(self, seconds=0):
        pass

    def take(self) -> list[tuple[str, str, dict]]:
        sent, self.sent = self.sent, []
        return sent


@pytest.fixture
def resync(engine, office):
    manager = dead_manager(retry=3600)
    manager.rooms = {"/": {None: {}, "sid123": {}, "office:T1": {}, "staff:T1": {}}}
    socketio = FakeSocketIO(manager)
    resync = Resync(socketio, engine, every=3600)
    manager.on_change, manager.on_resync = resync.queue_changed, resync.requested
    manager.probe = lambda: False  # Redis stays away until a test says otherwise
    return SimpleNamespace(resync=resync, manager=manager, socketio=socketio)


def codes(sent) -> list[str]:
    return [
        c["code"]
        for _room, name, p in sent
        if name == "snapshot" and "recent_calls" in p
        for c in p["recent_calls"]
    ]


def test_while_down_rooms_get_fresh_snapshots_when_the_database_changed(resync, engine, office):
    r = resync
    assert r.resync.tick() == 0  # Redis up: nothing to do
    r.manager._update(listening=False)
    assert r.resync.tick() == 2
    assert {room for room, _name, _payload in r.socketio.take()} == {"office:T1", "staff:T1"}
    assert r.resync.tick() == 0  # nothing changed since
    counter = office["counters"][1]
    engine.set_counter_state(counter, "open")
    engine.issue("T1", "A")
    engine.call_next(counter)
    assert r.resync.tick() == 2
    sent = r.socketio.take()
    assert codes(sent) == ["A001"]
    office_snapshot = next(p for room, _n, p in sent if room == "office:T1")
    assert office_snapshot["room"] == "office:T1"  # the same shape as the join snapshot


def test_when_redis_is_back_every_room_is_refreshed_even_if_nothing_changed(resync):
    r = resync
    r.manager._update(listening=False)
    r.resync.tick()
    r.socketio.take()
    r.manager._update(publishing=False)
    assert r.resync.tick() == 0
    r.manager.redis = SimpleNamespace(publish=lambda *args: None)
    r.manager._update(listening=True)
    assert r.resync.tick() == 0  # the subscriber is back, the publisher not yet
    r.manager._update(publishing=True)
    assert r.resync.tick() == 2
    assert r.resync.tick() == 0


def test_another_process_asking_refreshes_every_room(resync):
    resync.resync.requested()
    assert resync.resync.tick() == 2
    assert resync.resync.tick() == 0
