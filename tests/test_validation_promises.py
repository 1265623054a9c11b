"""Validation keeps its promise: every problem of a file in one run, at its line, in plain words."""

from __future__ import annotations

import json
import re

import pytest

from support import REPO, invoke


def _validate(project, *args):
    result = invoke(project, "validate", *args)
    assert "Traceback" not in result.output
    return result


def _edit(project, replacements, name="kent"):
    path = project.root / "reports" / f"{name}.yaml"
    text = path.read_text("utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    path.write_text(text, "utf-8")


def test_every_problem_of_a_file_in_one_run_sorted_by_line(project_from):
    project = project_from("valid")
    _edit(
        project,
        [
            ("published: 2015-07-01", "published: 2017-02-30"),
            ("timescale: within three months", "timescale: within 3 months"),
            ("    - The force has made progress.", "    - The force has made progress #proud"),
            ("    good: 20\n", "    good: 21\n"),
            ("  headline:", "  headlin: x\n  headline:"),  # a schema error in the press release
            ("    speaker: Zoë Billingham", "    speaker: Zoe Billingham"),  # a rule beside it
        ],
    )
    result = _validate(project)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "reports/kent.yaml:10:14: inspection.published: '2017-02-30' is not a date that exists: "
        "February 2017 has 28 days. Write YEAR-MONTH-DAY",
        "reports/kent.yaml:20:18: inspection.recommendations[1].timescale: 'within 3 months' is "
        "not one of: immediately, within one month, within three months, within six months, "
        "within twelve months. Did you mean 'within three months'?",
        "reports/kent.yaml:32:35: reinspection.summary[0]: the text from ' #' to the end of the "
        "line is read as a YAML comment and left out of the report: put the whole paragraph in "
        "quotes, or write it as a block (>- on the line before)",
        "reports/kent.yaml:58:5: case_audit.grades: the graded cases add up to 61, but 60 cases "
        "were audited",
        "reports/kent.yaml:65:3: press_release.headlin: unknown key 'headlin'. Did you mean "
        "'headline'?",
        "reports/kent.yaml:74:14: press_release.quote.speaker: the speaker is spelt 'Zoe "
        "Billingham' here but 'Zoë Billingham' in reinspection.inspector.name: keep the name "
        "exactly as spelt",
    ]


@pytest.mark.parametrize(
    "old,new",
    [
        ("    - Kent Police serves the county of Kent.", "    - Kent Police serves Kent #Kent"),
        ("  headline: Kent Police is making", "  headline: Kent Police #1 is making"),
        ("    - good leadership", "    - good leadership # and more"),
        ("      text: ensure that officers record", "      text: ensure #that officers record"),
    ],
)
def test_a_comment_that_cuts_prose_short_is_an_error(project_from, old, new):
    project = project_from("valid")
    _edit(project, [(old, new)])
    result = _validate(project)
    assert result.exit_code == 1
    assert "is read as a YAML comment and left out of the report" in result.stdout


@pytest.mark.parametrize(
    "old,new",
    [
        ("status: final", "status: final  # approved by the board"),
        ("      area: initial-contact", "      area: initial-contact  # the first area"),
        ("    - The force has made progress.", "    - 'The force has made #progress.'"),
        ("    - The force has made progress.", "    - >-\n      The force has made #progress."),
        ("    name: Zoë Billingham\n", "    name: Zoë Billingham  # spelt with ë\n"),
    ],
)
def test_comments_beside_keys_ids_names_and_quoted_text_are_fine(project_from, old, new):
    project = project_from("valid")
    _edit(project, [(old, new)])
    result = _validate(project)
    assert result.exit_code == 0, result.output


