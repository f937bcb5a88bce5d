"""The printed ticket names the counters serving its field when it was issued: on the
printer's bytes, and again on a reprint after the counters changed (issue 25, point 8)."""

from __future__ import annotations

from sqlalchemy import select

from printer import PAPER_80
from server.models import TicketEvent
from tests.factories import bearer, make_token
from tests.fake_printer import FakePrinter
from tests.printing.test_print_flow import issue, make_kiosk
from tests.ticket_lines import decoded_lines


def test_the_printed_ticket_names_the_counters_serving_its_field(client, engine, office):
    with FakePrinter() as printer:
        _device, kiosk = make_kiosk(engine, printer.url)
        issue(client, kiosk, "B")  # counters 1 and 2 serve Đất đai
        issue(client, kiosk, "A")  # counter 1 alone serves Hộ tịch
        jobs = printer.wait_for_jobs(2)
    # Two jobs may print side by side and end in either order: the land one is the one
    # naming both counters (the assertions below still need exactly one of them to).
    both = [decoded_lines(job, "Quầy phục vụ: 1, 2", PAPER_80) for job in jobs]
    land, civil = jobs if both[0] else jobs[::-1]
    assert decoded_lines(land, "Quầy phục vụ: 1, 2", PAPER_80) == [1]
    assert decoded_lines(civil, "Quầy phục vụ: 1", PAPER_80) == [1]
    assert decoded_lines(civil, "Quầy phục vụ: 1, 2", PAPER_80) == []


def _agent_kiosk(engine) -> int:
    """A kiosk whose printer is its agent's: jobs wait to be claimed, here by the test."""
    device_id, _headers = make_kiosk(engine, "agent:")
    return device_id


def _printed(engine, ticket: dict) -> dict:
    """The ticket as the printer would get it, from the ticket's newest job."""
    data = engine.claim_print_job(ticket["print_job"]["id"])
    assert data is not None
    return data["ticket"]


def test_a_reprint_names_the_counters_of_when_it_was_issued(client, engine, office):
    kiosk = _agent_kiosk(engine)
    first = engine.issue("T1", "A", device_id=kiosk, track_url_base="http://box")
    assert _printed(engine, first)["counters"] == [1]
    with engine.db.read() as session:
        data = session.scalar(
            select(TicketEvent.data).where(
                TicketEvent.ticket_id == first["id"], TicketEvent.kind == "issued"
            )
        )
    assert data == {"channel": "kiosk", "counters": [1]}

    # Counter 2 takes Hộ tịch too: the tickets issued from now on say so ...
    engine.update_counter(office["counters"][2], {"services": ["A", "B"]})
    later = engine.issue("T1", "A", device_id=kiosk, track_url_base="http://box")
    assert _printed(engine, later)["counters"] == [1, 2]
    # ... but the first, reprinted, says what it said when it was issued.
    staff = bearer(make_token(engine.db, "officer1"))
    response = client.post(f"/api/v1/tickets/{first['id']}/reprint", json={}, headers=staff)
    assert response.status_code == 202, response.get_json()
    assert _printed(engine, {"print_job": response.get_json()})["counters"] == [1]


def test_a_ticket_moved_to_another_field_names_no_counters(client, engine, office):
    kiosk = _agent_kiosk(engine)
    ticket = engine.issue("T1", "A", device_id=kiosk, track_url_base="http://box")
    engine.transfer(ticket["id"], service_code="B")
    job = engine.reprint(ticket["id"], track_url_base="http://box")
    printed = _printed(engine, {"print_job": job})
    # Counter 1 served Hộ tịch at issue; naming it under Đất đai would mislead.
    assert printed["service_name"] == "Đất đai" and printed["counters"] == []
