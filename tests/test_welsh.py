"""Welsh editions: the pair of files checked with located errors, both languages built, no
English template text in a Welsh edition, Welsh dates and counts, the catalogue complete."""

from __future__ import annotations

import datetime as dt
import re
from io import BytesIO
from pathlib import Path

import pikepdf
import pytest
from babel.messages.pofile import read_po

from ncpi.check.validate import check_project
from ncpi.render.languages import LANGUAGES
from ncpi.render.templating import builtin_templates_dir

from support import edit, invoke
from support.pdftools import flowing_text

ENGLISH = "reports/dyfed-powys.yaml"
WELSH = "reports/dyfed-powys.cy.yaml"
CATALOGUE = builtin_templates_dir() / "locale" / "cy" / "LC_MESSAGES" / "ncpi.po"
ENGLISH_MONTHS_AND_DAYS = re.compile(
    r"\b(January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
)


def _line(project, name: str, text: str, after: str | None = None) -> int:
    """The 1-based line of `name` holding `text` (the first after the line holding `after`)."""
    lines = (project.root / name).read_text("utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if after in line) if after else 0
    return next(i for i, line in enumerate(lines) if i >= start and text in line) + 1


def _problems(project, code: str | None = None):
    result = check_project(project, ["dyfed-powys"])
    return [p for p in result.problems if code is None or p.code == code], result


def test_the_shipped_pair_passes_and_makes_a_welsh_edition(project_from):
    problems, result = _problems(project_from("shipped"))
    assert [p for p in problems if p.severity != "acknowledged"] == []
    welsh = result.welsh["dyfed-powys"]
    assert welsh.press_release.headline.startswith("Dyfed-Powys yn gwella")
    english = result.reports["dyfed-powys"]
    # The facts are the English file's: written once.
    assert welsh.reinspection.fieldwork == english.reinspection.fieldwork
    assert [p.status for p in welsh.reinspection.progress] == [
        p.status for p in english.reinspection.progress
    ]
    assert result.welsh_common.inspectorates[0].name == "Arolygiaeth Cwnstabliaeth Ei Mawrhydi"


def test_a_missing_welsh_paragraph_is_an_error_where_it_is_missing(project_from):
    project = project_from("shipped")
    second = (
        "    - >-\n"
        "      Nid yw’n perfformio’n dda eto mewn rhai meysydd pwysig: mae oedi o hyd gydag\n"
        "      archwiliadau meddygol fforensig ac archwilio dyfeisiau electronig, ac mae plant"
        " yn dal i\n      gael eu cadw yn y ddalfa dros nos pan nad oes angen.\n"
    )
    edit(project.root / WELSH, second, "")
    [problem], _ = _problems(project, "welsh-missing")
    english_line = _line(project, ENGLISH, "It is still not performing well") - 1
    assert (problem.file, problem.line, problem.path) == (
        WELSH,
        _line(project, WELSH, "Mae Heddlu Dyfed-Powys wedi gwneud gwelliannau") - 1,
        "reinspection.summary[0]",
    )
    assert problem.message == (
        f"Paragraph 2 is missing here: the English has it ({ENGLISH}:{english_line}); "
        "give it in Welsh"
    )
    # The pair is published together: neither edition is built while it is wrong.
    assert "dyfed-powys" not in _problems(project)[1].welsh


def test_a_list_item_only_in_welsh_is_an_error_in_the_english_file(project_from):
    project = project_from("shipped")
    last = (
        "    - rhai camau i wella gwaith yr heddlu yn erbyn y rhai sy’n camfanteisio’n rhywiol"
        " ar blant\n"
    )
    edit(project.root / WELSH, last, last + "    - eitem ychwanegol\n")
    [problem], _ = _problems(project, "english-missing")
    assert (problem.file, problem.line, problem.path) == (
        ENGLISH,
        _line(project, ENGLISH, "- some steps to improve the force's action"),
        "press_release.pleased[4]",
    )
    welsh_line = _line(project, WELSH, "- eitem ychwanegol")
    assert problem.message == (
        f"List item 6 is missing here: the Welsh has it ({WELSH}:{welsh_line}); give it in "
        "English too, or remove it from the Welsh"
    )


def test_a_missing_key_a_fact_repeated_and_items_out_of_order_are_located(project_from):
    project = project_from("shipped")
    edit(project.root / WELSH, "  next_steps:\n", "  next_stepz:\n")
    edit(project.root / WELSH, "inspection:\n", "status: final\n\ninspection:\n")
    edit(project.root / WELSH, "    - id: R1\n", "    - id: R9\n")
    problems, result = _problems(project)
    found = {(p.file, p.line, p.code, p.message) for p in problems if p.severity == "error"}
    assert (
        WELSH,
        _line(project, WELSH, "status: final"),
        "welsh-extra",
        f"'status' is the same in both languages: write it once, in {ENGLISH}, and remove it here",
    ) in found
    assert (
        WELSH,
        _line(project, WELSH, "next_stepz:"),
        "welsh-extra",
        "unknown key 'next_stepz': remove it, or check its spelling",
    ) in found
    missing = [p for p in problems if p.code == "welsh-missing"]
    assert [p.message.split(" is missing")[0] for p in missing] == ["'next_steps'"]
    assert f"({ENGLISH}:{_line(project, ENGLISH, 'next_steps:')})" in missing[0].message
    order = [p for p in problems if p.code == "welsh-order"]
    assert [(p.line, p.path) for p in order] == [
        (_line(project, WELSH, "- id: R9"), "inspection.recommendations[0].id")
    ]
    assert order[0].message.startswith("is R9 here, but item 1 of the English is R1 (")
    assert "dyfed-powys" not in result.welsh


def test_welsh_text_that_is_not_text_is_located(project_from):
    project = project_from("shipped")
    edit(
        project.root / WELSH,
        "    title: Arolygydd Cwnstabliaeth Ei Mawrhydi\n  summary:",
        "    title: 12\n  summary:",
    )
    [problem], _ = _problems(project, "welsh-text")
    assert (problem.line, problem.path, problem.message) == (
        _line(project, WELSH, "title: 12"),
        "reinspection.inspector.title",
        "should be the Welsh text, not a number",
    )


@pytest.mark.process
def test_a_welsh_force_without_its_welsh_file_is_warned_and_refused_when_final(project_from):
    project = project_from("shipped")
    project.welsh_path("dyfed-powys").unlink()
    [warning], _ = _problems(project, "welsh-edition")
    assert (warning.file, warning.line, warning.severity) == (
        ENGLISH,
        _line(project, ENGLISH, "force:"),
        "warning",
    )
    assert "Dyfed-Powys Police is a Welsh force" in warning.message
    assert "reports/dyfed-powys.cy.yaml does not exist yet" in warning.message
    assert invoke(project, "validate", "dyfed-powys").exit_code == 0
    assert invoke(project, "validate", "dyfed-powys", "--strict").exit_code == 1
    refused = invoke(project, "build", "dyfed-powys", "--final")
    assert refused.exit_code == 1
    assert "--final refuses to build one language without the other" in refused.output
    # An English force is never asked for Welsh.
    assert not [p for p in check_project(project, ["essex"]).problems if p.code == "welsh-edition"]


def test_a_welsh_file_needs_the_welsh_common_data(project_from):
    project = project_from("shipped")
    project.welsh_common_path.unlink()
    [problem], result = _problems(project, "welsh-common")
    assert (problem.file, problem.line) == (WELSH, 1)
    assert "reports/_common.cy.yaml does not exist" in problem.message
    assert "dyfed-powys" not in result.welsh and "dyfed-powys" in result.reports


def test_a_welsh_note_missing_from_the_welsh_common_data_is_located(project_from):
    project = project_from("shipped")
    edit(project.root / "reports/_common.cy.yaml", "  out-of-hours:\n", "  out-of-hourz:\n")
    problems, result = _problems(project)
    messages = {(p.file, p.code, p.message.split(" is missing")[0]) for p in problems}
    assert ("reports/_common.cy.yaml", "welsh-missing", "'out-of-hours'") in messages
    assert ("reports/_common.yaml", "english-missing", "'out-of-hourz'") in messages
    assert result.welsh_common is None


def test_welsh_files_are_not_reports_and_list_shows_the_welsh_edition(project_from):
    project = project_from("shipped")
    assert project.report_slugs() == ["dyfed-powys", "essex"]
    listed = invoke(project, "list", "--format", "json")
    assert listed.exit_code == 0, listed.output
    import json

    rows = {row["slug"]: row for row in json.loads(listed.stdout)}
    assert rows["dyfed-powys"]["welsh"] == "not built"
    assert rows["gwent"]["welsh"] is None  # no report at all
    assert rows["essex"]["welsh"] is None  # an English force
    table = invoke(project, "list")
    line = next(line for line in table.stdout.splitlines() if line.startswith("dyfed-powys"))
    assert "Welsh: not built" in line


def test_the_catalogue_has_every_text_of_the_templates_in_welsh():
    """As `scripts/update_catalogue.py` would write it: no entry missing, stale or empty."""
    from ncpi.render.languages import document_messages

    catalogue = read_po(BytesIO(CATALOGUE.read_bytes()), locale="cy")
    entries = {message.id: message.string for message in catalogue if message.id}
    assert set(entries) == set(document_messages(builtin_templates_dir()))
    assert [text for text, welsh in entries.items() if not welsh] == []
    for text, welsh in entries.items():  # the same placeholders, or the render fails
        assert sorted(re.findall(r"%\(\w+\)s", text)) == sorted(re.findall(r"%\(\w+\)s", welsh))


def test_welsh_dates_counts_and_lists():
    welsh = LANGUAGES["cy"]
    assert welsh.month_year(dt.date(2016, 9, 12)) == "Medi 2016"
    assert welsh.date_range(dt.date(2016, 9, 12), dt.date(2016, 9, 16)) == "12–16 Medi 2016"
    assert (
        welsh.date_range(dt.date(2015, 6, 29), dt.date(2015, 7, 3))
        == "29 Mehefin – 3 Gorffennaf 2015"
    )
    assert (
        welsh.date_range(dt.date(2015, 12, 30), dt.date(2016, 1, 2))
        == "30 Rhagfyr 2015 – 2 Ionawr 2016"
    )
    assert welsh.during(dt.date(2019, 1, 24), dt.date(2019, 1, 24)) == "ar 24 Ionawr 2019"
    assert welsh.during(dt.date(2016, 9, 12), dt.date(2016, 9, 16)) == "o 12 i 16 Medi 2016"
    assert (
        welsh.embargo_line(dt.datetime(2016, 12, 14, 0, 1))
        == "Embargo tan 00:01 dydd Mercher 14 Rhagfyr 2016"
    )
    assert welsh.counted(1, "recommendation") == "un argymhelliad"
    assert welsh.counted(2, "recommendation") == "dau argymhelliad"
    assert welsh.counted(5, "recommendation") == "pum argymhelliad"
    assert welsh.counted(2, "case file") == "dwy ffeil achos"
    assert welsh.counted(3, "case file") == "tair ffeil achos"
    assert welsh.counted(20, "case file") == "20 ffeil achos"
    assert welsh.number_words(5) == "pump" and welsh.number_words(6) == "chwech"
    assert welsh.join_words(["da", "angen gwella", "annigonol"], "or") == (
        "da, angen gwella neu annigonol"
    )
    assert welsh.join_words(["x", "ymchwilio"]) == "x ac ymchwilio"
    assert welsh.join_words(["x", "rheoli"]) == "x a rheoli"
    assert welsh.and_before("ymrwymiad clir") == "; ac"
    assert welsh.and_before("mwy o swyddogion") == "; a"


# Built in both languages: read back.


def test_both_editions_are_written_with_names_that_say_the_language(welsh_build):
    assert sorted(welsh_build) == sorted(
        f"dyfed-powys-{document}{language}.{extension}"
        for language in ("", "-cy")
        for document, extension in (
            ("report", "html"),
            ("report", "pdf"),
            ("press-release", "txt"),
            ("press-release", "html"),
            ("press-release", "pdf"),
        )
    )
    for name in ("dyfed-powys-report-cy.html", "dyfed-powys-press-release-cy.html"):
        assert '<html lang="cy">' in welsh_build[name].read_text("utf-8")
    for name in ("dyfed-powys-report.html", "dyfed-powys-press-release.html"):
        assert '<html lang="en-GB">' in welsh_build[name].read_text("utf-8")


def _visible_text(html: str) -> str:
    html = re.sub(r"<(style|script)[^>]*>.*?</\1>", " ", html, flags=re.DOTALL)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.process
def test_the_welsh_editions_hold_no_english_template_text(welsh_build):
    catalogue = read_po(BytesIO(CATALOGUE.read_bytes()), locale="cy")
    # Every run of English a template writes, between its placeholders: runs of three words
    # or more, as "Met" could be Welsh and "of the" is in the English title of a publication
    # that a Welsh note to editors names.
    english = {
        part.strip(" ,.:;()–")
        for message in catalogue
        if message.id and not message.id.startswith("https://")
        for part in re.split(r"%\(\w+\)s", message.id)
        if len(part.strip(" ,.:;()–").split()) >= 3
    }
    texts = {
        "report PDF": flowing_text(welsh_build["dyfed-powys-report-cy.pdf"]),
        "press release PDF": flowing_text(welsh_build["dyfed-powys-press-release-cy.pdf"]),
        "press release text": welsh_build["dyfed-powys-press-release-cy.txt"].read_text("utf-8"),
        "report HTML": _visible_text(welsh_build["dyfed-powys-report-cy.html"].read_text("utf-8")),
        "press release HTML": _visible_text(
            welsh_build["dyfed-powys-press-release-cy.html"].read_text("utf-8")
        ),
    }
    for where, text in texts.items():
        squashed = re.sub(r"\s+", " ", text)
        assert [part for part in english if part in squashed] == [], where
        assert ENGLISH_MONTHS_AND_DAYS.findall(squashed) == [], where
    report = re.sub(r"\s+", " ", texts["report PDF"])
    assert "Tudalen 2 o" in report and "Page " not in report
    assert "10–13 Awst 2015" in report and "O 10 i 13 Awst 2015, dychwelodd HMIC" in report
    assert "Cynnydd yn erbyn chwe argymhelliad arolygiad 2014" in report
    assert "Cynnwys" in report and "Atodiad A Methodoleg" in report
    release = texts["press release text"]
    assert release.startswith("Dyfed-Powys yn gwella’r ffordd y mae’n amddiffyn plant\n")
    assert "Ym mis Awst 2015, cynhaliodd Arolygiaeth Cwnstabliaeth Ei Mawrhydi (HMIC)" in release
    assert "Dywedodd Dru Sharpling, Arolygydd Cwnstabliaeth Ei Mawrhydi:" in release
    # The download link on the web page, in Welsh too.
    assert re.search(
        r"Lawrlwytho’r adroddiad \(PDF, \d+ tudalen, [\d,]+ KB\)", texts["report HTML"]
    )


def _outline(path):
    with pikepdf.open(path) as pdf, pdf.open_outline() as outline:
        shape = []

        def walk(items, depth):
            for item in items:
                shape.append(depth)
                walk(item.children, depth + 1)

        walk(outline.root, 1)
        return shape, str(pdf.Root.Lang)


def test_the_english_and_welsh_reports_have_the_same_outline(welsh_build):
    english, english_lang = _outline(welsh_build["dyfed-powys-report.pdf"])
    welsh, welsh_lang = _outline(welsh_build["dyfed-powys-report-cy.pdf"])
    assert (english_lang, welsh_lang) == ("en-GB", "cy")
    assert len(english) > 5 and welsh == english


def test_the_welsh_pdfs_pass_the_pdf_ua_1_validator(welsh_build):
    import page

    for name in ("dyfed-powys-report-cy.pdf", "dyfed-powys-press-release-cy.pdf"):
        report = page.validate_pdf(str(welsh_build[name]), profile="ua1")
        assert [f"{f.rule_id}: {f.message}" for f in report.failures] == [], name


@pytest.mark.process
@pytest.mark.usefixtures("stand_in_pdfs")
def test_an_edit_to_the_welsh_file_rebuilds_only_the_welsh_edition(project_from):
    project = project_from("shipped")
    built = invoke(project, "build", "dyfed-powys")
    assert built.exit_code == 0, built.output
    assert "2 built" in built.output
    again = invoke(project, "build", "dyfed-powys")
    assert "0 built, 2 up to date" in again.output
    edit(project.root / WELSH, "gyflymach ar yr oedi", "gyflymach ar bob oedi")
    edited = invoke(project, "build", "dyfed-powys", "-v")
    assert "1 built, 1 up to date" in edited.output, edited.output
    html = (project.build_dir / "dyfed-powys" / "dyfed-powys-report-cy.html").read_text("utf-8")
    assert "gyflymach ar bob oedi" in html


def test_new_welsh_starts_the_welsh_file_whose_only_problems_are_its_blanks(project_from):
    import yaml

    project = project_from("shipped")
    shipped = yaml.safe_load(project.welsh_path("dyfed-powys").read_text("utf-8"))
    project.welsh_path("dyfed-powys").unlink()
    made = invoke(project, "new", "dyfed-powys", "--welsh")
    assert made.exit_code == 0, made.output
    assert "wrote reports/dyfed-powys.cy.yaml" in made.stdout
    text = project.welsh_path("dyfed-powys").read_text("utf-8")
    assert text.startswith("# yaml-language-server: $schema=../schema/report.cy.schema.json\n")
    problems, _ = _problems(project)
    errors = [p for p in problems if p.severity == "error"]
    assert errors and {p.code for p in errors} == {"blank"}
    assert {p.file for p in errors} == {WELSH}
    headline = next(p for p in errors if p.path == "press_release.headline")
    assert headline.message == (
        "not filled in yet: in Welsh: Dyfed-Powys improving how it protects children"
    )

    # One blank for each text the shipped translation gives (not the ids that match items).
    def texts(node, key=None):
        if isinstance(node, dict):
            return sum(texts(value, name) for name, value in node.items())
        if isinstance(node, list):
            return sum(texts(item, key) for item in node)
        return int(isinstance(node, str) and key not in ("id", "area", "recommendation"))

    assert len(errors) == texts(shipped) == 40
    again = invoke(project, "new", "dyfed-powys", "--welsh")
    assert again.exit_code == 1 and "already exists" in again.stderr
    assert project.welsh_path("dyfed-powys").read_text("utf-8") == text
    without = invoke(project, "new", "north-wales", "--welsh")
    assert without.exit_code == 1
    assert "reports/north-wales.yaml does not exist" in without.stderr


@pytest.mark.pdf
@pytest.mark.process
def test_a_welsh_re_inspection_with_one_recommendation(project_from):
    """The matrix's Gwent: the singular sentences and a re-inspection's title, in Welsh."""
    import shutil

    from ncpi.build.pipeline import Run, build_targets
    from ncpi.build.targets import Target

    from support import MATRIX

    project = project_from("shipped")
    for name in ("gwent.yaml", "gwent.cy.yaml"):
        shutil.copy(MATRIX / name, project.reports_dir / name)
    targets = [Target("gwent", kind, "cy") for kind in ("report", "press-release")]
    outcomes = build_targets(project, targets, run=Run(rebuild=True, in_process=True))
    assert [o.state for o in outcomes] == ["built", "built"], [o.reason for o in outcomes]
    folder = project.build_dir / "gwent"
    report = re.sub(r"\s+", " ", flowing_text(folder / "gwent-report-cy.pdf"))
    assert "Gwent – Ailarolygiad Cenedlaethol Amddiffyn Plant" in report
    assert "Cynnydd yn erbyn argymhelliad arolygiad 2016" in report
    assert "Gwnaed un argymhelliad:" in report
    assert "O 23 i 26 Ionawr 2017, dychwelodd HMIC i’r heddlu i gynnal ailarolygiad" in report
    assert "Argymhelliad o adroddiad arolygiad 2016" in report
    assert "Aeth yr ailarolygiad ar drywydd argymhelliad Arolygiad Cenedlaethol" in report
    assert "mewn un maes o daith y plentyn: cyswllt cyntaf." in report
    release = (folder / "gwent-press-release-cy.txt").read_text("utf-8")
    assert "i wirio’r cynnydd yn erbyn argymhelliad a wnaed i wella arferion" in release
    assert (
        "  - bod swyddogion bellach yn siarad â phlant mewn digwyddiadau cam-drin domestig.\n"
        in (release)
    )
    assert ENGLISH_MONTHS_AND_DAYS.findall(release + report) == []


@pytest.mark.process
def test_each_edition_names_and_links_the_other(welsh_build):
    """English points to Welsh and Welsh to English: the web pages to each other's page beside
    them, the report PDFs to the other's public address, the press release PDFs and texts by
    name."""
    from support.pdftools import link_addresses, page_texts, squash

    files = welsh_build
    words = {
        ("report", "en"): "This report is also available in Welsh",
        ("report", "cy"): "Mae’r adroddiad hwn ar gael yn Saesneg hefyd",
        ("press-release", "en"): "This press release is also available in Welsh",
        ("press-release", "cy"): "Mae’r datganiad i’r wasg hwn ar gael yn Saesneg hefyd",
    }
    suffix = {"en": "", "cy": "-cy"}
    other = {"en": "cy", "cy": "en"}
    for (kind, language), sentence in words.items():
        html = files[f"dyfed-powys-{kind}{suffix[language]}.html"]
        other_html = f"dyfed-powys-{kind}{suffix[other[language]]}.html"
        link = f'<a href="{other_html}" hreflang="{other[language]}">{sentence}</a>'
        assert link in html.read_text("utf-8")
        assert (html.parent / other_html).is_file()
        pdf = files[f"dyfed-powys-{kind}{suffix[language]}.pdf"]
        assert sentence in squash(page_texts(pdf)[0])
        if kind == "press-release":
            text = files[f"dyfed-powys-press-release{suffix[language]}.txt"].read_text("utf-8")
            assert f"\n\n{sentence}.\n\n" in text
    # The report PDFs link the other edition's public address, never a file.
    publications = "https://www.justiceinspectorates.gov.uk/hmic/publications/dyfed-powys-"
    english = link_addresses(files["dyfed-powys-report.pdf"])
    welsh = link_addresses(files["dyfed-powys-report-cy.pdf"])
    assert (
        f"{publications}arolygiad-cenedlaethol-amddiffyn-plant-adolygiad-ol-arolygiad/" in english
    )
    assert f"{publications}national-child-protection-inspection-post-inspection-review/" in welsh


def test_an_english_only_force_names_no_other_edition(essex_build):
    for name, path in essex_build.items():
        if path.suffix in (".html", ".txt"):
            text = path.read_text("utf-8")
            assert "other-edition" not in text and "also available in" not in text, name


def _project_catalogue(project, entries: str) -> Path:
    """A project's own Welsh catalogue (it wins over ncpi's), holding these entries."""
    path = project.templates_dir / "locale" / "cy" / "LC_MESSAGES" / "ncpi.po"
    path.parent.mkdir(parents=True)
    header = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
    path.write_text(header + entries, "utf-8")
    return path


def test_a_catalogues_translation_is_text_escaped_in_the_html(project_from):
    project = project_from("shipped")
    _project_catalogue(
        project, 'msgid "Get the report"\nmsgstr "<script>alert(1)</script> & Cael"\n'
    )
    result = invoke(project, "press-release", "dyfed-powys")
    assert result.exit_code == 0, result.output + result.stderr
    folder = project.build_dir / "dyfed-powys"
    html = (folder / "dyfed-powys-press-release-cy.html").read_text("utf-8")
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Cael" in html
    text = (folder / "dyfed-powys-press-release-cy.txt").read_text("utf-8")
    assert "<script>alert(1)</script> & Cael" in text  # plain text stays as written


@pytest.mark.parametrize(
    "translation, mistake",
    [
        ("100% o’r", "the translation has a '%' that is not a placeholder such as '%(count)s'"),
        ("%(cyfrif)s", "the translation has %(cyfrif)s, which the English text does not"),
    ],
)
def test_a_bad_percent_in_a_catalogue_is_reported_at_its_line(project_from, translation, mistake):
    project = project_from("shipped")
    _project_catalogue(
        project,
        'msgid "Press release"\nmsgstr "Datganiad i’r wasg"\n\n'
        f'msgid "Get the report"\nmsgstr "{translation}"\n',
    )
    result = invoke(project, "validate")
    assert result.exit_code == 1
    assert f"templates/locale/cy/LC_MESSAGES/ncpi.po:8:1: template: {mistake}" in result.output, (
        result.output
    )


@pytest.mark.long
def test_new_welsh_never_writes_a_file_validate_would_refuse_to_read(project_from):
    from ncpi.check.loading import MAX_FILE_BYTES

    project = project_from("shipped")
    (project.reports_dir / "dyfed-powys.cy.yaml").unlink()
    english = project.reports_dir / "dyfed-powys.yaml"
    text = english.read_text("utf-8")
    many = "".join(f"    - Paragraph {n} of a long report.\n" for n in range(24_000))
    at = text.index("  paragraphs:\n", text.index("press_release:")) + len("  paragraphs:\n")
    english.write_text(text[:at] + many + text[at:], "utf-8")
    assert english.stat().st_size < MAX_FILE_BYTES
    result = invoke(project, "new", "dyfed-powys", "--welsh")
    assert result.exit_code == 1
    assert "reports/dyfed-powys.cy.yaml would be " in result.output
    assert f"over the {MAX_FILE_BYTES:,} that validate reads" in result.output
    assert not (project.reports_dir / "dyfed-powys.cy.yaml").exists()


def _languages_of_parts(path: Path) -> list[tuple[str, str]]:
    """(tag, /Lang) of each structure element that has its own language."""
    found = []
    with pikepdf.open(path) as pdf:
        pending = [pdf.Root.StructTreeRoot]
        while pending:
            element = pending.pop()
            if "/S" in element and "/Lang" in element:
                found.append((str(element.S), str(element.Lang)))
            kids = element.get("/K")
            kids = kids if isinstance(kids, pikepdf.Array) else [kids]
            pending += [kid for kid in kids if isinstance(kid, pikepdf.Dictionary)]
    return found


def test_an_english_title_in_a_welsh_pdf_is_tagged_as_english(welsh_build):
    # The HTML marks it <span lang="en-GB">; WeasyPrint left it out of the PDF's tags, so a
    # screen reader read "In harm's way" with Welsh sounds.
    welsh = _languages_of_parts(welsh_build["dyfed-powys-press-release-cy.pdf"])
    assert welsh and set(welsh) == {("/Span", "en-GB")}, welsh
    assert "In harm’s way" in flowing_text(welsh_build["dyfed-powys-press-release-cy.pdf"])
    # The English edition is in one language: nothing of it has its own.
    assert _languages_of_parts(welsh_build["dyfed-powys-press-release.pdf"]) == []
