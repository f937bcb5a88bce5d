"""The links Lượt sends and prints name this box, never what a request says it is: the
server answers only hosts it trusts, messages link only to LUOT_PUBLIC_BASE_URL, and a
proxy's forwarding headers are believed only where configured (server/web/hosts.py)."""

from __future__ import annotations

import pytest
from flask import request
from sqlalchemy import func, select

from server import current
from server.config import SettingsError
from server.engine import credentials
from server.engine.rules.slots import WORKING_WEEK as WEEK
from server.models import Appointment, OutboxMessage, PrintJob, Ticket
from tests.factories import bearer, make_office, make_token

EVIL = "xa-mau-gov.vn.evil.example"
BASE = "https://hcc.xa-thu.gov.vn"
TOMORROW = "2026-11-24"


@pytest.fixture
def links(make_app, clock_start):
    """`links(**config)`: an app on this test's database with `config`, its office open
    for bookings with SMS on, and a kiosk with a printer (its bearer headers)."""
    made = {}

    def make(**config):
        app = make_app(f"i{len(made)}", **config)
        engine = current.engine(app)
        engine.clock = clock_start
        if not made:
            make_office(engine.db)
            engine.update_office(
                "T1",
                {
                    "settings": {
                        "hours": WEEK,
                        "appointments": {"enabled": True, "capacity": {"B": 20}},
                        "messages": {"channel": "sms"},
                    }
                },
            )
            with engine.db.write() as session:
                device = credentials.create_device(session, "T1", "kiosk", "K", "agent:")
                made["kiosk"] = bearer(credentials.create_token(session, device, "k"))
        made[app] = True
        return app, made["kiosk"]

    return make


@pytest.fixture
def clock_start():
    import datetime as dt

    from tests.factories import FakeClock

    return FakeClock(dt.datetime(2026, 11, 23, 1, 0, tzinfo=dt.UTC))


def book(client, minute: int = 0, **headers):
    body = {
        "service": "B",
        "start": f"{TOMORROW}T09:{minute:02d}" if minute else f"{TOMORROW}T09:00",
        "name": "Lê Văn Cường",
        "phone": "0912345678",
        "consent": True,
    }
    return client.post("/api/v1/offices/T1/appointments", json=body, headers=headers)


def counts(app) -> tuple[int, int, int, int]:
    with current.database(app).read() as session:
        return tuple(
            session.scalar(select(func.count()).select_from(model))
            for model in (Appointment, OutboxMessage, Ticket, PrintJob)
        )


def bodies(app) -> list[str]:
    with current.database(app).read() as session:
        return [m.body for m in session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]


def print_links(app) -> list[str]:
    with current.database(app).read() as session:
        return list(session.scalars(select(PrintJob.track_url).order_by(PrintJob.id)))


def test_a_request_for_a_foreign_host_is_refused_and_changes_nothing(links):
    app, kiosk = links()
    client = app.test_client()
    for host in (EVIL, f"{EVIL}:5000", "192.0.2.66", "[2001:db8::66]", "bad host", ""):
        booked = book(client, Host=host)
        issued = client.post(
            "/api/v1/offices/T1/tickets", json={"service": "A"}, headers={**kiosk, "Host": host}
        )
        page = client.get("/kiosk/T1", headers={"Host": host, "Accept": "text/html"})
        for answer in (booked, issued, page):
            assert answer.status_code == 400, (host, answer.status_code)
            body = answer.get_json()
            assert body["error"] == "unknown_host", body
            assert body["vi"]["message"].startswith(("Máy chủ này không phục vụ", "Yêu cầu thiếu"))
    assert counts(app) == (0, 0, 0, 0)


def test_without_a_base_messages_carry_no_link_and_qr_codes_name_the_trusted_host(links):
    app, kiosk = links()
    client = app.test_client()
    booked = book(client)
    assert booked.status_code == 201, booked.get_json()
    token = booked.get_json()["token"]
    # What the caller sees (and the booking page's QR) names where it reached the box.
    assert booked.get_json()["manage_url"] == f"http://localhost/b/{token}"
    sent = bodies(app)
    assert len(sent) == 3 and all("/b/" not in text and "Đổi hoặc hủy" not in text for text in sent)
    assert "Mã lịch hẹn" in sent[0]
    issued = client.post(
        "/api/v1/offices/T1/tickets",
        json={"service": "A"},
        headers={**kiosk, "Host": "192.168.1.10:5000"},
        environ_base={"luot.local_address": "192.168.1.10"},
    )
    assert issued.status_code == 201
    track = issued.get_json()["track_url"]
    assert track.startswith("http://192.168.1.10:5000/t/")
    assert print_links(app) == [track]


