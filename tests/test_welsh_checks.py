"""What `validate` prints for mistakes in the Welsh files, line for line, in reading order.

Each English file comes just before its Welsh mirror; the Welsh files get the same text
checks as the English (blanks, cut paragraphs, characters, links, font), and a mistake in
one file of a pair does not stop the other being checked, nor make it say more than it must.
"""

from __future__ import annotations

import json
import os

import pytest

from support import edit, invoke

WELSH_COMMON = "reports/_common.cy.yaml"
WELSH = "reports/dyfed-powys.cy.yaml"
ENGLISH = "reports/dyfed-powys.yaml"

# (file, old, new) edits, then every line `validate dyfed-powys` prints but Dyfed-Powys's
# acknowledged late revisit, and its summary.
SCENARIOS = {
    "the Welsh common data's blank, invisible character and font": (
        [
            (
                WELSH_COMMON,
                "    name: Arolygiaeth Cwnstabliaeth Ei Mawrhydi",
                '    name: "TODO: in Welsh: the name"',
            ),
            (WELSH_COMMON, "Mae HMIC yn arolygu", "Mae HMIC\u200b yn arolygu"),
            (WELSH_COMMON, "rhoi gwybodaeth i’r heddlu", "rhoi gwybodaeth ☃ i’r heddlu"),
            (WELSH_COMMON, "Mae HMICFRS yn arolygu", "Mae HMICFRS ☃ yn arolygu"),
        ],
        [
            f"{WELSH_COMMON}:13:11: inspectorates[0].name: not filled in yet: in Welsh: the name",
            f"{WELSH_COMMON}:25:13: notes.ncpi-programme[0].text: contains an invisible "
            "character, U+200B (ZERO WIDTH SPACE), which can make text look different from "
            "what it says: delete it",
            f"{WELSH_COMMON}:31:13: notes.ncpi-programme[1].text: '☃' (U+2603 SNOWMAN) is not "
            "in the report's font (Lato): the PDF would draw it in a font of this machine's. "
            "Remove it or write it in words",
        ],
        "4 file(s) checked: 3 error(s), 0 warning(s). 2 acknowledged warning(s) not counted.",
    ),
    "a note in one common file only": (
        [(WELSH_COMMON, "  ncpi-aims:\n", "  ncpi-aimz:\n")],
        [
            "reports/_common.yaml:50:3: notes: 'ncpi-aimz' is missing here: the Welsh has it "
            f"({WELSH_COMMON}:36); give it in English too, or remove it from the Welsh",
            f"{WELSH_COMMON}:23:3: notes: 'ncpi-aims' is missing here: the English has it "
            "(reports/_common.yaml:63); give it in Welsh",
        ],
        "4 file(s) checked: 2 error(s), 0 warning(s). 2 acknowledged warning(s) not counted.",
    ),
    "the English common data broken, the Welsh fine": (
        [("reports/_common.yaml", "  - since: 2014-01-01\n", "  - since: yesterday\n")],
        [
            "reports/_common.yaml:21:12: inspectorates[0].since: 'yesterday' is not a date: "
            "write it as YEAR-MONTH-DAY, e.g. 2016-09-12",
        ],
        "4 file(s) checked: 1 error(s), 0 warning(s). 2 acknowledged warning(s) not counted.",
    ),
    "the English common data's own text checks": (
        [
            ("reports/_common.yaml", "HMIC inspects", "HMIC\u200b inspects"),
            ("reports/_common.yaml", "HMICFRS inspects", "HMICFRS ☃ inspects"),
        ],
        [
            "reports/_common.yaml:116:13: notes.about-the-inspectorate[0].text: contains an "
            "invisible "
            "character, U+200B (ZERO WIDTH SPACE), which can make text look different from "
            "what it says: delete it",
            "reports/_common.yaml:122:13: notes.about-the-inspectorate[1].text: '☃' (U+2603 "
            "SNOWMAN) is not in the report's font (Lato): the PDF would draw it in a font of this "
            "machine's. Remove it or write it in words",
        ],
        "4 file(s) checked: 2 error(s), 0 warning(s). 2 acknowledged warning(s) not counted.",
    ),
    "the Welsh report's cut paragraph, unknown key, duplicate key and blank, in line order": (
        [
            (
                WELSH,
                "  summary:\n    - >-\n",
                '  summary:\n    - "TODO: in Welsh: the summary"\n    - >-\n',
            ),
            (
                WELSH,
                "    - id: R1\n      text: >-\n",
                "    - id: R1\n      text: leihau #1\n      textt: >-\n",
            ),
            (
                WELSH,
                "    title: Arolygydd Cwnstabliaeth Ei Mawrhydi",
                '    title: Arolygydd\n    title: "TODO: in Welsh: x"',
            ),
        ],
        [
            f"{ENGLISH}:97:7: reinspection.summary[1]: Paragraph 3 is missing here: the Welsh "
            f"has it ({WELSH}:61); give it in English too, or remove it from the Welsh",
            f"{WELSH}:24:20: inspection.recommendations[0].text: the text from ' #' to the end "
            "of the line is read as a YAML comment and left out of the report: put the whole "
            "paragraph in quotes, or write it as a block (>- on the line before)",
            f"{WELSH}:25:7: inspection.recommendations[0].textt: unknown key 'textt': remove "
            "it, or check its spelling",
            f"{WELSH}:53:5: reinspection.inspector.title: duplicate key 'title': first written "
            "on line 52, again on line 53; YAML would silently keep only the last one",
            f"{WELSH}:55:7: reinspection.summary[0]: not filled in yet: in Welsh: the summary",
        ],
        "4 file(s) checked: 5 error(s), 0 warning(s). 2 acknowledged warning(s) not counted.",
    ),
    "one message for a Welsh text with an invisible character and one outside the font": (
        [(WELSH, "Canfu arolygiad 2014", "Canfu\u200b ☃ arolygiad 2014")],
        [
            f"{WELSH}:13:7: inspection.findings[0]: contains an invisible character, U+200B "
            "(ZERO WIDTH SPACE), which can make text look different from what it says: delete it",
        ],
        "4 file(s) checked: 1 error(s), 0 warning(s). 2 acknowledged warning(s) not counted.",
    ),
    "a pair problem before a blank further down": (
        [
            (
                WELSH,
                "    title: Arolygydd Cwnstabliaeth Ei Mawrhydi",
                '    title: "TODO: in Welsh: x"',
            ),
            (WELSH, "    - id: R1\n", "    - id: R9\n"),
        ],
        [
            f"{WELSH}:23:11: inspection.recommendations[0].id: is R9 here, but item 1 of the "
            f"English is R1 ({ENGLISH}:45): keep the Welsh items in the English order",
            f"{WELSH}:51:12: reinspection.inspector.title: not filled in yet: in Welsh: x",
        ],
        "4 file(s) checked: 2 error(s), 0 warning(s). 2 acknowledged warning(s) not counted.",
    ),
    "a duplicate key in the Welsh common data": (
        [
            (
                WELSH_COMMON,
                "  ncpi-aims:\n    - since: 2014-01-01\n",
                "  ncpi-aims:\n    - since: 2014-01-01\n      since: 2014-01-01\n",
            )
        ],
        [
            f"{WELSH_COMMON}:38:7: notes.ncpi-aims[0].since: duplicate key 'since': first "
            "written on line 37, again on line 38; YAML would silently keep only the last one"
        ],
        "4 file(s) checked: 1 error(s), 0 warning(s). 2 acknowledged warning(s) not counted.",
    ),
    "a cut paragraph and an unknown key in the Welsh common data": (
        [
            (
                WELSH_COMMON,
                "  ncpi-aims:\n    - since: 2014-01-01\n      text: >-\n        O dan y rhaglen",
                "  ncpi-aims:\n    - since: 2014-01-01\n      text: O dan #1 y\n      more: >-\n"
                "        O dan y rhaglen",
            )
        ],
        [
            f"{WELSH_COMMON}:38:19: notes.ncpi-aims[0].text: the text from ' #' to the end of "
            "the line is read as a YAML comment and left out of the report: put the whole "
            "paragraph in quotes, or write it as a block (>- on the line before)",
            f"{WELSH_COMMON}:39:7: notes.ncpi-aims[0].more: unknown key 'more': remove it, or "
            "check its spelling",
        ],
        "4 file(s) checked: 2 error(s), 0 warning(s). 2 acknowledged warning(s) not counted.",
    ),
    "a rule of the English common data, with the Welsh fine": (
        [("reports/_common.yaml", "HMICFRS’s out-of-hours", "HMIC’s out-of-hours")],
        [
            "reports/_common.yaml:142:13: notes.out-of-hours[1].text: names HMIC, but from "
            "2017-07-19 the inspectorate was HMICFRS"
        ],
        "4 file(s) checked: 1 error(s), 0 warning(s). 2 acknowledged warning(s) not counted.",
    ),
    "the English common data's duplicate key and blank": (
        [
            (
                "reports/_common.yaml",
                "  - since: 2014-01-01\n",
                "  - since: 2014-01-01\n    since: 2014-01-01\n",
            ),
            (
                "reports/_common.yaml",
                "    name: HM Inspectorate of Constabulary\n",
                '    name: "TODO: the name"\n',
            ),
        ],
        [
            "reports/_common.yaml:22:5: inspectorates[0].since: duplicate key 'since': first "
            "written on line 21, again on line 22; YAML would silently keep only the last one",
            "reports/_common.yaml:23:11: inspectorates[0].name: not filled in yet: the name",
        ],
        "4 file(s) checked: 2 error(s), 0 warning(s). 2 acknowledged warning(s) not counted.",
    ),
    "the English common data's duplicate key, schema error and cut paragraph, all at once": (
        [
            (
                "reports/_common.yaml",
                "  - since: 2014-01-01\n",
                "  - since: 2014-01-01\n    since: 2014-01-01\n",
            ),
            ("reports/_common.yaml", "  - since: 2017-07-19\n", "  - since: soon\n"),
            (
                "reports/_common.yaml",
                "  press-office:\n    - since: 2014-01-01\n      text: >-\n",
                "  press-office:\n    - since: 2014-01-01\n      text: Call #now\n      old: >-\n",
            ),
        ],
        [
            "reports/_common.yaml:22:5: inspectorates[0].since: duplicate key 'since': first "
            "written on line 21, again on line 22; YAML would silently keep only the last one",
            "reports/_common.yaml:28:12: inspectorates[1].since: 'soon' is not a date: write it "
            "as YEAR-MONTH-DAY, e.g. 2016-09-12",
            "reports/_common.yaml:131:18: notes.press-office[0].text: the text from ' #' to the "
            "end of the line is read as a YAML comment and left out of the report: put the whole "
            "paragraph in quotes, or write it as a block (>- on the line before)",
            "reports/_common.yaml:132:7: notes.press-office[0].old: unknown key 'old'. Valid "
            "keys here: since, text.",
        ],
        "4 file(s) checked: 4 error(s), 0 warning(s). 2 acknowledged warning(s) not counted.",
    ),
    "the English report broken, the Welsh fine": (
        [(ENGLISH, "status: final", "status: finale")],
        [f"{ENGLISH}:23:9: status: 'finale' is not one of: draft, final. Did you mean 'final'?"],
        "4 file(s) checked: 1 error(s), 0 warning(s). 2 acknowledged warning(s) not counted.",
    ),
    "a Welsh link to a file": (
        [(WELSH, "Canfu arolygiad 2014", "Canfu [arolygiad](file:///etc/passwd) 2014")],
        [
            f"{WELSH}:13:7: inspection.findings[0]: the link '[arolygiad](file:///etc/passwd)' "
            "may not go to 'file:///etc/passwd': links may only go to https://, http:// or "
            "mailto: addresses",
        ],
        "4 file(s) checked: 1 error(s), 0 warning(s). 2 acknowledged warning(s) not counted.",
    ),
}