PARAGRAPH = "    - The force has made progress."
SYNTAX = [
    (
        "tab",
        PARAGRAPH,
        "\t- The force has made progress.",
        "32:1",
        "a tab character: indent with spaces, not tabs",
    ),
    (
        "unclosed quote",
        PARAGRAPH,
        '    - "The force has made progress.',
        "32:7",
        'the quote (") that opens here is never closed: close it at the end of the text',
    ),
    (
        "apostrophe in single quotes",
        PARAGRAPH,
        "    - 'The force's plan has worked.'",
        "32:17",
        "an apostrophe inside text in single quotes ends the quotes: write it twice "
        "(force''s), or put the text in double quotes instead",
    ),
    (
        "starts with *",
        PARAGRAPH,
        "    - *Real* progress was made.",
        "32:7",
        "text that starts with '*' is read as an alias (a reference to other text): put "
        "the whole paragraph in quotes",
    ),
    (
        "starts with [",
        PARAGRAPH,
        "    - [The report](https://x.org) says so.",
        "32:7",
        "text that starts with '[' is read as a list: put the whole paragraph in quotes",
    ),
    (
        "starts with a quote",
        PARAGRAPH,
        '    - "Progress" was made, the inspector said.',
        "32:16",
        'the quoted text ends at the second ", but the line goes on: put the whole '
        "paragraph in quotes, using the other kind of quote mark",
    ),
    (
        "starts with @",
        PARAGRAPH,
        "    - @HMICFRS says so.",
        "32:7",
        "text that starts with '@' is read as a character YAML keeps for later use: put "
        "the whole paragraph in quotes",
    ),
    (
        "bad indentation",
        "  context:\n",
        "   context:\n",
        "33:4",
        "the indentation of this line or the one above it does not line up: keys of one "
        "mapping, and the '- ' items of one list, must start in the same column",
    ),
]


@pytest.mark.parametrize("case,old,new,where,message", SYNTAX, ids=[s[0] for s in SYNTAX])
def test_yaml_syntax_errors_in_plain_words_at_the_place_to_fix(
    project_from, case, old, new, where, message
):
    project = project_from("valid")
    _edit(project, [(old, new)])
    result = _validate(project)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [f"reports/kent.yaml:{where}: YAML syntax: {message}"]


def test_a_list_item_with_a_colon_says_quote_it(project_from):
    project = project_from("valid")
    _edit(project, [(PARAGRAPH, "    - Summary: the force has made progress.")])
    assert _validate(project).stdout.splitlines()[0] == (
        "reports/kent.yaml:32:7: reinspection.summary[0]: 'Summary: the force has made "
        "progress.' was read as a key and its value, because of the ': ' after 'Summary': put "
        "the whole paragraph in quotes"
    )


def test_no_jargon_in_messages(project_from):
    project = project_from("valid")
    _edit(project, [("published: 2015-07-01", "published: 2015-13-01")])
    line = _validate(project).stdout.splitlines()[0]
    assert "timestamp" not in line and "there is no month 13" in line


# Acknowledged warnings ----------------------------------------------------------------------


def test_the_shipped_reports_pass_strict(project_from):
    result = _validate(project_from("shipped"), "--strict")
    assert result.exit_code == 0, result.output
    assert "acknowledged warning: the follow-up began 328 days after" in result.stdout
    assert "accepted because: HMIC returned in September 2016" in result.stdout
    assert "accepted because: HMIC returned in August 2015" in result.stdout  # Dyfed-Powys
    assert "4 acknowledged warning(s) not counted." in result.stdout


def _late(project):
    _edit(project, [("published: 2015-07-01", "published: 2015-04-01")])


def test_an_acknowledged_warning_no_longer_fails_strict(project_from):
    project = project_from("valid")
    _late(project)
    assert _validate(project, "--strict").exit_code == 1
    path = project.report_path("kent")
    path.write_text(
        path.read_text("utf-8") + "acknowledged:\n  - code: late-revisit\n"
        "    reason: Postponed at the force's request.\n",
        "utf-8",
    )
    result = _validate(project, "--strict")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(
        "reports/kent.yaml:25:12: reinspection.fieldwork.start: "
        "acknowledged warning: the follow-up began 222 days after"
    )
    github = _validate(project, "--format", "github").stdout
    assert github.startswith("::notice file=reports/kent.yaml,line=25,col=12,")
    # It keeps its code, so that tools reading the JSON know which warning was accepted.
    (accepted,) = json.loads(_validate(project, "--format", "json").stdout)
    assert (accepted["severity"], accepted["code"]) == ("acknowledged", "late-revisit")


