"""The press release reproduces HMIC's published Essex release, in text, HTML and PDF."""

from __future__ import annotations

import html
import re

import pytest

from support import GOLDEN
from support.pdftools import flowing_text, squash

EXPECTED = (GOLDEN / "essex-press-release.txt").read_text(encoding="utf-8")


def _fragments(text: str) -> list[str]:
    """Each paragraph, and each note without its number (HTML numbers notes as a list)."""
    fragments = []
    for paragraph in text.split("\n\n"):
        if re.match(r"\s*1\. ", paragraph.lstrip("\n")):
            fragments += [
                re.sub(r"^\s*\d+\. ", "", line) for line in paragraph.strip().splitlines()
            ]
        elif paragraph.strip():
            fragments.append(squash(paragraph))
    return fragments


ESSEX_URL = (
    "https://www.justiceinspectorates.gov.uk/hmic/publications/"
    "essex-national-child-protection-re-inspection/"
)


def test_text_equals_the_published_release_byte_for_byte(essex_build):
    """The published text, plus the report's public address under each "Get the report" title.

    The release was published on the web, where the title was a link; an email edition
    carries the address itself, on its own line so that mail programs make it a link. The
    web page headed the notes "Notes to editors", which the copied text lost; the text edition
    has the heading on the blank line before them.
    """
    produced = essex_build["essex-press-release.txt"].read_bytes()
    title_and_address = "Essex – National Child Protection Re-inspection\n" + ESSEX_URL + "\n"
    assert produced.count(title_and_address.encode()) == 2
    assert produced.count(b"\n\nNotes to editors\n\n  1. ") == 1
    without_address = produced.replace(f"{ESSEX_URL}\n".encode(), b"")
    as_published = without_address.replace(b"Notes to editors\n", b"")
    assert as_published == EXPECTED.encode("utf-8") + b"\n"


def test_html_contains_the_same_text(essex_build):
    page = essex_build["essex-press-release.html"].read_text(encoding="utf-8")
    body = page.split("<body", 1)[1]
    # Inline elements join their text to its neighbours; every other tag separates words.
    body = re.sub(r"</?(?:span|a|em|strong|abbr)\b[^>]*>", "", body)
    visible = squash(html.unescape(re.sub(r"<[^>]+>", " ", body)))
    fragments = _fragments(EXPECTED)
    assert len(fragments) == 21
    for fragment in fragments:
        assert fragment in visible, fragment[:80]


def test_html_get_the_report_links_to_the_public_report(essex_build):
    page = essex_build["essex-press-release.html"].read_text(encoding="utf-8")
    assert (
        page.count(f'<a href="{ESSEX_URL}">Essex – National Child Protection Re-inspection</a>')
        == 2
    )
    assert '<html lang="en-GB">' in page


@pytest.mark.process
def test_pdf_contains_the_same_text(essex_build):
    text = flowing_text(essex_build["essex-press-release.pdf"])
    for fragment in _fragments(EXPECTED):
        assert fragment in text, fragment[:80]


def test_pdf_links_to_the_public_report_never_to_a_local_file(essex_build):
    import pikepdf

    with pikepdf.open(essex_build["essex-press-release.pdf"]) as pdf:
        uris = [
            str(annot.A.URI)
            for page in pdf.pages
            for annot in page.get("/Annots", [])
            if "/A" in annot and "/URI" in annot.A
        ]
    assert uris == [ESSEX_URL, ESSEX_URL]


def test_lists_of_findings_are_punctuated(kent_build):
    text = kent_build["kent-press-release.txt"].read_text(encoding="utf-8")
    assert (
        "Inspectors were pleased to find:\n\n  - risks recorded;\n"
        "  - checks mostly on time; and\n  - good leadership.\n"
    ) in text
    assert "Kent – National Child Protection Inspection Post-Inspection Review" in text


@pytest.mark.process
def test_a_telephone_number_never_breaks_across_lines(project_from):
    """Twenty paragraphs, each putting the number a word further along the line: wherever
    it falls, its three groups stay on one line (without the rule, several break)."""
    from support import edit, invoke
    from support.pdftools import page_texts

    project = project_from()
    paragraphs = "".join(f"    - Call{' us' * n} on 07836 217 729.\n" for n in range(20, 40))
    edit(
        project.report_path("essex"),
        "  paragraphs:\n    - >-\n      Inspectors were most",
        "  paragraphs:\n" + paragraphs + "    - >-\n      Inspectors were most",
    )
    result = invoke(project, "press-release", "essex")
    assert result.exit_code == 0, result.output
    pdf = project.build_dir / "essex" / "essex-press-release.pdf"
    lines = [line for page in page_texts(pdf) for line in page.splitlines()]
    assert sum("07836 217 729" in line for line in lines) == 21  # the 20 and out-of-hours
    page = (project.build_dir / "essex" / "essex-press-release.html").read_text("utf-8")
    assert page.count('<span class="nowrap">07836 217 729</span>') == 21
