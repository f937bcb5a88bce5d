"""Bad input against a running `luot serve`: what gevent refuses itself answers JSON too, and
a Socket.IO message with an absurd room still gets its answer."""

from __future__ import annotations

import json
import socket

import pytest
import requests

from tests.factories import make_office
from tests.sio_client import Listener

pytestmark = pytest.mark.multiproc


@pytest.fixture
def server(live_server, database_url):
    from server.db import Database

    db = Database(database_url)
    make_office(db)
    db.dispose()
    return live_server


def raw_request(port: int, request: bytes) -> tuple[str, dict[str, str], bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status, *lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines)}
    return status, headers, body


@pytest.mark.parametrize("length", [5000, 9000])
def test_long_addresses_answer_414_json(server, length):
    """Below gevent's 8 KiB line limit the app answers; above it, the handler does."""
    line = b"GET /api/v1/offices/" + b"x" * length + b" HTTP/1.1\r\n"
    status, headers, body = raw_request(
        server.port, line + b"Host: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    assert status.split()[1] == "414"
    assert headers["content-type"].startswith("application/json")
    assert json.loads(body)["error"] == "request_uri_too_long"


def test_a_surrogate_in_a_live_request_is_refused(server):
    response = requests.post(
        server.url + "/api/v1/offices/T1/tickets",
        data=b'{"service": "\\ud800"}',
        headers={"Content-Type": "application/json"},
        timeout=5,
    )
    assert response.status_code == 400
    assert response.json()["error"] == "bad_request"


def test_a_join_with_a_huge_counter_id_is_answered(server):
    listener = Listener(server.url)
    try:
        for room in ({"counter": 10**30}, {"counter": 1e30}, {"counter": 2**63}):
            ack = listener.join(**room)
            assert ack["ok"] is False and ack["error"] == "bad_request", ack
        assert listener.join(office="T1")["ok"]
    finally:
        listener.close()
