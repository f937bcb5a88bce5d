"""The Content-Security-Policy is enforced in Chromium: an injected inline script (what a
stored-XSS payload would be) does not run on the box's pages, and the pages themselves
work without breaking the policy (the `new_page` fixture fails any test whose pages do)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

INJECT = """() => {
  const script = document.createElement("script");
  script.textContent = "window.__injected = true";
  document.body.append(script);
  const div = document.createElement("div");
  div.innerHTML = '<img src="x" onerror="window.__handler = true">';
  document.body.append(div);
  return new Promise((resolve) => setTimeout(resolve, 300));
}"""


@pytest.mark.parametrize("path", ["/kiosk/T1", "/display/T1", "/login"])
def test_an_injected_inline_script_does_not_run(browser, demo_site, path):
    context = browser.new_context()
    refused = []
    context.on("console", lambda message: refused.append(message.text))
    try:
        page = context.new_page()
        page.goto(demo_site["url"] + path)
        page.evaluate(INJECT)
        assert page.evaluate("window.__injected === undefined")
        assert page.evaluate("window.__handler === undefined")
        assert any("Content Security Policy" in text for text in refused), refused
    finally:
        context.close()
