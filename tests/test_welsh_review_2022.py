"""A Welsh force's post-inspection review of 2022, in both languages: the matrix's Welsh
example of the reviews' shape (each area's summary and detailed findings, no foreword, a
standfirst, His Majesty's), built, checked against PDF/UA-1 and axe, and read back."""

from __future__ import annotations

import re
import shutil

import pytest
from test_html_accessibility import _summary, axe_violations

from support import MATRIX, make_project
from support.pdftools import flowing_text

SLUG = "south-wales"


@pytest.fixture(scope="module")
def review_2022(tmp_path_factory):
    from ncpi.build.pipeline import Run, build_targets
    from ncpi.build.targets import targets_of

    project = make_project(tmp_path_factory.mktemp("review-2022"))
    for name in (f"{SLUG}.yaml", f"{SLUG}.cy.yaml"):
        shutil.copy(MATRIX / name, project.reports_dir / name)
    outcomes = build_targets(
        project, targets_of(SLUG, ["en", "cy"]), run=Run(rebuild=True, in_process=True)
    )
    assert [o.state for o in outcomes] == ["built"] * 4, [o.reason for o in outcomes]
    return {path.name: path for outcome in outcomes for path in outcome.paths}


def _squashed(path) -> str:
    return re.sub(r"\s+", " ", flowing_text(path))


@pytest.mark.pdf
def test_the_welsh_review_has_the_shape_of_the_2022_reviews(review_2022):
    report = _squashed(review_2022[f"{SLUG}-report-cy.pdf"])
    # Each area: its recommendation, a summary of findings, then the detailed findings.
    assert report.count("Crynodeb o’r canfyddiadau") == 2
    assert report.count("Canfyddiadau manwl") == 2
    assert "Rhagair" not in report  # a review has no foreword
    # Named on each date: the 2021 inspection by Her Majesty's, the publication by His.
    assert "Arolygiaeth Cwnstabliaeth a Gwasanaethau Tân ac Achub Ei Fawrhydi" in report
    assert "Ym mis Tachwedd 2021, bu Arolygiaeth Cwnstabliaeth a Gwasanaethau Tân ac" in report
    assert "Ei Mawrhydi (HMICFRS) yn arolygu" in report
    release = _squashed(review_2022[f"{SLUG}-press-release-cy.pdf"])
    standfirst = "wedi gwneud cynnydd o ran sut mae’n amddiffyn plant, yn ôl adroddiad newydd."
    assert standfirst in release
    english = _squashed(review_2022[f"{SLUG}-report.pdf"])
    assert english.count("Summary of findings") == 2 and "Foreword" not in english


@pytest.mark.pdf
def test_both_editions_pass_the_pdf_ua_1_validator(review_2022):
    import page

    for name in review_2022:
        if name.endswith(".pdf"):
            report = page.validate_pdf(str(review_2022[name]), profile="ua1")
            assert [f"{f.rule_id}: {f.message}" for f in report.failures] == [], name


@pytest.mark.pdf
@pytest.mark.process
def test_both_editions_have_no_wcag_violations(browser, review_2022):
    for name in review_2022:
        if name.endswith(".html"):
            violations = axe_violations(browser, review_2022[name])
            assert violations == [], f"{name}: {_summary(violations)}"
