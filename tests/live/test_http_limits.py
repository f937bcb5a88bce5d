"""A running `luot serve` closes connections that never become a request (nothing sent, half
a request, a trickle, an idle keep-alive), so one client cannot hold the process's file
descriptors; screens on WebSocket or long-polling stay connected well past those limits."""

from __future__ import annotations

import json
import socket
import subprocess
import threading
import time

import pytest
import requests

from tests.factories import make_office
from tests.live.test_cli import _certificate
from tests.live_server import LUOT, LiveServer, free_port
from tests.sio_client import Listener, close_all

pytestmark = pytest.mark.multiproc

IDLE, REQUEST = 1.0, 2.0
EACH = 20


@pytest.fixture
def server(database_url, tmp_path):
    from server.db import Database

    db = Database(database_url)
    make_office(db)
    db.dispose()
    server = LiveServer(
        database_url,
        tmp_path / "live",
        free_port(),
        LUOT_HTTP_IDLE_TIMEOUT=str(IDLE),
        LUOT_HTTP_REQUEST_TIMEOUT=str(REQUEST),
    )
    server.start()
    yield server
    server.stop()


RECEIVED: dict[socket.socket, bytes] = {}


def state(sock: socket.socket) -> str:
    """ "open", or "closed" (by the server), without waiting; an answer is kept in RECEIVED."""
    try:
        while data := sock.recv(65536, socket.MSG_DONTWAIT):
            RECEIVED[sock] = RECEIVED.get(sock, b"") + data
        return "closed"
    except BlockingIOError:
        return "open"
    except OSError:
        return "closed"


HALF = {
    "nothing": b"",
    "half a request line": b"GET /healthz HT",
    "half the headers": b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n",
    "half the body": (
        b"POST /api/v1/offices/T1/tickets HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/json\r\nContent-Length: 200\r\n\r\n"
        b'{"service"'
    ),
    "an idle keep-alive": b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
}
# What each gets before it is closed: nothing, or the JSON 408.
ANSWER = {
    "nothing": None,
    "half a request line": "408",
    "half the headers": "408",
    "half the body": "408",
    "an idle keep-alive": "200",
}


def test_what_never_becomes_a_request_is_closed(server):
    opened = {kind: [] for kind in HALF}
    for kind, data in HALF.items():
        for _ in range(EACH):
            sock = socket.create_connection(("127.0.0.1", server.port))
            if data:
                sock.sendall(data)
            opened[kind].append(sock)
    trickle = socket.create_connection(("127.0.0.1", server.port))
    stop = threading.Event()

    def drip() -> None:
        """A header byte every 0.2 s, for ever: each arrives well within any idle limit."""
        for byte in b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 1000:
            if stop.wait(0.2):
                return
            try:
                trickle.send(bytes([byte]))
            except OSError:
                return

    dripping = threading.Thread(target=drip)
    dripping.start()
    try:
        time.sleep(REQUEST + 1.5)
        still_open = {
            kind: sum(state(sock) == "open" for sock in socks) for kind, socks in opened.items()
        }
        still_open["a header trickle"] = int(state(trickle) == "open")
        assert still_open == dict.fromkeys(still_open, 0), still_open
        for kind, socks in opened.items():
            received = RECEIVED.pop(socks[0], b"")
            if ANSWER[kind] is None:
                assert received == b"", (kind, received)
                continue
            lines = received.split(b"\r\n")
            statuses = [line.split()[1].decode() for line in lines if line.startswith(b"HTTP/")]
            assert statuses[-1] == ANSWER[kind], (kind, received)
            if ANSWER[kind] == "408":
                body = received.partition(b"\r\n\r\n")[2]
                assert json.loads(body)["error"] == "request_timeout", (kind, body)
        assert requests.get(server.url + "/healthz", timeout=5).ok
        queue = requests.get(server.url + "/api/v1/offices/T1/queue", timeout=5).json()
        assert queue["waiting_total"] == 0  # the half bodies issued nothing
    finally:
        stop.set()
        dripping.join()
        trickle.close()
        for socks in opened.values():
            for sock in socks:
                sock.close()
        RECEIVED.clear()


def test_a_slow_request_within_the_limit_is_served(server):
    body = b'{"service": "A"}'
    parts = [
        b"POST /api/v1/offices/T1/tickets HTTP/1.1\r\nHost: 127.0.0.1\r\n",
        b"Content-Type: application/json\r\nContent-Length: %d\r\n" % len(body),
        b"Connection: close\r\n\r\n",
        body,
    ]
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        for part in parts:
            time.sleep(REQUEST / 5)
            sock.sendall(part)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 201"), answer[:200]


def test_screens_stay_connected_past_the_limits(server):
    """A display on WebSocket and a phone on long-polling (each poll waits for data far
    longer than the limits) hear a ticket issued after several times the limits."""
    display = Listener(server.url)
    phone = Listener(server.url, transports=("polling",))
    try:
        for screen in (display, phone):
            assert screen.join(office="T1")["ok"]
            screen.wait_for("snapshot")
        sessions = (display.client.sid, phone.client.sid)
        time.sleep(IDLE + REQUEST * 2)
        assert display.client.connected and phone.client.connected
        assert (display.client.sid, phone.client.sid) == sessions  # never reconnected
        assert phone.client.transport() == "polling"
        issued = requests.post(
            server.url + "/api/v1/offices/T1/tickets", json={"service": "A"}, timeout=5
        )
        assert issued.status_code == 201
        for screen in (display, phone):
            screen.wait_for("ticket_issued", lambda e: e["ticket"]["code"] == "A001")
    finally:
        close_all(display, phone)


def test_a_tls_handshake_that_never_comes_is_closed(database_url, tmp_path):
    cert, key = _certificate(tmp_path)
    port = free_port()
    server = LiveServer(
        database_url,
        tmp_path / "tls",
        port,
        LUOT_HTTP_IDLE_TIMEOUT=str(IDLE),
        LUOT_HTTP_REQUEST_TIMEOUT=str(REQUEST),
    )
    env = server.env
    assert subprocess.run([LUOT, "init-db"], env=env, capture_output=True).returncode == 0
    process = subprocess.Popen(
        [LUOT, "serve", "--port", str(port), "--cert", str(cert), "--key", str(key), "--quiet"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                requests.get(f"https://127.0.0.1:{port}/healthz", verify=str(cert), timeout=5)
                break
            except (requests.ConnectionError, requests.Timeout):  # not up, or a loaded box
                time.sleep(0.1)
        silent = [socket.create_connection(("127.0.0.1", port)) for _ in range(EACH)]
        time.sleep(REQUEST + 1.5)
        assert sum(state(sock) == "open" for sock in silent) == 0
        for sock in silent:
            sock.close()
    finally:
        process.terminate()
        process.wait(10)


@pytest.mark.parametrize("value", ["0", "-5", "86400"])
def test_a_limit_out_of_range_stops_the_start(database_url, tmp_path, value):
    env = LiveServer(database_url, tmp_path, free_port(), LUOT_HTTP_IDLE_TIMEOUT=value).env
    refused = subprocess.run(
        [LUOT, "serve", "--port", str(free_port())],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert refused.returncode == 1
    assert "LUOT_HTTP_IDLE_TIMEOUT" in refused.stderr and "Traceback" not in refused.stderr
