"""Every bad request gets a JSON 4xx `{"error", "message"}` and changes nothing."""

from __future__ import annotations

import pytest

ISSUE = "/api/v1/offices/T1/tickets"


def check(response, status: int, error: str) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert body["error"] == error
    assert isinstance(body["message"], str) and body["message"]
    return body


@pytest.mark.parametrize(
    ("kwargs", "status", "error", "field"),
    [
        ({"data": "{not json", "content_type": "application/json"}, 400, "malformed_json", None),
        ({"json": {"service": 5}}, 422, "validation_error", "service"),
        ({"json": {}}, 422, "validation_error", "service"),
        ({"json": {"service": "A", "priority": 3}}, 422, "validation_error", "priority"),
        ({"json": {"service": "A", "colour": "red"}}, 422, "validation_error", "colour"),
        ({"json": ["A"]}, 422, "validation_error", None),
        ({"json": {"service": "A", "channel": "fax"}}, 422, "validation_error", "channel"),
        ({"json": {"service": "ZZ"}}, 404, "not_found", "service"),
        ({"json": {"service": "A", "priority": "vip"}}, 422, "invalid", "priority"),
        ({"json": {"service": "A" * 100}}, 422, "validation_error", "service"),
        ({"json": {"service": "A", "pad": "x" * 70_000}}, 413, "request_entity_too_large", None),
        # Nested past what any document needs, or past the parser's own stack (a 500 once).
        (
            {"data": "[" * 33 + "]" * 33, "content_type": "application/json"},
            400,
            "bad_request",
            None,
        ),
        (
            {"data": "[" * 30_000 + "]" * 30_000, "content_type": "application/json"},
            400,
            "bad_request",
            None,
        ),
        (
            {"data": "[" * 32 + "]" * 32, "content_type": "application/json"},
            422,
            "validation_error",
            None,
        ),
    ],
)
def test_bad_issue_requests(client, office, row_counts, kwargs, status, error, field):
    before = row_counts()
    body = check(client.post(ISSUE, **kwargs), status, error)
    if field:
        assert field in body["fields"]
    assert row_counts() == before


def test_unknown_office(client, office, row_counts):
    before = row_counts()
    check(client.post("/api/v1/offices/NOPE/tickets", json={"service": "A"}), 404, "not_found")
    check(client.get("/api/v1/offices/NOPE/queue"), 404, "not_found")
    assert row_counts() == before


def test_unknown_urls_and_methods_answer_json(client):
    check(client.get("/api/v1/nothing-here"), 404, "not_found")
    check(client.get("/api/v1/tickets/not-a-real-token"), 404, "not_found")
    check(client.delete("/api/v1/offices"), 405, "method_not_allowed")


@pytest.mark.parametrize(
    ("method", "path", "status", "vietnamese"),
    [
        ("delete", "/api/v1/offices", 405, "Địa chỉ này không nhận phương thức"),
        ("get", "/api/v1/nothing-here", 404, "Không tìm thấy địa chỉ này"),
        ("post", "/api/v1/province/sync", 401, "mã truy cập của trung tâm"),
        ("get", "/api/v1/province/link", 404, "chưa tham gia hệ thống của tỉnh"),
        ("post", "/api/v1/province/centres/NOPE/revoke", 404, "Không có trung tâm “NOPE”"),
    ],
)
def test_refusals_say_in_vietnamese_what_they_say_in_english(
    client, admin, method, path, status, vietnamese
):
    """The `vi` of a 405, and of the province's refusals, was the English again."""
    response = getattr(client, method)(path, headers=admin if "province" in path else {})
    assert response.status_code == status, response.get_json()
    body = response.get_json()
    assert vietnamese in body["vi"]["message"]
    assert body["vi"]["message"] != body["message"]


