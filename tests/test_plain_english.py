"""Plain English, as GOV.UK asks: warnings at the line, which a report may acknowledge."""

from __future__ import annotations

import json

import pytest

from ncpi.check.plain_english import sentences

from support import edit, invoke

PARAGRAPH = "    - Inspectors found progress.\n"


def _warnings(project) -> list[tuple[int, str, str]]:
    """(line, code, message) of every warning validate gives."""
    result = invoke(project, "validate", "--format", "json")
    return [
        (p["line"], p["code"], p["message"])
        for p in json.loads(result.stdout)
        if p["severity"] == "warning"
    ]


def _kent_saying(project_from, paragraph: str):
    project = project_from("valid")
    edit(project.report_path("kent"), PARAGRAPH, f"    - {paragraph}\n")
    return project


def test_a_plain_report_has_no_warning(project_from):
    assert _warnings(project_from("valid")) == []


def test_a_sentence_over_25_words_is_a_warning_at_its_line(project_from):
    long = " ".join(["Word"] + ["word"] * 25) + "."
    project = _kent_saying(project_from, f"Short one. {long} {long}")
    assert _warnings(project) == [
        (
            67,
            "long-sentence",
            f"a sentence of 26 words (and 1 more): '{long[:59]}…'; GOV.UK advises 25 at most: "
            "split it",
        )
    ]
    # 25 words is within the advice.
    path = project.report_path("kent")
    path.write_text(path.read_text("utf-8").replace(long, long.replace(" word.", ".")), "utf-8")
    assert _warnings(project) == []


def test_a_paragraph_over_five_sentences_is_a_warning(project_from):
    project = _kent_saying(project_from, "One. Two. Three. Four. Five. Six.")
    assert _warnings(project) == [
        (67, "long-paragraph", "a paragraph of 6 sentences; GOV.UK advises 5 at most: split it")
    ]
    edit(project.report_path("kent"), " Six.", "")
    assert _warnings(project) == []


def test_a_word_to_avoid_is_named_with_what_to_say_instead(project_from):
    project = _kent_saying(project_from, "The force utilised a robust approach.")
    assert _warnings(project) == [
        (67, "word-to-avoid", "'utilised' is on GOV.UK's list of words to avoid: say 'use'")
    ]


@pytest.mark.parametrize(
    "paragraph, warned",
    [
        ("The MASH opened. The MASH works.", True),  # once, at its first use
        ("The multi-agency safeguarding hub (MASH) opened. The MASH works.", False),
        ("HMIC found that the UK force was better.", False),  # the inspectorate's, and known
        ("KENT is making progress.", False),  # the force's name in capitals
    ],
)
def test_an_abbreviation_is_spelt_out_at_its_first_use(project_from, paragraph, warned):
    project = _kent_saying(project_from, paragraph)
    expected = [
        (
            67,
            "abbreviation",
            "'MASH' is not spelt out at its first use in the press release: write its words and "
            "then '(MASH)' there, or add it to the glossary in reports/_common.yaml",
        )
    ]
    assert _warnings(project) == (expected if warned else [])


def test_the_glossary_gives_the_words_to_write(project_from):
    project = _kent_saying(project_from, "The MASH opened.")
    with project.common_path.open("a", encoding="utf-8") as common:
        common.write("glossary:\n  MASH: multi-agency safeguarding hub\n")
    assert _warnings(project) == [
        (
            67,
            "abbreviation",
            "'MASH' is not spelt out at its first use in the press release: write "
            "'multi-agency safeguarding hub (MASH)' there",
        )
    ]


def test_an_acknowledged_kind_is_said_once_with_its_count(project_from):
    long = " ".join(["Word"] + ["word"] * 29) + "."
    project = _kent_saying(project_from, long)
    edit(project.report_path("kent"), "    - I am pleased.\n", f"    - {long}\n")
    with project.report_path("kent").open("a", encoding="utf-8") as report:
        report.write(
            "acknowledged:\n  - code: long-sentence\n    reason: The inspector's own words.\n"
        )
    result = invoke(project, "validate", "--strict")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith(
        "reports/kent.yaml:67:7: press_release.paragraphs[0]: acknowledged warning: a sentence "
        "of 30 words"
    )
    assert lines[0].endswith(
        "(and 1 more like it in this file); accepted because: The inspector's own words."
    )
    assert lines[-1].endswith("1 acknowledged warning(s) not counted.")


def test_what_no_reader_sees_is_not_checked(project_from):
    project = project_from("valid")
    with project.report_path("kent").open("a", encoding="utf-8") as report:
        report.write(
            "review:\n  - raised_by: Kent Police\n    raised_on: 2016-01-10\n"
            "    about: press_release.headline\n    request: We utilise a robust MASH.\n"
            "    decision: rejected\n    reason: The headline is right.\n"
        )
    assert _warnings(project) == []


def test_a_sentence_ends_before_a_capital_not_after_an_abbreviation():
    assert sentences("It met, e.g. in May. Then it did not. “Yes,” it said.") == [
        "It met, e.g. in May.",
        "Then it did not.",
        "“Yes,” it said.",
    ]
