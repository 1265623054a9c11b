"""The HTML editions pass axe-core (WCAG 2.2 AA) in headless Chromium, with zero violations."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from support import MATRIX_SLUGS, REPO

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def axe_violations(driver, page: Path) -> list[dict]:
    if not AXE.is_file():
        pytest.fail("axe-core is not installed: run scripts/setup.sh --test (npm ci)")
    driver.get(page.resolve().as_uri())
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    found = driver.execute_script(
        "return axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}})"
        ".then(r => JSON.stringify(r.violations));",
        TAGS,
    )
    return json.loads(found)


def _summary(violations) -> str:
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
    )


@pytest.mark.pdf
@pytest.mark.process
@pytest.mark.parametrize(
    "build,name",
    [
        ("essex_build", "essex-report.html"),
        ("essex_build", "essex-press-release.html"),
        ("kent_build", "kent-report.html"),
        ("kent_build", "kent-press-release.html"),
        ("welsh_build", "dyfed-powys-report-cy.html"),
        ("welsh_build", "dyfed-powys-press-release-cy.html"),
    ],
)
def test_no_wcag_violations(request, browser, build, name):
    page = request.getfixturevalue(build)[name]
    violations = axe_violations(browser, page)
    assert violations == [], _summary(violations)


@pytest.mark.pdf
@pytest.mark.parametrize("name", ["report", "press-release"])
@pytest.mark.parametrize("slug", MATRIX_SLUGS)
def test_every_report_of_the_matrix_has_no_wcag_violations(browser, matrix_build, slug, name):
    built, _ = matrix_build
    violations = axe_violations(browser, built[slug][f"{slug}-{name}.html"])
    assert violations == [], _summary(violations)


def test_axe_does_catch_a_broken_page(browser, tmp_path):
    page = tmp_path / "bad.html"
    page.write_text('<html><body><img src="x.png"><p style="color:#bbb">faint</p></body></html>')
    ids = {v["id"] for v in axe_violations(browser, page)}
    assert {"image-alt", "html-has-lang", "color-contrast"} <= ids


def test_html_is_standalone_and_semantic(essex_build):
    html = essex_build["essex-report.html"].read_text(encoding="utf-8")
    assert '<html lang="en-GB">' in html
    assert '<a class="skip-link" href="#main">Skip to main content</a>' in html
    assert '<main id="main">' in html and "@media print" in html
    assert '<li><a href="#introduction-heading">1 Introduction</a></li>' in html
    assert "<link" not in html and "<script" not in html  # one file, nothing to fetch
    # Fonts and images are inside it, as data: URLs.
    assert re.findall(r'url\("(?!data:)', html) == [] and re.findall(r'src="(?!data:)', html) == []
