"""Case examples and commended practice: boxed in their area, and never identifying a child."""

from __future__ import annotations

import pytest

from ncpi.check.anonymity import identifying_text

from support import edit, invoke

FINDINGS = "        - Officers now record risks.\n"


def _with_case_example(project, *paragraphs: str, title: str = "a missing teenager") -> None:
    lines = "".join(f"            - {paragraph}\n" for paragraph in paragraphs)
    edit(
        project.reports_dir / "kent.yaml",
        FINDINGS,
        FINDINGS
        + f"      case_examples:\n        - title: {title}\n          paragraphs:\n{lines}",
    )


IDENTIFYING = [
    ("Jack, aged 7, was missing for a day.", "'Jack, aged 7' looks like a name with an age"),
    ("Jack (7) was found at a friend's house.", "'Jack (7)' looks like a name with an age"),
    ("Officers found 14-year-old Jack at night.", "'14-year-old Jack' looks like an age with"),
    ("Mrs Patel called the police.", "'Mrs Patel' looks like a person's name"),
    ("She was born on 3 May 2009.", "'born on 3 May' looks like a date of birth"),
    ("Her date of birth was not recorded.", "'date of birth' looks like a date of birth"),
    ("The family lived at 12 Acacia Avenue.", "'12 Acacia Avenue' looks like an address"),
    ("The family moved to CM1 1AB.", "'CM1 1AB' looks like a postcode"),
    ("She attends St Mary's Primary School.", "'St Mary's Primary School' looks like a school"),
    ("Her mother's number, 07700 900 123, was given.", "'07700 900 123' looks like a telephone"),
    ("He wrote to jack@example.org for help.", "'jack@example.org' looks like an email"),
]


@pytest.mark.parametrize(("text", "expected"), IDENTIFYING, ids=[e[1][:24] for e in IDENTIFYING])
def test_identifying_text_in_a_case_example_is_one_located_error(project_from, text, expected):
    project = project_from("valid")
    _with_case_example(project, "A girl went missing twice.", text)
    result = invoke(project, "validate")
    lines = [line for line in result.output.splitlines() if "case_examples" in line]
    assert result.exit_code == 1
    assert len(lines) == 1, result.output
    assert lines[0].startswith(
        "reports/kent.yaml:43:15: reinspection.findings[0].case_examples[0].paragraphs[1]: "
    ), lines[0]
    assert expected in lines[0] and "must not identify the child" in lines[0]


def test_the_title_of_a_case_example_is_checked_too(project_from):
    project = project_from("valid")
    _with_case_example(project, "A girl went missing twice.", title="Jack, aged 7")
    result = invoke(project, "validate")
    assert "reinspection.findings[0].case_examples[0].title: 'Jack, aged 7'" in result.output


ANONYMISED = [
    "A 14-year-old girl was reported missing three times in a month.",
    "Child A, aged 14, was found each time by officers.",
    "Officers spoke to a seven-year-old boy away from his parents.",
    "The mother called the police in May 2016; a teacher at the school had raised concerns.",
    "The Police and Crime Commissioner funds a specialist officer.",
    "She was born in another country and had been in care since she was ten.",
]


@pytest.mark.parametrize("text", ANONYMISED)
def test_anonymised_words_are_not_mistaken_for_identifying_ones(text):
    assert identifying_text(text) is None


def test_a_valid_case_example_and_practice_are_boxed_in_their_area(project_from):
    project = project_from("valid")
    _with_case_example(project, "A 14-year-old girl went missing three times in a month.")
    edit(
        project.reports_dir / "kent.yaml",
        "      case_examples:\n",
        "      practice:\n        - kind: innovative\n          title: a missing-child hub\n"
        "          paragraphs:\n            - The hub reviews every missing child each day.\n"
        "      case_examples:\n",
    )
    result = invoke(project, "validate")
    assert result.exit_code == 0, result.output
    result = invoke(project, "build", "kent")
    assert result.exit_code == 0, result.output
    html = (project.build_dir / "kent" / "kent-report.html").read_text("utf-8")
    area = html.split('id="initial-contact-heading"', 1)[1].split("</section>", 1)[0]
    assert '<div class="case-example">\n<h4>Case example: a missing teenager</h4>' in area
    assert '<div class="practice">\n<h4>Innovative practice: a missing-child hub</h4>' in area
    # After the findings they illustrate, before the progress they do not.
    assert area.index("Officers now record risks") < area.index("case-example")
    assert area.index("practice") < area.index("<h3>Progress</h3>")


