"""Browser tests: Playwright driving Debian's Chromium against a live `luot serve`.

Screenshots go to tests/artifacts/screenshots/ (git-ignored) for people to look at: every
page of a test that failed, always; the views tests name with `screenshot(page, name)` when
LUOT_SCREENSHOTS=1 (`make screenshots`), as taking them costs every run.
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
SAVE_NAMED = os.environ.get("LUOT_SCREENSHOTS", "") == "1"
OUTCOME = pytest.StashKey[bool]()
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--autoplay-policy=no-user-gesture-required",
]


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Remember whether the test itself failed, for `new_page` to keep its pages."""
    report = yield
    if report.when == "call":
        item.stash[OUTCOME] = report.failed
    return report


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        missing_service(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, request):
    """Open pages with a viewport size; every context is closed after the test, its pages
    saved as screenshots first when the test failed.

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
    if request.node.stash.get(OUTCOME, False):
        save_failed(request.node.name, [page for c in contexts for page in c.pages])
    for context in contexts:
        context.close()
    assert not refused, f"the page broke its Content-Security-Policy: {refused}"


def save_failed(test: str, pages: list) -> None:
    """What a failed test's pages showed when it failed, as `failed-<test>-<n>.png`."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    name = "".join(c if c.isalnum() or c in "-_" else "_" for c in test)[:120]
    for number, page in enumerate(pages, 1):
        if not page.is_closed():
            page.screenshot(path=str(SCREENSHOTS / f"failed-{name}-{number}.png"))


@pytest.fixture
def screenshot():
    """`screenshot(page, name)`: a view for people to look at, saved under
    tests/artifacts/screenshots/ when LUOT_SCREENSHOTS=1."""

    def save(page, name: str, *, full_page: bool = False) -> None:
        if SAVE_NAMED:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)

    return save


@pytest.fixture
def demo_site(live_server, database_url):
    """The live server with the small test office and an officer token."""
    db = Database(database_url)
    office = make_office(db)
    token = make_token(db, "officer1")
    db.dispose()
    return {"server": live_server, "url": live_server.url, "office": office, "token": token}
