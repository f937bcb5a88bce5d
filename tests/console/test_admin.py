"""The administration pages without a browser: who may open which, what they carry, the
configuration download and the CSRF refresh."""

from __future__ import annotations

import json
import re

import pytest

from tests.factories import make_office, make_token
from tests.signin import sign_in

SECTIONS = (
    "/admin",
    "/admin/fields",
    "/admin/counters",
    "/admin/priority",
    "/admin/devices",
    "/admin/config",
    "/admin/audit",
)


def page_json(html: str) -> dict:
    found = re.search(r'<script type="application/json" id="admin-page">(.*?)</script>', html, re.S)
    assert found, "the page carries its start data"
    return json.loads(found.group(1))


@pytest.fixture
def people(engine, office) -> dict[str, str]:
    """An officer, a manager of T1, a manager of T2 and an admin (usernames)."""
    make_office(engine.db, code="T2", name="Văn phòng khác", counters=[])
    make_token(engine.db, "lan")
    make_token(engine.db, "boss", role="manager")
    make_token(engine.db, "other", role="manager", offices=("T2",))
    make_token(engine.db, "root", role="admin", offices=())
    return {"officer": "lan", "manager": "boss", "other": "other", "admin": "root"}


@pytest.mark.parametrize("path", [*SECTIONS, "/admin/users", "/admin/export"])
def test_strangers_are_sent_to_sign_in(client, office, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=" + path)


@pytest.mark.parametrize("path", [*SECTIONS, "/admin/users", "/admin/export"])
def test_officers_are_refused(client, people, path):
    sign_in(client, people["officer"])
    response = client.get(path)
    assert response.status_code == 403
    assert "không có quyền" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", SECTIONS)
def test_a_manager_opens_every_section_of_their_office(client, people, path):
    sign_in(client, people["manager"])
    response = client.get(path)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<meta name="csrf-token"' in html
    page = page_json(html)
    assert page["office"]["code"] == "T1"
    assert [o["code"] for o in page["offices"]] == ["T1"]
    assert page["role"] == "manager"
    # Managers add and lock their own office's officers (issue 25, point 7).
    assert "/admin/users" in html, "managers get a link to the users section"


def test_the_users_section_shows_a_manager_only_their_offices_people(client, people):
    """Once refused to managers; since issue 25 (point 7) they manage their own officers,
    and see no one of an office they do not manage."""
    sign_in(client, people["manager"])
    response = client.get("/admin/users")
    assert response.status_code == 200
    assert [o["code"] for o in page_json(response.get_data(as_text=True))["offices"]] == ["T1"]
    listed = client.get("/api/v1/users")
    assert listed.status_code == 200
    names = {user["username"] for user in listed.get_json()}
    assert {"lan", "boss"} <= names
    assert not names & {"other", "root"}


def test_an_admin_opens_users_and_every_office(client, people):
    sign_in(client, people["admin"])
    response = client.get("/admin/users")
    assert response.status_code == 200
    page = page_json(response.get_data(as_text=True))
    assert page["role"] == "admin"
    assert [o["code"] for o in page["offices"]] == ["T1", "T2"]
    html = client.get("/admin?office=T2").get_data(as_text=True)
    assert page_json(html)["office"]["code"] == "T2"
    assert 'href="/admin/users?office=T2"' in html


def test_a_manager_may_not_open_another_office(client, people):
    sign_in(client, people["manager"])
    assert client.get("/admin/fields?office=T2").status_code == 403
    assert client.get("/admin/fields?office=NOPE").status_code == 404
    assert client.get("/admin/export?office=T2").status_code == 403
    sign_in(client, people["other"])
    assert page_json(client.get("/admin").get_data(as_text=True))["office"]["code"] == "T2"


def test_the_configuration_downloads_as_a_file_named_after_the_office(client, engine, people):
    sign_in(client, people["manager"])
    response = client.get("/admin/export?office=T1")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="T1.json"'
    assert response.mimetype == "application/json"
    assert json.loads(response.get_data(as_text=True)) == engine.export_office("T1")


def test_a_page_left_open_gets_a_fresh_csrf_token(client, people):
    sign_in(client, people["manager"])
    token = client.get("/csrf").get_json()["csrf_token"]
    response = client.patch(
        "/api/v1/offices/T1",
        json={"settings": {"notice": "Xin chào"}},
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 200, response.get_json()
    stale = client.patch(
        "/api/v1/offices/T1",
        json={"settings": {"notice": "Không"}},
        headers={"X-CSRFToken": "stale"},
    )
    assert stale.status_code == 400
    assert "CSRF" in stale.get_json()["message"], "the page recognises this and refreshes"


def test_the_menu_lists_the_later_pages_only_when_they_exist(client, app, people):
    sign_in(client, people["manager"])
    html = client.get("/admin").get_data(as_text=True)
    paths = {rule.rule for rule in app.url_map.iter_rules()}
    for path in ("/admin/overview", "/admin/reports"):
        assert (f'href="{path}?office=T1"' in html) == (path in paths)


def test_an_admin_without_offices_is_offered_to_create_one(client, engine):
    make_token(engine.db, "root", role="admin", offices=())
    sign_in(client, "root")
    html = client.get("/admin").get_data(as_text=True)
    assert "Chưa có đơn vị nào" in html
    response = client.get("/admin/config")
    assert response.status_code == 200
    assert 'id="create-form"' in response.get_data(as_text=True)
