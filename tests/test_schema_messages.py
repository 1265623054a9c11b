"""Every kind of schema and YAML-type mistake, with its exact place and plain-words message.

One line per kind, so that changing a message's wording or its place is a visible decision.
"""

from __future__ import annotations

import json

import pytest

from support import invoke

FINDINGS = "  findings:\n    - The inspection found that the force had improvements to make.\n"
HEADLINE = "  headline: Kent Police is making progress in protecting children\n"

CASES = [
    (
        "    adequate: 25\n",
        "    adequat: 25\n",
        (
            59,
            5,
            "case_audit.grades.adequat",
            "unknown-key",
            "'adequat' is not an allowed key here; allowed: good, adequate, requires improvement, "
            "inadequate. Did you mean 'adequate'?",
        ),
    ),
    (HEADLINE, "", (64, 1, "press_release", "missing-key", "missing required key 'headline'")),
    (
        "  headline:",
        "  headlin:",
        (
            65,
            3,
            "press_release.headlin",
            "unknown-key",
            "unknown key 'headlin'. Did you mean 'headline'?",
        ),
    ),
    (
        "  headline: Kent",
        "  headline: Kent\n  zzzz: 1\n  x_headline: Kent",
        (
            66,
            3,
            "press_release.zzzz",
            "unknown-key",
            "unknown key 'zzzz'. Valid keys here: "
            "embargo, headline, standfirst, paragraphs, pleased_lead_in, pleased, "
            "concerned_lead_in, concerned, quote, notes.",
        ),
    ),
    (
        "      status: met\n",
        "      status: metx\n",
        (
            44,
            15,
            "reinspection.progress[0].status",
            "unknown-value",
            "'metx' is not one of: not started, limited progress, in progress, substantially met, "
            "met. Did you mean 'met'?",
        ),
    ),
    (
        HEADLINE,
        "  headline:\n",
        (65, 12, "press_release.headline", "empty", "is empty: write the text here"),
    ),
    (
        "    - Progress is good.\n",
        "    - Note: progress is good.\n",
        (
            52,
            7,
            "reinspection.conclusion[0]",
            "yaml-trap",
            "'Note: progress is good.' was read as a key and its value, because of the ': ' after "
            "'Note': put the whole paragraph in quotes",
        ),
    ),
    (
        HEADLINE,
        "  headline: [a, b]\n",
        (65, 13, "press_release.headline", "wrong-type", "should be text, not a list"),
    ),
    (
        "    - id: R1\n",
        "    - id: \u04201\n",
        (
            14,
            11,
            "inspection.recommendations[0].id",
            "look-alike",
            "contains U+0420 (CYRILLIC CAPITAL LETTER ER), which only looks like an ordinary "
            "character or cannot be seen: type it again with plain letters and digits",
        ),
    ),
    (
        "    - id: R1\n",
        "    - id: R 1\n",
        (
            14,
            11,
            "inspection.recommendations[0].id",
            "invalid",
            "'R 1' is not allowed here: an id is letters, digits, '.' and '-', starting with a "
            "letter or digit",
        ),
    ),
    (
        "    - id: R1\n",
        "    - id: ' '\n",
        (14, 11, "inspection.recommendations[0].id", "empty", "should not be empty or only spaces"),
    ),
    (
        "force:\n  slug: kent\n  name: Kent Police\n",
        "force: kent\n",
        (
            3,
            8,
            "force",
            "wrong-type",
            "should be a mapping of keys ('key: value' lines), not 'kent'",
        ),
    ),
    (
        FINDINGS,
        "  findings: none\n",
        (
            11,
            13,
            "inspection.findings",
            "wrong-type",
            "should be a list (lines starting with '- '), not 'none'",
        ),
    ),
    (
        FINDINGS,
        "  findings: []\n",
        (11, 13, "inspection.findings", "empty", "needs at least one item"),
    ),
    (
        "  published: 2015-07-01\n",
        "  published: soon\n",
        (
            10,
            14,
            "inspection.published",
            "wrong-type",
            "'soon' is not a date: write it as YEAR-MONTH-DAY, e.g. 2016-09-12",
        ),
    ),
    (
        "  cases: 60\n",
        "  cases: many\n",
        (56, 10, "case_audit.cases", "wrong-type", "should be a whole number, not 'many'"),
    ),
    (
        "  cases: 60\n",
        "  cases: 0\n",
        (56, 10, "case_audit.cases", "out-of-range", "should be at least 1, not 0"),
    ),
    (
        "  cases: 60\n",
        "  cases: 60\n  zzzz: 1\n",
        (
            57,
            3,
            "case_audit.zzzz",
            "unknown-key",
            "unknown key 'zzzz'. Valid keys here: cases, grades, referred_back, paragraphs, "
            "by_area.",
        ),
    ),
    (
        "      status: met\n",
        "      statu: met\n",
        (43, 5, "reinspection.progress[0]", "missing-key", "missing required key 'status'"),
    ),
    (
        "      status: met\n",
        "      statu: met\n",
        (
            44,
            7,
            "reinspection.progress[0].statu",
            "unknown-key",
            "unknown key 'statu'. Did you mean 'status'?",
        ),
    ),
    (
        HEADLINE,
        "  headline: yes\n",
        (
            65,
            13,
            "press_release.headline",
            "yaml-trap",
            "'yes' was read as a yes/no value, not text: put it in quotes: \"yes\"",
        ),
    ),
    (
        HEADLINE,
        "  headline: ''\n",
        (65, 13, "press_release.headline", "empty", "is empty: write the text here"),
    ),
    (
        "    - Progress is good.\n",
        "    - 2015: progress was good\n",
        (
            52,
            7,
            "reinspection.conclusion[0]",
            "yaml-trap",
            "'2015: progress was good' was read as a key and its value, because of the ': ' "
            "after '2015': put the whole paragraph in quotes",
        ),
    ),
    (
        "    - Progress is good.\n",
        "    - Note:\n",
        (
            52,
            7,
            "reinspection.conclusion[0]",
            "yaml-trap",
            "'Note:' was read as a key and its value, because of the ':' after 'Note': put the "
            "whole paragraph in quotes",
        ),
    ),
    (
        "    - Progress is good.\n",
        # 50 characters: shown as its first 47 and an ellipsis.
        "    - In summary: the force made progress in most areas.\n",
        (
            52,
            7,
            "reinspection.conclusion[0]",
            "yaml-trap",
            "'In summary: the force made progress in most are…' was read as a key and its value, "
            "because of the ': ' after 'In summary': put the whole paragraph in quotes",
        ),
    ),
    (
        FINDINGS,
        "  findings: yes\n",
        (
            11,
            13,
            "inspection.findings",
            "wrong-type",
            "should be a list (lines starting with '- '), not a yes/no value",
        ),
    ),
    (
        FINDINGS,
        "  findings:\n",
        (
            11,
            12,
            "inspection.findings",
            "wrong-type",
            "should be a list (lines starting with '- '), not empty",
        ),
    ),
    (
        "    - id: R1\n",
        '    - id: "\\u00a0"\n',  # a no-break space: not a look-alike, only a space
        (14, 11, "inspection.recommendations[0].id", "empty", "should not be empty or only spaces"),
    ),
    (
        "    - id: R1\n",
        '    - id: "R\\n1"\n',
        (
            14,
            11,
            "inspection.recommendations[0].id",
            "look-alike",
            "contains a line break (U+000A): write it on one line, without a line break",
        ),
    ),
    (
        "  headline: Kent",
        "  embargo: 2019-03-05 24:00\n  headline: Kent",
        (
            65,
            12,
            "press_release.embargo",
            "wrong-type",
            "'2019-03-05 24:00' is not a time: the day has no 24:00; midnight at its end is "
            "2019-03-06 00:00 (or write 2019-03-05 23:59)",
        ),
    ),
    (
        "  headline: Kent",
        "  embargo: 5 March 2019\n  headline: Kent",
        (
            65,
            12,
            "press_release.embargo",
            "wrong-type",
            "'5 March 2019' is not a date and time: write it as YEAR-MONTH-DAY HH:MM, UK time, "
            "e.g. 2016-12-14 00:01",
        ),
    ),
    (
        "    - id: R1\n",
        '    - id: "R\\ue0001"\n',  # a private-use character, which has no name
        (
            14,
            11,
            "inspection.recommendations[0].id",
            "look-alike",
            "contains U+E000 (a private-use character), which only looks like an ordinary "
            "character or cannot be seen: type it again with plain letters and digits",
        ),
    ),
    (
        "  grades:\n    good: 20\n    adequate: 25\n    inadequate: 15\n",
        "  grades: 5\n",
        (
            57,
            11,
            "case_audit.grades",
            "wrong-type",
            "should be a mapping of keys ('key: value' lines), not a number",
        ),
    ),
    (
        "  cases: 60\n",
        "  cases: 1.5\n",
        (56, 10, "case_audit.cases", "wrong-type", "should be a whole number, not '1.5'"),
    ),
    (
        "  cases: 60\n",
        "  cases: .nan\n",
        (56, 10, "case_audit.cases", "wrong-type", "should be a whole number, not '.nan'"),
    ),
    (
        "  cases: 60\n",
        "  cases: yes\n",
        (56, 10, "case_audit.cases", "wrong-type", "should be a whole number, not 'yes'"),
    ),
    (
        "  cases: 60\n",
        "  cases: [60]\n",
        (56, 10, "case_audit.cases", "wrong-type", "should be a whole number, not a list"),
    ),
    (
        HEADLINE,
        "  headline: {Kent: 1, Police: 2}\n",
        (65, 13, "press_release.headline", "wrong-type", "should be text, not a mapping of keys"),
    ),
    (
        "  cases: 60\n",
        "  cases: '60'\n",
        (
            56,
            10,
            "case_audit.cases",
            "wrong-type",
            "'60' is in quotes, so it is text: write the number without quotes",
        ),
    ),
]


