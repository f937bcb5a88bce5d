"""Administration through the API: changes are audited, bad input refused, and a
configuration exported then imported into an empty office reproduces it exactly."""

from __future__ import annotations

import pytest

from tests.factories import bearer


def without_code(document: dict) -> dict:
    return {key: value for key, value in document.items() if key != "code"}


def test_export_then_import_into_an_empty_office_is_exact(client, manager, admin):
    client.patch(
        "/api/v1/offices/T1",
        headers=manager,
        json={
            "priority_streak_limit": 2,
            "settings": {
                "notice": "Nghỉ trưa 11:30–13:30",
                "hours": {"mon": [["07:30", "11:30"]]},
                "rating": {"preset": "five"},
            },
        },
    )
    client.put(
        "/api/v1/offices/T1/priority-classes/veteran",
        headers=manager,
        json={"name": "Cựu chiến binh", "name_en": "Veteran"},
    )
    exported = client.get("/api/v1/offices/T1/config", headers=manager).get_json()
    assert exported["settings"]["notice"] == "Nghỉ trưa 11:30–13:30"

    created = client.post(
        "/api/v1/offices",
        headers=admin,
        json={"code": "T9", "name": "Xã Trống", "priority_classes": []},
    )
    assert created.status_code == 201
    imported = client.put(
        "/api/v1/offices/T9/config", headers=admin, json={**exported, "code": "T9"}
    )
    assert imported.status_code == 200, imported.get_json()
    again = client.get("/api/v1/offices/T9/config", headers=admin).get_json()
    assert without_code(again) == without_code(exported)


def test_a_new_office_straight_from_a_template(client, manager, admin):
    template = client.get("/api/v1/offices/T1/config", headers=manager).get_json()
    created = client.post("/api/v1/offices", headers=admin, json={**template, "code": "T5"})
    assert created.status_code == 201
    assert without_code(created.get_json()) == without_code(template)
    assert client.post("/api/v1/offices/T5/tickets", json={"service": "B"}).status_code == 201


def test_changes_are_written_to_the_audit_log(client, manager):
    client.patch("/api/v1/offices/T1/services/A", headers=manager, json={"name": "Hộ tịch"})
    client.patch(
        "/api/v1/offices/T1/services/A", headers=manager, json={"name": "Hộ tịch – Chứng thực"}
    )
    client.post(
        "/api/v1/offices/T1/counters",
        headers=manager,
        json={"number": 3, "name": "Quầy 3", "services": ["A", "B"]},
    )
    log = client.get("/api/v1/offices/T1/audit", headers=manager).get_json()
    assert [(e["action"], e["user"]) for e in log[:2]] == [
        ("counter.create", "boss"),
        ("service.update", "boss"),
    ]
    assert log[1]["before"] == {"name": "Hộ tịch"}
    assert log[1]["after"] == {"name": "Hộ tịch – Chứng thực"}
    # The first PATCH changed nothing, so it left no entry.
    assert [e["action"] for e in log] == ["counter.create", "service.update"]


@pytest.mark.parametrize(
    ("method", "url", "body", "status"),
    [
        ("patch", "/api/v1/offices/T1", {"settings": {"colour": "red"}}, 422),
        ("patch", "/api/v1/offices/T1", {"elderly_age": "sixty"}, 422),
        ("post", "/api/v1/offices/T1/services", {"code": "A", "name": "Again"}, 409),
        (
            "post",
            "/api/v1/offices/T1/services",
            {"code": "Q", "name": "Bad block", "number_start": 50, "number_end": 10},
            422,
        ),
        ("post", "/api/v1/offices/T1/counters", {"number": 1, "services": []}, 409),
        ("post", "/api/v1/offices/T1/counters", {"number": 7, "services": ["NOPE"]}, 422),
        (
            "post",
            "/api/v1/offices/T1/devices",
            {"kind": "kiosk", "name": "K", "printer_url": "lpt1:"},
            422,
        ),
        ("put", "/api/v1/offices/T1/priority-classes/new", {"name_en": "No name"}, 422),
    ],
)
def test_bad_admin_input_changes_nothing(client, manager, method, url, body, status):
    before = client.get("/api/v1/offices/T1/config", headers=manager).get_json()
    response = getattr(client, method)(url, headers=manager, json=body)
    assert response.status_code == status, response.get_json()
    assert client.get("/api/v1/offices/T1/config", headers=manager).get_json() == before
    assert client.get("/api/v1/offices/T1/audit", headers=manager).get_json() == []


def test_a_device_token_is_shown_once_and_can_be_replaced(client, manager):
    created = client.post(
        "/api/v1/offices/T1/devices",
        headers=manager,
        json={"kind": "kiosk", "name": "Kiosk sảnh", "printer_url": "dummy:"},
    )
    assert created.status_code == 201
    device = created.get_json()
    old = bearer(device["token"])
    assert client.get("/api/v1/devices/me", headers=old).get_json()["name"] == "Kiosk sảnh"
    fresh = client.post(f"/api/v1/devices/{device['id']}/token", headers=manager).get_json()
    assert client.get("/api/v1/devices/me", headers=old).status_code == 401
    assert client.get("/api/v1/devices/me", headers=bearer(fresh["token"])).status_code == 200
    listed = client.get("/api/v1/offices/T1/devices", headers=manager).get_json()
    assert "token" not in listed[0]


def test_admins_manage_users(client, admin):
    created = client.post(
        "/api/v1/users",
        headers=admin,
        json={
            "username": "hoa",
            "full_name": "Lê Thị Hoa",
            "role": "officer",
            "offices": ["T1"],
            "password": "mat-khau-dai",
        },
    )
    assert created.status_code == 201
    user = created.get_json()
    changed = client.patch(
        f"/api/v1/users/{user['id']}", headers=admin, json={"role": "manager", "active": False}
    )
    assert changed.get_json()["role"] == "manager" and not changed.get_json()["active"]
    short = client.post(
        "/api/v1/users",
        headers=admin,
        json={"username": "x1", "role": "officer", "offices": ["T1"], "password": "short"},
    )
    assert short.status_code == 422


def test_a_device_with_the_longest_name_gets_its_token(client, manager):
    """Its token's label ("device:" + name) is cut to fit (PostgreSQL refused it: a 500)."""
    created = client.post(
        "/api/v1/offices/T1/devices",
        headers=manager,
        json={"kind": "kiosk", "name": "M" * 100, "printer_url": "dummy:"},
    )
    assert created.status_code == 201, created.get_json()
    assert (
        client.get("/api/v1/devices/me", headers=bearer(created.get_json()["token"])).status_code
        == 200
    )