def test_with_a_base_every_link_names_it_whatever_the_host(links):
    app, kiosk = links(PUBLIC_BASE_URL=BASE + "/")
    client = app.test_client()
    booked = book(client, Host="127.0.0.1:5000").get_json()
    link = f"{BASE}/b/{booked['token']}"
    assert booked["manage_url"] == link
    assert [text.count(link) for text in bodies(app)] == [1, 1, 0]  # booked, day before
    issued = client.post("/api/v1/offices/T1/tickets", json={"service": "A"}, headers=kiosk)
    assert issued.get_json()["track_url"].startswith(f"{BASE}/t/")
    # The base's own host is trusted without being listed.
    assert client.get("/healthz", headers={"Host": "hcc.xa-thu.gov.vn"}).status_code == 200


def test_a_return_slip_prints_the_trusted_host_while_its_message_has_no_link(links):
    app, kiosk = links()
    client = app.test_client()
    engine = current.engine(app)
    ticket = client.post("/api/v1/offices/T1/tickets", json={"service": "B"}, headers=kiosk)
    ticket = ticket.get_json()
    engine.attach_dossier(ticket["id"], "000.00.23.H26-250715-0001")
    engine.update_office(
        "T1", {"settings": {"messages": {"channel": "sms", "templates": {"return_set": "{link}"}}}}
    )
    officer = bearer(make_token(engine.db, "lan"))
    back = client.post(
        f"/api/v1/tickets/{ticket['id']}/return-appointment",
        json={"start": f"{TOMORROW}T15:00", "phone": "0912345678", "consent": True},
        headers=officer,
    )
    assert back.status_code == 201, back.get_json()
    slip = back.get_json()["print_job"]
    assert print_links(app)[-1] == f"http://localhost/b/{back.get_json()['token']}"
    assert slip is not None
    assert "/b/" not in "".join(bodies(app))


def test_forwarding_headers_are_believed_only_where_configured(links):
    forged = {
        "X-Forwarded-For": "203.0.113.9",
        "X-Forwarded-Host": EVIL,
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Prefix": "/evil",
    }
    app, kiosk = links(TRUSTED_PROXIES=1)
    issued = app.test_client().post(
        "/api/v1/offices/T1/tickets", json={"service": "A"}, headers={**kiosk, **forged}
    )
    assert issued.status_code == 201
    assert issued.get_json()["track_url"].startswith("http://localhost/t/")

    app, kiosk = links(
        TRUSTED_PROXIES=1,
        TRUSTED_PROXY_HEADERS="X-Forwarded-Host, x-forwarded-proto",
        TRUSTED_HOSTS=["hcc.xa-thu.gov.vn"],
    )
    client = app.test_client()
    refused = client.post(
        "/api/v1/offices/T1/tickets", json={"service": "A"}, headers={**kiosk, **forged}
    )
    assert refused.status_code == 400 and refused.get_json()["error"] == "unknown_host"
    proxied = {**forged, "X-Forwarded-Host": "hcc.xa-thu.gov.vn"}
    issued = client.post(
        "/api/v1/offices/T1/tickets", json={"service": "A"}, headers={**kiosk, **proxied}
    )
    assert issued.status_code == 201
    assert issued.get_json()["track_url"].startswith("https://hcc.xa-thu.gov.vn/t/")


def test_forwarding_headers_count_only_from_the_proxies_addresses(links):
    """A client that reaches a backend directly (not through nginx on the box) cannot
    choose its address, scheme or host with forwarding headers."""
    forged = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
    app, kiosk = links(TRUSTED_PROXIES=1, TRUSTED_PROXY_HEADERS="X-Forwarded-Proto")
    seen = []
    app.before_request(lambda: seen.append((request.remote_addr, request.scheme)))

    def issue(peer: str) -> str:
        answer = app.test_client().post(
            "/api/v1/offices/T1/tickets",
            json={"service": "A"},
            headers={**kiosk, **forged},
            environ_base={"REMOTE_ADDR": peer},
        )
        assert answer.status_code == 201, answer.get_json()
        return answer.get_json()["track_url"]

    assert issue("127.0.0.1").startswith("https://localhost/t/")
    assert seen[-1] == ("203.0.113.9", "https")
    assert issue("192.168.1.50").startswith("http://localhost/t/")
    assert seen[-1] == ("192.168.1.50", "http")

    app, kiosk = links(
        TRUSTED_PROXIES=1,
        TRUSTED_PROXY_HEADERS="X-Forwarded-Proto",
        TRUSTED_PROXY_ADDRESSES="192.168.1.0/24, ::1",
    )
    seen.clear()
    app.before_request(lambda: seen.append((request.remote_addr, request.scheme)))
    assert issue("192.168.1.50").startswith("https://localhost/t/")
    assert seen[-1] == ("203.0.113.9", "https")
    assert issue("127.0.0.1").startswith("http://localhost/t/")
    assert seen[-1] == ("127.0.0.1", "http")