def test_an_acknowledgement_must_name_a_warning_that_is_raised(project_from):
    project = project_from("valid")
    path = project.report_path("kent")
    path.write_text(
        path.read_text("utf-8") + "acknowledged:\n  - code: late-revisit\n"
        "    reason: Postponed.\n  - code: audit-total\n    reason: Wrong.\n",
        "utf-8",
    )
    lines = _validate(project).stdout.splitlines()
    assert (
        "reports/kent.yaml:82:11: acknowledged[0].code: warning: acknowledges "
        "'late-revisit', but there is no such warning any more: remove the acknowledgement"
    ) in lines
    assert (
        "reports/kent.yaml:84:11: acknowledged[1].code: 'audit-total' is not a warning that can "
        "be acknowledged; these can: abbreviation, audit-by-area-total, headline, "
        "inspectorate-name, late-revisit, long-paragraph, long-sentence, repeats-generated, "
        "word-to-avoid. Did you mean 'audit-by-area-total'?"
    ) in lines
    codes = {
        p["path"]: p["code"] for p in json.loads(_validate(project, "--format", "json").stdout)
    }
    assert codes["acknowledged[0].code"] == "unused-acknowledgement"
    assert codes["acknowledged[1].code"] == "acknowledgement"


# Dated common data ---------------------------------------------------------------------------


def _common(project, old, new):
    path = project.root / "reports" / "_common.yaml"
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


def test_a_note_naming_the_other_inspectorate_is_refused(project_from):
    project = project_from("valid")
    _common(project, "HMICFRS’s out-of-hours", "HMIC’s out-of-hours")
    lines = (project.root / "reports" / "_common.yaml").read_text("utf-8").splitlines()
    # The edited (second) version; a folded text's problem is at its `text:` key.
    found = max(n for n, text in enumerate(lines) if "HMIC’s out-of-hours" in text)
    line = next(n + 1 for n in range(found, -1, -1) if "text:" in lines[n])
    assert (
        f"reports/_common.yaml:{line}:13: notes.out-of-hours[1].text: names HMIC, but from "
        "2017-07-19 the inspectorate was HMICFRS"
    ) in _validate(project).stdout


def test_a_note_version_must_not_span_the_change_of_name(project_from):
    project = project_from("valid")
    _common(
        project,
        "    - since: 2017-07-19\n      text: >-\n        HMICFRS’s out-of-hours",
        "    - since: 2017-08-19\n      text: >-\n        HMICFRS’s out-of-hours",
    )
    assert (
        "notes.out-of-hours[0].text: this version is used from 2014-01-01 until 2017-08-19, "
        "but the inspectorate's name changed on 2017-07-19: add a version from 2017-07-19"
    ) in _validate(project).stdout


def test_a_note_cannot_be_used_before_its_first_version(project_from):
    project = project_from("valid")
    _edit(project, [("    - press-office\n", "    - in-harms-way\n")])
    _edit(
        project,
        [
            ("published: 2016-02-10", "published: 2015-06-10"),
            ("start: 2015-11-09", "start: 2015-05-09"),
            ("end: 2015-11-13", "end: 2015-05-13"),
            ("published: 2015-07-01", "published: 2015-04-01"),
            ("end: 2015-03-13", "end: 2015-03-03"),
        ],
    )
    assert (
        "press_release.notes[1]: note 'in-harms-way' has no text for a release published on "
        "2015-06-10: its first version is used from 2015-07-01"
    ) in _validate(project).stdout


def test_release_text_naming_the_old_inspectorate_is_a_warning(project_from):
    project = project_from("valid")
    _edit(
        project,
        [
            ("published: 2016-02-10", "published: 2017-09-10"),
            ("start: 2015-11-09", "start: 2015-12-09"),
            ("end: 2015-11-13", "end: 2015-12-13"),
            ("    - Inspectors found progress.", "    - HMIC found progress."),
        ],
    )
    lines = _validate(project).stdout.splitlines()
    assert (
        "reports/kent.yaml:67:7: press_release.paragraphs[0]: warning: names HMIC, but on "
        "2017-09-10 the inspectorate was HMICFRS"
    ) in lines


# The case audit by area ---------------------------------------------------------------------


