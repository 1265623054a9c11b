"""An initial inspection's own report (kind: inspection, the 2024 programme): its shape, its
judgments, causes of concern and areas for improvement, each mistake one located problem."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from support import MATRIX, edit, invoke, make_project
from support.golden import page_text
from support.pdftools import flowing_text

SLUG = "west-mercia"


@pytest.fixture
def inspection_project(tmp_path):
    """A project holding the matrix's initial inspection (invented, 2024 programme)."""
    project = make_project(tmp_path, "shipped")
    shutil.copy(MATRIX / f"{SLUG}.yaml", project.reports_dir / f"{SLUG}.yaml")
    return project


def _problems(project, file: str = f"reports/{SLUG}.yaml") -> list[str]:
    result = invoke(project, "validate", SLUG)
    return [line for line in result.output.splitlines() if line.startswith(file)]


def _line_of(project, text: str) -> int:
    """The line of the report on which `text` starts: where a problem must be reported."""
    lines = project.report_path(SLUG).read_text("utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if text in line)


def test_the_example_validates_without_a_problem(inspection_project):
    result = invoke(inspection_project, "validate", SLUG, "--strict")
    assert result.exit_code == 0, result.output


def test_a_cause_of_concern_without_a_recommendation_is_one_located_problem(inspection_project):
    path = inspection_project.report_path(SLUG)
    edit(path, "      recommendations: [R1]\n", "      recommendations: []\n")
    problems = _problems(inspection_project)
    assert len(problems) == 1, problems
    line = _line_of(inspection_project, "recommendations: []")
    assert problems[0].startswith(
        f"reports/{SLUG}.yaml:{line}:24: inspection.causes_of_concern[0].recommendations: "
        "a cause of concern is always accompanied by one or more recommendations"
    ), problems[0]


def test_a_cause_of_concern_naming_a_recommendation_that_is_not_there(inspection_project):
    path = inspection_project.report_path(SLUG)
    edit(path, "      recommendations: [R2, R3]\n", "      recommendations: [R2, R4]\n")
    problems = _problems(inspection_project)
    assert len(problems) == 1, problems
    line = _line_of(inspection_project, "recommendations: [R2, R4]")
    assert problems[0].startswith(
        f"reports/{SLUG}.yaml:{line}:"
        " inspection.causes_of_concern[1].recommendations[1]: there is no recommendation 'R4'"
    ) or re.match(
        rf"reports/{SLUG}\.yaml:{line}:\d+: inspection\.causes_of_concern\[1\]"
        r"\.recommendations\[1\]: there is no recommendation 'R4' in this report",
        problems[0],
    ), problems[0]


def test_a_grade_outside_the_scale_of_its_date_is_one_located_problem(inspection_project):
    path = inspection_project.report_path(SLUG)
    # Fieldwork before April 2024: topics were not graded then.
    edit(
        path,
        "fieldwork: {start: 2025-01-13, end: 2025-01-24}",
        "fieldwork: {start: 2023-01-09, end: 2023-01-20}",
    )
    edit(path, 'programme: "2024"', 'programme: "2024"')
    edit(path, "published: 2025-05-14", "published: 2023-05-10")
    problems = _problems(inspection_project)
    assert len(problems) == 5, problems  # one per judgment, each at its grade
    for index, problem in enumerate(problems):
        assert f"inspection.judgments[{index}].grade: grade '" in problem
        assert "topics were not graded before the methodology of 1 April 2024" in problem
    assert problems[0].startswith(
        f"reports/{SLUG}.yaml:{_line_of(inspection_project, 'topic: leadership, grade')}:"
    )


def test_a_topic_judged_twice_or_outside_the_programme(inspection_project):
    path = inspection_project.report_path(SLUG)
    edit(path, "{topic: initial-response, grade: good}", "{topic: leadership, grade: good}")
    edit(
        path,
        "      area: risk-assessment-and-referral\n      timescale",
        "      area: trusted-adult\n      timescale",
    )
    problems = _problems(inspection_project)
    assert any("inspection.judgments[2].topic: 'leadership' is judged twice" in p for p in problems)
    assert any(
        "inspection.recommendations[0].area: 'trusted-adult' is not an area of the 2024 programme"
        in p
        for p in problems
    ), problems


def test_a_follow_up_cannot_use_a_2024_topic(project_from):
    project = project_from("valid")
    edit(project.report_path("kent"), "area: initial-contact", "area: partnership-working")
    result = invoke(project, "validate")
    assert result.exit_code == 1
    assert "is not an area of the 2014 programme" in result.output


def test_the_shape_of_the_report_is_checked_with_located_messages(inspection_project):
    path = inspection_project.report_path(SLUG)
    text = path.read_text("utf-8")
    # An initial inspection's own report without its summary, with a follow-up's part.
    text = text.replace("  summary:\n    - >-\n", "  overview:\n    - >-\n", 1)
    text = text.replace("case_audit:\n", "reinspection:\n  kind: re-inspection\ncase_audit:\n", 1)
    path.write_text(text, "utf-8")
    problems = _problems(inspection_project)
    joined = "\n".join(problems)
    assert "missing required key 'summary': an initial inspection's own report" in joined
    assert (
        "reinspection: an initial inspection's own report (inspection.kind: inspection) has "
        "no reinspection" in joined
    )


def test_a_follow_up_cannot_give_what_only_an_inspection_report_has(project_from):
    project = project_from("valid")
    path = project.report_path("kent")
    edit(
        path,
        "  recommendations:\n",
        "  judgments: [{topic: leadership, grade: good}]\n  recommendations:\n",
    )
    result = invoke(project, "validate")
    assert result.exit_code == 1
    assert re.search(
        r"reports/kent\.yaml:\d+:3: inspection\.judgments: 'judgments' belongs to an initial "
        r"inspection's own report",
        result.output,
    ), result.output


def test_a_follow_up_without_its_reinspection_is_one_located_problem(project_from):
    project = project_from("valid")
    path = project.report_path("kent")
    text = path.read_text("utf-8")
    start = text.index("reinspection:\n")
    end = text.index("\ncase_audit:") if "\ncase_audit:" in text else text.index("\npress_release:")
    path.write_text(text[:start] + text[end + 1 :], "utf-8")
    result = invoke(project, "validate")
    assert result.exit_code == 1
    assert "missing required key 'reinspection'" in result.output
    assert "Traceback" not in result.output + result.stderr


def test_a_case_example_with_a_name_in_a_chapter_is_refused(inspection_project):
    path = inspection_project.report_path(SLUG)
    edit(path, "A 12-year-old girl was referred", "Jack, aged 12, was referred")
    problems = _problems(inspection_project)
    assert len(problems) == 1, problems
    assert (
        "inspection.chapters[3].case_examples[0].paragraphs[0]: 'Jack, aged 12' looks like"
        in problems[0]
    )


def test_an_abbreviation_is_spelt_out_at_its_first_use(inspection_project):
    path = inspection_project.report_path(SLUG)
    edit(
        path,
        "Leaders have made protecting children a priority",
        "The MASH has made protecting children a priority",
    )
    result = invoke(inspection_project, "validate", SLUG, "--strict", "--format", "json")
    assert result.exit_code == 1
    problems = json.loads(result.stdout)
    assert len(problems) == 1, problems
    assert problems[0]["path"] == "inspection.chapters[0].paragraphs[0]"
    assert problems[0]["code"] == "abbreviation" and "MASH" in problems[0]["message"]
    assert problems[0]["line"] == _line_of(inspection_project, "The MASH has made")


@pytest.mark.pdf
def test_the_report_has_the_shape_of_a_2024_inspection(matrix_build):
    built, _ = matrix_build
    html = built[SLUG][f"{SLUG}-report.html"].read_text("utf-8")
    headings = [
        re.sub(r"<[^>]+>", "", h) for h in re.findall(r"<h2 id=\"[^\"]+\"[^>]*>(.*?)</h2>", html)
    ]
    assert headings == [
        "Contents",
        "Summary",
        "1 Introduction",
        "2 Context for the force",
        "3 Leadership",
        "4 Case file analysis",
        "5 Partnership working",
        "6 Initial response",
        "7 Risk assessment and referral",
        "8 Investigation",
        "9 Conclusion",
        "10 Next steps",
        "Annex A Methodology",
    ]
    text = page_text(html)
    for words in (
        "Our judgments",
        "Main findings",
        "Causes of concern",
        "Recommendations R2 and R3 answer it.",
        "Area for improvement",
        "The police’s responsibility for protecting children",
        "Working Together to Safeguard Children",
        "Our judgment: Requires improvement",
        "Promising practice: a shared inbox for schools",
        "Case example: a referral that waited",
    ):
        assert words in text, words
    # No follow-up's words: nothing was followed up.
    assert "Progress" not in text and "re-inspection" not in text.lower()
    release = built[SLUG][f"{SLUG}-press-release.txt"].read_text("utf-8")
    assert "inspected the child protection work carried out by West Mercia Police" in release
    assert "follow-up" not in release


@pytest.mark.pdf
def test_the_report_has_the_shape_of_a_2014_inspection(matrix_build):
    # The child's journey ends with leadership, and the case file analysis follows every area;
    # no grades, no causes of concern; and in 2015 no integrated care boards existed.
    built, _ = matrix_build
    html = built["wiltshire"]["wiltshire-report.html"].read_text("utf-8")
    headings = [
        re.sub(r"<[^>]+>", "", h) for h in re.findall(r"<h2 id=\"[^\"]+\"[^>]*>(.*?)</h2>", html)
    ]
    assert headings[4:] == [
        "3 Initial contact",
        "4 Assessment and help",
        "5 Investigation",
        "6 Decision making",
        "7 Trusted adult",
        "8 Managing those posing a risk to children",
        "9 Police detention",
        "10 Leadership, management and governance",
        "11 Case file analysis",
        "12 Conclusion",
        "Annex A Methodology",
    ]
    text = page_text(html)
    assert "Working Together to Safeguard Children sets out how organisations" in text
    assert "integrated care board" not in text and "safeguarding partners" not in text
    assert "Our judgment" not in text and "Causes of concern" not in text
    assert "Progress" not in text and "re-inspection" not in text.lower()
    # Where they did exist, the partners are named (west-mercia: fieldwork in 2025).
    later = page_text(built[SLUG][f"{SLUG}-report.html"].read_text("utf-8"))
    assert "three safeguarding partners in each area, with the local authority and the " in later


@pytest.mark.pdf
def test_a_welsh_forces_initial_inspection_builds_in_welsh(tmp_path):
    project = make_project(tmp_path, "shipped")
    text = (MATRIX / f"{SLUG}.yaml").read_text("utf-8")
    text = text.replace(f"slug: {SLUG}", "slug: gwent").replace("West Mercia", "Gwent")
    project.report_path("gwent").write_text(text, "utf-8")
    assert invoke(project, "new", "gwent", "--welsh").exit_code == 0
    welsh = project.welsh_path("gwent")
    # Translated by hand in life; here the English stands in, which validate only warns of.
    welsh.write_text(welsh.read_text("utf-8").replace("TODO: in Welsh: ", ""), "utf-8")
    result = invoke(project, "build", "gwent")
    assert result.exit_code == 0, result.output + result.stderr
    html = (project.build_dir / "gwent" / "gwent-report-cy.html").read_text("utf-8")
    for words in (
        "Gwent – Arolygiad Cenedlaethol Amddiffyn Plant",
        "Ein barnau",
        "Prif ganfyddiadau",
        "Achosion pryder",
        "Ein barn: Angen gwella",
        "Gweithio mewn partneriaeth",
        "Cyfrifoldeb yr heddlu dros amddiffyn plant",
    ):
        assert words in html, words
    # England's statutory guidance, and its partners, are not Wales's: said of no Welsh force.
    english = (project.build_dir / "gwent" / "gwent-report.html").read_text("utf-8")
    assert "Working Together" not in english and "bwrdd gofal integredig" not in html


@pytest.mark.pdf
def test_an_inspection_not_yet_published_leaves_nothing_in_the_open_data(inspection_project):
    """Published on 14 May 2025: counted from that day, and not a day before."""
    data = inspection_project.build_dir / "data"
    before = invoke(inspection_project, "national", "--as-of", "2025-05-13T12:00")
    assert before.exit_code == 0, before.output + before.stderr
    assert SLUG not in (data / "judgments.csv").read_text("utf-8")
    assert SLUG not in (data / "recommendations.csv").read_text("utf-8")
    assert "not counted: west-mercia is not yet published" in before.stderr + before.output
    after = invoke(inspection_project, "national", "--as-of", "2025-05-14T09:00")
    assert after.exit_code == 0, after.output + after.stderr
    judged = (data / "judgments.csv").read_text("utf-8").splitlines()
    assert len([row for row in judged if row.startswith(f"{SLUG},")]) == 5


@pytest.mark.pdf
def test_text_of_the_new_parts_is_data_not_markup_or_code(inspection_project):
    """A cause of concern, an area for improvement and a chapter's sentence heading, written
    with HTML and template syntax, are printed as typed: escaped, never run."""
    path = inspection_project.report_path(SLUG)
    hostile = "<script>alert(1)</script> {{ 7 * 7 }} {% if true %}x{% endif %}"
    edit(path, "Too many investigations of offences against children are delayed.", hostile)
    edit(path, "record the decisions of each daily meeting with its partners.", f"'{hostile}'")
    edit(path, "- heading: Leaders listen to what officers tell them", f"- heading: '{hostile}'")
    result = invoke(inspection_project, "build", SLUG)
    assert result.exit_code == 0, result.output + result.stderr
    html = (inspection_project.build_dir / SLUG / f"{SLUG}-report.html").read_text("utf-8")
    assert "<script>alert" not in html
    shown = html.count(
        "&lt;script&gt;alert(1)&lt;/script&gt; {{ 7 * 7 }} {% if true %}x{% endif %}"
    )
    assert shown == 4, shown  # cause, improvement (summary and chapter), heading


def test_a_programme_written_as_a_number_is_told_to_be_quoted(inspection_project):
    path = inspection_project.report_path(SLUG)
    edit(path, 'programme: "2024"', "programme: 2024")
    problems = _problems(inspection_project)
    assert problems == [
        f"reports/{SLUG}.yaml:{_line_of(inspection_project, 'programme: 2024')}:14: "
        "inspection.programme: '2024' was read as a number, not text: put it in quotes: \"2024\""
    ]


def test_judgments_belong_to_the_2024_programme(inspection_project):
    path = inspection_project.report_path(SLUG)
    edit(path, 'programme: "2024"', 'programme: "2014"')
    problems = [p for p in _problems(inspection_project) if "judgments:" in p]
    assert problems == [
        f"reports/{SLUG}.yaml:{_line_of(inspection_project, '  judgments:')}:3: "
        "inspection.judgments: graded judgments are on the 2024 programme's topics, but this "
        'report follows the 2014 programme: remove them, or write programme: "2024"'
    ]


@pytest.mark.pdf
def test_an_overview_of_initial_inspections_only_has_no_empty_follow_up_sections(tmp_path):
    """From 2024 there are initial inspections only: the follow-ups' tables would all be
    zeros, so the overview is of the inspections, and still passes PDF/UA-1."""
    import page

    project = make_project(tmp_path, "shipped")
    for slug in ("essex", "dyfed-powys"):
        project.report_path(slug).unlink()
        project.welsh_path(slug).unlink(missing_ok=True)
    shutil.copy(MATRIX / f"{SLUG}.yaml", project.report_path(SLUG))
    result = invoke(project, "national", "--as-of", "2026-01-01T00:00")
    assert result.exit_code == 0, result.output + result.stderr
    pdf = project.build_dir / "national" / "national-overview.pdf"
    text = re.sub(r"\s+", " ", flowing_text(pdf))
    assert "the initial inspection reports of one force" in text
    assert "No follow-up report is counted." in text
    assert "2 Inspections of the 2024 programme" in text
    for follow_up_only in ("The recommendations", "Revisits", "Case file audits", "Annex A"):
        assert follow_up_only not in text, follow_up_only
    checked = page.validate_pdf(str(pdf), profile="ua1")
    assert [f"{f.rule_id}: {f.message}" for f in checked.failures] == []
