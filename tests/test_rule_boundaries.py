"""Each domain rule the README promises, at its edges: the cases a flipped comparison, an
off-by-one or a dropped rule would get wrong. Validation only, so these run in a second."""

from __future__ import annotations

import json

import pytest

from support import invoke


def _problems(project_from, *edits: tuple[str, str], common_edits=()) -> list[dict]:
    """Kent's fixture with each (old, new) edit made once, validated: its problems as JSON."""
    project = project_from("valid")
    for path, changes in (
        (project.report_path("kent"), edits),
        (project.common_path, common_edits),
    ):
        text = path.read_text("utf-8")
        for old, new in changes:
            assert old in text, old
            text = text.replace(old, new, 1)
        path.write_text(text, "utf-8")
    result = invoke(project, "validate", "--format", "json")
    return json.loads(result.stdout)


def _codes(problems) -> list[str]:
    return [problem["code"] for problem in problems]


def test_the_fixture_itself_is_clean(project_from):
    assert _problems(project_from) == []


# Dates -----------------------------------------------------------------------------------

REVISIT = ("  fieldwork:\n    start: 2015-11-09\n    end: 2015-11-13\n  published: 2016-02-10",)


def _revisit_on(day: str) -> tuple[str, str]:
    return (REVISIT[0], f"  fieldwork:\n    start: {day}\n    end: {day}\n  published: 2016-02-10")


def test_a_revisit_on_the_last_day_of_the_aim_is_not_late(project_from):
    # Published 2015-07-01; the aim is 183 days: 2015-12-31 is on time, a day later is late.
    assert _problems(project_from, _revisit_on("2015-12-31")) == []
    # (In 2016 the three-grade scale began, so the fixture's "adequate" is refused as well.)
    late = [
        p for p in _problems(project_from, _revisit_on("2016-01-01")) if p["code"] == "late-revisit"
    ]
    assert len(late) == 1 and late[0]["severity"] == "warning"
    assert late[0]["message"] == (
        "the follow-up began 184 days after the original report was published; the "
        "inspectorate aims to revisit within six months"
    )
    assert late[0]["path"] == "reinspection.fieldwork.start"


def test_one_day_fieldwork_is_allowed_and_an_end_before_the_start_is_not(project_from):
    assert _problems(project_from, ("    end: 2015-03-13", "    end: 2015-03-02")) == []
    backwards = _problems(project_from, ("    end: 2015-03-13", "    end: 2015-03-01"))
    assert _codes(backwards) == ["date-order"]
    assert backwards[0]["path"] == "inspection.fieldwork.end"


@pytest.mark.parametrize(
    "edit, path",
    [
        # Each event must come strictly after the one before it: the same day is an error.
        (("  published: 2015-07-01", "  published: 2015-03-13"), "inspection.published"),
        (
            (
                "    start: 2015-11-09\n    end: 2015-11-13",
                "    start: 2015-07-01\n    end: 2015-11-13",
            ),
            "reinspection.fieldwork.start",
        ),
        (("  published: 2016-02-10", "  published: 2015-11-09"), "reinspection.published"),
    ],
)
def test_an_event_on_the_same_day_as_the_one_before_is_out_of_order(project_from, edit, path):
    problems = _problems(project_from, edit)
    assert path in [p["path"] for p in problems if p["code"] == "date-order"], problems


@pytest.mark.parametrize(
    "edit",
    [
        ("  published: 2015-07-01", "  published: 2015-03-14"),
        ("  published: 2016-02-10", "  published: 2015-11-10"),
    ],
)
def test_the_day_after_is_in_order(project_from, edit):
    assert "date-order" not in _codes(_problems(project_from, edit))


# The quote -------------------------------------------------------------------------------


def test_the_speakers_title_must_be_the_inspectors(project_from):
    problems = _problems(
        project_from,
        (
            "    title: HM Inspector of Constabulary\n    paragraphs",
            "    title: HM Chief Inspector\n    paragraphs",
        ),
    )
    assert _codes(problems) == ["speaker-title"]
    assert problems[0]["path"] == "press_release.quote.title"
    assert problems[0]["message"] == (
        "the speaker's title 'HM Chief Inspector' differs from reinspection.inspector.title "
        "'HM Inspector of Constabulary'"
    )
    assert (
        "'HM Chief Inspector' differs from reinspection.inspector.title" in (problems[0]["message"])
    )