def test_the_audit_by_area_must_add_up(project_from):
    project = project_from("valid")
    _edit(
        project,
        [
            (
                "  paragraphs:\n    - Most cases were handled well.\n",
                "  paragraphs:\n    - Most cases were handled well.\n  by_area:\n"
                "    - area: initial-contact\n      cases: 30\n"
                "      grades: {good: 10, adequate: 10, inadequate: 9}\n"
                "    - area: initial-contact\n      cases: 20\n"
                "      grades: {good: 10, adequate: 10}\n",
            )
        ],
    )
    lines = _validate(project).stdout.splitlines()
    assert (
        "reports/kent.yaml:65:5: case_audit.by_area: warning: the areas' cases add up to 50, "
        "but 60 cases were audited"
    ) in lines
    assert (
        "reports/kent.yaml:67:15: case_audit.by_area[0].grades: the graded cases add up to "
        "29, but 30 cases are given for this area"
    ) in lines
    assert (
        "reports/kent.yaml:68:13: case_audit.by_area[1].area: area 'initial-contact' is "
        "listed twice"
    ) in lines


# The scaffold ------------------------------------------------------------------------------


def test_the_scaffolds_commented_examples_pass_the_rules(project_from):
    """The case audit and acknowledgement examples of `ncpi new`, uncommented into Essex."""
    from ncpi.commands.scaffold import scaffold_text

    project = project_from()
    scaffold = scaffold_text(project, "kent")
    audit = re.search(r"^# case_audit:\n(?:#  .*\n)+", scaffold, re.M).group(0)
    audit = re.sub(r"^# ", "", audit, flags=re.M)
    assert "adequate" not in audit.replace("inadequate", "")
    path = project.report_path("essex")  # Essex's re-inspection was in 2016: the three grades.
    path.write_text(path.read_text("utf-8") + audit, "utf-8")
    result = _validate(project, "--strict")
    assert result.exit_code == 0, result.output


def test_new_then_validate_lists_only_blanks(tmp_path):
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "_common.yaml").write_bytes(
        (REPO / "reports" / "_common.yaml").read_bytes()
    )
    assert invoke(tmp_path, "new", "kent").exit_code == 0
    result = invoke(tmp_path, "validate")
    problems = [line for line in result.stdout.splitlines() if line.startswith("reports/")]
    assert problems and all("not filled in yet" in line for line in problems), result.stdout


# Text that validates must build --------------------------------------------------------------


@pytest.mark.parametrize(
    "escape,code",
    [
        ("\\e", "001B"),
        ("\\x0c", "000C"),
        ("\\x7f", "007F"),
        ("\\u2028", "2028"),
        ("\\uFFFE", "FFFE"),
        ("\\0", "0000"),
        ("\\x85", "0085"),
    ],
)
def test_control_characters_written_as_escapes_are_refused_at_their_line(
    project_from, escape, code
):
    project = project_from("valid")
    _edit(project, [(PARAGRAPH, f'    - "The force has{escape} made progress."')])
    lines = _validate(project).stdout.splitlines()
    assert lines == [
        f"reports/kent.yaml:32:7: reinspection.summary[0]: contains a control "
        f"character (U+{code}) that cannot be printed: delete it (it may have come "
        "with pasted text)"
    ]


def test_a_raw_line_separator_in_the_file_is_refused(project_from):
    project = project_from("valid")
    _edit(project, [(PARAGRAPH, "    - The force has\u2028made progress.")])
    assert _validate(project).stdout.splitlines() == [
        "reports/kent.yaml:32:20: a line separator character (U+2028), which YAML reads as a "
        "line break: replace it with a space or a new line (it may have come with pasted text)"
    ]


@pytest.mark.parametrize(
    "text,expected",
    [
        (
            "Bad \u202egnp.exe",
            "contains an invisible character, U+202E (RIGHT-TO-LEFT OVERRIDE), "
            "which can make text look different from what it says: delete it",
        ),
        ("Zero\u200bwidth", "contains an invisible character, U+200B (ZERO WIDTH SPACE)"),
        (
            "A smile 😀",
            "'😀' (U+1F600 GRINNING FACE) is not in the report's font (Lato): the PDF "
            "would draw it in a font of this machine's. Remove it or write it in words",
        ),
        ("中文", "'中' (U+4E2D CJK UNIFIED IDEOGRAPH-4E2D) is not in the report's font (Lato)"),
        ("Private \ue000", "'\ue000' (U+E000 a private-use character) is not in the report's font"),
        ("Tab\tand Ͱ", "'Ͱ' (U+0370 GREEK CAPITAL LETTER HETA) is not in the report's font"),
    ],
)
def test_text_the_pdf_could_not_show_as_typed_is_refused(project_from, text, expected):
    project = project_from("valid")
    _edit(project, [(PARAGRAPH, f'    - "{text}"')])
    lines = _validate(project).stdout.splitlines()
    assert len(lines) == 1 and lines[0].startswith("reports/kent.yaml:32:7: reinspection.summary")
    assert expected in lines[0]


