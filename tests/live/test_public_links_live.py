"""From outside a running `luot serve`: a request cannot choose the domain of the links the
office sends (SMS through the gateway) or prints (the kiosk's print job), and a LAN box
reached by its address needs no configuration."""

from __future__ import annotations

import time

import pytest
import requests
from sqlalchemy import select

from server.db import Database
from server.engine import Engine, credentials
from server.models import PrintJob
from tests.factories import bearer, make_office
from tests.live_server import LiveServer, free_port, outside_address
from tests.messaging.gateway import API_KEY, BRANDNAME, SECRET_KEY, Gateway

pytestmark = pytest.mark.multiproc

EVIL = "xa-mau-gov.vn.evil.example"
BASE = "https://hcc.xa-thu.gov.vn"
ALL_WEEK = {d: [["00:00", "23:59"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


@pytest.fixture
def kiosk(database_url) -> dict[str, str]:
    db = Database(database_url)
    make_office(db)
    Engine(db).update_office(
        "T1",
        {
            "settings": {
                "hours": ALL_WEEK,
                "appointments": {"enabled": True, "capacity": {"B": 20}, "days_ahead": 30},
                "messages": {"channel": "sms"},
            }
        },
    )
    with db.write() as session:
        device = credentials.create_device(session, "T1", "kiosk", "K", "agent:")
        token = credentials.create_token(session, device, "k")
    db.dispose()
    return bearer(token)


def serve(database_url, tmp_path, gateway, **env) -> LiveServer:
    server = LiveServer(
        database_url,
        tmp_path / f"live{free_port()}",
        free_port(),
        LUOT_SMS_URL=gateway.url,
        LUOT_SMS_API_KEY=API_KEY,
        LUOT_SMS_SECRET_KEY=SECRET_KEY,
        LUOT_SMS_BRANDNAME=BRANDNAME,
        **env,
    )
    server.start()
    return server


def book(url: str, minute: int, **headers) -> requests.Response:
    day = time.strftime("%Y-%m-%d", time.localtime(time.time() + 3 * 86400))
    body = {
        "service": "B",
        "start": f"{day}T{9 + minute // 60:02d}:{minute % 60:02d}",
        "name": "Lê Văn Cường",
        "phone": f"091234{minute:04d}",
        "consent": True,
    }
    return requests.post(
        f"{url}/api/v1/offices/T1/appointments", json=body, headers=headers, timeout=10
    )


def delivered(gateway: Gateway, count: int) -> list[str]:
    deadline = time.monotonic() + 15
    while len(gateway.delivered) < count and time.monotonic() < deadline:
        time.sleep(0.1)
    return [message["Content"] for message in gateway.delivered.values()]


def printed(database_url: str) -> list[str]:
    db = Database(database_url)
    try:
        with db.read() as session:
            return list(session.scalars(select(PrintJob.track_url).order_by(PrintJob.id)))
    finally:
        db.dispose()


def test_no_request_chooses_the_domain_of_what_is_sent_or_printed(
    database_url, tmp_path, kiosk, gateway
):
    server = serve(database_url, tmp_path, gateway, LUOT_TRUSTED_PROXIES="1")
    url = server.url
    forged = {"X-Forwarded-Host": EVIL, "X-Forwarded-Proto": "https"}
    try:
        for minute, host in enumerate((EVIL, f"{EVIL}:{server.port}", "192.0.2.66")):
            assert book(url, minute * 30, Host=host).status_code == 400
            issued = requests.post(
                f"{url}/api/v1/offices/T1/tickets",
                json={"service": "A"},
                headers={**kiosk, "Host": host},
                timeout=10,
            )
            assert issued.status_code == 400 and issued.json()["error"] == "unknown_host"
            poll = requests.get(
                f"{url}/socket.io/?EIO=4&transport=polling", headers={"Host": host}, timeout=10
            )
            assert poll.status_code == 400
        booked = [book(url, 30 * m, **forged) for m in range(3)]
        assert [b.status_code for b in booked] == [201] * 3
        assert all(b.json()["manage_url"].startswith(f"{url}/b/") for b in booked)
        issued = requests.post(
            f"{url}/api/v1/offices/T1/tickets",
            json={"service": "A"},
            headers={**kiosk, **forged},
            timeout=10,
        )
        assert issued.json()["track_url"].startswith(f"{url}/t/")
        messages = delivered(gateway, 3)
        assert len(messages) == 3
        assert not any(EVIL in text or "/b/" in text for text in messages), messages
        assert printed(database_url) == [issued.json()["track_url"]]
    finally:
        server.stop()


def test_a_box_reached_by_its_lan_address_needs_no_setting(database_url, tmp_path, kiosk):
    address = outside_address()
    if address is None:
        pytest.skip("this machine has no non-loopback IPv4 address")
    port = free_port()
    server = LiveServer(database_url, tmp_path / "lan", port, listen="0.0.0.0")
    server.start()
    try:
        lan = f"http://{address}:{port}"
        issued = requests.post(
            f"{lan}/api/v1/offices/T1/tickets", json={"service": "A"}, headers=kiosk, timeout=10
        )
        assert issued.status_code == 201
        assert issued.json()["track_url"].startswith(f"{lan}/t/")
        assert printed(database_url) == [issued.json()["track_url"]]
        kiosk_page = requests.get(f"{lan}/kiosk/T1", timeout=10)
        assert kiosk_page.status_code == 200
        other = requests.get(f"{lan}/healthz", headers={"Host": "192.0.2.66"}, timeout=10)
        assert other.status_code == 400
    finally:
        server.stop()


def test_with_a_base_messages_and_qr_codes_name_it(database_url, tmp_path, kiosk, gateway):
    server = serve(database_url, tmp_path, gateway, LUOT_PUBLIC_BASE_URL=BASE)
    try:
        booked = book(server.url, 0)
        assert booked.status_code == 201
        link = f"{BASE}/b/{booked.json()['token']}"
        assert booked.json()["manage_url"] == link
        (message,) = delivered(gateway, 1)
        assert link in message
        issued = requests.post(
            f"{server.url}/api/v1/offices/T1/tickets",
            json={"service": "A"},
            headers=kiosk,
            timeout=10,
        )
        assert printed(database_url) == [issued.json()["track_url"]]
        assert issued.json()["track_url"].startswith(f"{BASE}/t/")
    finally:
        server.stop()