def test_a_speaker_spelt_without_the_accent_is_a_spelling_not_another_person(project_from):
    spelt = ("    speaker: Zoë Billingham", "    speaker: Zoe Billingham")
    problems = _problems(project_from, spelt)
    assert _codes(problems) == ["speaker"]
    assert "keep the name exactly as spelt" in problems[0]["message"]
    other = _problems(project_from, ("    speaker: Zoë Billingham", "    speaker: Tom Winsor"))
    assert "the follow-up was led by 'Zoë Billingham'" in other[0]["message"]


# Areas and notes -------------------------------------------------------------------------


def test_an_area_with_findings_twice_is_refused(project_from):
    problems = _problems(project_from, ("    - area: managing-risk", "    - area: initial-contact"))
    codes = _codes(problems)
    assert "duplicate-area" in codes
    duplicate = problems[codes.index("duplicate-area")]
    assert duplicate["path"] == "reinspection.findings[1].area"
    assert "has findings twice" in duplicate["message"]


def test_a_note_listed_twice_is_refused_once_at_its_first_place(project_from):
    problems = _problems(project_from, ("    - press-office", "    - ncpi-programme"))
    assert _codes(problems) == ["duplicate-note"]
    assert problems[0]["message"] == "note 'ncpi-programme' is listed 2 times"
    assert problems[0]["path"] == "press_release.notes[0]"
    assert "is listed 2 times" in problems[0]["message"]


# The headline ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headline",
    [
        "KENT is making progress in protecting children",  # case is folded
        "Progress in kent on protecting children",
    ],
)
def test_the_headline_names_the_force_in_any_case(project_from, headline):
    old = "  headline: Kent Police is making progress in protecting children"
    assert _problems(project_from, (old, f"  headline: {headline}")) == []


def test_a_headline_without_the_force_is_a_warning(project_from):
    old = "  headline: Kent Police is making progress in protecting children"
    problems = _problems(project_from, (old, "  headline: Progress in protecting children"))
    assert _codes(problems) == ["headline"] and problems[0]["severity"] == "warning"
    assert problems[0]["path"] == "press_release.headline"


# Phone numbers in the common data --------------------------------------------------------


@pytest.mark.parametrize(
    "number, valid",
    [
        ("020 3513 0600", True),  # London, 11 digits
        ("0800 123 4567", True),  # freephone, 11 digits
        ("0800 123 456", True),  # freephone, 10 digits
        ("01632 96064", True),  # a few 01 area codes have 10 digits
        ("+44 20 3513 0600", True),  # the international form
        ("07836 217 729", True),  # mobile
        ("020 3513 060", False),  # a digit short
        ("0800 12 345", False),  # a freephone number too short
        ("0203 513 06001", False),  # a digit too many
        ("0600 123 4567", False),  # no UK number starts 06
    ],
)
def test_phone_numbers_in_the_notes(project_from, number, valid):
    problems = _problems(project_from, common_edits=[("020 3513 0600", number)])
    phone = [p for p in problems if p["code"] == "phone"]
    assert (phone == []) is valid, problems
    if not valid:
        assert phone[0]["message"] == f"'{number}' is not a valid UK phone number"


# The force and the lists in messages ------------------------------------------------------


def test_a_slug_not_in_the_registry_is_refused_at_force_slug(project_from):
    problems = _problems(project_from, ("  slug: kent", "  slug: kentt"))
    unknown = [p for p in problems if p["code"] == "unknown-force"]
    assert len(unknown) == 1 and unknown[0]["path"] == "force.slug"
    assert unknown[0]["message"] == (
        "'kentt' is not a force in the registry of 43. Did you mean 'kent'?"
    )


