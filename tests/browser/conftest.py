"""Browser tests: Playwright driving Debian's Chromium against a live `luot serve`.

Screenshots go to tests/artifacts/screenshots/ (git-ignored) for people to look at.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from server.db import Database
from tests.conftest import missing_service
from tests.factories import make_office, make_token

CHROMIUM = os.environ.get("LUOT_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[1] / "artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--autoplay-policy=no-user-gesture-required",
]


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        missing_service(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser):
    """Open pages with a viewport size; every context is closed after the test.

    Every page of every browser test is also a check of the Content-Security-Policy: a
    refusal Chromium reports (an inline script, a style attribute, a request off the box)
    fails the test that caused it.
    """
    contexts = []
    refused: list[str] = []

    def record(message) -> None:
        if "Content Security Policy" in message.text:
            refused.append(message.text)

    def open_page(width: int = 1280, height: int = 800, **options):
        context = browser.new_context(viewport={"width": width, "height": height}, **options)
        contexts.append(context)
        context.on("console", record)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()
    assert not refused, f"the page broke its Content-Security-Policy: {refused}"


@pytest.fixture
def screenshot():
    """Save a named screenshot of a page under tests/artifacts/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def save(page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path))
        return path

    return save


@pytest.fixture
def demo_site(live_server, database_url):
    """The live server with the small test office and an officer token."""
    db = Database(database_url)
    office = make_office(db)
    token = make_token(db, "officer1")
    db.dispose()
    return {"server": live_server, "url": live_server.url, "office": office, "token": token}
