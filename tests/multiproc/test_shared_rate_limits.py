"""Rate limits hold across processes: with REDIS_URL set, two `luot serve` processes count
one client's tickets together, so spreading a flood over both gains nothing."""

from __future__ import annotations

import uuid

import pytest
import requests

from server.db import Database
from tests.factories import make_office
from tests.live_server import LiveServer, free_port

pytestmark = [pytest.mark.multiproc, pytest.mark.redis, pytest.mark.slow]


def test_two_processes_share_one_count_on_redis(redis_url, database_url, tmp_path):
    db = Database(database_url)
    make_office(db)
    db.dispose()
    env = {
        "REDIS_URL": redis_url,
        "LUOT_SOCKETIO_CHANNEL": f"luot-test-{uuid.uuid4().hex}",
        "LUOT_RATELIMIT_KEY_PREFIX": f"luot-test-{uuid.uuid4().hex}",
        "LUOT_RATELIMIT_ENABLED": "true",
        "LUOT_ISSUE_LIMIT_ANONYMOUS": "6 per minute",
    }
    servers = [LiveServer(database_url, tmp_path / name, free_port(), **env) for name in "ab"]
    for server in servers:
        server.start()
    try:
        answers = [
            requests.post(
                f"{servers[i % 2].url}/api/v1/offices/T1/tickets", json={"service": "A"}, timeout=10
            ).status_code
            for i in range(10)
        ]
    finally:
        for server in servers:
            server.stop()
    assert answers.count(201) == 6 and answers.count(429) == 4
