"""A request whose length can be read two ways is refused by a running `luot serve` before
the app sees it: a proxy in front reading it the other way would pass on a second request
hidden in the body (request smuggling)."""

from __future__ import annotations

import json
import socket

import pytest
import requests

from tests.factories import make_office

pytestmark = pytest.mark.multiproc

BODY = b'{"service": "A"}'
HIDDEN = (
    b"POST /api/v1/offices/T1/tickets HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 16\r\n\r\n"
)
HEAD = (
    b"POST /api/v1/offices/T1/tickets HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    b"Content-Type: application/json\r\n"
)
CHUNKED = b"%x\r\n%s\r\n0\r\n\r\n" % (len(BODY), BODY)


@pytest.fixture
def server(live_server, database_url):
    from server.db import Database

    db = Database(database_url)
    make_office(db)  # issuing open to anyone: an accepted request would issue a ticket
    db.dispose()
    return live_server


def exchange(port: int, data: bytes) -> list[tuple[str, bytes]]:
    """Every answer on one connection (status, body) until the server closes it, or says
    nothing more for 3 s."""
    with socket.create_connection(("127.0.0.1", port), timeout=3) as sock:
        sock.sendall(data)
        received = b""
        try:
            while chunk := sock.recv(65536):
                received += chunk
        except TimeoutError:
            pass
    answers = []
    while received:
        head, _, rest = received.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        fields = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
        length = int(fields.get("content-length", "0"))
        answers.append((lines[0].split()[1], rest[:length]))
        received = rest[length:]
    return answers


CASES = {
    "two different Content-Length": HEAD
    + b"Content-Length: %d\r\nContent-Length: %d\r\n\r\n" % (len(BODY), len(BODY + HIDDEN))
    + BODY
    + HIDDEN
    + BODY,
    "two equal Content-Length": HEAD
    + b"Content-Length: %d\r\nContent-Length: %d\r\n\r\n" % (len(BODY), len(BODY))
    + BODY,
    "a Content-Length that is not plain digits": HEAD
    + b"Content-Length: +%d\r\n\r\n" % len(BODY)
    + BODY,
    "Content-Length then Transfer-Encoding": HEAD
    + b"Content-Length: %d\r\nTransfer-Encoding: chunked\r\n\r\n" % len(CHUNKED + HIDDEN)
    + CHUNKED
    + HIDDEN
    + BODY,
    "Transfer-Encoding then Content-Length": HEAD
    + b"Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n"
    + CHUNKED,
    "a coding besides chunked": HEAD + b"Transfer-Encoding: gzip, chunked\r\n\r\n" + CHUNKED,
    "two Transfer-Encoding fields": HEAD
    + b"Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n"
    + CHUNKED,
    "Transfer-Encoding in HTTP/1.0": HEAD.replace(b"HTTP/1.1", b"HTTP/1.0")
    + b"Transfer-Encoding: chunked\r\n\r\n"
    + CHUNKED,
    "a space before the colon": HEAD + b"Content-Length : %d\r\n\r\n" % len(BODY) + BODY,
}


@pytest.mark.parametrize("request_bytes", CASES.values(), ids=CASES.keys())
def test_an_ambiguous_length_is_refused_and_nothing_is_issued(server, request_bytes):
    answers = exchange(server.port, request_bytes)
    assert [status for status, _ in answers] == ["400"], answers
    body = json.loads(answers[0][1])
    assert body["error"] == "bad_request" and body["message"], body
    queue = requests.get(server.url + "/api/v1/offices/T1/queue", timeout=5).json()
    assert sum(s["waiting"] for s in queue["services"]) == 0, "a ticket was issued"


def test_plain_framings_still_work(server):
    length = HEAD + b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(BODY) + BODY
    chunked = HEAD + b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + CHUNKED
    for request_bytes in (length, chunked):
        assert [status for status, _ in exchange(server.port, request_bytes)] == ["201"]