def test_every_invisible_character_is_named_in_its_message():
    import unicodedata

    from ncpi.check.validate import INVISIBLE

    invisible = [chr(code) for code in range(0x10000) if INVISIBLE.match(chr(code))]
    assert len(invisible) == 15
    assert all(unicodedata.name(character, "") for character in invisible)


def test_the_font_draws_all_of_latin_1_as_the_font_check_assumes():
    # font_problems does not read the font for Latin-1 text: this is why it need not.
    from ncpi.pdf.fonts import drawable_characters, fonts_dir_for

    drawable = drawable_characters(fonts_dir_for(REPO / "templates"))
    assert set(range(0x20, 0x7F)) | set(range(0xA0, 0x100)) <= drawable


def test_the_font_draws_the_everyday_marks_as_the_font_check_assumes():
    # Nor for text of Latin-1 and these: curly quotes, dashes, the Welsh Ŵ and Ŷ.
    from ncpi.pdf.fonts import EVERYDAY_DRAWABLE, drawable_characters, fonts_dir_for

    drawable = drawable_characters(fonts_dir_for(REPO / "templates"))
    assert {ord(c) for c in EVERYDAY_DRAWABLE} <= drawable
    assert {ord(c) for c in "’–Ŵŷ"} <= {ord(c) for c in EVERYDAY_DRAWABLE}


def test_a_project_font_without_a_mark_is_still_checked(project_from, tmp_path):
    # The everyday marks are known to be in ncpi's Lato, not in a font a project brings.
    import shutil

    from fontTools.ttLib import TTFont

    from ncpi.pdf.fonts import FONT_FILES

    project = project_from("valid")
    fonts = project.templates_dir / "fonts"
    fonts.mkdir(parents=True)
    for name in FONT_FILES.values():
        shutil.copy(REPO / "templates" / "fonts" / name, fonts / name)
    regular = TTFont(fonts / FONT_FILES[("normal", "400")])
    for table in regular["cmap"].tables:
        table.cmap.pop(ord("…"), None)
    regular.save(fonts / FONT_FILES[("normal", "400")])
    _edit(project, [(PARAGRAPH, "    - Wait for it…")])
    assert (
        "'…' (U+2026 HORIZONTAL ELLIPSIS) is not in the report's font" in _validate(project).stdout
    )


def test_welsh_letters_are_in_the_font(project_from):
    project = project_from("valid")
    _edit(project, [(PARAGRAPH, "    - Mae’r heddlu’n gwneud cynnydd, ŵ ŷ Ŵ Ŷ â ê î ô û.")])
    assert _validate(project).exit_code == 0


def test_an_id_with_a_look_alike_character_says_so(project_from):
    project = project_from("valid")
    _edit(project, [("    - id: R2\n", "    - id: R２\n")])
    assert (
        "reports/kent.yaml:18:11: inspection.recommendations[1].id: contains U+FF12 "
        "(FULLWIDTH DIGIT TWO), which only looks like an ordinary character or cannot be "
        "seen: type it again with plain letters and digits"
    ) in _validate(project).stdout


def _with_comment_on_every_plain_value(text: str) -> bytes:
    """Each line of a plain value (not a key alone, not a comment) with ' #note' after it."""
    lines = []
    for line in text.splitlines():
        if re.match(r"^\s*(- |[a-z_]+: )\S", line) and not line.rstrip().endswith(":"):
            line += " #note"
        lines.append(line)
    return "\n".join(lines).encode("utf-8")


