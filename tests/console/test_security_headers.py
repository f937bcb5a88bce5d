"""Security headers on every page, file and answer: a strict Content-Security-Policy, no
framing, no sniffing, and no-store on whatever carries names (staff pages, exports, API)."""

from __future__ import annotations

import pytest

from server.engine import credentials
from tests.factories import bearer, make_token
from tests.signin import sign_in

STAFF_PAGES = [
    "/counter",
    "/admin",
    "/admin/fields",
    "/admin/devices",
    "/admin/users",
    "/admin/overview",
    "/admin/reports",
    "/admin/audit",
    "/admin/config",
]


@pytest.fixture
def pages(engine, office):
    ticket = engine.issue("T1", "A")
    with engine.db.write() as session:
        credentials.create_device(session, "T1", "rating", "Máy đánh giá", None, counter_number=1)
    counter = office["counters"][1]
    return [
        "/",
        "/login",
        "/kiosk/T1",
        "/display/T1",
        f"/display/counter/{counter}",
        f"/t/{ticket['token']}",
        f"/rate/{counter}",
        "/no-such-page",
    ]


def check_headers(response) -> None:
    csp = response.headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert directives["frame-ancestors"] == "'none'"
    assert directives["default-src"] == "'self'"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_public_pages(client, pages):
    for path in pages:
        response = client.get(path)
        assert response.status_code in (200, 302, 404), path
        check_headers(response)
        assert response.headers["Cache-Control"] == "no-store", path


def test_staff_pages_and_exports_are_never_stored(client, engine, office):
    make_token(engine.db, "admin", role="admin", offices=())
    sign_in(client, "admin")
    for path in STAFF_PAGES:
        response = client.get(path)
        assert response.status_code == 200, path
        check_headers(response)
        assert response.headers["Cache-Control"] == "no-store", path
    manager = bearer(make_token(engine.db, "boss", role="manager"))
    for fmt in ("csv", "xlsx"):
        export = client.get(
            "/api/v1/reports/export",
            headers=manager,
            query_string={"office": "T1", "from": "2026-11-01", "to": "2026-11-30", "format": fmt},
        )
        assert export.status_code == 200
        assert export.headers["Cache-Control"] == "no-store"
        check_headers(export)
    assert client.get("/admin/export?office=T1").headers["Cache-Control"] == "no-store"


def test_api_answers_and_errors(client, office):
    for response in (
        client.get("/api/v1/offices/T1/queue"),
        client.get("/api/v1/nothing"),
        client.post("/api/v1/offices/T1/tickets", json={}),
    ):
        check_headers(response)
        assert response.headers["Cache-Control"] == "no-store"


def test_files_stay_cacheable(client):
    with client.get("/static/css/kiosk.css") as response:
        check_headers(response)
        assert "no-store" not in response.headers.get("Cache-Control", "")