def _printed(project) -> tuple[int, list[str], str]:
    """Exit code, the problem lines but the acknowledged late revisit, and the summary."""
    result = invoke(project, "validate", "dyfed-powys")
    *lines, summary = result.output.strip().splitlines()
    lines = [line for line in lines if "acknowledged warning:" not in line]
    return result.exit_code, lines, summary


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_validate_prints_exactly(project_from, scenario):
    edits, expected, summary = SCENARIOS[scenario]
    project = project_from("shipped")
    for name, old, new in edits:
        edit(project.root / name, old, new)
    assert _printed(project) == (1, expected, summary)


MISSING_WELSH_COMMON = (
    f"{WELSH}:1:1: {WELSH_COMMON} does not exist: the Welsh editions need the notes to "
    "editors and the inspectorates' names in Welsh"
)


def test_without_the_welsh_common_data(project_from):
    project = project_from("shipped")
    project.welsh_common_path.unlink()
    assert _printed(project) == (
        1,
        [MISSING_WELSH_COMMON],
        "3 file(s) checked: 1 error(s), 0 warning(s). 2 acknowledged warning(s) not counted.",
    )
    problem = json.loads(invoke(project, "validate", "--format", "json").stdout)[2]
    assert (problem["path"], problem["code"]) == ("", "welsh-common")


