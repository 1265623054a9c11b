"""PDF/UA properties of every built PDF, read back with pikepdf."""

from __future__ import annotations

import itertools

import pikepdf
import pytest

# Every test here reads PDFs that its `pdf` fixture builds (by name, so not seen by conftest).
pytestmark = pytest.mark.pdf

DOCUMENTS = [
    ("essex_build", "essex-report.pdf"),
    ("essex_build", "essex-press-release.pdf"),
    ("kent_build", "kent-report.pdf"),
    ("welsh_build", "dyfed-powys-report-cy.pdf"),
    ("welsh_build", "dyfed-powys-press-release-cy.pdf"),
]


def _elements(pdf):
    """(type, element) for every linked structure element, in document order."""
    found = []

    def walk(node):
        if isinstance(node, pikepdf.Array):
            for item in node:
                walk(item)
        elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
            found.append((str(node.S), node))
            walk(node.get("/K"))

    walk(pdf.Root.StructTreeRoot.K)
    return found


def _text_of(element) -> str:
    return str(element.get("/T", "")) or str(element.get("/Alt", ""))


def _outline_titles(pdf):
    with pdf.open_outline() as outline:
        titles = []

        def walk(items, depth):
            for item in items:
                titles.append((depth, item.title))
                walk(item.children, depth + 1)

        walk(outline.root, 1)
    return titles


@pytest.fixture(params=DOCUMENTS, ids=[d[1] for d in DOCUMENTS])
def pdf(request):
    built = request.getfixturevalue(request.param[0])
    with pikepdf.open(built[request.param[1]]) as document:
        yield document


def test_tagged_marked_language_title(pdf, request):
    assert "/StructTreeRoot" in pdf.Root
    assert bool(pdf.Root.MarkInfo.Marked)
    name = request.node.callspec.params["pdf"][1]
    assert str(pdf.Root.Lang) == ("cy" if name.endswith("-cy.pdf") else "en-GB")
    assert str(pdf.docinfo["/Title"])
    assert bool(pdf.Root.ViewerPreferences.DisplayDocTitle)  # the title is the window title
    with pdf.open_metadata() as xmp:
        assert xmp.get("pdfuaid:part") == "1"


def test_headings_start_at_h1_and_skip_no_level(pdf):
    levels = [int(kind[2]) for kind, _ in _elements(pdf) if kind in ("/H1", "/H2", "/H3", "/H4")]
    assert levels and levels[0] == 1
    for before, after in itertools.pairwise(levels):
        assert after <= before + 1, levels


def test_bookmarks_follow_the_headings(pdf):
    levels = [int(kind[2]) for kind, _ in _elements(pdf) if kind in ("/H1", "/H2", "/H3")]
    outline = _outline_titles(pdf)
    assert [depth for depth, _ in outline] == levels


def test_every_figure_has_alternative_text(pdf):
    for kind, element in _elements(pdf):
        if kind == "/Figure":
            assert len(str(element.get("/Alt", ""))) > 20


def test_table_header_cells_are_th(pdf):
    kinds = [kind for kind, _ in _elements(pdf)]
    if "/Table" in kinds:
        assert "/TH" in kinds and "/THead" in kinds


def test_all_fonts_embedded(pdf):
    for page in pdf.pages:
        for font in page.Resources.Font.values():
            descriptor = font.get("/FontDescriptor") or font.DescendantFonts[0].FontDescriptor
            assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


def test_page_numbers_and_running_header_are_artifacts(pdf):
    # Every text-showing operator is inside marked content: text in the top or bottom margin
    # (the running header and "Page N of M") inside /Artifact, the rest inside tagged content.
    height = float(pdf.pages[0].MediaBox[3])
    margins = 0
    for page in pdf.pages:
        stack, y, scale = [], 0.0, 1.0
        for operands, operator in pikepdf.parse_content_stream(page):
            name = str(operator)
            if name in ("BMC", "BDC"):
                stack.append(str(operands[0]))
            elif name == "EMC":
                stack.pop()
            elif name == "cm" and float(operands[0]) not in (0.0, 1.0):
                scale = float(operands[0])
            elif name == "Tm":
                y = float(operands[5]) * scale
            elif name in ("Tj", "TJ"):
                assert stack, "text outside marked content"
                if "/Figure" in stack:
                    continue  # a chart's labels, in the chart's own coordinates
                in_margin = y < 60 or y > height - 45
                margins += in_margin
                assert (stack[-1] == "/Artifact") == in_margin, (y, stack[-1])
    assert margins >= len(pdf.pages) - 1