def test_a_cut_is_reported_in_every_kind_of_prose_and_nowhere_else():
    """Prose at every depth (lists, optional parts, lists of models); never an id or a name."""
    from ncpi.check.loading import load_yaml_text
    from ncpi.check.validate import comment_problems

    kent = (REPO / "tests" / "fixtures" / "valid" / "reports" / "kent.yaml").read_text("utf-8")
    kent += "unknown:\n  deeper: text\n"  # Not part of a report: not prose either.
    loaded, problems = load_yaml_text(_with_comment_on_every_plain_value(kent), "kent.yaml")
    assert problems == [] and len(loaded.comments_after_plain_text) == 42
    assert sorted(p.path for p in comment_problems(loaded)) == [
        "case_audit.paragraphs[0]",
        "inspection.findings[0]",
        "inspection.recommendations[0].text",
        "inspection.recommendations[1].text",
        "press_release.headline",
        "press_release.paragraphs[0]",
        "press_release.pleased[0]",
        "press_release.pleased[1]",
        "press_release.pleased[2]",
        "press_release.quote.paragraphs[0]",
        "press_release.quote.paragraphs[1]",
        "reinspection.conclusion[0]",
        "reinspection.context[0]",
        "reinspection.findings[0].paragraphs[0]",
        "reinspection.findings[1].paragraphs[0]",
        "reinspection.next_steps[0]",
        "reinspection.progress[0].evidence[0]",
        "reinspection.progress[1].evidence[0]",
        "reinspection.summary[0]",
    ]


def test_a_cut_note_to_editors_is_reported_but_not_a_cut_name():
    from ncpi.check.loading import load_yaml_text
    from ncpi.check.validate import comment_problems
    from ncpi.model import Common

    common = (
        "inspectorates:\n  - since: 2014-01-01\n    name: HM Inspectorate #1\n"
        "    abbreviation: HMIC\nnotes:\n  press-office:\n    - since: 2014-01-01\n"
        "      text: Call us #now\n"
    )
    loaded, _ = load_yaml_text(common.encode(), "_common.yaml")
    assert [p.path for p in comment_problems(loaded, Common)] == ["notes.press-office[0].text"]


def test_a_cut_is_not_reported_where_the_shape_is_wrong_already():
    # A mapping where a list belongs, a list where a mapping belongs: the schema says so.
    from ncpi.check.loading import load_yaml_text
    from ncpi.check.validate import comment_problems

    text = "reinspection:\n  summary:\n    first: text #a\ninspection:\n  - text #b\n"
    loaded, _ = load_yaml_text(text.encode(), "kent.yaml")
    assert len(loaded.comments_after_plain_text) == 2
    assert comment_problems(loaded) == []


def test_a_refused_mapping_is_one_problem_not_one_per_key_it_held(project_from):
    # The merge key is refused, so force has no slug or name: that is not said again.
    project = project_from("valid")
    _edit(
        project,
        [("force:\n  slug: kent\n  name: Kent Police\n", "force:\n  <<: {slug: kent, name: K}\n")],
    )
    result = _validate(project)
    assert result.stdout.splitlines() == [
        "reports/kent.yaml:4:3: force: merge keys ('<<') are not allowed in a report: write the "
        "keys out"
    ]


def test_every_text_problem_has_its_code_and_each_text_is_checked(project_from):
    """The JSON's codes, for tools; and a second text with the same problem is not missed."""
    project = project_from("valid")
    _edit(
        project,
        [
            ("    - Risks were recorded in every case we examined.", '    - "Risks\\u0007"'),
            ("    - Some checks were late.", '    - "Some\\uFDD0 checks"'),
            ("    - Progress is good.", "    - Progress is good #mostly"),
            ("    - We will return.", "    - We will\u200b return."),
            ("    - Most cases were handled well.", "    - Most cases ☃ were handled well."),
            ("    - Officers now record risks.", "    - Officers [record](ftp://x) risks."),
            ("    - Checks are mostly on time.", '    - "TODO: the finding"'),
        ],
    )
    problems = json.loads(_validate(project, "--format", "json").stdout)
    assert [(p["path"], p["code"]) for p in problems] == [
        ("reinspection.findings[0].paragraphs[0]", "link"),
        ("reinspection.findings[1].paragraphs[0]", "blank"),
        ("reinspection.progress[0].evidence[0]", "control"),
        ("reinspection.progress[1].evidence[0]", "control"),
        ("reinspection.conclusion[0]", "comment-in-text"),
        ("reinspection.next_steps[0]", "invisible"),
        ("case_audit.paragraphs[0]", "font"),
    ]