def _unknown_progress(count: int) -> tuple[str, str]:
    """Progress entries for `count` recommendations that do not exist."""
    entries = "".join(
        f"    - recommendation: X{n}\n      status: met\n      evidence:\n        - Done.\n"
        for n in range(count)
    )
    return ("  progress:\n", "  progress:\n" + entries)


@pytest.mark.parametrize(
    "recommendations, listed, more",
    [
        (10, 10, ""),  # exactly the limit: all listed, nothing "more"
        (12, 10, " and 2 more"),
    ],
)
def test_a_long_list_in_a_message_is_cut_at_ten(project_from, recommendations, listed, more):
    """A message lists at most ten ids, then says how many more there are."""
    extra = "".join(
        f"    - id: R{n}\n      area: initial-contact\n      timescale: immediately\n"
        f"      text: ensure that {n} is done.\n"
        for n in range(3, recommendations + 1)
    )
    problems = _problems(
        project_from, ("reinspection:\n", extra + "reinspection:\n"), _unknown_progress(1)
    )
    unknown = next(p for p in problems if p["code"] == "unknown-recommendation")
    listing = unknown["message"].split(" Recommendations: ", 1)[1]
    assert listing.count("R") == listed and listing.endswith(f"R10{more}.")


def test_a_grade_off_the_years_scale_is_an_audit_grade_error(project_from):
    # Kent's follow-up was in 2015 (four grades); in 2016 "adequate" was no longer a grade.
    later = _problems(
        project_from,
        (
            "  fieldwork:\n    start: 2015-11-09\n    end: 2015-11-13",
            "  fieldwork:\n    start: 2016-01-04\n    end: 2016-01-08",
        ),
    )
    grade = [p for p in later if p["path"].startswith("case_audit")]
    assert [(p["code"], p["path"]) for p in grade] == [
        ("audit-grade", "case_audit.grades.adequate")
    ]


def test_a_file_describing_another_force_is_refused_at_its_slug(project_from):
    problems = _problems(project_from, ("  slug: kent", "  slug: essex"))
    by_code = {p["code"]: p for p in problems}
    assert by_code["slug-mismatch"]["path"] == "force.slug"
    assert by_code["slug-mismatch"]["message"] == (
        "the file is named kent.yaml but describes 'essex': rename the file or fix the slug"
    )
    assert by_code["force-name"]["path"] == "force.name"
    assert (
        "'Kent Police' is not the force's official name 'Essex Police'"
        in (by_code["force-name"]["message"])
    )


def test_a_look_alike_id_in_progress_is_named_and_the_next_entries_still_checked(project_from):
    problems = _problems(
        project_from,
        ("    - recommendation: R1\n", "    - recommendation: \u04201\n"),
        ("    - recommendation: R2\n", "    - recommendation: R9\n"),
    )
    found = {(p["path"], p["code"]): p["message"] for p in problems}
    assert found[("reinspection.progress[0].recommendation", "look-alike")] == (
        "contains U+0420 (CYRILLIC CAPITAL LETTER ER), which only looks like an ordinary "
        "character or cannot be seen: type the id again"
    )
    assert ("reinspection.progress[1].recommendation", "unknown-recommendation") in found


def test_an_unknown_id_in_progress_does_not_stop_the_entries_after_it(project_from):
    # Progress: [R9 (unknown), R1]. R1 is assessed by the second entry, so only R2 is missing.
    problems = _problems(
        project_from,
        ("    - recommendation: R1\n", "    - recommendation: R9\n"),
        ("    - recommendation: R2\n", "    - recommendation: R1\n"),
    )
    found = {(p["path"], p["code"]) for p in problems}
    assert ("reinspection.progress[0].recommendation", "unknown-recommendation") in found
    assert ("inspection.recommendations[1].id", "missing-progress") in found
    assert ("inspection.recommendations[0].id", "missing-progress") not in found


def test_a_recommendation_without_progress_is_named_with_its_code(project_from):
    problems = _problems(project_from, ("    - recommendation: R2\n", "    - recommendation: R1\n"))
    by_code = {p["code"]: p for p in problems}
    assert by_code["missing-progress"]["path"] == "inspection.recommendations[1].id"
    assert by_code["missing-progress"]["message"] == (
        "recommendation 'R2' has no progress assessment in reinspection.progress"
    )
    assert by_code["duplicate-progress"]["message"] == (
        "recommendation 'R1' is assessed more than once"
    )