@pytest.mark.parametrize("value", ["nginx.local", "10.0.0.0/33", "[", "1.2.3.4.5"])
def test_a_bad_proxy_address_stops_the_start_naming_it(make_app, value):
    with pytest.raises(SettingsError, match="LUOT_TRUSTED_PROXY_ADDRESSES"):
        make_app(TRUSTED_PROXIES=1, TRUSTED_PROXY_ADDRESSES=value)


def test_automatic_hosts_are_what_can_only_be_this_box():
    from server.web.hosts import Hosts

    hosts = Hosts.from_settings({"PUBLIC_BASE_URL": BASE}, hostname="luot-box")
    for host in ("localhost", "LOCALHOST:5000", "127.0.0.1:5000", "127.0.0.2", "[::1]:5000"):
        assert hosts.allows(host), host
    for host in ("luot-box", "luot-box.local:5000", "hcc.xa-thu.gov.vn", "hcc.xa-thu.gov.vn."):
        assert hosts.allows(host), host
    # The address the connection came in on, however the box got it (IPv4-mapped too).
    assert hosts.allows("192.168.1.10:5000", "192.168.1.10")
    assert hosts.allows("192.168.1.10", "::ffff:192.168.1.10")
    assert hosts.allows("[fd00::2]:5000", "fd00::2")
    for host, local in [
        ("192.168.1.11", "192.168.1.10"),
        ("192.168.1.10", None),
        (EVIL, "192.168.1.10"),
        ("xa-thu.gov.vn", None),
        ("luot-box.evil.example", None),
        ("0.0.0.0", "0.0.0.0"),
        (None, None),
        ("a b", None),
        ("x:99999", None),
    ]:
        assert not hosts.allows(host, local), host


def test_listed_hosts_replace_the_automatic_ones_but_loopback_and_the_base():
    from server.web.hosts import Hosts

    hosts = Hosts.from_settings(
        {"TRUSTED_HOSTS": "hcc.tinh.gov.vn, .xa.gov.vn, 192.168.1.10", "PUBLIC_BASE_URL": BASE},
        hostname="luot-box",
    )
    for host in ("hcc.tinh.gov.vn", "a.xa.gov.vn:443", "192.168.1.10", "localhost", BASE[8:]):
        assert hosts.allows(host), host
    for host, local in [
        ("luot-box", None),
        ("xa.gov.vn.evil.example", None),
        ("evilxa.gov.vn", None),
        ("192.168.1.20", "192.168.1.20"),
    ]:
        assert not hosts.allows(host, local), host


@pytest.mark.parametrize(
    ("setting", "value", "words"),
    [
        ("PUBLIC_BASE_URL", "hcc.xa.gov.vn", "http:// or https://"),
        ("PUBLIC_BASE_URL", "ftp://hcc.xa.gov.vn", "http:// or https://"),
        ("PUBLIC_BASE_URL", "https://hcc.xa.gov.vn/?a=b", "only the scheme"),
        ("PUBLIC_BASE_URL", "https://u:p@hcc.xa.gov.vn", "only the scheme"),
        ("PUBLIC_BASE_URL", "https://hcc.xa.gov.vn:99999", "not an address"),
        ("TRUSTED_HOSTS", "https://hcc.xa.gov.vn", "not a host name"),
        ("TRUSTED_HOSTS", "hcc.xa.gov.vn:443", "not a host name"),
        ("TRUSTED_HOSTS", ["a b"], "not a host name"),
        ("TRUSTED_HOSTS", {"a": 1}, "give host names"),
        ("TRUSTED_PROXY_HEADERS", "X-Forwarded-Host", "needs LUOT_TRUSTED_PROXIES"),
        ("TRUSTED_PROXY_HEADERS", "X-Forwarded-For", "is not one of"),
    ],
)
def test_a_setting_it_cannot_use_stops_the_start(make_app, setting, value, words):
    with pytest.raises(SettingsError, match=words) as refused:
        make_app(**{setting: value})
    assert f"LUOT_{setting}" in str(refused.value)
