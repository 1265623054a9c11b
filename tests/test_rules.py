"""Each domain rule and each YAML trap, broken on purpose in a copy of the valid fixture."""

from __future__ import annotations

import json

import pytest

from support import invoke


def validate_edited(project, old: str, new: str, *args):
    """Validate the valid fixture with one text replacement; return (exit code, stdout lines)."""
    path = project.root / "reports" / "kent.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    result = invoke(project, "validate", *args)
    assert "Traceback" not in result.output
    return result.exit_code, result.stdout.splitlines()


RULES = [
    # (what breaks it, old text, new text, the expected line)
    (
        "duplicate recommendation id",
        "    - id: R2\n",
        "    - id: R1\n",
        "reports/kent.yaml:18:11: inspection.recommendations[1].id: recommendation id 'R1' is used "
        "twice (also item 0)",
    ),
    (
        "assessed twice",
        "    - recommendation: R2\n",
        "    - recommendation: R1\n",
        "reports/kent.yaml:47:23: reinspection.progress[1].recommendation: recommendation 'R1' is "
        "assessed more than once",
    ),
    (
        "unknown recommendation",
        "    - recommendation: R2\n",
        "    - recommendation: R3\n",
        "reports/kent.yaml:47:23: reinspection.progress[1].recommendation: there is no "
        "recommendation 'R3' in the original inspection. Recommendations: R1, R2.",
    ),
    (
        "unknown timescale",
        "timescale: within three months",
        "timescale: within 3 months",
        "reports/kent.yaml:20:18: inspection.recommendations[1].timescale: 'within 3 months' "
        "is not one of: immediately, within one month, within three months, within six months, "
        "within twelve months. Did you mean 'within three months'?",
    ),
    (
        "unknown status",
        "status: in progress",
        "status: in progres",
        "reports/kent.yaml:48:15: reinspection.progress[1].status: 'in progres' is not one of: "
        "not started, limited progress, in progress, substantially met, met. "
        "Did you mean 'in progress'?",
    ),
    (
        "fieldwork ends before it starts",
        "    end: 2015-03-13\n",
        "    end: 2015-02-13\n",
        "reports/kent.yaml:9:10: inspection.fieldwork.end: fieldwork ends (2015-02-13) before it "
        "starts (2015-03-02)",
    ),
    (
        "published before fieldwork ended",
        "  published: 2015-07-01\n",
        "  published: 2015-03-10\n",
        "reports/kent.yaml:10:14: inspection.published: the original report was published on "
        "2015-03-10, not after the original fieldwork ended (2015-03-13)",
    ),
    (
        "re-inspection before the original report",
        "    start: 2015-11-09\n",
        "    start: 2015-06-09\n",
        "reports/kent.yaml:25:12: reinspection.fieldwork.start: the follow-up's fieldwork started "
        "on 2015-06-09, not after the original report was published (2015-07-01)",
    ),
    (
        "audit does not add up",
        "    good: 20\n",
        "    good: 21\n",
        "reports/kent.yaml:58:5: case_audit.grades: the graded cases add up to 61, but 60 cases "
        "were audited",
    ),
    (
        "official name",
        "  name: Kent Police\n",
        "  name: Kent Constabulary\n",
        "reports/kent.yaml:5:9: force.name: 'Kent Constabulary' is not the force's official name "
        "'Kent Police'",
    ),
    (
        "speaker spelt differently",
        "    speaker: Zoë Billingham\n",
        "    speaker: Zoe Billingham\n",
        "reports/kent.yaml:73:14: press_release.quote.speaker: the speaker is spelt 'Zoe "
        "Billingham' here but 'Zoë Billingham' in reinspection.inspector.name: keep the name "
        "exactly as spelt",
    ),
    (
        "speaker is someone else",
        "    speaker: Zoë Billingham\n",
        "    speaker: Tom Winsor\n",
        "reports/kent.yaml:73:14: press_release.quote.speaker: the quote is by 'Tom Winsor', but "
        "the follow-up was led by 'Zoë Billingham'",
    ),
    (
        "unknown note",
        "    - press-office\n",
        "    - press-ofice\n",
        "reports/kent.yaml:80:7: press_release.notes[1]: there is no note 'press-ofice' in "
        "reports/_common.yaml. Did you mean 'press-office'?",
    ),
    (
        "file name and slug differ",
        "  slug: kent\n",
        "  slug: essex\n",
        "reports/kent.yaml:4:9: force.slug: the file is named kent.yaml but describes 'essex': "
        "rename the file or fix the slug",
    ),
    (
        "findings missing for an area",
        "    - area: managing-risk\n      paragraphs:\n        - Checks are mostly on time.\n",
        "",
        "reports/kent.yaml:19:13: inspection.recommendations[1].area: recommendation 'R2' concerns "
        "'managing-risk', but reinspection.findings has no findings for that area",
    ),
]


