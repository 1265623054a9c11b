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
    footer = document.sections[0].footer.paragraphs[0]._p
    assert footer.find(qn("w:fldSimple")).get(qn("w:instr")) == "PAGE"
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


@pytest.mark.process
def test_libreoffice_opens_it(project_from, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed here")
    project = project_from()
    assert invoke(project, "export", "essex", "--docx").exit_code == 0
    done = subprocess.run(
        [
            soffice,
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(project.build_dir / "essex" / "essex-report.docx"),
        ],
        capture_output=True,
        timeout=120,
    )
    assert done.returncode == 0 and (tmp_path / "essex-report.pdf").is_file()