def test_without_the_welsh_common_data_and_with_a_welsh_file_that_is_not_yaml(project_from):
    # All at once: the missing file is said although the Welsh report cannot be read.
    project = project_from("shipped")
    project.welsh_common_path.unlink()
    edit(project.root / WELSH, "inspection:\n", "inspection: [\n")
    assert _printed(project) == (
        1,
        [MISSING_WELSH_COMMON, f"{WELSH}:13:5: YAML syntax: a value is missing here"],
        "3 file(s) checked: 2 error(s), 0 warning(s). 2 acknowledged warning(s) not counted.",
    )


def test_a_template_that_fails_only_in_welsh(project_from):
    project = project_from("shipped")
    (project.root / "templates").mkdir()
    (project.root / "templates" / "press-release.txt.j2").write_text(
        'text\n{% if language == "cy" %}{{ 1 / 0 }}{% endif %}\n', "utf-8"
    )
    assert _printed(project) == (
        1,
        ["templates/press-release.txt.j2:2:1: template: ZeroDivisionError: division by zero"],
        "4 file(s) checked: 1 error(s), 0 warning(s). 2 acknowledged warning(s) not counted.",
    )


def test_welsh_files_linked_from_inside_the_project_are_read(project_from):
    # A link may point anywhere inside the project (not only inside reports/), never outside.
    project = project_from("shipped")
    shared = project.root / "shared"
    shared.mkdir()
    for name in ("_common.yaml", "_common.cy.yaml", "dyfed-powys.yaml", "dyfed-powys.cy.yaml"):
        (project.reports_dir / name).rename(shared / name)
        os.symlink(f"../shared/{name}", project.reports_dir / name)
    assert _printed(project) == (
        0,
        [],
        "4 file(s) checked: 0 error(s), 0 warning(s). 2 acknowledged warning(s) not counted.",
    )