def test_without_the_common_data_the_reports_are_still_checked(project_from):
    project = project_from("valid")
    project.common_path.unlink()
    _edit(project, [("status: final", "status: finale")])
    result = _validate(project, "--format", "json")
    assert result.exit_code == 1
    assert [
        (p["file"], p["line"], p["column"], p["path"], p["code"], p["message"])
        for p in json.loads(result.stdout)
    ] == [
        ("reports/_common.yaml", 1, 1, "", "missing-common", "the common data file is missing"),
        (
            "reports/kent.yaml",
            2,
            9,
            "status",
            "unknown-value",
            "'finale' is not one of: draft, final. Did you mean 'final'?",
        ),
    ]


def test_a_fault_in_ncpi_is_one_located_problem_and_the_other_reports_go_on(
    project_from, monkeypatch
):
    # No real input should reach this safety net; a fault is injected to show it holds.
    from ncpi.check import validate as checking

    project = project_from("valid")
    (project.reports_dir / "essex.yaml").write_bytes((REPO / "reports" / "essex.yaml").read_bytes())
    real_check_report = checking.check_report

    def failing_for_kent(report, loaded, common, slug):
        if slug == "kent":
            raise RuntimeError("a fault")
        return real_check_report(report, loaded, common, slug)

    monkeypatch.setattr(checking, "check_report", failing_for_kent)
    result = _validate(project, "--format", "json")
    problems = json.loads(result.stdout)
    assert result.exit_code == 1
    assert [(p["file"], p["line"], p["column"], p["path"], p["code"]) for p in problems] == [
        ("reports/essex.yaml", 31, 7, "inspection.findings[0]", "long-sentence"),
        ("reports/essex.yaml", 75, 12, "reinspection.fieldwork.start", "late-revisit"),
        ("reports/kent.yaml", 1, 1, "", "internal-error"),
    ]
    assert problems[2]["message"] == (
        "ncpi could not check this file (RuntimeError: a fault); please report this as a bug "
        "in ncpi"
    )


def test_a_file_that_is_not_yaml_does_not_hide_the_other_reports_problems(project_from):
    project = project_from("valid")
    (project.reports_dir / "essex.yaml").write_bytes((REPO / "reports" / "essex.yaml").read_bytes())
    (project.reports_dir / "kent.yaml").write_bytes(b"status: [final\n")
    problems = json.loads(_validate(project, "--format", "json").stdout)
    assert [(p["file"], p["code"]) for p in problems] == [
        ("reports/essex.yaml", "long-sentence"),
        ("reports/essex.yaml", "late-revisit"),
        ("reports/kent.yaml", "yaml-syntax"),
    ]


def test_a_build_checks_only_the_templates_it_renders(project_from):
    # validate reports every template of the project's; a build reports those it uses.
    from ncpi.check.validate import check_project

    project = project_from("valid")
    (project.root / "templates").mkdir()
    (project.root / "templates" / "unused.html.j2").write_text("{% if %}\n", "utf-8")
    assert [p.code for p in check_project(project).problems] == ["template"]
    assert check_project(project, dry_run=False).problems == []


def test_only_an_unquoted_number_is_told_to_be_put_in_quotes(project_from):
    # A quoted one made a number by its tag is in quotes already: saying so would mislead.
    project = project_from("valid")
    _edit(
        project,
        [
            (
                "  headline: Kent Police is making progress in protecting children",
                '  headline: !!int "5"',
            ),
            ("    - Inspectors found progress.", "    - 5"),
        ],
    )
    assert _validate(project).stdout.splitlines() == [
        "reports/kent.yaml:65:13: press_release.headline: should be text, not a number",
        "reports/kent.yaml:67:7: press_release.paragraphs[0]: '5' was read as a number, not "
        'text: put it in quotes: "5"',
    ]


def test_reports_are_not_checked_against_common_data_that_has_errors(project_from):
    """A rule that needs the common data waits until it is free of problems, so that a mistake
    there is not echoed in every report."""
    project = project_from("valid")
    _edit(project, [("      - I am pleased.\n", "      - I am pleased, says HMICFRS.\n")])
    assert "names HMICFRS, but on 2016-02-10" in _validate(project).stdout
    _common(project, "notes:\n", "notes:\n  unused: [{since: 2014-01-01, text: a}]\n")
    _common(project, "notes:\n", "notes:\n  unused: [{since: 2014-01-01, text: b}]\n")
    output = _validate(project).stdout
    assert "duplicate key 'unused'" in output
    assert "names HMICFRS" not in output