def test_a_look_alike_character_without_a_name_is_called_what_it_is(project_from):
    # U+0378 is unassigned: unicodedata has no name for it.
    problems = _problems(
        project_from, ("    - recommendation: R1\n", "    - recommendation: R\u0378\n")
    )
    [look_alike] = [p for p in problems if p["code"] == "look-alike"]
    assert look_alike["message"].startswith(
        "contains U+0378 (an unassigned character), which only looks like"
    )


def test_a_recommendation_in_an_area_without_findings_is_named_with_its_code(project_from):
    problems = _problems(
        project_from,
        (
            "    - area: managing-risk\n      paragraphs:\n        - Checks are mostly on time.\n",
            "",
        ),
    )
    [missing] = [p for p in problems if p["code"] == "missing-findings"]
    assert missing["path"] == "inspection.recommendations[1].area"
    assert missing["message"] == (
        "recommendation 'R2' concerns 'managing-risk', but reinspection.findings has no "
        "findings for that area"
    )


BY_AREA = (
    "    - Most cases were handled well.\n",
    "    - Most cases were handled well.\n"
    "  by_area:\n"
    "    - area: initial-contact\n"
    "      cases: 30\n"
    "      grades: {good: 10, adequate: 20}\n"
    "    - area: initial-contact\n"
    "      cases: 20\n"
    "      grades: {good: 5}\n",
)


def test_the_audit_by_area_is_checked_row_by_row_and_in_total(project_from):
    problems = _problems(project_from, BY_AREA)
    found = {(p["path"], p["code"], p["severity"]): p["message"] for p in problems}
    assert found == {
        ("case_audit.by_area[1].area", "duplicate-area", "error"): (
            "area 'initial-contact' is listed twice"
        ),
        ("case_audit.by_area[1].grades", "audit-total", "error"): (
            "the graded cases add up to 5, but 20 cases are given for this area"
        ),
        ("case_audit.by_area", "audit-by-area-total", "warning"): (
            "the areas' cases add up to 50, but 60 cases were audited"
        ),
    }


def test_one_case_is_one_case_in_the_totals_messages(project_from):
    problems = _problems(
        project_from,
        (
            BY_AREA[0],
            BY_AREA[0] + "  by_area:\n"
            "    - area: initial-contact\n"
            "      cases: 1\n"
            "      grades: {good: 2}\n"
            "    - area: managing-risk\n"
            "      cases: 1\n"
            "      grades: {good: 1}\n",
        ),
        ("  cases: 60\n", "  cases: 1\n"),
    )
    assert {p["path"]: p["message"] for p in problems if p["code"].startswith("audit-")} == {
        "case_audit.grades": "the graded cases add up to 60, but 1 case was audited",
        "case_audit.by_area[0].grades": (
            "the graded cases add up to 2, but 1 case is given for this area"
        ),
        "case_audit.by_area": "the areas' cases add up to 2, but 1 case was audited",
    }


def test_a_grade_off_the_years_scale_in_an_area_is_located_in_that_area(project_from):
    later = _problems(
        project_from,
        BY_AREA,
        (
            "  fieldwork:\n    start: 2015-11-09\n    end: 2015-11-13",
            "  fieldwork:\n    start: 2016-01-04\n    end: 2016-01-08",
        ),
    )
    grade = [p["path"] for p in later if p["code"] == "audit-grade"]
    assert grade == ["case_audit.grades.adequate", "case_audit.by_area[0].grades.adequate"]


def test_the_inspectorate_named_in_the_quote_must_be_the_one_of_the_day(project_from):
    # Kent's release is of 2016, when the inspectorate was HMIC; HMICFRS came in 2017.
    problems = _problems(
        project_from, ("      - I am pleased.\n", "      - I am pleased, says HMICFRS.\n")
    )
    assert [(p["path"], p["code"], p["severity"], p["message"]) for p in problems] == [
        (
            "press_release.quote.paragraphs[0]",
            "inspectorate-name",
            "warning",
            "names HMICFRS, but on 2016-02-10 the inspectorate was HMIC",
        )
    ]