#: The code of each rule's problem, as --format json and acknowledgements name it.
CODES = {
    "duplicate recommendation id": "duplicate-id",
    "assessed twice": "duplicate-progress",
    "unknown recommendation": "unknown-recommendation",
    "unknown timescale": "unknown-value",
    "unknown status": "unknown-value",
    "fieldwork ends before it starts": "date-order",
    "published before fieldwork ended": "date-order",
    "re-inspection before the original report": "date-order",
    "audit does not add up": "audit-total",
    "official name": "force-name",
    "speaker spelt differently": "speaker",
    "speaker is someone else": "speaker",
    "unknown note": "unknown-note",
    "file name and slug differ": "slug-mismatch",
    "findings missing for an area": "missing-findings",
}


@pytest.mark.parametrize("rule,old,new,expected", RULES, ids=[r[0] for r in RULES])
def test_rule_code(project_from, rule, old, new, expected):
    """The same problem in JSON: at the same place, with its code."""
    import json

    code, lines = validate_edited(project_from("valid"), old, new, "--format", "json")
    assert code == 1
    place = expected.split(": ", 1)[0]
    found = [
        p for p in json.loads("\n".join(lines)) if f"{p['file']}:{p['line']}:{p['column']}" == place
    ]
    assert [p["code"] for p in found] == [CODES[rule]]


@pytest.mark.parametrize("rule,old,new,expected", RULES, ids=[r[0] for r in RULES])
def test_rule(project_from, rule, old, new, expected):
    code, lines = validate_edited(project_from("valid"), old, new)
    assert code == 1
    assert expected in lines, "\n".join(lines)


def test_grade_scale_depends_on_the_year(project_from):
    # The fixture's 2015 re-inspection may grade 'adequate'; moved to 2016, it may not.
    project = project_from("valid")
    path = project.root / "reports" / "kent.yaml"
    text = path.read_text(encoding="utf-8")
    text = (
        text.replace("start: 2015-11-09", "start: 2016-01-04")
        .replace("end: 2015-11-13", "end: 2016-01-08")
        .replace("published: 2016-02-10", "published: 2016-03-10")
    )
    path.write_text(text, encoding="utf-8")
    result = invoke(project, "validate")
    assert (
        "reports/kent.yaml:59:5: case_audit.grades.adequate: grade 'adequate' was not on the "
        "scale in use when the follow-up's fieldwork started (2016-01-04); it was: good, "
        "requires improvement, inadequate"
    ) in result.stdout


def test_late_revisit_is_a_warning_and_strict_fails_on_it(project_from):
    code, lines = validate_edited(
        project_from("valid"), "published: 2015-07-01", "published: 2015-04-01"
    )
    assert code == 0
    assert lines[0].startswith(
        "reports/kent.yaml:25:12: reinspection.fieldwork.start: warning: "
        "the follow-up began 222 days after"
    )
    code, _ = validate_edited(
        project_from("valid"), "published: 2015-07-01", "published: 2015-04-01", "--strict"
    )
    assert code == 1


def test_headline_not_naming_the_force_is_a_warning(project_from):
    code, lines = validate_edited(
        project_from("valid"), "headline: Kent Police is", "headline: The force is"
    )
    assert code == 0 and "warning: the headline does not name the force ('Kent')" in lines[0]


def test_invalid_phone_number_in_common_notes(project_from):
    project = project_from("valid")
    common = project.root / "reports" / "_common.yaml"
    common.write_text(common.read_text("utf-8").replace("020 3513 0600", "020 3513 060"), "utf-8")
    result = invoke(project, "validate")
    assert result.exit_code == 1
    lines = common.read_text("utf-8").splitlines()
    # A folded text's problem is at its `text:` key.
    found = next(n for n, text in enumerate(lines) if "020 3513 060" in text)
    line = next(n + 1 for n in range(found, -1, -1) if "text:" in lines[n])
    assert (
        f"reports/_common.yaml:{line}:13: notes.press-office[0].text: '020 3513 060' is not a "
        "valid UK phone number" in result.stdout
    )


TRAPS = [
    (
        "no read as a boolean",
        "  headline: Kent Police is making progress in protecting children\n",
        "  headline: no\n",
        "reports/kent.yaml:65:13: press_release.headline: 'no' was read as a yes/no value, "
        'not text: put it in quotes: "no"',
    ),
    (
        "1:30 read as a number",
        "    - Progress is good.\n",
        "    - 1:30\n",
        "reports/kent.yaml:52:7: reinspection.conclusion[0]: '1:30' was read as a number, "
        'not text: put it in quotes: "1:30"',
    ),
    (
        "a date read as a date",
        "    - We will return.\n",
        "    - 2016-03-01\n",
        "reports/kent.yaml:54:7: reinspection.next_steps[0]: '2016-03-01' was read as a date, not "
        'text: put it in quotes: "2016-03-01"',
    ),
    (
        "a number read as a number",
        "    title: HM Inspector of Constabulary\n  summary",
        "    title: 3.5\n  summary",
        "reports/kent.yaml:30:12: reinspection.inspector.title: '3.5' was read as a number, not "
        'text: put it in quotes: "3.5"',
    ),
    (
        "empty value",
        "    - We will return.\n",
        "    -\n",
        "reports/kent.yaml:54:6: reinspection.next_steps[0]: is empty: write the text here",
    ),
]


