"""Printer URLs are the server's policy: refused for managers and admins alike, through the
API and the CLI, re-checked when a ticket prints, and configured only by LUOT_PRINTER_*."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from printer import PrinterPolicy
from server import create_app, current
from server.config import SettingsError
from server.engine import credentials
from server.models import Device, PrintJob
from server.ops.cli import kiosk_agent, printer_group
from tests.factories import bearer
from tests.fake_printer import LOOPBACK_ENV, FakePrinter
from tests.waiting import wait_until

REFUSED = [
    "file:///etc/passwd",
    "file:///dev/usb/lp/../../etc/passwd",
    "serial:///dev/ttyS0",
    "tcp://169.254.169.254:9100",
    "tcp://8.8.8.8:9100",
    "tcp://192.168.1.50:6379",
    "tcp://0.0.0.0:9100",
]


@pytest.fixture
def strict(app, engine):
    """The default policy, as a server without LUOT_PRINTER_* settings has it."""
    policy = PrinterPolicy()
    engine.printer_policy = policy
    current.print_queue(app).policy = policy
    return policy


@pytest.fixture
def fake_printer():
    with FakePrinter() as printer:
        yield printer


def devices(engine) -> list[tuple[str, str | None]]:
    with engine.db.read() as session:
        return [(d.name, d.printer_url) for d in session.scalars(select(Device))]


@pytest.mark.parametrize("url", [*REFUSED, "tcp://127.0.0.1:6379"])
@pytest.mark.parametrize("who", ["manager", "admin"])
def test_a_url_outside_the_policy_is_refused_for_everyone(
    client, engine, strict, request, who, url
):
    headers = request.getfixturevalue(who)
    response = client.post(
        "/api/v1/offices/T1/devices",
        headers=headers,
        json={"kind": "kiosk", "name": "K", "printer_url": url},
    )
    assert response.status_code == 422, response.get_json()
    body = response.get_json()
    assert body["error"] == "invalid" and list(body["fields"]) == ["printer_url"]
    assert "allowed" in body["message"] or "may not contain '..'" in body["message"]
    assert devices(engine) == []


@pytest.mark.parametrize("url", [*REFUSED, "tcp://127.0.0.1:6379"])
def test_changing_a_device_to_a_url_outside_the_policy_is_refused(
    client, engine, strict, manager, url
):
    created = client.post(
        "/api/v1/offices/T1/devices",
        headers=manager,
        json={"kind": "kiosk", "name": "K", "printer_url": "dummy:"},
    )
    assert created.status_code == 201
    device_id = created.get_json()["id"]
    response = client.patch(
        f"/api/v1/devices/{device_id}", headers=manager, json={"printer_url": url}
    )
    assert response.status_code == 422, response.get_json()
    assert list(response.get_json()["fields"]) == ["printer_url"]
    assert devices(engine) == [("K", "dummy:")]


def test_allowed_urls_are_taken(client, engine, strict, manager):
    for name, url in [
        ("A", "tcp://192.168.1.50:9100"),
        ("B", "agent:"),
        ("C", "file:///dev/usb/lp0"),
        ("D", "dummy:"),
    ]:
        response = client.post(
            "/api/v1/offices/T1/devices",
            headers=manager,
            json={"kind": "kiosk", "name": name, "printer_url": url},
        )
        assert response.status_code == 201, response.get_json()


def test_the_cli_refuses_a_url_outside_the_policy(runner, engine, office):
    result = runner.invoke(
        args=["device", "add", "K", "--office", "T1", "--printer", "file:///etc/passwd"]
    )
    assert result.exit_code == 1
    assert "not an allowed printer device" in result.output
    assert devices(engine) == []


def test_a_url_stored_before_the_policy_is_refused_when_printing(
    client, engine, strict, office, fake_printer, tmp_path
):
    """A URL put in the database some other way (before the upgrade, by hand) never prints."""
    with engine.db.write() as session:
        device = credentials.create_device(session, "T1", "kiosk", "K", "dummy:")
        token = credentials.create_token(session, device, "t")
        device_id = device.id
    for url in (fake_printer.url, f"file://{tmp_path}/victim"):
        with engine.db.write() as session:
            session.get(Device, device_id).printer_url = url
        response = client.post(
            "/api/v1/offices/T1/tickets", json={"service": "A"}, headers=bearer(token)
        )
        job_id = response.get_json()["print_job"]["id"]

        def settled(job_id=job_id):
            with engine.db.read() as session:
                job = session.get(PrintJob, job_id)
                return job if job.status != "pending" and job.status != "printing" else None

        job = wait_until(settled, what="job settled")
        assert job.status == "failed"
        assert "not allowed" in job.error or "not an allowed" in job.error
    assert fake_printer.connections == 0
    assert not (tmp_path / "victim").exists()


def test_the_print_queue_and_engine_share_the_configured_policy(app, engine):
    policy = current.print_queue(app).policy
    assert policy is engine.printer_policy
    policy.check("tcp://127.0.0.1:6379")  # the test configuration opens loopback on purpose


def test_the_settings_come_from_the_environment(monkeypatch, tmp_path, database_url):
    monkeypatch.setenv("LUOT_PRINTER_SCHEMES", "tcp,agent")
    monkeypatch.setenv("LUOT_PRINTER_NETWORKS", '["10.9.0.0/16"]')
    monkeypatch.setenv("LUOT_PRINTER_TCP_PORTS", "9100")
    app = create_app(
        {"INSTANCE_PATH": str(tmp_path), "DATABASE_URL": database_url, "SECRET_KEY": "x"}
    )
    try:
        policy = current.engine(app).printer_policy
        assert policy.describe() == (
            "schemes tcp:, agent:; devices /dev/usb/lp*, /dev/ttyUSB*, /dev/ttyACM*; "
            "networks 10.9.0.0/16; ports 9100"
        )
    finally:
        current.database(app).dispose()


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("LUOT_PRINTER_NETWORKS", "everything"),
        ("LUOT_PRINTER_TCP_PORTS", "9100-99999"),
        ("LUOT_PRINTER_SCHEMES", "tcp,gopher"),
        ("LUOT_PRINTER_DEVICES", "/dev/../*"),
    ],
)
def test_a_bad_setting_stops_the_start_naming_it(
    monkeypatch, tmp_path, database_url, variable, value
):
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError, match=variable):  # `luot` shows it as one line
        create_app(
            {"INSTANCE_PATH": str(tmp_path), "DATABASE_URL": database_url, "SECRET_KEY": "x"}
        )


def test_printer_test_applies_the_policy_from_the_environment(fake_printer):
    refused = CliRunner().invoke(printer_group, ["test", fake_printer.url])
    assert refused.exit_code == 1
    assert "Printing failed" in refused.output and "not an allowed printer port" in refused.output
    assert fake_printer.connections == 0
    allowed = CliRunner(env=LOOPBACK_ENV).invoke(printer_group, ["test", fake_printer.url])
    assert allowed.exit_code == 0, allowed.output
    assert fake_printer.wait_for_jobs(1)


def test_printer_test_never_writes_a_file(tmp_path):
    victim = tmp_path / "victim"
    victim.write_text("precious")
    result = CliRunner().invoke(printer_group, ["test", f"file://{victim}"])
    assert result.exit_code == 1 and "not an allowed printer device" in result.output
    assert victim.read_text() == "precious"


def test_printer_test_reports_a_bad_setting():
    result = CliRunner(env={"LUOT_PRINTER_NETWORKS": "nowhere"}).invoke(
        printer_group, ["test", "dummy:"]
    )
    assert result.exit_code == 1 and "LUOT_PRINTER_NETWORKS" in result.output


@pytest.mark.parametrize("url", ["file:///etc/passwd", "tcp://127.0.0.1:6379", "agent:"])
def test_the_kiosk_agent_refuses_a_printer_outside_the_policy(url):
    result = CliRunner().invoke(
        kiosk_agent, ["--server", "http://127.0.0.1:9", "--token", "t", "--printer", url]
    )
    assert result.exit_code == 2
    assert "--printer" in result.output
