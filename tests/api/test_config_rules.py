"""One set of configuration rules for every way in: create, PATCH, PUT (config import),
fields, counters, classes, and the engine itself (CLI, seed). A refused value changes
nothing, and the office keeps answering."""

from __future__ import annotations

import pytest

from server.engine import EngineError

BAD_ZONES = ["Mars/Olympus", "", ".exe", "../../etc/passwd", "Asia/Ho_Chi_Minh ", 5]


@pytest.fixture
def unchanged(client, manager):
    """Call at the end of a test: the configuration and audit log are as they were, and the
    office still answers on its queue, kiosk and issuing."""
    before = client.get("/api/v1/offices/T1/config", headers=manager).get_json()

    def check() -> None:
        assert client.get("/api/v1/offices/T1/config", headers=manager).get_json() == before
        assert client.get("/api/v1/offices/T1/audit", headers=manager).get_json() == []
        assert client.get("/api/v1/offices/T1/queue").status_code == 200
        assert client.get("/kiosk/T1").status_code == 200
        assert client.post("/api/v1/offices/T1/tickets", json={"service": "A"}).status_code == 201

    return check


def refused(response, field: str, status: int = 422) -> None:
    body = response.get_json()
    assert response.status_code == status, body
    assert body["error"] in ("validation_error", "invalid")
    assert field in body.get("fields", {}), body


@pytest.mark.parametrize("zone", BAD_ZONES)
def test_patch_refuses_a_time_zone_the_zone_database_does_not_know(
    client, manager, unchanged, zone
):
    refused(
        client.patch("/api/v1/offices/T1", headers=manager, json={"timezone": zone}), "timezone"
    )
    unchanged()


@pytest.mark.parametrize("zone", BAD_ZONES)
def test_config_put_refuses_a_bad_time_zone_and_switches_nothing_off(
    client, manager, unchanged, zone
):
    document = client.get("/api/v1/offices/T1/config", headers=manager).get_json()
    refused(
        client.put(
            "/api/v1/offices/T1/config", headers=manager, json={**document, "timezone": zone}
        ),
        "timezone",
    )
    unchanged()


@pytest.mark.parametrize("missing", ["services", "priority_classes", "counters"])
def test_config_put_with_a_list_missing_is_refused_not_taken_as_empty(
    client, manager, unchanged, missing
):
    document = client.get("/api/v1/offices/T1/config", headers=manager).get_json()
    del document[missing]
    refused(client.put("/api/v1/offices/T1/config", headers=manager, json=document), missing)
    unchanged()


def test_config_put_of_only_a_time_zone_switches_no_field_off(client, manager, unchanged):
    response = client.put(
        "/api/v1/offices/T1/config",
        headers=manager,
        json={"code": "T1", "timezone": "Mars/Olympus"},
    )
    assert response.status_code == 422
    unchanged()


def test_config_put_with_another_office_code_is_refused(client, manager, unchanged):
    document = client.get("/api/v1/offices/T1/config", headers=manager).get_json()
    refused(
        client.put("/api/v1/offices/T1/config", headers=manager, json={**document, "code": "T2"}),
        "code",
    )
    unchanged()


@pytest.mark.parametrize(
    ("services", "field"),
    [
        ([{}], "services"),
        ([{"code": "X"}], "services"),
        ([{"code": "X", "name": "Ok", "number_start": "1"}], "services"),
        ([{"code": "X", "name": "Ok", "number_end": 10**7}], "services"),
        ([{"code": "A/B", "name": "Slash"}], "services"),
        ([{"code": "X", "name": "One"}, {"code": "X", "name": "Two"}], "services"),
    ],
)
def test_bad_field_entries_are_refused_everywhere(
    client, manager, admin, unchanged, services, field
):
    document = client.get("/api/v1/offices/T1/config", headers=manager).get_json()
    refused(
        client.put(
            "/api/v1/offices/T1/config", headers=manager, json={**document, "services": services}
        ),
        field,
    )
    refused(
        client.post(
            "/api/v1/offices",
            headers=admin,
            json={"code": "T7", "name": "Xã Bảy", "services": services},
        ),
        field,
    )
    assert client.get("/api/v1/offices/T7/queue").status_code == 404
    unchanged()


