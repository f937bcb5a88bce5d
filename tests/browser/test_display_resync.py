"""The board catches up on calls it missed when a fresh snapshot arrives on its open socket,
as after a Redis outage (no reconnect): missed calls shown, the recent one announced, an old
one shown but not spoken."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import redis
from playwright.sync_api import expect
from sqlalchemy import func, select

from server.db import Database
from server.models import TicketEvent
from tests.browser.test_display_board import FAST_VOICE, announcer, open_board
from tests.conftest import missing_service
from tests.display.helpers import Api, offline_engine, set_settings
from tests.factories import make_office, make_token
from tests.live_server import LiveServer, free_port
from tests.redis_server import REDIS_SERVER, RedisServer

pytestmark = [pytest.mark.browser, pytest.mark.redis]


@pytest.fixture
def site(database_url, tmp_path):
    if REDIS_SERVER is None:
        missing_service("redis-server is not installed")
    queue = RedisServer(tmp_path / "redis")
    queue.start()
    channel = f"luot-{uuid.uuid4().hex}"
    db = Database(database_url)
    office = make_office(db)
    token = make_token(db, "officer1")
    db.dispose()
    set_settings(database_url, "T1", FAST_VOICE)
    server = LiveServer(
        database_url,
        tmp_path / "live",
        free_port(),
        REDIS_URL=queue.url,
        LUOT_SOCKETIO_CHANNEL=channel,
    )
    try:
        server.start()
        yield {
            "url": server.url,
            "office": office,
            "api": Api(server.url, token),
            "redis": queue,
            "channel": channel,
        }
    finally:
        try:
            server.stop()
        finally:
            queue.kill()


def test_a_snapshot_without_reconnect_shows_missed_calls_and_announces_the_recent_one(
    site, new_page, database_url
):
    api, counters = site["api"], site["office"]["counters"]
    api.open(counters[1])
    api.open(counters[2])
    for service in ("A", "A", "B"):
        api.issue(service)
    page = open_board(new_page, site["url"] + "/display/T1")
    page.evaluate("() => { window.__sameDocument = true; }")
    socket_id = page.evaluate("() => luotBoard.socket.id")
    first = api.next(counters[1])
    page.wait_for_function("() => luotAnnouncer.history.length === 1", timeout=30_000)
    api.act(first["id"], "start")
    # The refresh after "start" is computed a moment later: let it land before going on.
    db = Database(database_url)
    with db.read() as session:
        version = session.scalar(select(func.max(TicketEvent.id)))
    db.dispose()
    page.wait_for_function(f"() => luotBoard.version >= {version}")

    # Calls through another process whose messages never reached this one: one now, one
    # made five minutes ago.
    engine, db = offline_engine(database_url)
    assert engine.call_next(counters[1])["code"] == "A002"
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    old, old_db = offline_engine(database_url, clock=lambda: long_ago)
    assert old.call_next(counters[2])["code"] == "1001"
    db.dispose()
    old_db.dispose()
    expect(page.locator('[data-counter="1"] .counter-code')).to_have_text("A001")

    # That process, its publisher back, asks every other process to refresh its rooms.
    peer = redis.Redis.from_url(site["redis"].url)
    peer.publish(f"{site['channel']}:resync", "another-process")
    peer.close()

    expect(page.locator('[data-counter="1"] .counter-code')).to_have_text("A002")
    expect(page.locator('[data-counter="2"] .counter-code')).to_have_text("1001")
    page.wait_for_function("() => luotAnnouncer.history.length === 2", timeout=30_000)
    state = announcer(page)
    assert [h["code"] for h in state["history"]] == ["A001", "A002"]
    assert [(s["code"], s["reason"]) for s in state["skipped"]] == [("1001", "stale")]
    assert page.evaluate("() => window.__sameDocument") is True
    assert page.evaluate("() => luotBoard.socket.id") == socket_id  # the same connection
