"""Words a press office would otherwise fix by hand: months of fieldwork, the year a report is
named by, what a post-inspection review is called, and plain text in the text edition."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from ncpi.render.languages import LANGUAGES

from support import edit, invoke

pytestmark = pytest.mark.usefixtures("stand_in_pdfs")


@pytest.mark.parametrize(
    "start, end, english, welsh",
    [
        ((2016, 9, 12), (2016, 9, 16), "September 2016", "Medi 2016"),
        ((2015, 11, 30), (2015, 12, 11), "November and December 2015", "Tachwedd a Rhagfyr 2015"),
        ((2015, 10, 26), (2015, 11, 6), "October and November 2015", "Hydref a Thachwedd 2015"),
        ((2016, 3, 28), (2016, 4, 8), "March and April 2016", "Mawrth ac Ebrill 2016"),
        (
            (2015, 12, 28),
            (2016, 1, 8),
            "December 2015 and January 2016",
            "Rhagfyr 2015 ac Ionawr 2016",
        ),
        ((2015, 9, 28), (2015, 11, 6), "September to November 2015", "Medi–Tachwedd 2015"),
    ],
)
def test_fieldwork_across_months_is_dated_by_all_its_months(start, end, english, welsh):
    start, end = dt.date(*start), dt.date(*end)
    assert LANGUAGES["en"].months(start, end) == english
    assert LANGUAGES["cy"].months(start, end) == welsh


def _across_two_months(project) -> None:
    """Essex's fieldwork, both inspections, moved to run from one month into the next."""
    report = project.report_path("essex")
    edit(report, "    start: 2015-06-08", "    start: 2015-06-29")
    edit(report, "    end: 2015-06-19", "    end: 2015-07-10")
    edit(report, "    start: 2016-09-12", "    start: 2016-09-26")
    edit(report, "    end: 2016-09-16", "    end: 2016-10-07")


def test_the_report_and_release_name_both_months_of_fieldwork(project_from):
    project = project_from()
    _across_two_months(project)
    assert invoke(project, "build", "essex").exit_code == 0
    assert invoke(project, "press-release", "essex").exit_code == 0
    folder = project.build_dir / "essex"
    report = (folder / "essex-report.html").read_text("utf-8")
    assert "In June and July 2015, HM Inspectorate of Constabulary (HMIC) inspected" in report
    assert "Essex Police, September and October 2016" in report  # the page's description
    release = (folder / "essex-press-release.txt").read_text("utf-8")
    assert release.count("In September and October 2016, HM Inspectorate") == 1


def test_the_original_report_is_named_by_the_year_it_was_published(project_from):
    project = project_from()
    report = project.report_path("essex")
    edit(report, "  published: 2015-10-20", "  published: 2016-01-20")
    assert invoke(project, "build", "essex").exit_code == 0
    page = (project.build_dir / "essex" / "essex-report.html").read_text("utf-8")
    assert page.count("Recommendation from the 2016 inspection report") == 5  # one per area
    assert "from the 2015 inspection report" not in page
    # The inspection itself is still of 2015, when it was done.
    assert "Progress against the five recommendations of the 2015 inspection" in page


def test_a_post_inspection_review_is_not_called_a_follow_up_inspection(project_from):
    project = project_from()
    edit(project.report_path("essex"), "  kind: re-inspection", "  kind: post-inspection review")
    assert invoke(project, "press-release", "essex").exit_code == 0
    release = (project.build_dir / "essex" / "essex-press-release.txt").read_text("utf-8")
    assert "conducted a post-inspection review of the child protection work" in release
    assert "findings from this review." in release
    assert "follow-up inspection of the child protection work" not in release


