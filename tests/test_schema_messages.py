"""Every kind of schema and YAML-type mistake, with its exact place and plain-words message.

One line per kind, so that changing a message's wording or its place is a visible decision.
"""

from __future__ import annotations

import json

import pytest

from conftest import invoke

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
            "embargo, headline, paragraphs, pleased, concerned, quote, notes.",
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
