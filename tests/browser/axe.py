"""axe-core (an npm devDependency, never served to pages) run inside a Playwright page.

The pages forbid inline scripts, so the library is not added as a script tag: its source is
evaluated through DevTools, which the page's Content-Security-Policy does not govern.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from playwright.sync_api import Page

from tests.conftest import missing_service

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
SEVERE = ("serious", "critical")
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

RUN = """
(async ([scope, tags, impacts]) => {
  const options = {resultTypes: ["violations"]};
  if (tags) options.runOnly = {type: "tag", values: tags};
  const result = await axe.run(document.querySelector(scope), options);
  return result.violations
    .filter(v => !impacts || impacts.includes(v.impact))
    .map(v => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map(n => ({target: n.target.join(" "), summary: n.failureSummary})),
    }));
})
"""


@cache
def _source() -> str:
    return AXE.read_text(encoding="utf-8")


def violations(
    page: Page, scope: str = "body", tags: list[str] | None = None, impacts=None
) -> list[dict]:
    """axe-core's violations in `scope` as the page is now, of these rule tags (all rules
    by default) and impacts (all by default)."""
    if not AXE.exists():
        missing_service(f"axe-core is not installed at {AXE} (run `npm ci`)")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_source())
    return page.evaluate(RUN, [scope, tags, list(impacts) if impacts else None])


def severe_violations(page: Page) -> list[dict]:
    """The serious and critical violations on the whole page."""
    return violations(page, impacts=SEVERE)


def describe(violations: list[dict]) -> str:
    """One line per violation and one per node it was found on, for an assertion message."""
    lines = []
    for v in violations:
        lines.append(f"{v['impact']} {v['id']}: {v['help']}")
        lines.extend(f"    {n['target']}: {n['summary']}" for n in v["nodes"])
    return "\n".join(lines)