def test_the_text_release_heads_its_notes_in_both_languages(project_from):
    project = project_from("shipped")
    assert invoke(project, "press-release", "dyfed-powys").exit_code == 0
    folder = project.build_dir / "dyfed-powys"
    english = (folder / "dyfed-powys-press-release.txt").read_text("utf-8")
    welsh = (folder / "dyfed-powys-press-release-cy.txt").read_text("utf-8")
    assert english.count("\n\nNotes to editors\n\n  1. ") == 1
    assert welsh.count("\n\nNodiadau i olygyddion\n\n  1. ") == 1


def test_a_welsh_release_marks_an_english_title_and_gives_welsh_times(project_from):
    project = project_from("shipped")
    assert invoke(project, "press-release", "dyfed-powys").exit_code == 0
    folder = project.build_dir / "dyfed-powys"
    page = (folder / "dyfed-powys-press-release-cy.html").read_text("utf-8")
    # A screen reader says the English title in English, the rest in Welsh.
    assert (
        '‘<span lang="en-GB">In harm’s way: the role of the police in keeping children safe'
        "</span>’" in page
    )
    text = (folder / "dyfed-powys-press-release-cy.txt").read_text("utf-8")
    assert "‘In harm’s way: the role of the police in keeping children safe’" in text
    assert "{lang=" not in text
    assert "8:30yb – 5:00yh, dydd Llun – dydd Gwener" in text
    assert "am" not in re.findall(r"\d:\d\d(\w+)", text)


def test_a_renamed_note_id_works_with_a_warning_and_a_lost_one_is_suggested(project_from):
    project = project_from()
    report = project.report_path("essex")
    edit(report, "    - about-the-inspectorate\n", "    - about-hmic\n")
    result = invoke(project, "validate")
    assert result.exit_code == 0, result.output
    line = report.read_text("utf-8").splitlines().index("    - about-hmic") + 1
    assert (
        f"reports/essex.yaml:{line}:7: press_release.notes[4]: warning: note 'about-hmic' is now "
        "called 'about-the-inspectorate' (reports/_common.yaml, renamed_notes): write "
        "'about-the-inspectorate'; the old id still works, but a later release will refuse it"
    ) in result.output
    assert invoke(project, "press-release", "essex").exit_code == 0
    text = (project.build_dir / "essex" / "essex-press-release.txt").read_text("utf-8")
    assert "  5. HMIC is an independent inspectorate, inspecting policing" in text
    assert invoke(project, "validate", "--strict").exit_code == 1
    # An id no longer anywhere: the note whose id begins the same is suggested.
    edit(report, "    - about-hmic\n", "    - about-hmicfrs\n")
    result = invoke(project, "validate")
    assert result.exit_code == 1
    assert (
        "there is no note 'about-hmicfrs' in reports/_common.yaml. Did you mean "
        "'about-the-inspectorate'?"
    ) in result.output


@pytest.mark.parametrize(
    "paragraph, what",
    [
        ("Inspectors audited 60 case files; most were handled well.", "audited (60)"),
        ("Of the sixty cases we read, most were handled well.", "audited (60)"),
        ("Most cases were handled well; three were referred back.", "referred back (3)"),
        ("Most were handled well, and we referred 3 of them back.", "referred back (3)"),
    ],
)
def test_a_paragraph_that_repeats_the_generated_counts_is_a_warning(project_from, paragraph, what):
    project = project_from("valid")
    report = project.report_path("kent")
    edit(report, "    - Most cases were handled well.", f"    - {paragraph}")
    result = invoke(project, "validate", "--strict")
    assert result.exit_code == 1
    assert (
        "reports/kent.yaml:63:7: case_audit.paragraphs[0]: warning: this paragraph gives the "
        f"number of case files {what}, which the section's first sentence already says"
    ) in result.output
    assert result.output.count("repeats-generated") <= 1


def test_a_paragraph_without_the_counts_is_not_warned(project_from):
    project = project_from("valid")
    edit(
        project.report_path("kent"),
        "    - Most cases were handled well.",
        "    - In 2016, most of the 14 cases about missing children were handled well.",
    )
    assert invoke(project, "validate", "--strict").exit_code == 0
