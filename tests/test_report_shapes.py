"""The shapes of the reports and releases of 2021 to 2023: a foreword, findings summarised by
area, Annex A in the inspectorate's words, a press release's standfirst and its own lead-ins.

Each is optional, so that every older report builds as before (the matrix's goldens hold it).
"""

from __future__ import annotations

import json
import re

import pytest

from support import edit, invoke

pytestmark = pytest.mark.usefixtures("stand_in_pdfs")

ESSEX_SUMMARY = "  summary:\n    - >-\n      Essex Police"
STANDARD_FOREWORD = """forewords:
  - since: 2016-01-01
    paragraphs:
      - The standard foreword of 2016.
  - since: 2017-01-01
    paragraphs:
      - The standard foreword of 2017.
"""


def _built(project, slug: str, name: str) -> str:
    """A document of a force, built; its text."""
    result = invoke(project, "build" if "report" in name else "press-release", slug)
    assert result.exit_code == 0, result.output
    return (project.build_dir / slug / name).read_text("utf-8")


def _problems(project) -> list[tuple[str, int, str, str]]:
    """Every problem validate finds: (file, line, code, message)."""
    result = invoke(project, "validate", "--format", "json")
    return [(p["file"], p["line"], p["code"], p["message"]) for p in json.loads(result.stdout)]


def _headings(html: str) -> list[str]:
    """The report's <h2> and <h3> headings, in order, as text."""
    return [re.sub(r"<[^>]+>", "", h) for h in re.findall(r"<h[23][^>]*>(.*?)</h[23]>", html)]


def test_a_re_inspection_has_its_own_foreword_or_the_standard_one_of_its_date(project_from):
    project = project_from()
    common = project.reports_dir / "_common.yaml"
    edit(common, "notes:\n", STANDARD_FOREWORD + "notes:\n")
    html = _built(project, "essex", "essex-report.html")
    # Published in December 2016: the version of 2016, before the summary and in the contents.
    assert "The standard foreword of 2016." in html
    assert "The standard foreword of 2017." not in html
    assert _headings(html)[1:3] == ["Foreword", "Summary"]
    assert re.search(r'<a href="#foreword-heading">Foreword</a>', html)
    report = project.report_path("essex")
    edit(report, ESSEX_SUMMARY, "  foreword:\n    - Our own foreword.\n" + ESSEX_SUMMARY)
    html = _built(project, "essex", "essex-report.html")
    assert "Our own foreword." in html and "The standard foreword" not in html


def test_a_post_inspection_review_has_no_foreword(project_from):
    project = project_from("valid")
    edit(project.reports_dir / "_common.yaml", "notes:\n", STANDARD_FOREWORD + "notes:\n")
    html = _built(project, "kent", "kent-report.html")
    assert "Foreword" not in html and "standard foreword" not in html
    report = project.report_path("kent")
    edit(report, "  summary:\n", "  foreword:\n    - Our own.\n  summary:\n")
    [problem] = [p for p in _problems(project) if p[2] == "foreword"]
    assert problem[:2] == ("reports/kent.yaml", 31)
    assert problem[3].startswith("a post-inspection review has no foreword")


def test_findings_summarised_by_area_have_their_two_sub_headings(project_from):
    project = project_from("valid")
    edit(
        project.report_path("kent"),
        "    - area: initial-contact\n      paragraphs:",
        "    - area: initial-contact\n      summary:\n        - In brief, better.\n"
        "      paragraphs:",
    )
    html = _built(project, "kent", "kent-report.html")
    area = html[html.index('id="initial-contact-heading"') :]
    area = area[: area.index("</section>")]
    assert _headings(area) == [
        "Recommendation from the 2015 inspection report",
        "Summary of findings",
        "Detailed findings",
        "Progress",
    ]
    assert area.index("In brief, better.") < area.index("Officers now record risks.")
    # An area without a summary keeps its one heading for the findings.
    other = html[html.index('id="managing-risk-heading"') :]
    assert "Post-inspection review findings" in other[: other.index("</section>")]


def test_annex_a_in_the_inspectorates_words_by_date_or_the_reports_own(project_from):
    project = project_from()
    html = _built(project, "essex", "essex-report.html")
    assert "The re-inspection followed up the" in html  # the sentences ncpi writes
    edit(
        project.reports_dir / "_common.yaml",
        "notes:\n",
        "methodologies:\n  - since: 2016-06-01\n    paragraphs:\n"
        "      - We inspected as the 2016 methodology says.\nnotes:\n",
    )
    html = _built(project, "essex", "essex-report.html")
    annex = html[html.index('id="annex-a-heading"') :]
    assert "We inspected as the 2016 methodology says." in annex
    assert "The re-inspection followed up the" not in annex
    edit(
        project.report_path("essex"),
        "\npress_release:",
        "  methodology:\n    - Our own *methodology*.\n\npress_release:",
    )
    annex = _built(project, "essex", "essex-report.html").split('id="annex-a-heading"')[1]
    assert "Our own <em>methodology</em>." in annex and "2016 methodology" not in annex