@pytest.mark.parametrize(
    "old, new, expected", CASES, ids=[case[2][3] + ":" + case[2][2] for case in CASES]
)
def test_each_kind_of_mistake_is_told_in_plain_words_at_its_place(project_from, old, new, expected):
    project = project_from("valid")
    path = project.report_path("kent")
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")
    result = invoke(project, "validate", "--format", "json")
    found = [
        (p["line"], p["column"], p["path"], p["code"], p["message"])
        for p in json.loads(result.stdout)
    ]
    assert expected in found, found
    assert result.exit_code == 1


def test_an_unknown_key_in_a_note_of_the_common_data_lists_the_valid_keys(project_from):
    """The notes are a mapping by id of lists of versions: the keys are found through both."""
    project = project_from("valid")
    text = project.common_path.read_text("utf-8")
    old = "  ncpi-programme:\n    - since: 2014-01-01\n"
    assert old in text
    project.common_path.write_text(text.replace(old, old + "      zzzz: 1\n", 1), "utf-8")
    result = invoke(project, "validate", "--format", "json")
    found = [(p["path"], p["code"], p["message"]) for p in json.loads(result.stdout)]
    assert found == [
        (
            "notes.ncpi-programme[0].zzzz",
            "unknown-key",
            "unknown key 'zzzz'. Valid keys here: since, text.",
        )
    ]


