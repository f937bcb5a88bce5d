"""GET /offices/<office>/ticket-preview: the ticket a kiosk's printer would print now, as a
PNG drawn from the same job (issue 25, point 8). Managers of the office and admins; bad
input a clear 4xx; nothing issued, no number taken, nothing written."""

from __future__ import annotations

import io

import pytest
import zxingcpp
from PIL import Image
from sqlalchemy import select

from printer import PAPER_58, PAPER_80
from server.engine import credentials
from server.models import Base
from tests.factories import bearer, make_office, make_token
from tests.ticket_lines import holds, line_picture

URL = "/api/v1/offices/T1/ticket-preview"


def rows_of_every_table(engine) -> dict[str, list[tuple]]:
    """Every row but the tokens' (a bearer token's use is stamped on it) and heartbeats."""
    skip = {"api_tokens", "server_processes"}
    with engine.db.read() as session:
        return {
            table.name: [
                tuple(row)
                for row in session.execute(select(table).order_by(*table.primary_key.columns))
            ]
            for table in Base.metadata.sorted_tables
            if table.name not in skip
        }


def png(response) -> Image.Image:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == "image/png"
    assert response.headers["Cache-Control"] == "no-store"
    return Image.open(io.BytesIO(response.data))


def kiosk(engine, office: str = "T1", paper: int = 80, printer_url: str | None = "agent:") -> int:
    with engine.db.write() as session:
        device = credentials.create_device(
            session, office, "kiosk", f"Kiosk {paper}", printer_url, paper=paper
        )
        return device.id


def test_a_manager_sees_the_ticket_as_printed_and_nothing_is_issued(client, engine, manager):
    engine.issue("T1", "B")  # 1001: the preview shows the next, 1002, and takes nothing
    before = rows_of_every_table(engine)

    image = png(client.get(URL, query_string={"service": "B"}, headers=manager))

    assert image.width == PAPER_80.dots  # no kiosk with a printer yet: 80 mm
    assert holds(image, line_picture("Quầy phục vụ: 1, 2", PAPER_80))
    assert holds(image, line_picture("Số người đang chờ trước Ông/Bà: 1", PAPER_80, bold=False))
    (qr,) = [code.text for code in zxingcpp.read_barcodes(image.convert("L"))]
    assert qr.startswith("http://localhost/t/") and len(qr) == len("http://localhost/t/") + 22
    assert rows_of_every_table(engine) == before
    assert engine.issue("T1", "B")["code"] == "1002"


def test_the_kiosks_paper_and_the_offices_footer(client, engine, manager):
    narrow = kiosk(engine, paper=58)
    footer = "Giữ vé cẩn thận. Cảm ơn!"
    response = client.patch(
        "/api/v1/offices/T1", json={"settings": {"ticket_footer": footer}}, headers=manager
    )
    assert response.status_code == 200, response.get_json()

    image = png(client.get(URL, query_string={"service": "A"}, headers=manager))
    assert image.width == PAPER_58.dots  # the office's kiosk with a printer
    assert holds(image, line_picture(footer, PAPER_58, bold=False))
    assert holds(image, line_picture("Quầy phục vụ: 1", PAPER_58))

    wide = png(client.get(URL, query_string={"service": "A", "paper": 80}, headers=manager))
    assert wide.width == PAPER_80.dots
    named = client.get(URL, query_string={"service": "A", "device": narrow}, headers=manager)
    assert png(named).width == PAPER_58.dots


def test_an_admin_may_preview(client, engine, admin, office):
    assert png(client.get(URL, query_string={"service": "A"}, headers=admin)).width == 576


@pytest.mark.parametrize(
    ("query", "status", "field"),
    [
        ({"service": "ZZ"}, 404, "service"),
        ({}, 422, "service"),
        ({"service": "A", "paper": 76}, 422, "paper"),
        ({"service": "A", "paper": "٨٠"}, 422, "paper"),
        ({"service": "A", "device": 0}, 422, "device"),
        ({"service": "A", "device": 99999}, 404, "device"),
    ],
)
def test_bad_input_is_a_clear_4xx_and_changes_nothing(
    client, engine, manager, query, status, field
):
    before = rows_of_every_table(engine)
    response = client.get(URL, query_string=query, headers=manager)
    assert response.status_code == status, response.get_json()
    body = response.get_json()
    assert body["message"] and body["vi"]
    assert field in str(body.get("fields") or body), body
    assert rows_of_every_table(engine) == before


def test_another_offices_field_or_kiosk_is_refused(client, engine, manager):
    make_office(engine.db, code="T2", services=[{"code": "C", "name": "Xây dựng"}], counters=[])
    other_kiosk = kiosk(engine, "T2")
    response = client.get(URL, query_string={"service": "C"}, headers=manager)
    assert response.status_code == 404  # T1 has no field C
    response = client.get(
        URL, query_string={"service": "A", "device": other_kiosk}, headers=manager
    )
    assert response.status_code == 409
    assert "another office" in response.get_json()["message"]


def test_a_field_no_counter_serves_is_refused_as_issuing_refuses(client, engine, manager):
    make_office(
        engine.db,
        code="T3",
        services=[{"code": "C", "name": "Xây dựng"}],
        counters=[],
    )
    boss = bearer(make_token(engine.db, "boss3", role="manager", offices=("T3",)))
    response = client.get(
        "/api/v1/offices/T3/ticket-preview", query_string={"service": "C"}, headers=boss
    )
    assert response.status_code == 409
    assert response.get_json()["error"] == "not_served"


@pytest.mark.parametrize("who", ["nobody", "officer", "kiosk", "other_manager"])
def test_only_the_offices_managers_and_admins(client, engine, office, who):
    make_office(engine.db, code="T2", counters=[])
    headers = {
        "nobody": {},
        "officer": bearer(make_token(engine.db, "officer1")),
        "kiosk": None,
        "other_manager": bearer(make_token(engine.db, "boss2", role="manager", offices=("T2",))),
    }[who]
    if headers is None:
        with engine.db.write() as session:
            device = credentials.create_device(session, "T1", "kiosk", "K", None)
            headers = bearer(credentials.create_token(session, device, "test"))
    response = client.get(URL, query_string={"service": "A"}, headers=headers)
    assert response.status_code == (401 if who == "nobody" else 403)
