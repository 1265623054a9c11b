"""The Essex re-inspection report PDF, read back: pages, cover, contents, headings, tags."""

from __future__ import annotations

import re

import pikepdf
import pypdf
import pytest

from support.pdftools import flowing_text, page_texts, squash

TITLE = "Essex – National Child Protection Re-inspection"
SECTIONS = [
    "Summary",
    "1 Introduction",
    "2 Context for the force",
    "3 Initial contact",
    "4 Investigation",
    "5 Decision making",
    "6 Managing those posing a risk to children",
    "7 Leadership, management and governance",
    "8 Conclusion",
    "9 Next steps",
    "Annex A Methodology",
]


def _struct_types(pdf: pikepdf.Pdf) -> list[str]:
    """Structure element types in document order."""
    found = []

    def walk(node):
        if isinstance(node, pikepdf.Array):
            for item in node:
                walk(item)
        elif isinstance(node, pikepdf.Dictionary):
            if "/S" in node:
                found.append(str(node.S))
            if "/K" in node:
                walk(node.K)

    walk(pdf.Root.StructTreeRoot.K)
    return found


@pytest.mark.process
def test_cover_has_title_force_dates_and_copyright(essex_build):
    cover = squash(page_texts(essex_build["essex-report.pdf"])[0])
    for text in (
        "HM Inspectorate of Constabulary",
        TITLE,
        "Force Essex Police",
        "Fieldwork 12–16 September 2016",
        "Published December 2016",
        "© HMIC 2016",
    ):
        assert text in cover


@pytest.mark.process
def test_contents_page_numbers_point_at_the_sections(essex_build):
    pages = page_texts(essex_build["essex-report.pdf"])
    contents = pages[1]
    assert contents.lstrip().startswith(TITLE) and "Contents" in contents
    for section in SECTIONS:
        entry = re.search(
            re.escape(section).replace(r"\ ", r"\s+") + r"\s*\.{3,}\s*(\d+)", contents
        )
        assert entry, f"no contents entry for {section}"
        page_number = int(entry.group(1))
        heading_page = pages[page_number - 1]
        body = heading_page.split("\n", 1)[1]  # below the running header
        assert re.search(
            r"^\s*" + re.escape(section).replace(r"\ ", r"\s+") + r"\s*$", body, re.M
        ), f"{section} is not on page {page_number}"


@pytest.mark.process
def test_running_header_and_footer_on_every_page_but_the_cover(essex_build):
    pages = page_texts(essex_build["essex-report.pdf"])
    assert len(pages) >= 8
    assert "Page 1 of" not in pages[0]
    for number, text in enumerate(pages[1:], start=2):
        assert text.lstrip().startswith(TITLE)
        assert f"Page {number} of {len(pages)}" in text


@pytest.mark.process
def test_recommendations_are_quoted_with_their_timescale(essex_build):
    text = flowing_text(essex_build["essex-report.pdf"], TITLE)
    assert (
        "R3 Within three months, Essex Police should ensure that when children go missing" in text
    )
    assert "R1 Immediately, Essex Police should ensure" in text
    assert "We made five recommendations" in text


def test_metadata_title_language_and_tags(essex_build):
    path = essex_build["essex-report.pdf"]
    reader = pypdf.PdfReader(path)
    assert reader.metadata.title == TITLE
    assert reader.metadata.author == "HM Inspectorate of Constabulary"
    with pikepdf.open(path) as pdf:
        assert str(pdf.Root.Lang) == "en-GB"
        assert bool(pdf.Root.MarkInfo.Marked)
        with pdf.open_metadata() as xmp:
            assert xmp["dc:title"] == TITLE
            assert "pdfuaid:part" in str(xmp) or xmp.get("pdfuaid:part") == "1"
        types = _struct_types(pdf)
    assert types.count("/H1") == 1
    assert types.count("/H2") == len(SECTIONS) + 1  # the sections and "Contents"
    assert "/Table" in types and "/TH" in types


def test_font_is_the_bundled_lato_embedded(essex_build):
    with pikepdf.open(essex_build["essex-report.pdf"]) as pdf:
        names = set()
        for page in pdf.pages:
            for font in page.Resources.Font.values():
                names.add(str(font.BaseFont))
                descriptor = font.get("/FontDescriptor") or font.DescendantFonts[0].FontDescriptor
                assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    assert names and all("Lato" in name for name in names), names


@pytest.mark.process
def test_case_audit_is_a_table_and_a_chart_with_alt_text(kent_build):
    text = squash(" ".join(page_texts(kent_build["kent-report.pdf"])))
    assert "Case file analysis" in text
    assert "Good 20 33%" in text and "Inadequate 15 25%" in text
    page = kent_build["kent-report.html"].read_text(encoding="utf-8")
    assert (
        'alt="Bar chart of the 60 case files by grade: good 20, adequate 25, inadequate 15."'
        in page
    )


@pytest.mark.process
def test_the_summary_table_keeps_each_status_and_timescale_on_one_line(essex_build):
    """'Substantially met' and 'Within three months' wrapped onto two lines while the id
    column stood wide for 'R1' (#26): each row's status and timescale are whole on its line."""
    summary = next(page for page in page_texts(essex_build["essex-report.pdf"]) if "R1 " in page)
    rows = [line for line in summary.splitlines() if re.match(r"\s*R\d\s", line)]
    assert len(rows) == 5
    for line, status in zip(
        rows,
        ["Substantially met", "In progress", "In progress", "Limited progress", "In progress"],
        strict=True,
    ):
        assert status in line, line
        assert re.search(r"Within \w+ months|Immediately", line), line
