"""The accessibility check of the browser tests: axe-core (an npm devDependency) run on the page
as it stands, failing with a readable list of what it found.

    assert_accessible(page, "console-queue")              # WCAG 2.0/2.1 A and AA, structure
    assert_accessible(page, "rider-home", touch=True)     # and every tap target >= 44 px

The CSP (`script-src 'self'`) refuses inline scripts, and Playwright's `add_script_tag(path=…)`
inserts the file's text as an inline script, so axe's source is evaluated through the DevTools
protocol instead (`page.evaluate`), which the page's CSP does not govern. The page itself is
left as it is: nothing served, no header, no CSP relaxed.
"""

from dataclasses import dataclass
from functools import cache
from typing import Any

from playwright.sync_api import Page

from tests.e2e.conftest import PROJECT_ROOT

AXE_SOURCE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_A_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# axe's best practices for the page's structure, run besides the tags: every part of the page in
# a landmark, one main, one h1, headings in order, a name for every column and landmark.
STRUCTURE_RULES = [
    "region",
    "landmark-one-main",
    "landmark-unique",
    "page-has-heading-one",
    "heading-order",
    "empty-table-header",
    "aria-allowed-role",
]
# Tap targets on the phone: Apple's and WCAG 2.5.5's 44 px, stricter than axe's default 24 px.
TAP_TARGET_PX = 44
# `target-size` is tagged wcag22aa, so the tags alone leave it out: the phone's run adds it,
# with the 44 px minimum and no pass for a small target spaced apart (axe's `target-offset`).
TOUCH_RULES = ["target-size"]
TOUCH_CHECKS = {
    "target-size": {"options": {"minSize": TAP_TARGET_PX}},
    "target-offset": {"enabled": False},
}

RUN_AXE = """async ({ tags, rules, checks }) => {
  const results = await axe.run(document, {
    runOnly: { type: "tag", values: tags },
    rules: Object.fromEntries(rules.map((id) => [id, { enabled: true }])),
    checks,
    resultTypes: ["violations"],
  });
  return results.violations.map((v) => ({
    rule: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map((n) => ({ target: n.target.join(" "), summary: n.failureSummary })),
  }));
}"""


@dataclass(frozen=True)
class Violation:
    rule: str
    impact: str
    help: str
    target: str
    summary: str

    def line(self) -> str:
        summary = " ".join(self.summary.split())
        return f"- {self.rule} [{self.impact}] {self.target}: {self.help}. {summary}"


@cache
def _axe_source() -> str:
    if not AXE_SOURCE.exists():
        raise RuntimeError(f"{AXE_SOURCE} is missing: run `make build` (npm ci) first")
    return AXE_SOURCE.read_text(encoding="utf-8")


def axe_violations(page: Page, *, touch: bool = False) -> list[Violation]:
    """What axe-core finds on the page now: WCAG 2.x A/AA and the structure rules, and 44 px
    tap targets if `touch`."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_source())
    found: list[dict[str, Any]] = page.evaluate(
        RUN_AXE,
        {
            "tags": WCAG_A_AA,
            "rules": STRUCTURE_RULES + (TOUCH_RULES if touch else []),
            "checks": TOUCH_CHECKS if touch else {},
        },
    )
    return [
        Violation(v["rule"], v["impact"], v["help"], node["target"], node["summary"])
        for v in found
        for node in v["nodes"]
    ]


def assert_accessible(page: Page, screen_name: str, *, touch: bool = False) -> None:
    """Fail, listing rule, impact, element and why, if axe-core finds anything on the page."""
    violations = axe_violations(page, touch=touch)
    listing = "\n".join(violation.line() for violation in violations)
    assert not violations, f"{screen_name}: {len(violations)} accessibility violations\n{listing}"
