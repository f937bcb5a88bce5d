"""The manager's overview and reports pages without a browser: who may open them and what
they carry to their scripts."""

from __future__ import annotations

import json
import re

import pytest

from tests.factories import make_office, make_token
from tests.signin import sign_in

PAGES = ("/admin/overview", "/admin/reports")


def page_json(html: str) -> dict:
    found = re.search(r'<script type="application/json" id="luot-page">(.*?)</script>', html, re.S)
    assert found, "the page carries its start data"
    return json.loads(found.group(1))


@pytest.mark.parametrize("path", PAGES)
def test_strangers_are_sent_to_sign_in(client, office, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith(f"/login?next={path}")


@pytest.mark.parametrize("path", PAGES)
def test_officers_may_not_open_them(client, engine, office, path):
    make_token(engine.db, "lan")
    sign_in(client, "lan")
    response = client.get(path)
    assert response.status_code == 403
    assert "không có quyền" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", PAGES)
def test_managers_and_admins_may(client, engine, office, path):
    make_token(engine.db, "boss", role="manager")
    sign_in(client, "boss")
    response = client.get(path)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<meta name="csrf-token"' in html
    assert [o["code"] for o in page_json(html)["offices"]] == ["T1"]

    client.post("/logout", data={})
    make_token(engine.db, "root", role="admin", offices=())
    sign_in(client, "root")
    assert client.get(path).status_code == 200


def test_the_overview_shows_the_chosen_office_of_the_managers(client, engine, office):
    make_office(engine.db, code="T2", name="Xã Hai")
    make_office(engine.db, code="T3", name="Xã Ba")
    make_token(engine.db, "boss", role="manager", offices=("T1", "T2"))
    sign_in(client, "boss")
    page = page_json(client.get("/admin/overview").get_data(as_text=True))
    assert page["office"]["code"] == "T1"
    assert [o["code"] for o in page["offices"]] == ["T1", "T2"]
    html = client.get("/admin/overview?office=T2").get_data(as_text=True)
    assert page_json(html)["office"]["code"] == "T2"
    assert 'id="office-pick"' in html  # several offices: a picker
    assert client.get("/admin/overview?office=T3").status_code == 403
    assert client.get("/admin/overview?office=NOPE").status_code == 404


def test_the_reports_page_keeps_only_the_managers_offices_from_the_query(client, engine, office):
    make_office(
        engine.db,
        code="T2",
        name="Xã Hai",
        district="Huyện Thử",
        settings={"targets": {"wait": 90, "margin": 5}},
    )
    make_office(engine.db, code="T3", name="Xã Ba")
    make_token(engine.db, "boss", role="manager", offices=("T1", "T2"))
    sign_in(client, "boss")
    response = client.get(
        "/admin/reports?office=T2&office=T3&from=2026-11-01&to=2026-11-30&group=counter"
    )
    page = page_json(response.get_data(as_text=True))
    assert page["initial"] == {
        "all": False,
        "offices": ["T2"],
        "from": "2026-11-01",
        "to": "2026-11-30",
        "group": "counter",
        "preset": None,
    }
    assert {o["code"]: o["district"] for o in page["offices"]} == {"T1": "", "T2": "Huyện Thử"}
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", page["today"])
    # Each office's report targets, the defaults where it set none (not T3's: not theirs).
    assert page["targets"] == {
        "T1": {"wait": 80, "satisfied": 85, "no_show": 10, "margin": 10},
        "T2": {"wait": 90, "satisfied": 85, "no_show": 10, "margin": 5},
    }
    assert (
        page_json(client.get("/admin/reports?group=colour").get_data(as_text=True))["initial"][
            "group"
        ]
        is None
    )
    # "Tất cả đơn vị" travels as all=true; the page caps a list picked by hand as the API does.
    every = page_json(client.get("/admin/reports?all=true").get_data(as_text=True))
    assert every["initial"]["all"] is True and every["max_offices"] == 100