def test_each_english_file_comes_just_before_its_welsh_mirror(project_from):
    # kent-extra sorts between "kent" and "kent.cy" as text, but is another report.
    project = project_from("valid")
    kent = (project.reports_dir / "kent.yaml").read_text("utf-8")
    (project.reports_dir / "kent.yaml").write_text(kent.replace("status: final", "status: x"))
    (project.reports_dir / "kent.cy.yaml").write_text("inspection:\n  findings: []\n")
    (project.reports_dir / "kent-extra.yaml").write_text(kent.replace("status: final", "x: 1"))
    result = invoke(project, "validate", "--format", "json")
    files = list(dict.fromkeys(problem["file"] for problem in json.loads(result.stdout)))
    assert files == ["reports/kent.yaml", "reports/kent.cy.yaml", "reports/kent-extra.yaml"]


def test_the_welsh_common_data_is_not_checked_for_english_only_reports(project_from):
    project = project_from("shipped")
    edit(project.root / WELSH_COMMON, "  ncpi-aims:\n", "  ncpi-aimz:\n")
    assert invoke(project, "validate", "essex").exit_code == 0
    assert invoke(project, "validate", "dyfed-powys").exit_code == 1


@pytest.mark.process
@pytest.mark.usefixtures("stand_in_pdfs")
def test_a_welsh_file_without_its_report_is_an_error_at_its_first_line(project_from):
    project = project_from("shipped")
    (project.reports_dir / "dyfed-powys.cy.yaml").rename(project.reports_dir / "dyfed-powy.cy.yaml")
    result = invoke(project, "validate")
    assert result.exit_code == 1
    assert (
        "reports/dyfed-powy.cy.yaml:1:1: there is no reports/dyfed-powy.yaml: a Welsh file is "
        "the Welsh text of an English report, and is read only beside it. Did you mean "
        "'dyfed-powys'? Rename this file to match its report, or remove it"
    ) in result.output
    # Its own mistake: the forces' documents are still built.
    assert invoke(project, "build", "essex").exit_code == 0