def test_a_refused_push_says_in_vietnamese_why(client, engine, admin):
    """Out of order, and a row against the rules: the reason and the row in Vietnamese."""
    invite = engine.add_centre("XA1", "Xã Một")
    token = engine.join(invite["join_code"])["token"]
    headers = {"Authorization": f"Bearer {token}"}
    body = {"at": "2026-11-23T01:00:00+00:00", "head": 5, "offices": []}
    gap = client.post(
        "/api/v1/province/sync",
        json={**body, "entries": [{"seq": 5, "at": "x", "rows": [["office", {"id": 1}]]}]},
        headers=headers,
    ).get_json()
    assert gap["vi"]["message"].startswith("Các mục nhật ký phải nối tiếp sau mục 0")
    unknown = client.post(
        "/api/v1/province/sync",
        json={
            **body,
            "entries": [{"seq": 1, "at": "x", "rows": [["ticket", {"id": 1, "office_id": 5}]]}],
        },
        headers=headers,
    ).get_json()
    assert unknown["vi"]["message"] == (
        "Các mục nhật ký 1–1: số 1, office_id: Dòng chỉ đến đơn vị 5, mà máy chủ tỉnh chưa "
        "từng nhận."
    )
    nameless = client.post(
        "/api/v1/province/sync",
        json={**body, "entries": [{"seq": 1, "at": "x", "rows": [["office", {"id": 1}]]}]},
        headers=headers,
    )
    assert nameless.status_code == 422  # an office row without its code (a 500 once)
    assert nameless.get_json()["row"] == {"kind": "office", "id": 1, "field": "code"}


@pytest.fixture
def waiting(client, office):
    return client.post(ISSUE, json={"service": "A"}).get_json()


@pytest.mark.parametrize(
    ("method", "url", "json", "status", "error"),
    [
        ("post", "/api/v1/counters/999/next", None, 404, "not_found"),
        ("post", "/api/v1/counters/{c1}/next", None, 409, "conflict"),  # counter closed
        ("post", "/api/v1/tickets/999/start", None, 404, "not_found"),
        ("post", "/api/v1/tickets/{tid}/finish", None, 409, "invalid_transition"),
        ("post", "/api/v1/tickets/{tid}/no-show", None, 409, "invalid_transition"),
        ("post", "/api/v1/tickets/{tid}/transfer", {}, 422, "invalid"),
        ("post", "/api/v1/tickets/{tid}/transfer", {"service": "ZZ"}, 404, "not_found"),
        ("post", "/api/v1/tickets/{tid}/transfer", {"counter": "one"}, 422, "validation_error"),
        ("post", "/api/v1/tickets/{tid}/dossier", {"dossier_code": "12345"}, 422, "invalid"),
        ("post", "/api/v1/counters/{c1}/call", {"ticket": "1"}, 422, "validation_error"),
        ("post", "/api/v1/tickets/{tid}/start", "x" * 70_000, 413, "request_entity_too_large"),
    ],
)
def test_bad_officer_requests(
    client, office, officer, waiting, row_counts, method, url, json, status, error
):
    url = url.format(c1=office["counters"][1], tid=waiting["id"])
    before = row_counts()
    kwargs = (
        {"data": json, "content_type": "application/json"}
        if isinstance(json, str)
        else {"json": json}
    )
    check(getattr(client, method)(url, headers=officer, **kwargs), status, error)
    assert row_counts() == before


@pytest.mark.parametrize(
    ("headers", "status", "error"),
    [
        ({}, 401, "unauthorized"),
        ({"Authorization": "Bearer luot_wrong"}, 401, "unauthorized"),
        ({"Authorization": "Basic YWRtaW46YWRtaW4="}, 401, "unauthorized"),
    ],
)
def test_officer_actions_need_a_valid_token(
    client, office, waiting, row_counts, headers, status, error
):
    before = row_counts()
    counter = office["counters"][1]
    check(client.post(f"/api/v1/counters/{counter}/open", headers=headers), status, error)
    check(client.post(f"/api/v1/tickets/{waiting['id']}/cancel", headers=headers), status, error)
    assert row_counts() == before


def test_an_officer_of_another_office_is_refused(client, office, stranger, waiting, row_counts):
    before = row_counts()
    counter = office["counters"][1]
    check(client.post(f"/api/v1/counters/{counter}/open", headers=stranger), 403, "forbidden")
    check(
        client.post(f"/api/v1/tickets/{waiting['id']}/cancel", headers=stranger), 403, "forbidden"
    )
    check(client.get(f"/api/v1/counters/{counter}", headers=stranger), 403, "forbidden")
    assert row_counts() == before


def test_pages_answer_html_for_unknown_urls(client):
    response = client.get("/no-such-page", headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert "Không tìm thấy" in response.get_data(as_text=True)
