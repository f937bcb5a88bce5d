"""Socket.IO against a real `luot serve`: one address cannot hold more than its share of
sessions, one socket cannot have more than its share of work done, and a payload nested
too deep is refused in the one error shape (issue 22, points 5 and 7).

Before: 20,000 polling handshakes from one address were all accepted, and 3,000 `join`s
from one anonymous socket each got a full snapshot while other clients stalled."""

from __future__ import annotations

import http.client
import json

import pytest
import socketio

from tests.factories import make_office
from tests.live_server import LiveServer, free_port
from tests.sio_client import Listener, close_all

pytestmark = pytest.mark.multiproc

CAP = 5


def _server(database_url, tmp_path, name, **env) -> LiveServer:
    from server.db import Database

    db = Database(database_url)
    make_office(db)
    db.dispose()
    server = LiveServer(database_url, tmp_path / name, free_port(), **env)
    server.start()
    return server


def _handshake(server, source="127.0.0.1", headers=None) -> tuple[int, str]:
    """A polling handshake (what a browser's first Socket.IO request is): status, body."""
    connection = http.client.HTTPConnection(
        "127.0.0.1", server.port, timeout=10, source_address=(source, 0)
    )
    try:
        connection.request("GET", "/socket.io/?EIO=4&transport=polling", headers=headers or {})
        answer = connection.getresponse()
        return answer.status, answer.read().decode()
    finally:
        connection.close()


def _post(server, sid, body: str) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        connection.request(
            "POST",
            f"/socket.io/?EIO=4&transport=polling&sid={sid}",
            body=body.encode(),
            headers={"Content-Type": "text/plain;charset=UTF-8"},
        )
        answer = connection.getresponse()
        return answer.status, answer.read().decode()
    finally:
        connection.close()


def _poll(server, sid) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        connection.request("GET", f"/socket.io/?EIO=4&transport=polling&sid={sid}")
        return connection.getresponse().read().decode()
    finally:
        connection.close()


def _sid(body: str) -> str:
    return json.loads(body[1:])["sid"]


@pytest.fixture
def capped(database_url, tmp_path):
    server = _server(database_url, tmp_path, "capped", LUOT_SOCKETIO_MAX_PER_ADDRESS=str(CAP))
    yield server
    server.stop()


def test_one_address_holds_at_most_its_share_of_sessions(capped):
    answers = [_handshake(capped) for _ in range(CAP * 4)]
    statuses = [status for status, _body in answers]
    assert statuses.count(200) == CAP
    assert statuses.count(429) == CAP * 3
    refused = json.loads(answers[-1][1])
    assert refused["error"] == "too_many_connections"
    assert refused["vi"]["message"] != refused["message"]
    # A forwarded address is not believed without LUOT_TRUSTED_PROXIES.
    spoofed = _handshake(capped, headers={"X-Forwarded-For": "198.51.100.7"})
    assert spoofed[0] == 429
    # Another address is served; a session that closes makes room again.
    assert _handshake(capped, source="127.0.0.2")[0] == 200
    first = _sid(answers[0][1])
    assert _post(capped, first, "1")[0] == 200  # engine.io's close packet
    for _ in range(50):
        status, _body = _handshake(capped)
        if status == 200:
            break
    assert status == 200


def test_behind_a_trusted_proxy_each_client_address_is_counted(database_url, tmp_path):
    server = _server(
        database_url,
        tmp_path,
        "proxied",
        LUOT_SOCKETIO_MAX_PER_ADDRESS=str(CAP),
        LUOT_TRUSTED_PROXIES="1",
    )
    try:
        first = [
            _handshake(server, headers={"X-Forwarded-For": "198.51.100.7"})[0]
            for _ in range(CAP + 2)
        ]
        assert first.count(200) == CAP and first.count(429) == 2
        # The proxy's own address is shared by every client: another client still gets in.
        other = _handshake(server, headers={"X-Forwarded-For": "198.51.100.8"})
        assert other[0] == 200
        # One IPv6 host has a whole /64: it counts as one address.
        v6 = [
            _handshake(server, headers={"X-Forwarded-For": f"2001:db8:1:2::{n:x}"})[0]
            for n in range(1, CAP + 3)
        ]
        assert v6.count(200) == CAP and v6.count(429) == 2
    finally:
        server.stop()


def test_one_socket_gets_at_most_its_share_of_joins(database_url, tmp_path):
    server = _server(
        database_url,
        tmp_path,
        "events",
        LUOT_SOCKETIO_EVENTS="10",
        LUOT_SOCKETIO_EVENTS_SECONDS="600",
    )
    flood = Listener(server.url, transports=("polling",))
    other = None
    try:
        acks = []
        for _ in range(60):
            try:
                acks.append(flood.client.call("join", {"office": "T1"}, timeout=5))
            except (socketio.exceptions.TimeoutError, socketio.exceptions.BadNamespaceError):
                break
        accepted = [ack for ack in acks if ack.get("ok")]
        refused = [ack for ack in acks if not ack.get("ok")]
        assert len(accepted) == 10
        assert len(refused) >= 19
        assert {ack["error"] for ack in refused} == {"too_many_requests"}
        assert refused[0]["vi"]["message"] != refused[0]["message"]
        # Only the accepted joins got a snapshot; the socket that kept on was closed.
        assert len(flood.events("snapshot")) == 10
        assert len(acks) < 60
        # Another client is served as ever.
        other = Listener(server.url)
        assert other.join(office="T1")["ok"]
        assert other.wait_for("snapshot")["office"]["code"] == "T1"
    finally:
        close_all(*(listener for listener in (flood, other) if listener is not None))
        server.stop()


def test_a_payload_nested_too_deep_is_refused_in_the_one_shape(database_url, tmp_path):
    server = _server(database_url, tmp_path, "deep")
    try:
        status, body = _handshake(server)
        assert status == 200
        sid = _sid(body)
        assert _post(server, sid, "40")[0] == 200
        assert _poll(server, sid).startswith("40")
        deep = "[" * 100_000 + "]" * 100_000
        assert _post(server, sid, f'421["join",{deep}]')[0] == 200
        answer = _poll(server, sid)
        assert answer.startswith("431"), answer[:200]
        ack = json.loads(answer[3:])[0]
        assert ack["ok"] is False and ack["error"] == "bad_request"
        assert "32" in ack["message"] and ack["vi"]["message"] != ack["message"]
        # The socket still works.
        assert _post(server, sid, '422["join",{"office":"T1"}]')[0] == 200
        replies = ""
        for _ in range(5):
            replies += _poll(server, sid)
            if "432[" in replies:
                break
        assert '432[{"ok":true' in replies.replace(" ", "")
        assert "Traceback" not in server.log.read_text()
    finally:
        server.stop()
