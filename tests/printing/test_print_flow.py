"""Printing a ticket: committed first, printed once in the background, faults recorded and
pushed live, and a failed ticket never printed again unless staff reprint it."""

from __future__ import annotations

import threading

import pytest

from server import current
from server.engine import credentials
from tests.escpos_decode import Cut, Qr, Raster, decode
from tests.factories import bearer, make_token
from tests.fake_printer import (
    COVER_OPEN,
    PAPER_OUT,
    ClosingPrinter,
    FakePrinter,
    ResettingPrinter,
    StuckPrinter,
)
from tests.waiting import wait_until


@pytest.fixture
def fake_printer():
    printer = FakePrinter().start()
    yield printer
    printer.stop()


def make_kiosk(engine, printer_url: str | None, name: str = "Kiosk 1") -> tuple[int, dict]:
    with engine.db.write() as session:
        device = credentials.create_device(
            session, "T1", "kiosk", name, printer_url, policy=engine.printer_policy
        )
        token = credentials.create_token(session, device, "test")
        return device.id, bearer(token)


def issue(client, headers, service: str = "A") -> dict:
    response = client.post("/api/v1/offices/T1/tickets", json={"service": service}, headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def job_status(engine, ticket_code: str) -> str:
    return latest_job(engine, ticket_code)[0]


def latest_job(engine, ticket_code: str) -> tuple[str, str | None, int]:
    """(status, error, id) of the ticket's newest print job."""
    from sqlalchemy import select

    from server.models import PrintJob, Ticket

    with engine.db.read() as session:
        return tuple(
            session.execute(
                select(PrintJob.status, PrintJob.error, PrintJob.id)
                .join(Ticket)
                .where(Ticket.code == ticket_code)
                .order_by(PrintJob.id.desc())
            ).first()
        )


def test_a_ticket_prints_once_with_its_qr(client, engine, office, fake_printer):
    _device, kiosk = make_kiosk(engine, fake_printer.url)
    ticket = issue(client, kiosk)
    assert ticket["print_job"]["status"] == "pending"
    (job,) = fake_printer.wait_for_jobs(1)
    segments = decode(job)
    assert [s.payload.decode() for s in segments if isinstance(s, Qr) and s.fn == 80] == [
        ticket["track_url"]
    ]
    assert sum(isinstance(s, Cut) for s in segments) == 1
    assert all(s.width == 576 for s in segments if isinstance(s, Raster))
    wait_until(lambda: job_status(engine, ticket["code"]) == "printed", what="printed")
    assert len(fake_printer.jobs) == 1


def test_printer_off_keeps_the_ticket_records_the_fault_and_never_prints_twice(
    client, engine, office, fake_printer
):
    port = fake_printer.port
    fake_printer.stop()  # the printer is switched off
    device_id, kiosk = make_kiosk(engine, f"tcp://127.0.0.1:{port}")
    first = issue(client, kiosk)
    # The citizen still has the ticket: it is in the queue and its phone page works.
    assert client.get(f"/api/v1/tickets/{first['token']}").status_code == 200
    wait_until(lambda: job_status(engine, first["code"]) == "failed", what="failed")
    staff = bearer(make_token(engine.db, "manager1", role="manager"))
    (device,) = client.get("/api/v1/offices/T1/devices", headers=staff).get_json()
    assert device["id"] == device_id and device["printer_status"] == "error"
    assert device["printer_error"]

    back = FakePrinter(port).start()  # the printer is back
    try:
        second = issue(client, kiosk)
        (job,) = back.wait_for_jobs(1)
        wait_until(lambda: job_status(engine, second["code"]) == "printed", what="printed")
        qr = [s.payload.decode() for s in decode(job) if isinstance(s, Qr) and s.fn == 80]
        assert qr == [second["track_url"]]  # the new ticket; the failed one did not print
        (device,) = client.get("/api/v1/offices/T1/devices", headers=staff).get_json()
        assert device["printer_status"] == "ok"

        # An officer reprints the first ticket on request: printed once more, exactly once.
        response = client.post(f"/api/v1/tickets/{first['id']}/reprint", json={}, headers=staff)
        assert response.status_code == 202
        jobs = back.wait_for_jobs(2)
        wait_until(lambda: job_status(engine, first["code"]) == "printed", what="reprinted")
        assert len(jobs) == 2
    finally:
        back.stop()


FAULTS = {
    "never-reads-small-buffer": (
        lambda: StuckPrinter(rcvbuf=4096),
        r"stopped taking data|did not finish the job",
    ),
    "never-reads": (lambda: StuckPrinter(), r"did not finish the job within 0.5 s"),
    "resets": (lambda: ResettingPrinter(after=1000), r"reset the connection"),
    "closes-after-200-bytes": (
        lambda: ClosingPrinter(after=200),
        r"(reset|closed|lost) the connection",
    ),
    "paper-out": (lambda: FakePrinter(status=PAPER_OUT), r"out of paper"),
    "cover-open": (lambda: FakePrinter(status=COVER_OPEN), r"the cover is open"),
}


@pytest.mark.parametrize("fault", FAULTS)
def test_a_printer_fault_fails_the_job_live_and_nothing_prints_twice(
    app, client, engine, office, events, fault
):
    import re

    make, reason = FAULTS[fault]
    current.print_queue(app).timeout = 0.5
    printer = make().start()
    try:
        device_id, kiosk = make_kiosk(engine, printer.url)
        ticket = issue(client, kiosk)
        wait_until(lambda: job_status(engine, ticket["code"]) == "failed", what="failed")
        status, error, job_id = latest_job(engine, ticket["code"])
        assert re.search(reason, error), error

        staff = bearer(make_token(engine.db, "manager1", role="manager"))
        (device,) = client.get("/api/v1/offices/T1/devices", headers=staff).get_json()
        assert device["printer_status"] == "error" and re.search(reason, device["printer_error"])
        (reported,) = [e for e in events if e.name == "print_status"]
        assert f"device:{device_id}" in reported.rooms and "staff:T1" in reported.rooms
        assert reported.payload["status"] == "failed" and reported.payload["error"] == error
        assert printer.connections == 1  # tried once, not again

        # The citizen keeps the ticket; staff reprint on request: a new job, tried once more.
        assert client.get(f"/api/v1/tickets/{ticket['token']}").status_code == 200
        response = client.post(f"/api/v1/tickets/{ticket['id']}/reprint", json={}, headers=staff)
        assert response.status_code == 202
        assert response.get_json()["id"] != job_id
        wait_until(
            lambda: len([e for e in events if e.name == "print_status"]) == 2,
            what="the reprint settled",
        )
        assert job_status(engine, ticket["code"]) == "failed"
        assert printer.connections == 2
        current.print_queue(app).expire()  # the sweeper retries nothing either
        assert printer.connections == 2
    finally:
        printer.stop()


def test_a_job_is_claimed_only_once(client, engine, office):
    _device, kiosk = make_kiosk(engine, "agent:")
    ticket = issue(client, kiosk)
    job_id = ticket["print_job"]["id"]
    results = []
    barrier = threading.Barrier(8)

    def claim():
        barrier.wait()
        results.append(engine.claim_print_job(job_id))

    threads = [threading.Thread(target=claim) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(result is not None for result in results) == 1


def test_unprinted_jobs_expire_instead_of_printing_late(client, engine, office, clock):
    import datetime as dt

    _device, kiosk = make_kiosk(engine, "agent:")  # an agent that never comes
    ticket = issue(client, kiosk)
    clock.advance(seconds=61)
    assert engine.expire_print_jobs(dt.timedelta(seconds=60)) == [ticket["print_job"]["id"]]
    assert job_status(engine, ticket["code"]) == "failed"
    assert engine.claim_print_job(ticket["print_job"]["id"]) is None


def test_without_a_device_token_nothing_prints(client, office):
    assert issue(client, {})["print_job"] is None


def test_a_display_token_cannot_issue_as_a_kiosk_or_act(client, engine, office):
    with engine.db.write() as session:
        device = credentials.create_device(session, "T1", "display", "Board")
        token = bearer(credentials.create_token(session, device, "t"))
    assert issue(client, token)["print_job"] is None
    counter = office["counters"][1]
    assert client.post(f"/api/v1/counters/{counter}/open", headers=token).status_code == 403


def test_a_return_of_results_prints_its_slip_on_the_tickets_kiosk(
    client, engine, office, fake_printer
):
    """The officer sets the return: the slip comes out of the kiosk that issued the ticket,
    with the appointment's code, time and the QR of its page."""
    _device, kiosk = make_kiosk(engine, fake_printer.url)
    ticket = issue(client, kiosk, "B")
    fake_printer.wait_for_jobs(1)
    engine.update_office(
        "T1", {"settings": {"hours": {"thu": [["07:30", "11:30"], ["13:30", "17:00"]]}}}
    )
    officer = bearer(make_token(engine.db, "lan"))
    client.post(
        f"/api/v1/tickets/{ticket['id']}/dossier",
        json={"dossier_code": "000.00.23.H26-250715-0001"},
        headers=officer,
    )
    response = client.post(
        f"/api/v1/tickets/{ticket['id']}/return-appointment",
        json={"start": "2030-11-28T14:00"},  # a Thursday
        headers=officer,
    )
    back = response.get_json()
    assert response.status_code == 201, back
    assert back["print_job"]["status"] == "pending"
    _ticket_job, slip = fake_printer.wait_for_jobs(2)
    segments = decode(slip)
    assert [s.payload.decode() for s in segments if isinstance(s, Qr) and s.fn == 80] == [
        back["manage_url"]
    ]
    text = "".join(s.text for s in segments if hasattr(s, "text"))
    assert "14:00  28/11/2030" in text and back["code"] in text
    wait_until(lambda: job_status(engine, ticket["code"]) == "printed", what="slip printed")


def test_the_print_queue_drains_before_its_database_goes(app, client, engine, office):
    """A test's (or a stop's) end waits for the jobs still printing: one settling later
    would write into a database emptied for the next test."""
    queue = current.print_queue(app)
    queue.timeout = 1.0
    with StuckPrinter() as printer:
        _, headers = make_kiosk(engine, printer.url)
        ticket = issue(client, headers)
        assert not queue.drain(0.2)
        assert job_status(engine, ticket["code"]) == "printing"
        assert queue.drain(10)
        assert job_status(engine, ticket["code"]) == "failed"
