"""`luot kiosk-agent` against a running server: local printing, serial scans, reconnects."""

from __future__ import annotations

import gc
import os
import re
import subprocess

import pytest
import requests

from kiosk.agent.main import AgentConfig, KioskAgent
from server.db import Database
from server.engine import credentials
from tests.factories import bearer, make_office, make_token
from tests.fake_printer import LOOPBACK_POLICY, PAPER_OUT, FakePrinter, ResettingPrinter
from tests.live_server import LUOT
from tests.sio_client import Listener, close_all
from tests.waiting import wait_until

pytestmark = [
    pytest.mark.multiproc,
    pytest.mark.slow,
    # python-socketio's client may leave a socket of a dropped connection to the garbage
    # collector (the server restart test); that is the test client's, not the agent's job.
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]

ELDER = "099090000001|000000000|Nguyễn Văn Mẫu|01011950|Nam|Thôn Thử Nghiệm, Xã Giả Định|15032021"


@pytest.fixture
def site(live_server, database_url):
    db = Database(database_url)
    make_office(db)
    staff = make_token(db, "manager1", role="manager")
    with db.write() as session:
        device = credentials.create_device(session, "T1", "kiosk", "Kiosk sảnh", "agent:")
        token = credentials.create_token(session, device, "agent")
        device_id = device.id
    db.dispose()
    return {
        "url": live_server.url,
        "server": live_server,
        "token": token,
        "device_id": device_id,
        "staff": staff,
    }


@pytest.fixture
def fake_printer():
    printer = FakePrinter().start()
    yield printer
    printer.stop()


@pytest.fixture
def scanner():
    """A pseudo-terminal standing in for a serial (virtual-COM) QR scanner."""
    master, slave = os.openpty()
    yield master, os.ttyname(slave)
    os.close(master)
    os.close(slave)


@pytest.fixture
def agent_for(site, fake_printer):
    agents = []

    def start(
        scanner_path: str | None = None, printer_url: str | None = None, policy=LOOPBACK_POLICY
    ) -> KioskAgent:
        agent = KioskAgent(
            AgentConfig(
                site["url"],
                site["token"],
                printer_url or fake_printer.url,
                scanner_path,
                print_timeout=1.0,
                policy=policy,
            )
        )
        agent.start()
        agents.append(agent)
        return agent

    yield start
    for agent in agents:
        agent.stop()
    gc.collect()  # let any such socket be collected here, under this module's filter


def issue(site) -> dict:
    response = requests.post(
        f"{site['url']}/api/v1/offices/T1/tickets",
        json={"service": "A"},
        headers=bearer(site["token"]),
        timeout=10,
    )
    assert response.status_code == 201
    return response.json()


def printer_status(site) -> str:
    return kiosk(site)["printer_status"]


def kiosk(site) -> dict:
    devices = requests.get(
        f"{site['url']}/api/v1/offices/T1/devices", headers=bearer(site["staff"]), timeout=10
    ).json()
    return devices[0]


def test_the_agent_prints_its_kiosks_tickets_once(site, fake_printer, agent_for):
    agent = agent_for()
    first = issue(site)
    second = issue(site)
    jobs = fake_printer.wait_for_jobs(2)
    wait_until(lambda: printer_status(site) == "ok", what="printer ok")
    assert sorted(agent.printed) == sorted([first["print_job"]["id"], second["print_job"]["id"]])
    assert len(jobs) == 2


def test_jobs_made_while_the_agent_was_away_print_when_it_returns(site, fake_printer, agent_for):
    waiting = issue(site)  # no agent yet: the job waits (within its deadline)
    agent = agent_for()
    fake_printer.wait_for_jobs(1)
    wait_until(lambda: printer_status(site) == "ok", what="result reported")
    assert agent.printed == [waiting["print_job"]["id"]]