@pytest.mark.parametrize("trap,old,new,expected", TRAPS, ids=[t[0] for t in TRAPS])
def test_yaml_traps_say_quote_it(project_from, trap, old, new, expected):
    code, lines = validate_edited(project_from("valid"), old, new)
    assert code == 1
    assert expected in lines, "\n".join(lines)


def test_duplicate_key_names_both_lines(project_from):
    code, lines = validate_edited(
        project_from("valid"), "  context:\n", "  summary:\n    - Again.\n  context:\n"
    )
    assert code == 1
    assert (
        "reports/kent.yaml:33:3: reinspection.summary: duplicate key 'summary': first written "
        "on line 31, again on line 33; YAML would silently keep only the last one"
    ) in lines


def test_unknown_grade_key_suggests(project_from):
    code, lines = validate_edited(project_from("valid"), "    good: 20\n", "    goood: 20\n")
    assert code == 1
    assert any(
        "case_audit.grades.goood: 'goood' is not an allowed key here" in line
        and "Did you mean 'good'?" in line
        for line in lines
    ), lines


def test_json_format(project_from):
    code, lines = validate_edited(
        project_from("valid"), "    - id: R2\n", "    - id: R1\n", "--format", "json"
    )
    problems = json.loads("\n".join(lines))
    assert code == 1
    assert {
        "file": "reports/kent.yaml",
        "line": 18,
        "column": 11,
        "path": "inspection.recommendations[1].id",
        "severity": "error",
        "code": "duplicate-id",
        "message": "recommendation id 'R1' is used twice (also item 0)",
    } in problems


def test_github_format(project_from):
    code, lines = validate_edited(
        project_from("valid"), "    - id: R2\n", "    - id: R1\n", "--format", "github"
    )
    assert code == 1
    assert (
        "::error file=reports/kent.yaml,line=18,col=11,title=ncpi duplicate-id::"
        "inspection.recommendations[1].id: recommendation id 'R1' is used twice (also item 0)"
    ) in lines


def test_template_error_is_caught_by_validate(project_from):
    project = project_from("valid")
    templates = project.root / "templates"
    templates.mkdir()
    (templates / "press-release.txt.j2").write_text("{{ report.press_release.headlin }}\n")
    result = invoke(project, "validate")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0].startswith("templates/press-release.txt.j2:1:1: template:")
    assert "headlin" in result.stdout


def test_template_syntax_error_is_caught_by_validate(project_from):
    project = project_from("valid")
    templates = project.root / "templates"
    templates.mkdir()
    (templates / "report.html.j2").write_text("line one\n{% if %}\n")
    (templates / "partials").mkdir()
    (templates / "partials" / "cover.html.j2").write_text("{{ x }\n")
    result = invoke(project, "validate")
    assert result.exit_code == 1
    # Every template of the project's, in its folders too.
    problems = json.loads(invoke(project, "validate", "--format", "json").stdout)
    assert [(p["file"], p["line"], p["path"], p["code"]) for p in problems] == [
        ("templates/partials/cover.html.j2", 1, "", "template"),
        ("templates/report.html.j2", 2, "", "template"),
    ]
    assert result.stdout.splitlines()[1] == (
        "templates/report.html.j2:2:1: template syntax: Expected an expression, got 'end of "
        "statement block'"
    )


def test_rules_of_valid_parts_run_alongside_schema_errors_elsewhere(project_from):
    project = project_from("valid")
    path = project.root / "reports" / "kent.yaml"
    text = path.read_text("utf-8")
    for old, new in [
        (
            "headline: Kent Police is making progress in protecting children",
            "headline: 42",
        ),  # a schema error in press_release
        ("    - recommendation: R2", "    - recommendation: R3"),  # rule errors
        ("  name: Kent Police", "  name: Kent Constabulary"),
    ]:
        text = text.replace(old, new, 1)
    path.write_text(text, "utf-8")
    result = invoke(project, "validate")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [  # Sorted by line, as an editor lists them.
        "reports/kent.yaml:5:9: force.name: 'Kent Constabulary' is not the force's official name "
        "'Kent Police'",
        "reports/kent.yaml:18:11: inspection.recommendations[1].id: recommendation 'R2' has no "
        "progress assessment in reinspection.progress",
        "reports/kent.yaml:47:23: reinspection.progress[1].recommendation: there is no "
        "recommendation 'R3' in the original inspection. Recommendations: R1, R2.",
        "reports/kent.yaml:65:13: press_release.headline: '42' was read as a number, not text: "
        'put it in quotes: "42"',
    ]
