"""A push is bounded near what a centre's pusher sends, read off the event loop, and JSON
nested too deep is a 400 (issue 22, point 5).

Before: a gzipped push of 59.6 MB of JSON was taken (the limit was 64 MB unzipped though a
pusher never sends more than 4 MB of entries) and held the province's one event loop for
21 s; 100,000 nested `[` answered 500 (RecursionError)."""

from __future__ import annotations

import datetime as dt
import gzip
import http.client
import json
import threading

import pytest
import requests
from sqlalchemy import select

from server import current
from server.db import Database
from server.engine import Engine
from server.models import Centre
from server.province.pusher import PUSH_JSON_BYTES
from tests.factories import bearer
from tests.live_server import LiveServer, free_port

AT = "2026-11-23T01:00:00+00:00"


def _head(extra: str = "") -> bytes:
    return f'{{"at":"{AT}","head":0,"offices":[],"entries":[]{extra}'.encode()


def padded_push(size: int) -> bytes:
    """A push of about `size` bytes of JSON: a valid push with a long list of numbers in a
    key no push has (parsing it is the cost; the schema then refuses the key)."""
    numbers = max((size - len(_head())) // 2, 1)
    return _head(',"pad":[') + b"1," * (numbers - 1) + b"1]}"


def whitespace_push(size: int) -> bytes:
    """A valid, empty push made `size` bytes long with spaces."""
    body = _head() + b"}"
    return body + b" " * (size - len(body))


def _post(client, token, data: bytes):
    headers = {**bearer(token), "Content-Type": "application/json", "Content-Encoding": "gzip"}
    return client.post("/api/v1/province/sync", data=gzip.compress(data), headers=headers)


@pytest.fixture
def token(app, client, admin):
    engine = current.engine(app)
    invite = engine.add_centre("XA1", "Xã Một")
    return engine.join(invite["join_code"])["token"]


def test_the_limit_is_near_what_a_pusher_sends(app):
    limit = app.config["PROVINCE_PUSH_MAX_JSON"]
    assert PUSH_JSON_BYTES < limit <= 4 * PUSH_JSON_BYTES


def test_a_push_larger_than_a_pusher_sends_is_413(app, client, token):
    limit = app.config["PROVINCE_PUSH_MAX_JSON"]
    assert _post(client, token, whitespace_push(limit)).status_code == 200
    answer = _post(client, token, whitespace_push(limit + 1))
    assert answer.status_code == 413, answer.get_json()
    body = answer.get_json()
    assert body["error"] == "request_entity_too_large" and str(limit) in body["message"]
    assert body["vi"]["message"] != body["message"]
    # Not zipped, the same.
    headers = {**bearer(token), "Content-Type": "application/json"}
    plain = client.post("/api/v1/province/sync", data=whitespace_push(limit + 1), headers=headers)
    assert plain.status_code == 413


@pytest.mark.parametrize("depth, status", [(100_000, 400), (33, 400)])
def test_a_push_nested_too_deep_is_400(app, client, token, depth, status):
    deep = b"[" * depth + b"]" * depth
    answer = _post(client, token, _head(',"pad":') + deep + b"}")
    assert answer.status_code == status, answer.get_json()
    body = answer.get_json()
    assert body["error"] == "bad_request" and "32" in body["message"]
    assert body["vi"]["message"] != body["message"]
    with current.engine(app).db.read() as session:
        assert session.scalar(select(Centre.received_seq)) == 0


def test_nesting_within_the_bound_is_read(app, client, token):
    deep = b"[" * 30 + b"]" * 30
    answer = _post(client, token, _head(',"pad":') + deep + b"}")
    assert answer.status_code == 422  # read, then refused by the schema: no such key
    assert answer.get_json()["fields"] == {"pad": ["Unknown field."]}


# -- a real server: a big push never holds up the others


@pytest.mark.multiproc
def test_the_province_answers_others_while_a_push_is_read(database_url, tmp_path):
    db = Database(database_url)
    engine = Engine(db)
    invite = engine.add_centre("XA1", "Xã Một")
    token = engine.join(invite["join_code"])["token"]
    db.dispose()
    server = LiveServer(database_url, tmp_path / "province", free_port())
    server.start()
    # Just under the limit: seconds of parsing (numbers go through the strict reader).
    body = gzip.compress(padded_push(8 * 1024 * 1024 - 4096))
    answered: dict[str, object] = {}
    sent, done = threading.Event(), threading.Event()

    def push() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
        try:
            headers = {
                **bearer(token),
                "Content-Type": "application/json",
                "Content-Encoding": "gzip",
            }
            connection.request("POST", "/api/v1/province/sync", body=body, headers=headers)
            sent.set()  # the whole request is on its way: the server is about to read it
            response = connection.getresponse()
            answered["push"] = (response.status, json.loads(response.read()))
        finally:
            connection.close()
            sent.set()
            done.set()

    try:
        pusher = threading.Thread(target=push)
        pusher.start()
        sent.wait(60)
        during = 0
        with requests.Session() as health:
            while not done.is_set():
                alive = health.get(server.url + "/healthz", timeout=120)
                assert alive.status_code == 200
                if not done.is_set():
                    during += 1
        pusher.join()
        status, answer = answered["push"]
        assert status == 422 and answer["fields"] == {"pad": ["Unknown field."]}
        # The loop went on serving while the push was read; before, it served none (one at
        # most, asked before the server had read the push).
        assert during >= 3, during
    finally:
        server.stop()


def test_a_valid_push_is_still_taken_whole(app, client, token):
    entries = []
    body = json.dumps(
        {"at": dt.datetime.now(dt.UTC).isoformat(), "head": 0, "offices": [], "entries": entries}
    ).encode()
    assert _post(client, token, body).get_json() == {"received": 0, "rows": 0, "template": None}