def test_every_paragraph_naming_another_inspectorate_is_named(project_from):
    problems = _problems(
        project_from,
        ("    - Inspectors found progress.\n", "    - HMICFRS inspectors found progress.\n"),
        ("      - There is more to do.\n", "      - HMICFRS says there is more to do.\n"),
    )
    assert [p["path"] for p in problems if p["code"] == "inspectorate-name"] == [
        "press_release.paragraphs[0]",
        "press_release.quote.paragraphs[1]",
    ]


def test_a_note_without_a_version_on_the_publication_date_is_named(project_from):
    # "In harm's way" has text from July 2015: a release of June 2015 cannot use it.
    problems = _problems(
        project_from,
        ("    - press-office", "    - in-harms-way"),
        (
            "  fieldwork:\n    start: 2015-11-09\n    end: 2015-11-13\n  published: 2016-02-10",
            "  fieldwork:\n    start: 2015-05-04\n    end: 2015-05-08\n  published: 2015-06-10",
        ),
    )
    [note] = [p for p in problems if p["code"] == "note-date"]
    assert note["message"] == (
        "note 'in-harms-way' has no text for a release published on 2015-06-10: its first "
        "version is used from 2015-07-01"
    )


# The common data's dated notes, with three names ----------------------------------------------

THREE_NAMES = """\
inspectorates:
  - {since: 2014-01-01, name: First, abbreviation: ONE, copyright: ONE, website: www.one.uk}
  - {since: 2017-07-19, name: Second, abbreviation: TWO, copyright: TWO, website: www.two.uk}
  - {since: 2020-01-01, name: Third, abbreviation: THREE, copyright: THREE, website: www.3.uk}
notes:
  history:
"""


def _common_problems(versions: str) -> list[tuple[str, str, str]]:
    """check_common's problems for the note `history` with these versions: (path, code, text)."""
    from ncpi.check.loading import load_yaml_text
    from ncpi.check.rules import check_common
    from ncpi.model import Common

    loaded, problems = load_yaml_text((THREE_NAMES + versions).encode(), "c.yaml")
    assert problems == []
    common = Common.model_validate(loaded.data)
    return [(p.path, p.code, p.message) for p in check_common(common, loaded)]


def test_each_note_version_is_checked_against_the_name_of_its_own_period():
    assert (
        _common_problems(
            "    - {since: 2010-01-01, text: Before any name; ONE's note.}\n"
            "    - {since: 2012-01-01, text: Still before any name; ONE's note.}\n"
            "    - {since: 2017-07-19, text: TWO's note.}\n"
            "    - {since: 2020-01-01, text: THREE's note.}\n"
        )
        == []
    )
    assert _common_problems(
        "    - {since: 2014-01-01, text: ONE's note.}\n"
        "    - {since: 2017-07-19, text: ONE's note still.}\n"
        "    - {since: 2020-01-01, text: TWO's note.}\n"
    ) == [
        (
            "notes.history[1].text",
            "inspectorate-name",
            "names ONE, but from 2017-07-19 the inspectorate was TWO",
        ),
        (
            "notes.history[2].text",
            "inspectorate-name",
            "names TWO, but from 2020-01-01 the inspectorate was THREE",
        ),
    ]


def test_a_note_version_used_to_this_day_across_a_change_of_name_is_named():
    assert _common_problems(
        "    - {since: 2014-01-01, text: ONE's note.}\n    - {since: 2019-01-01, text: TWO.}\n"
    ) == [
        (
            "notes.history[0].text",
            "inspectorate-name",
            "this version is used from 2014-01-01 until 2019-01-01, but the inspectorate's name "
            "changed on 2017-07-19: add a version from 2017-07-19",
        ),
        (
            "notes.history[1].text",
            "inspectorate-name",
            "this version is used from 2019-01-01 on, but the inspectorate's name changed on "
            "2020-01-01: add a version from 2020-01-01",
        ),
    ]
