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

RUN = """
(async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations
    .filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map(n => ({target: n.target.join(" "), summary: n.failureSummary})),
    }));
})()
"""


@cache
def _source() -> str:
    return AXE.read_text(encoding="utf-8")


def severe_violations(page: Page) -> list[dict]:
    """The serious and critical axe-core violations on the page as it is now."""
    if not AXE.exists():
        missing_service(f"axe-core is not installed at {AXE} (run `npm ci`)")
    return page.evaluate(_source() + "\n;" + RUN)


def describe(violations: list[dict]) -> str:
    """One line per violation and one per node it was found on, for an assertion message."""
    lines = []
    for v in violations:
        lines.append(f"{v['impact']} {v['id']}: {v['help']}")
        lines.extend(f"    {n['target']}: {n['summary']}" for n in v["nodes"])
    return "\n".join(lines)