def test_a_welsh_text_that_is_the_english_is_warned_about(project_from):
    project = project_from("shipped")
    edit(
        project.reports_dir / "dyfed-powys.cy.yaml",
        "  headline: Dyfed-Powys yn gwella’r ffordd y mae’n amddiffyn plant",
        "  headline: Dyfed-Powys improving how it protects children",
    )
    result = invoke(project, "validate", "dyfed-powys", "--strict")
    assert result.exit_code == 1
    assert (
        "reports/dyfed-powys.cy.yaml:140:13: press_release.headline: warning: is the English "
        "text, word for word (reports/dyfed-powys.yaml:183): write it in Welsh"
    ) in result.output, result.output


@pytest.mark.process
@pytest.mark.usefixtures("stand_in_pdfs")
def test_a_welsh_text_whose_english_changed_after_translation_is_flagged(project_from):
    project = project_from("shipped")
    welsh = project.reports_dir / "dyfed-powys.cy.yaml"
    before = welsh.read_text("utf-8")
    recorded = invoke(project, "translated", "dyfed-powys")
    assert recorded.exit_code == 0, recorded.output
    after = welsh.read_text("utf-8")
    assert after.startswith(before.rstrip("\n") + "\n\ntranslated_from:")  # the rest as it was
    assert invoke(project, "validate", "dyfed-powys", "--strict").exit_code == 0

    edit(
        project.reports_dir / "dyfed-powys.yaml",
        "  headline: Dyfed-Powys improving how it protects children",
        "  headline: Dyfed-Powys improves how it protects children",
    )
    result = invoke(project, "validate", "dyfed-powys", "--strict")
    assert result.exit_code == 1
    assert (
        "reports/dyfed-powys.cy.yaml:140:13: press_release.headline: warning: the English of "
        "this text changed after it was translated (reports/dyfed-powys.yaml:183): bring the "
        "Welsh up to date, then record it with `ncpi translated dyfed-powys`"
    ) in result.output
    final = invoke(project, "build", "dyfed-powys", "--final")
    assert final.exit_code == 1 and "translated" in final.stderr
    assert not (project.build_dir / "dyfed-powys" / "dyfed-powys-report-cy.pdf").exists()

    assert invoke(project, "translated", "dyfed-powys").exit_code == 0  # checked: recorded
    assert invoke(project, "validate", "dyfed-powys", "--strict").exit_code == 0
    assert welsh.read_text("utf-8").count("translated_from:") == 1


def test_new_welsh_records_the_english_it_starts_from(project_from):
    project = project_from("shipped")
    (project.reports_dir / "dyfed-powys.cy.yaml").unlink()
    assert invoke(project, "new", "dyfed-powys", "--welsh").exit_code == 0
    text = (project.reports_dir / "dyfed-powys.cy.yaml").read_text("utf-8")
    assert "\ntranslated_from:  # the English each text was translated from" in text
    assert '  "press_release.headline": "' in text
    result = invoke(project, "validate", "dyfed-powys")
    assert "welsh-behind" not in result.output and "changed after it was translated" not in (
        result.output
    )
