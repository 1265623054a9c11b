"""`ncpi export --docx`: the report as a Word document, with tracked changes since a draft."""

from __future__ import annotations

import shutil
import subprocess

import docx
import pytest
from docx.oxml.ns import qn

from support import edit, invoke

WORD = ("Essex Police is firmly committed", "Essex Police is firmly and visibly committed")


def _revisions(path) -> tuple[int, int]:
    """How many w:ins and w:del revisions the document body holds."""
    body = docx.Document(str(path)).element.body
    return len(body.findall(".//" + qn("w:ins"))), len(body.findall(".//" + qn("w:del")))


def _assert_footer(document, *expected: str) -> None:
    """The footer's parts in order: its words, and the names of the fields Word fills in."""
    footer = document.sections[0].footer.paragraphs[0]._p
    parts = [
        child.get(qn("w:instr")) if child.tag == qn("w:fldSimple") else child.findtext(qn("w:t"))
        for child in footer
        if child.tag in (qn("w:fldSimple"), qn("w:r"))
    ]
    assert parts == list(expected)


def test_the_report_as_word_has_its_headings_tables_and_page_numbers(project_from):
    project = project_from()
    result = invoke(project, "export", "essex", "--docx")
    assert result.exit_code == 0, result.output
    path = project.build_dir / "essex" / "essex-report.docx"
    assert result.output == "wrote build/essex/essex-report.docx\n"
    document = docx.Document(str(path))
    styles = [(p.style.name, p.text) for p in document.paragraphs]
    assert styles[0] == ("Title", "Essex – National Child Protection Re-inspection")
    headings = [text for style, text in styles if style == "Heading 1"]
    assert headings[:3] == ["Summary", "1 Introduction", "2 Context for the force"]
    assert "Annex A Methodology" in headings
    assert next(text for style, text in styles if style == "List Number").startswith(
        "R1 Immediately, Essex Police should"
    )
    quoted = [text for style, text in styles if style == "Intense Quote"]
    assert len(quoted) == 5  # each recommendation's box
    [table] = document.tables
    assert [cell.text for cell in table.rows[0].cells] == [
        "Recommendation",
        "Area",
        "Timescale",
        "Progress",
    ]
    assert len(table.rows) == 6
    _assert_footer(document, "Page ", "PAGE", " of ", "NUMPAGES")
    assert document.core_properties.language == "en-GB"
    assert _revisions(path) == (0, 0)
    # The same report gives the same bytes.
    first = path.read_bytes()
    assert invoke(project, "export", "essex", "--docx").exit_code == 0
    assert path.read_bytes() == first
    assert invoke(project, "clean").exit_code == 0 and not project.build_dir.exists()


def test_the_changes_since_a_draft_are_word_revisions(project_from, tmp_path):
    project = project_from()
    sent = tmp_path / "sent.yaml"
    shutil.copy(project.report_path("essex"), sent)
    edit(project.report_path("essex"), *WORD)
    result = invoke(project, "export", "essex", "--docx", "--from", str(sent))
    assert result.exit_code == 0, result.output
    path = project.build_dir / "essex" / "essex-report.docx"
    assert _revisions(path) == (1, 0)  # " and visibly", inserted
    assert "(1 tracked change(s) since" in result.output
    body = docx.Document(str(path)).element.body
    [inserted] = body.findall(".//" + qn("w:ins"))
    assert inserted.get(qn("w:author")) == "ncpi"
    assert "".join(t.text for t in inserted.iter(qn("w:t"))) == " and visibly"
    # A status changed: its two places in the report (the summary's table and the area's
    # assessment) are each a deletion and an insertion.
    edit(project.report_path("essex"), "      status: limited progress", "      status: met")
    assert invoke(project, "export", "essex", "--docx", "--from", str(sent)).exit_code == 0
    assert _revisions(path) == (3, 2)
    body = docx.Document(str(path)).element.body
    deleted = ["".join(t.text for t in e.iter(qn("w:delText"))) for e in body.iter(qn("w:del"))]
    assert set(deleted) == {"Limited progress"}


def test_the_welsh_edition_as_word_with_its_changes(project_from, tmp_path):
    project = project_from("shipped")
    sent = tmp_path / "dyfed-powys.cy.yaml"
    shutil.copy(project.welsh_path("dyfed-powys"), sent)
    edit(
        project.welsh_path("dyfed-powys"), "wedi gwneud gwelliannau", "wedi gwneud gwelliannau mawr"
    )
    result = invoke(project, "export", "dyfed-powys", "--docx", "--welsh", "--from", str(sent))
    assert result.exit_code == 0, result.output
    path = project.build_dir / "dyfed-powys" / "dyfed-powys-report-cy.docx"
    assert result.output.startswith("wrote build/dyfed-powys/dyfed-powys-report-cy.docx (1 ")
    document = docx.Document(str(path))
    styles = [(p.style.name, p.text) for p in document.paragraphs]
    assert styles[0][1].startswith("Dyfed-Powys – Arolygiad Cenedlaethol Amddiffyn Plant")
    headings = [text for style, text in styles if style == "Heading 1"]
    assert headings[:2] == ["Crynodeb", "1 Cyflwyniad"]
    assert document.core_properties.language == "cy-GB"
    lang = document.styles["Normal"].element.rPr.find(qn("w:lang"))
    assert lang.get(qn("w:val")) == "cy-GB"  # Word checks the spelling in Welsh
    _assert_footer(document, "Tudalen ", "PAGE", " o ", "NUMPAGES")
    [inserted] = document.element.body.findall(".//" + qn("w:ins"))
    assert "".join(t.text for t in inserted.iter(qn("w:t"))) == " mawr"
    assert not (project.build_dir / "dyfed-powys" / "dyfed-powys-report.docx").exists()
    assert invoke(project, "clean").exit_code == 0 and not project.build_dir.exists()


@pytest.mark.process
def test_libreoffice_opens_it(project_from, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed here")
    project = project_from("shipped")
    sent = tmp_path / "dyfed-powys.cy.yaml"
    shutil.copy(project.welsh_path("dyfed-powys"), sent)
    edit(
        project.welsh_path("dyfed-powys"), "wedi gwneud gwelliannau", "wedi gwneud gwelliannau mawr"
    )
    asked = [["essex"], ["dyfed-powys", "--welsh", "--from", str(sent)]]
    for arguments in asked:
        assert invoke(project, "export", *arguments, "--docx").exit_code == 0
    documents = [
        project.build_dir / "essex" / "essex-report.docx",
        project.build_dir / "dyfed-powys" / "dyfed-powys-report-cy.docx",
    ]
    done = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            *map(str, documents),
        ],
        capture_output=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr
    # Its headings, and its footer with Word's page fields filled in.
    expected = [("Summary", "Page 1 of "), ("Crynodeb", "Tudalen 1 o ")]
    for document, (heading, footer) in zip(documents, expected, strict=True):
        pdf = tmp_path / document.with_suffix(".pdf").name
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
        assert heading in text and footer in text, text[:800]