def test_a_standfirst_and_the_lists_own_lead_ins(project_from):
    project = project_from("shipped")
    report = project.report_path("dyfed-powys")
    edit(
        report,
        "  headline: Dyfed-Powys improving how it protects children\n",
        "  headline: Dyfed-Powys improving how it protects children\n"
        "  standfirst: Dyfed-Powys Police has improved, a new report has found.\n"
        "  pleased_lead_in: 'The inspectorate found several improvements, including:'\n",
    )
    edit(
        report,
        "  concerned:\n",
        "  concerned_lead_in: 'It said it had *two* concerns, including that there is:'\n"
        "  concerned:\n",
    )
    welsh = project.welsh_path("dyfed-powys")
    edit(
        welsh,
        "  headline: Dyfed-Powys yn gwella’r ffordd y mae’n amddiffyn plant\n",
        "  headline: Dyfed-Powys yn gwella’r ffordd y mae’n amddiffyn plant\n"
        "  standfirst: Mae Heddlu Dyfed-Powys wedi gwella, yn ôl adroddiad newydd.\n"
        "  pleased_lead_in: 'Canfu’r arolygiaeth sawl gwelliant, gan gynnwys:'\n",
    )
    edit(
        welsh, "  concerned:\n", "  concerned_lead_in: 'Roedd ganddi ddau bryder:'\n  concerned:\n"
    )
    text = _built(project, "dyfed-powys", "dyfed-powys-press-release.txt")
    lines = text.splitlines()
    headline = lines.index("Dyfed-Powys improving how it protects children")
    assert lines[headline + 2] == "Dyfed-Powys Police has improved, a new report has found."
    assert "The inspectorate found several improvements, including:" in lines
    assert "Inspectors were pleased to find:" not in text
    assert "It said it had two concerns, including that there is:" in lines  # plain text
    assert "However, inspectors were concerned to find:" not in text
    html = (project.build_dir / "dyfed-powys" / "dyfed-powys-press-release.html").read_text()
    assert (
        '<p class="standfirst">Dyfed-Powys Police has improved, a new report has found.</p>' in html
    )
    assert "<p>It said it had <em>two</em> concerns, including that there is:</p>" in html
    welsh_text = (
        project.build_dir / "dyfed-powys" / "dyfed-powys-press-release-cy.txt"
    ).read_text()
    assert "Mae Heddlu Dyfed-Powys wedi gwella, yn ôl adroddiad newydd." in welsh_text
    assert "Roedd ganddi ddau bryder:" in welsh_text.splitlines()


def test_a_lead_in_leads_into_its_list_and_ends_with_a_colon(project_from):
    project = project_from("valid")
    report = project.report_path("kent")
    edit(
        report,
        "  pleased:\n",
        "  pleased_lead_in: Inspectors found\n"
        "  concerned_lead_in: 'Inspectors were worried about:'\n  pleased:\n",
    )
    found = {(line, message) for _, line, code, message in _problems(project) if code == "lead-in"}
    assert found == {
        (
            68,
            "a list's lead-in ends with a colon, as the list follows it: 'Inspectors found:'",
        ),
        (
            69,
            "there is no `concerned` list for this lead-in to lead into: add its items, or "
            "remove the lead-in",
        ),
    }


def test_the_inspectorate_is_his_majestys_from_8_september_2022(project_from):
    import datetime as dt

    from ncpi.check.validate import check_project

    checked = check_project(project_from("shipped"))
    assert checked.errors == []  # its notes need no new version: they use the abbreviation
    for common, before, after in (
        (checked.common, "Her Majesty's", "His Majesty's"),
        (checked.welsh_common, "Ei Mawrhydi", "Ei Fawrhydi"),
    ):
        on = common.inspectorate_on
        assert before in on(dt.date(2022, 9, 7)).name
        assert after in on(dt.date(2022, 9, 8)).name
    english = checked.common.inspectorate_on
    assert english(dt.date(2020, 12, 31)).press_office == "press.office@hmicfrs.gov.uk"
    assert english(dt.date(2021, 6, 1)).press_office == "HMICPressOffice@hmicfrs.gov.uk"
    assert english(dt.date(2023, 1, 1)).abbreviation == "HMICFRS"