def test_a_practice_box_names_one_of_the_three_kinds(project_from):
    project = project_from("valid")
    edit(
        project.reports_dir / "kent.yaml",
        FINDINGS,
        FINDINGS + "      practice:\n        - kind: good\n          title: a hub\n"
        "          paragraphs:\n            - The hub works.\n",
    )
    result = invoke(project, "validate")
    assert result.exit_code == 1
    assert (
        "reports/kent.yaml:40:17: reinspection.findings[0].practice[0].kind: 'good' is not one "
        "of: promising, innovative, notable."
    ) in result.output


@pytest.mark.pdf
def test_the_welsh_edition_boxes_its_own_case_example_and_practice(project_from):
    project = project_from("shipped")
    english = "          the behaviour and demeanour of the children present.\n"
    welsh = "          well yr hyn a welant o ymddygiad ac ymarweddiad y plant sy’n bresennol.\n"
    boxes = (
        "      case_examples:\n        - title: {case}\n          paragraphs:\n"
        "            - {text}\n"
        "      practice:\n        - kind: promising\n          title: {practice}\n"
        "          paragraphs:\n            - {how}\n"
    )
    edit(
        project.reports_dir / "dyfed-powys.yaml",
        english,
        english
        + boxes.format(
            case="a boy at a domestic abuse incident",
            text="Officers spoke to a nine-year-old boy and recorded what he said.",
            practice="a card for each child present",
            how="Officers fill in a card for each child at the incident.",
        ),
    )
    edit(
        project.reports_dir / "dyfed-powys.cy.yaml",
        welsh,
        welsh
        # The kind is written once, in English: the Welsh gives only what it translates.
        + boxes.replace("- kind: promising\n          title", "- title").format(
            case="bachgen mewn digwyddiad cam-drin domestig",
            text="Siaradodd swyddogion â bachgen naw oed a chofnodi’r hyn a ddywedodd.",
            practice="cerdyn ar gyfer pob plentyn sy’n bresennol",
            how="Mae swyddogion yn llenwi cerdyn ar gyfer pob plentyn yn y digwyddiad.",
        ),
    )
    result = invoke(project, "build", "dyfed-powys")
    assert result.exit_code == 0, result.output
    folder = project.build_dir / "dyfed-powys"
    cy = (folder / "dyfed-powys-report-cy.html").read_text("utf-8")
    en = (folder / "dyfed-powys-report.html").read_text("utf-8")
    assert "<h4>Enghraifft o achos: bachgen mewn digwyddiad cam-drin domestig</h4>" in cy
    assert "<h4>Arfer addawol: cerdyn ar gyfer pob plentyn sy’n bresennol</h4>" in cy
    assert "<h4>Case example: a boy at a domestic abuse incident</h4>" in en
    assert "<h4>Promising practice: a card for each child present</h4>" in en


def test_a_welsh_case_example_that_names_the_child_is_an_error_in_the_welsh_file(project_from):
    project = project_from("shipped")
    english = "          the behaviour and demeanour of the children present.\n"
    welsh = "          well yr hyn a welant o ymddygiad ac ymarweddiad y plant sy’n bresennol.\n"
    case = (
        "      case_examples:\n        - title: {title}\n          paragraphs:\n"
        "            - {text}\n"
    )
    edit(
        project.reports_dir / "dyfed-powys.yaml",
        english,
        english + case.format(title="a boy", text="Officers spoke to a nine-year-old boy."),
    )
    edit(
        project.reports_dir / "dyfed-powys.cy.yaml",
        welsh,
        welsh + case.format(title="bachgen", text="Siaradodd swyddogion â Jack, aged 9."),
    )
    result = invoke(project, "validate")
    assert result.exit_code == 1
    [line] = [line for line in result.output.splitlines() if "case_examples" in line]
    assert line.startswith(
        "reports/dyfed-powys.cy.yaml:76:15: reinspection.findings[0].case_examples[0]."
        "paragraphs[0]: 'Jack, aged 9' looks like a name with an age"
    ), line