def test_the_agent_reconnects_after_a_server_restart(site, fake_printer, agent_for):
    agent = agent_for()
    site["server"].stop()
    site["server"].start()
    wait_until(lambda: agent.sio.connected, timeout=20, what="agent reconnected")
    issue(site)
    fake_printer.wait_for_jobs(1, timeout=20)
    wait_until(lambda: printer_status(site) == "ok", what="result reported")


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda: ResettingPrinter(after=1000), "reset the connection"),
        (lambda: FakePrinter(status=PAPER_OUT), "out of paper"),
    ],
    ids=["resets", "paper-out"],
)
def test_a_printer_fault_at_the_agent_is_reported_not_printed(site, agent_for, make, reason):
    printer = make().start()
    try:
        kiosk_page = Listener(site["url"], auth={"token": site["token"]})
        try:
            assert kiosk_page.join(device=site["device_id"])["ok"]
            agent = agent_for(printer_url=printer.url)
            results: list[dict] = []
            send_result = agent._report
            agent._report = lambda result: (results.append(result), send_result(result))
            ticket = issue(site)
            report = kiosk_page.wait_for("print_status")
        finally:
            close_all(kiosk_page)
        assert report["id"] == ticket["print_job"]["id"] and report["status"] == "failed"
        assert reason in report["error"]
        assert results == [
            {"job": ticket["print_job"]["id"], "ok": False, "error": report["error"]}
        ]
        assert agent.printed == []
        assert kiosk(site)["printer_status"] == "error" and reason in kiosk(site)["printer_error"]
        assert printer.connections == 1
    finally:
        printer.stop()


def test_the_agent_refuses_a_printer_outside_its_policy(site, fake_printer, agent_for):
    agent_for(policy=None)  # the default policy: no loopback, no random ports
    ticket = issue(site)
    wait_until(lambda: printer_status(site) == "error", what="failure reported")
    assert "not an allowed printer port" in kiosk(site)["printer_error"]
    assert fake_printer.connections == 0
    assert ticket["print_job"]["id"]


def test_a_serial_scan_reaches_the_kiosk_page(site, agent_for, scanner):
    master, path = scanner
    agent_for(path)
    kiosk_page = Listener(site["url"], auth={"token": site["token"]})
    try:
        assert kiosk_page.join(device=site["device_id"])["ok"]
        os.write(master, ELDER.encode() + b"\r\n")
        scan = kiosk_page.wait_for("cccd_scanned")
        assert scan["name"] == "Nguyễn Văn Mẫu" and scan["elderly"] is True
        assert "099090000001" not in str(scan) and "Thôn" not in str(scan)
        os.write(master, b"not a card\r\n")
        refused = kiosk_page.wait_for("cccd_scanned", lambda d: not d["ok"])
        assert refused["error"] == "cccd_too_few_fields"
    finally:
        close_all(kiosk_page)


def agent_command(server: str, token: str) -> list[str]:
    return [LUOT, "kiosk-agent", "--server", server, "--token", token, "--printer", "dummy:"]


def run_agent(server: str, token: str) -> subprocess.CompletedProcess:
    return subprocess.run(agent_command(server, token), capture_output=True, text=True, timeout=60)


def test_a_refused_token_stops_the_agent_with_one_line(site, database_url):
    refused = run_agent(site["url"], "luot_not-a-token")
    assert refused.returncode == 1
    assert refused.stderr == (
        f"kiosk-agent: the server at {site['url']} refused the device token (401)\n"
    )
    db = Database(database_url)
    with db.write() as session:
        display = credentials.create_device(session, "T1", "display", "TV sảnh")
        display_token = credentials.create_token(session, display, "tv")
    db.dispose()
    wrong_kind = run_agent(site["url"], display_token)
    assert wrong_kind.returncode == 1
    assert wrong_kind.stderr == (
        "kiosk-agent: the token belongs to a waiting-room display, not a kiosk\n"
    )
    not_luot = run_agent(site["url"] + "/kiosk", site["token"])
    assert not_luot.returncode == 1 and "is not a Lượt server" in not_luot.stderr
    no_scheme = run_agent(site["url"].removeprefix("http://"), site["token"])
    assert no_scheme.returncode == 1
    assert no_scheme.stderr.endswith("is not a server address (give http://HOST:PORT)\n")


def test_the_agent_waits_for_a_server_that_is_down(site):
    """A kiosk PC may boot before the server: one line per try, then it starts by itself."""
    site["server"].stop()
    agent = subprocess.Popen(
        agent_command(site["url"], site["token"]),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        waiting = [agent.stdout.readline(), agent.stdout.readline()]
        for line, delay in zip(waiting, ("2", "4"), strict=True):
            assert re.search(
                f"kiosk-agent: the server at {re.escape(site['url'])} is not reachable "
                f"\\(Connection refused\\); retrying in {delay} s$",
                line.rstrip("\n"),
            ), waiting
        site["server"].start()
        lines = []
        while not any("Kiosk agent for" in line for line in lines):
            line = agent.stdout.readline()
            assert line, lines
            lines.append(line)
        assert agent.poll() is None
        assert not any("Traceback" in line for line in waiting + lines), lines
    finally:
        agent.terminate()
        agent.wait(10)
        agent.stdout.close()