def test_a_mistake_of_a_kind_without_its_own_message_is_still_told_at_its_place():
    """pydantic's own words, with what was found: for a type a future model may add."""
    from pydantic import BaseModel

    from ncpi.check.loading import load_yaml_text
    from ncpi.check.schema import check_schema

    class WithFlag(BaseModel):
        flag: bool

    loaded, problems = load_yaml_text(b"flag: perhaps\n", "x.yaml")
    assert problems == []
    model, problems = check_schema(loaded, WithFlag)
    assert model is None
    assert [(p.line, p.column, p.message, p.code) for p in problems] == [
        (
            1,
            7,
            "Input should be a valid boolean, unable to interpret input (found 'perhaps')",
            "invalid",
        )
    ]


def test_the_keys_of_a_mapping_are_found_through_lists_unions_and_notes():
    from pydantic import BaseModel

    from ncpi.model import CaseAudit, Common, NoteVersion, Recommendation, Report
    from ncpi.model_walk import model_at as _model_at

    class Part(BaseModel):
        text: str

    class ModelSecond(BaseModel):
        part: int | Part
        parts: int | list[Part]

    assert _model_at(Report, ("case_audit",)) is CaseAudit
    assert _model_at(Report, ("inspection", "recommendations", 0)) is Recommendation
    assert _model_at(Common, ("notes", "any-id", 0)) is NoteVersion
    assert _model_at(ModelSecond, ("part",)) is Part
    assert _model_at(ModelSecond, ("parts", 0)) is Part
    # Nothing there: a list index into a mapping, a key into a list, an unknown key, text.
    assert _model_at(Report, ("inspection", 0)) is None
    assert _model_at(Report, ("inspection", "recommendations", "x")) is None
    assert _model_at(Report, ("inspection", "x")) is None
    assert _model_at(Report, ("press_release", "headline")) is None
