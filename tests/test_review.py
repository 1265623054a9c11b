"""The factual accuracy check's log (`review:`): checked, printed, refused while undecided,
and never in a published document."""

from __future__ import annotations

import csv
import io

import pytest

from support import edit, invoke
from support.pdftools import flowing_text

REVIEW = """\
review:
  - raised_by: Essex Police, head of public protection
    raised_on: 2016-11-02
    about: reinspection.findings[0].paragraphs[0]
    request: The referral unit opened in June 2016, not July.
    decision: accepted
    reason: Confirmed by the force's annual report.
  - raised_by: Essex Police, chief constable's office
    raised_on: 2016-11-03
    about: press_release.headline
    request: Say "much improved" in the headline.
"""


def _with_review(project, review: str = REVIEW):
    path = project.report_path("essex")
    path.write_text(path.read_text("utf-8") + review, "utf-8")
    return project


def _line_of(project, text: str) -> int:
    lines = project.report_path("essex").read_text("utf-8").splitlines()
    return next(number for number, line in enumerate(lines, start=1) if text in line)


def test_an_undecided_point_is_a_warning_and_a_decision_needs_its_reason(project_from):
    project = _with_review(project_from())
    edit(project.report_path("essex"), "    reason: Confirmed by the force's annual report.\n", "")
    result = invoke(project, "validate", "essex")
    assert result.exit_code == 1
    decided = _line_of(project, "    decision: accepted")
    assert (
        f"reports/essex.yaml:{decided}:15: review[0].decision: 'accepted' needs its reason: say "
        "why, for the force and the next reader"
    ) in result.output
    undecided = _line_of(project, "chief constable's office")
    assert (
        f'reports/essex.yaml:{undecided}:5: review[1]: warning: point 2 (Say "much improved" '
        "in the headline.) is undecided: give its decision (accepted, partly accepted or "
        "rejected) and the reason; publish and build --final refuse a report with an undecided "
        "point"
    ) in result.output


def test_a_point_about_a_place_the_report_does_not_have_is_located(project_from):
    project = _with_review(project_from())
    edit(
        project.report_path("essex"),
        "about: reinspection.findings[0].paragraphs[0]",
        "about: reinspection.findings[40].paragraphs[0]",
    )
    result = invoke(project, "validate", "essex")
    line = _line_of(project, "about: reinspection.findings[40]")
    assert (
        f"reports/essex.yaml:{line}:12: review[0].about: there is no "
        "'reinspection.findings[40].paragraphs[0]' in this report"
    ) in result.output


def test_review_prints_the_log_as_a_table_and_as_csv(project_from):
    project = _with_review(project_from())
    table = invoke(project, "review", "essex")
    assert table.exit_code == 0, table.output
    assert "1. reinspection.findings[0].paragraphs[0] (raised by Essex Police, head of" in (
        table.output
    )
    assert "   Decision: accepted: Confirmed by the force's annual report." in table.output
    assert "   Decision: undecided" in table.output
    assert table.output.rstrip().endswith("2 point(s), 1 undecided.")
    result = invoke(project, "review", "essex", "--format", "csv")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [row["decision"] for row in rows] == ["accepted", "undecided"]
    assert rows[0]["raised_on"] == "2016-11-02"
    assert rows[1]["request"] == 'Say "much improved" in the headline.'


@pytest.mark.process
@pytest.mark.usefixtures("stand_in_pdfs")
def test_an_undecided_point_stops_publish_and_a_final_build(project_from):
    project = _with_review(project_from())
    refused = invoke(project, "publish", "essex")
    assert refused.exit_code == 1
    assert "review[1]: warning: point 2" in refused.output + refused.stderr
    final = invoke(project, "build", "essex", "--final")
    assert final.exit_code == 1
    assert (
        "reports/essex.yaml has undecided points in its factual accuracy check (review: 2); "
        "--final refuses to build it until each has its decision"
    ) in final.stderr
    edit(
        project.report_path("essex"),
        '    request: Say "much improved" in the headline.\n',
        '    request: Say "much improved" in the headline.\n    decision: rejected\n'
        "    reason: The findings say there is still more to do.\n",
    )
    assert invoke(project, "publish", "essex").exit_code == 0


@pytest.mark.pdf
@pytest.mark.process
def test_the_log_is_never_in_a_published_document(project_from):
    project = _with_review(project_from())
    for command in ("build", "press-release"):
        assert invoke(project, command, "essex").exit_code == 0
    assert invoke(project, "national", "--include-unpublished").exit_code == 0
    documents = [path for path in project.build_dir.rglob("*") if path.is_file()]
    assert len([path for path in documents if path.suffix == ".pdf"]) == 3
    for path in documents:
        if path.suffix == ".pdf":
            text = flowing_text(path)
        elif path.suffix in (".html", ".txt", ".csv", ".json"):
            text = path.read_text("utf-8", errors="replace")
        else:
            continue
        assert "referral unit opened in June" not in text, path
        assert "head of public protection" not in text, path


def test_a_welsh_file_gives_no_review_of_its_own(project_from):
    project = project_from("shipped")
    welsh = project.reports_dir / "dyfed-powys.cy.yaml"
    welsh.write_text(welsh.read_text("utf-8") + REVIEW.replace("essex", "x"), "utf-8")
    result = invoke(project, "validate", "dyfed-powys")
    assert result.exit_code == 1
    assert "reports/dyfed-powys.cy.yaml" in result.output and "review" in result.output