@pytest.mark.parametrize("code", ["A/B", "../../x", "", "x" * 33, "Xã", "a b", "-lead"])
def test_office_codes_that_would_be_unreachable_are_refused(client, admin, code):
    refused(
        client.post("/api/v1/offices", headers=admin, json={"code": code, "name": "Xã"}), "code"
    )
    codes = [o["code"] for o in client.get("/api/v1/offices").get_json()]
    assert codes == ["T1"]


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"elderly_age": 0}, "elderly_age"),
        ({"elderly_age": 101}, "elderly_age"),
        ({"recalls_before_no_show": -1}, "recalls_before_no_show"),
        ({"priority_streak_limit": 10**6}, "priority_streak_limit"),
        ({"name": ""}, "name"),
        ({"settings": {"announce_max_age": -5}}, "settings"),
        ({"settings": {"issuing": "everyone"}}, "settings"),
        ({"settings": {"hours": {"mon": [["17:00", "07:00"]]}}}, "settings"),
        ({"settings": {"closed_days": ["2026-02-30"]}}, "settings"),
        ({"settings": {"rating": {"levels": "abc"}}}, "settings"),
        ({"settings": {"targets": {"wait": 101}}}, "settings"),
        ({"settings": {"targets": {"no_show": -1}}}, "settings"),
        ({"settings": {"targets": {"margin": 51}}}, "settings"),
        ({"settings": {"targets": {"speed": 5}}}, "settings"),
    ],
)
def test_create_and_patch_share_the_office_rules(client, manager, admin, unchanged, values, field):
    refused(
        client.post(
            "/api/v1/offices", headers=admin, json={"code": "T7", "name": "Xã Bảy", **values}
        ),
        field,
    )
    refused(client.patch("/api/v1/offices/T1", headers=manager, json=values), field)
    document = client.get("/api/v1/offices/T1/config", headers=manager).get_json()
    if "settings" in values:
        values = {"settings": {**document["settings"], **values["settings"]}}
    refused(
        client.put("/api/v1/offices/T1/config", headers=manager, json={**document, **values}), field
    )
    unchanged()


def test_the_engine_applies_the_same_rules_without_the_api(engine, office):
    """The CLI, the seed and workers call the engine directly: it refuses on its own."""
    for call in (
        lambda: engine.update_office("T1", {"timezone": "Mars/Olympus"}),
        lambda: engine.update_office("T1", {"elderly_age": 0}),
        lambda: engine.create_office({"code": "../../x", "name": "Xã"}),
        lambda: engine.create_office({"code": "T7", "name": "Xã", "timezone": ""}),
        lambda: engine.create_service("T1", {"code": "Q", "name": "Q", "digits": 9}),
        lambda: engine.import_office("T1", {"code": "T1", "timezone": "UTC"}),
    ):
        with pytest.raises(EngineError) as caught:
            call()
        assert caught.value.code in ("validation_error", "invalid")
    assert engine.export_office("T1")["timezone"] == "Asia/Ho_Chi_Minh"
    assert [s["active"] for s in engine.export_office("T1")["services"]] == [True, True]


def test_a_good_zone_is_taken(client, manager):
    response = client.patch(
        "/api/v1/offices/T1", headers=manager, json={"timezone": "Asia/Bangkok"}
    )
    assert response.status_code == 200
    assert response.get_json()["timezone"] == "Asia/Bangkok"


# -- number blocks (point 4)

OVERLAPS = [
    {"code": "HT2", "name": "Trùng B", "number_start": 1001, "number_end": 1999, "digits": 4},
    {"code": "HT2", "name": "Chồng B", "number_start": 1500, "number_end": 2500, "digits": 4},
    {"code": "HT2", "name": "Cùng chữ A", "prefix": "A", "number_start": 999, "number_end": 999},
]


@pytest.mark.parametrize("service", OVERLAPS)
def test_a_field_whose_numbers_overlap_another_is_refused(client, manager, unchanged, service):
    response = client.post("/api/v1/offices/T1/services", headers=manager, json=service)
    refused(response, "services")
    assert "overlaps" in response.get_json()["message"]
    document = client.get("/api/v1/offices/T1/config", headers=manager).get_json()
    refused(
        client.put(
            "/api/v1/offices/T1/config",
            headers=manager,
            json={**document, "services": [*document["services"], service]},
        ),
        "services",
    )
    unchanged()


def test_moving_a_block_onto_another_is_refused(client, manager, unchanged):
    response = client.patch(
        "/api/v1/offices/T1/services/A",
        headers=manager,
        json={"prefix": "", "number_start": 1000, "number_end": 1001, "digits": 4},
    )
    refused(response, "services")
    unchanged()


def test_reactivating_a_field_onto_a_taken_block_is_refused(client, manager):
    assert (
        client.patch(
            "/api/v1/offices/T1/services/B", headers=manager, json={"active": False}
        ).status_code
        == 200
    )
    taken = client.post(
        "/api/v1/offices/T1/services",
        headers=manager,
        json={
            "code": "B2",
            "name": "Đất đai mới",
            "number_start": 1001,
            "number_end": 1999,
            "digits": 4,
        },
    )
    assert taken.status_code == 201, taken.get_json()
    refused(
        client.patch("/api/v1/offices/T1/services/B", headers=manager, json={"active": True}),
        "services",
    )


def test_blocks_apart_or_with_another_prefix_are_fine(client, manager):
    for service in (
        {"code": "C", "name": "Khác chữ", "prefix": "C", "number_start": 1, "number_end": 999},
        {"code": "D", "name": "Sau B", "number_start": 2000, "number_end": 2999, "digits": 4},
    ):
        response = client.post("/api/v1/offices/T1/services", headers=manager, json=service)
        assert response.status_code == 201, response.get_json()


def test_no_two_tickets_of_a_day_share_a_code(engine, office):
    """The bug this rule prevents, seen from the tickets: once refused, codes stay unique."""
    with pytest.raises(EngineError):
        engine.create_service(
            "T1",
            {"code": "B2", "name": "Trùng", "number_start": 1001, "number_end": 1999, "digits": 4},
        )
    codes = [engine.issue("T1", code)["code"] for code in ("A", "B", "B")]
    assert len(set(codes)) == len(codes)
