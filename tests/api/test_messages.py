"""The server's refusals read back in Vietnamese (server/i18n/refusals.py)."""

from __future__ import annotations

import json
import string

import marshmallow as ma
import pytest
from marshmallow import validate

from server.engine.rules.documents import Count
from server.i18n import refusals as messages


def _sample(template: str) -> dict[str, str]:
    names = {name for _, name, _, _ in string.Formatter().parse(template) if name}
    return {name: f"X{index}" for index, name in enumerate(sorted(names))}


@pytest.mark.parametrize("key", sorted(messages.CATALOGUE))
def test_every_english_message_reads_back_in_vietnamese(key):
    vietnamese, english = messages.CATALOGUE[key]  # (vi, en), as every table
    values = _sample(english)
    said = messages.vietnamese(english.format(**values))
    assert said != english.format(**values)
    assert said.split("{")[0][:6] in vietnamese or said == vietnamese.format(**values)


def test_values_are_carried_and_words_are_translated():
    assert messages.vietnamese("User 'HOA' already exists.") == "Đã có tên đăng nhập “HOA”."
    assert (
        messages.vietnamese("Cannot finish ticket A001: it is called (allowed from: serving).")
        == "Không thể hoàn thành số A001: số đang ở trạng thái “Đang gọi”."
    )
    assert (
        messages.vietnamese("Must be greater than or equal to 0 and less than or equal to 100.")
        == "Phải từ 0 đến 100."
    )


def test_unknown_words_stay_and_nested_fields_are_rendered():
    assert messages.vietnamese("The CSRF token is missing.") == "The CSRF token is missing."
    fields = {"settings": {"hours": ["A time like 07:30."]}, "name": ["Unknown field."]}
    assert messages.vietnamese_fields(fields) == {
        "settings": {"hours": ["Giờ không hợp lệ (dạng 07:30)."]},
        "name": ["Trường này không được phép."],
    }


def test_an_api_refusal_carries_its_vietnamese(client, manager):
    response = client.patch(
        "/api/v1/offices/T1", headers=manager, json={"priority_streak_limit": 101}
    )
    body = response.get_json()
    assert response.status_code == 422 and body["error"] == "validation_error"
    assert body["fields"]["priority_streak_limit"] == [
        "Must be greater than or equal to 0 and less than or equal to 100."
    ]
    assert body["vi"]["fields"]["priority_streak_limit"] == ["Phải từ 0 đến 100."]
    assert body["vi"]["message"] == "Một số ô còn thiếu hoặc chưa đúng."


def test_an_export_in_english_has_english_headings(client, manager):
    response = client.get(
        "/api/v1/reports/export?office=T1&from=2026-01-01&to=2026-01-02&format=csv&csv=plain&lang=en",
        headers=manager,
    )
    assert response.status_code == 200
    first = response.get_data(as_text=True).lstrip("\ufeff").splitlines()[0]
    assert first.startswith("Field,Tickets issued,Served,No-show")


VIETNAMESE_LETTERS = set("ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ")


def _kiosk_refusals(client, engine, manager) -> dict[str, dict]:
    """Each refusal a citizen can meet at the kiosk, as the API answers it."""
    from sqlalchemy import select

    from server.models import Office, Service

    issue = "/api/v1/offices/T1/tickets"
    with engine.db.write() as session:
        office = session.scalar(select(Office).where(Office.code == "T1"))
        office.settings = {**(office.settings or {}), "issuing": "kiosk"}
    out = {"kiosk_required": client.post(issue, json={"service": "A"})}
    out["unknown_field"] = client.post(issue, json={"service": "ZZ"}, headers=manager)
    out["unknown_priority"] = client.post(
        issue, json={"service": "A", "priority": "nope"}, headers=manager
    )
    key = {**manager, "Idempotency-Key": "kiosk-key-1"}
    client.post(issue, json={"service": "A"}, headers=key)
    out["key_reused"] = client.post(issue, json={"service": "B"}, headers=key)
    with engine.db.write() as session:
        service = session.scalar(select(Service).where(Service.code == "B"))
        service.active = False
        service.number_end = service.number_start
    out["field_paused"] = client.post(issue, json={"service": "B"}, headers=manager)
    with engine.db.write() as session:
        service = session.scalar(select(Service).where(Service.code == "A"))
        service.number_end = service.number_start
    client.post(issue, json={"service": "A"}, headers=manager)
    out["numbers_used_up"] = client.post(issue, json={"service": "A"}, headers=manager)
    with engine.db.write() as session:
        office = session.scalar(select(Office).where(Office.code == "T1"))
        office.settings = {**office.settings, "hours": {"mon": []}}  # keeps no open hour
    out["outside_hours"] = client.post(issue, json={"service": "A"}, headers=manager)
    return {name: response.get_json() for name, response in out.items()}


def test_every_refusal_a_citizen_meets_at_the_kiosk_comes_in_vietnamese(client, engine, manager):
    refusals = _kiosk_refusals(client, engine, manager)
    untranslated = {
        name: body["vi"]["message"]
        for name, body in refusals.items()
        if body["vi"]["message"] == body["message"]
        or not VIETNAMESE_LETTERS & set(body["vi"]["message"].lower())
    }
    assert untranslated == {}
    assert {name: body["error"] for name, body in refusals.items()} == {
        "kiosk_required": "kiosk_required",
        "unknown_field": "not_found",
        "unknown_priority": "invalid",
        "key_reused": "idempotency_key_reused",
        "field_paused": "conflict",
        "numbers_used_up": "conflict",
        "outside_hours": "closed",
    }
    assert "đã cấp hết 1 số" in refusals["numbers_used_up"]["vi"]["message"]


def _schemas(base: type = ma.Schema) -> list[type]:
    found = []
    for schema in base.__subclasses__():
        found.append(schema)
        found.extend(_schemas(schema))
    return found


def test_every_list_counts_its_items(app):
    """A list's length refused by marshmallow's plain Length would read "characters" in
    Vietnamese; every list field of the server's schemas counts items with `Count`."""
    lists = 0
    for schema in _schemas():
        if not schema.__module__.startswith("server."):
            continue
        for name, field in schema._declared_fields.items():
            if not isinstance(field, ma.fields.List):
                continue
            lists += 1
            plain = [
                v
                for v in field.validators
                if isinstance(v, validate.Length) and not isinstance(v, Count)
            ]
            assert plain == [], f"{schema.__module__}.{schema.__name__}.{name}"
    assert lists > 20


def test_a_list_too_long_is_refused_in_items_not_characters(client, manager):
    seven = [["07:00", "07:30"], *([["08:00", "08:30"]] * 6)]
    response = client.patch(
        "/api/v1/offices/T1", headers=manager, json={"settings": {"hours": {"mon": seven}}}
    )
    body = response.get_json()
    assert response.status_code == 422, body
    assert body["fields"]["settings"]["hours"]["mon"] == ["Give from 0 to 6 items."]
    assert body["vi"]["fields"]["settings"]["hours"]["mon"] == ["Cần từ 0 đến 6 mục."]
    period = [["07:00", "08:00", "09:00"]]
    response = client.patch(
        "/api/v1/offices/T1", headers=manager, json={"settings": {"hours": {"tue": period}}}
    )
    said = response.get_json()["vi"]["fields"]["settings"]["hours"]["tue"]
    assert said == {"0": ["Cần đúng 2 mục."]}
    assert "ký tự" not in json.dumps(response.get_json(), ensure_ascii=False)
