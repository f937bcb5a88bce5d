"""`/metrics` of two real `luot serve` processes of one installation (one instance folder,
one database, Redis): a scrape of either sums both processes' counts, and its figures are
the API's; only loopback, or the metrics token, may read it."""

from __future__ import annotations

import re
import uuid

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from server.db import Database
from tests.factories import bearer, make_office, make_token
from tests.live_server import LiveServer, free_port
from tests.sio_client import Listener

pytestmark = pytest.mark.multiproc
TOKEN = "metrics-" + uuid.uuid4().hex


@pytest.fixture
def installation(database_url, tmp_path, redis_url):
    db = Database(database_url)
    office = make_office(db)
    officer = bearer(make_token(db, "canbo1"))
    db.dispose()
    env = {
        "REDIS_URL": redis_url,
        "LUOT_SOCKETIO_CHANNEL": f"luot-test-{uuid.uuid4().hex}",
        "LUOT_METRICS_TOKEN": TOKEN,
        "LUOT_TRUSTED_PROXIES": "1",
    }
    instance = tmp_path / "instance"  # both processes of one box share it
    servers = [LiveServer(database_url, instance, free_port(), **env) for _ in range(2)]
    for server in servers:
        server.start()
    yield servers, office, officer
    for server in servers:
        server.stop()


def scrape(url: str, **headers: str) -> dict[tuple[str, tuple], float]:
    answer = requests.get(f"{url}/metrics", headers=headers, timeout=10)
    assert answer.status_code == 200, answer.text
    assert answer.headers["Content-Type"].startswith("text/plain")
    values = {}
    for family in text_string_to_metric_families(answer.text):
        for sample in family.samples:
            labels = tuple(sorted((k, v) for k, v in sample.labels.items() if k != "pid"))
            key = (sample.name, labels)
            values[key] = values.get(key, 0) + sample.value
    return values


def test_a_scrape_sums_both_processes_and_agrees_with_the_api(installation):
    (first, second), office, officer = installation
    for server, count in ((first, 3), (second, 2)):
        for _ in range(count):
            requests.post(
                f"{server.url}/api/v1/offices/T1/tickets", json={"service": "A"}, timeout=10
            ).raise_for_status()
    counter = office["counters"][1]
    requests.post(
        f"{second.url}/api/v1/counters/{counter}/open", headers=officer, timeout=10
    ).raise_for_status()
    called = requests.post(
        f"{second.url}/api/v1/counters/{counter}/next", headers=officer, timeout=10
    )
    called.raise_for_status()
    ticket = called.json()["ticket"]["id"]
    requests.post(
        f"{second.url}/api/v1/tickets/{ticket}/recall", headers=officer, timeout=10
    ).raise_for_status()
    screen = Listener(first.url)
    try:
        values = scrape(first.url)
        queue = requests.get(f"{second.url}/api/v1/offices/T1/queue", timeout=10).json()
    finally:
        screen.client.disconnect()
    office_label = (("office", "T1"),)
    assert values[("luot_tickets_issued_total", office_label)] == 5
    assert values[("luot_tickets_called_total", office_label)] == 1  # the recall is no call
    waiting = queue["waiting_total"]
    assert values[("luot_waiting", office_label)] == waiting == 4
    assert values[("luot_sockets_connected", ())] == 1
    issued = (("method", "POST"), ("route", "/api/v1/offices/<office>/tickets"), ("status", "201"))
    assert values[("luot_http_requests_total", issued)] == 5
    assert values[("luot_http_request_seconds_count", (issued[1],))] >= 5
    assert values[("luot_check_ok", (("check", "database"),))] == 1
    memory = [k for k in values if k[0] == "luot_process_resident_bytes"]
    assert memory and values[memory[0]] > 30_000_000  # both processes, summed here
    # A ticket's token never becomes a label: routes are templates.
    assert not any(re.search(r"/t/[A-Za-z0-9_-]{10,}", str(key)) for key in values)


def test_only_loopback_or_the_token_reads_it(installation):
    (server, _other), _office, _officer = installation
    from_afar = {"X-Forwarded-For": "203.0.113.9"}  # as nginx says of a client elsewhere
    refused = requests.get(f"{server.url}/metrics", headers=from_afar, timeout=10)
    assert refused.status_code == 403
    wrong = requests.get(
        f"{server.url}/metrics", headers={**from_afar, "Authorization": "Bearer no"}, timeout=10
    )
    assert wrong.status_code == 403
    assert scrape(server.url, Authorization=f"Bearer {TOKEN}", **from_afar)
