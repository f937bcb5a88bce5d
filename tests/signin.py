"""Signing in as staff, from the Flask test client or a browser page.

Test users made by `tests.factories.make_token(db, NAME)` have the password `pw-NAME`.
"""

from __future__ import annotations

import re
from urllib.parse import quote


def csrf_from(client, path: str = "/login") -> str:
    """The CSRF token a page carries in its forms."""
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def post_sign_in(client, username: str, password: str | None = None):
    """Submit the sign-in form; the response, whatever it is."""
    return client.post(
        "/login",
        data={
            "username": username,
            "password": password or "pw-" + username,
            "csrf_token": csrf_from(client),
        },
    )


def sign_in(client, username: str) -> None:
    response = post_sign_in(client, username)
    assert response.status_code == 302, response.get_data(as_text=True)


def sign_in_page(page, base: str, username: str, target: str = "/counter") -> None:
    """Sign in through the form in a browser and land on `target`."""
    page.goto(f"{base}/login?next={quote(target)}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pw-" + username)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(re.escape(base + target.split("?")[0])))
