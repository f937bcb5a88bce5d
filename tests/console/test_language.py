"""The staff pages' language: Vietnamese by default, English once chosen, kept in a cookie."""

from __future__ import annotations

import json
import re

import pytest

from tests.factories import make_token
from tests.signin import sign_in

VOCAB_JSON = re.compile(r'id="luot-vocabulary">(.*?)</script>', re.S)


@pytest.fixture
def officer(engine, office) -> str:
    make_token(engine.db, "lan")
    return "lan"


def test_vietnamese_by_default_english_once_chosen(client, office, officer):
    sign_in(client, officer)
    page = client.get("/counter").get_data(as_text=True)
    assert '<html lang="vi">' in page and "Gọi số tiếp theo" in page
    assert json.loads(VOCAB_JSON.search(page).group(1))["lang"] == "vi"

    switched = client.get("/lang/en?next=/counter")
    assert switched.status_code == 302 and switched.headers["Location"].endswith("/counter")
    page = client.get("/counter").get_data(as_text=True)
    assert '<html lang="en">' in page and "Call next" in page and "Sign out" in page
    assert json.loads(VOCAB_JSON.search(page).group(1))["lang"] == "en"

    client.get("/lang/vi")
    assert "Gọi số tiếp theo" in client.get("/counter").get_data(as_text=True)


def test_the_switch_stays_on_this_site_and_knows_two_languages(client):
    assert client.get("/lang/en?next=https://evil.example/").headers["Location"] == "/"
    client.get("/lang/fr")
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="vi">' in page
