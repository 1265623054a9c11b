"""The HTML edition as a web page: a header, a footer with the licence, a link to its PDF, and
the PDF's typeface; none of it in the PDF itself."""

from __future__ import annotations

import base64
import re
import sys

import pytest

from support import REPO


def _html(built, slug="essex", kind="report"):
    return built[slug][f"{slug}-{kind}.html"].read_text("utf-8")


def test_a_header_names_the_inspectorate_and_a_footer_gives_the_licence(matrix_build):
    built, _ = matrix_build
    essex = _html(built)
    header = re.search(r'<header class="site-header web-only">(.*?)</header>', essex, re.S)
    assert "HM Inspectorate of Constabulary" in header.group(1)
    footer = re.search(r'<footer class="site-footer web-only">(.*?)</footer>', essex, re.S)
    assert "© HMIC 2016" in footer.group(1)
    assert "Open Government Licence v3.0</a> except where otherwise stated" in footer.group(1)
    assert 'href="https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"' in (
        footer.group(1)
    )
    # Named as on the publication date: a 2019 report's page is HMICFRS's.
    assert "© HMICFRS 2019" in _html(built, "cumbria")
    assert (
        "Fire &amp; Rescue Services"
        in _html(built, "cumbria", "press-release").split("</header>")[0]
    )


@pytest.mark.parametrize("slug", ["essex", "gwent"])
def test_beside_the_title_a_link_to_the_pdf_with_its_pages_and_size(matrix_build, slug):
    import pikepdf

    built, _ = matrix_build
    pdf = built[slug][f"{slug}-report.pdf"]
    with pikepdf.open(pdf) as opened:
        pages = len(opened.pages)
    kb = -(-pdf.stat().st_size // 1024)
    html = _html(built, slug)
    link = (
        f'<p class="download web-only"><a href="{slug}-report.pdf" download>Download the '
        f"report (PDF, {pages} pages, {kb} KB)</a></p>"
    )
    assert link in html
    assert html.index(link) > html.index('<h1 class="cover-title">')


@pytest.mark.process
def test_none_of_the_web_page_is_in_the_pdf(matrix_build):
    from support.pdftools import page_texts

    built, _ = matrix_build
    text = "\n".join(page_texts(built["essex"]["essex-report.pdf"]))
    assert "Download the report" not in text and "Open Government Licence" not in text


def test_the_web_page_uses_the_shipped_lato(matrix_build):
    built, _ = matrix_build
    html = _html(built)
    faces = re.findall(
        r'font-style: (\w+); font-weight: (\d+);[^}]*?url\("data:font/woff;'
        r'base64,([A-Za-z0-9+/=]+)"\)',
        html,
    )
    shipped = {
        (style, weight): name
        for style, weight, name in [
            ("normal", "400", "Lato-Regular"),
            ("italic", "400", "Lato-Italic"),
            ("normal", "700", "Lato-Bold"),
            ("italic", "700", "Lato-BoldItalic"),
        ]
    }
    assert {(style, weight) for style, weight, _ in faces} == set(shipped)
    for style, weight, data in faces:
        woff = REPO / "templates" / "fonts" / "web" / f"{shipped[(style, weight)]}.woff"
        assert base64.b64decode(data) == woff.read_bytes()


@pytest.mark.long
def test_the_shipped_web_fonts_are_made_from_the_pdf_fonts():
    """scripts/make_web_fonts.py gives the committed files: they cannot drift from the TTFs."""
    sys.path.insert(0, str(REPO / "scripts"))
    try:
        from make_web_fonts import FONTS, web_font
    finally:
        sys.path.pop(0)
    for ttf in sorted(FONTS.glob("Lato-*.ttf")):
        assert web_font(ttf) == (FONTS / "web" / f"{ttf.stem}.woff").read_bytes(), ttf.name


def test_the_web_fonts_draw_welsh_and_british_punctuation():
    from fontTools.ttLib import TTFont

    for woff in sorted((REPO / "templates" / "fonts" / "web").glob("*.woff")):
        drawn = set(TTFont(woff).getBestCmap())
        assert {ord(c) for c in "ŵŷâêîôûŴŶẁẃẅỳẀẂẄỲ–—‘’“”£€…"} <= drawn, woff.name
