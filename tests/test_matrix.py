"""Right for every force, year, kind and count: the matrix of varied reports, built for real.

Each report under tests/matrix/reports/ (invented test data) varies what Essex does not: a
post-inspection review, 1 to 16 recommendations, 2014 to 2019 (HMIC and HMICFRS, both grading
scales), with and without a case audit (and one by area), a Welsh force, a draft, every markup,
initial inspections of both programmes (2014: the child's journey; 2024: graded topics).
Golden files hold the plain-text press release and the report's text; after a reviewed change,
regenerate them with:

    .venv/bin/python -m pytest tests/test_matrix.py --update-golden
"""

from __future__ import annotations

import re
from collections import defaultdict

import pikepdf
import pytest

from support import GOLDEN, MATRIX_SLUGS, REPO, assert_matches_golden
from support.golden import page_text
from support.pdftools import flowing_text, page_texts

MATRIX_GOLDEN = GOLDEN / "matrix"


def _outputs(matrix_build, slug):
    built, _ = matrix_build
    return built[slug]


def _text(matrix_build, slug, name) -> str:
    return _outputs(matrix_build, slug)[f"{slug}-{name}"].read_bytes().decode("utf-8")


@pytest.mark.parametrize("slug", MATRIX_SLUGS)
def test_press_release_text_is_the_reviewed_golden_text(matrix_build, update_golden, slug):
    produced = _outputs(matrix_build, slug)[f"{slug}-press-release.txt"].read_bytes()
    assert_matches_golden(produced, MATRIX_GOLDEN / f"{slug}-press-release.txt", update_golden)


def _without_stylesheets(produced: bytes, sheets: tuple[str, ...]) -> bytes:
    """The HTML with its inlined stylesheet checked, then left out of the golden file."""
    # The inlined stylesheet is templates/css/ (and the web fonts, tested in test_web_page.py):
    # checked once here, it is left out of the golden files, so a CSS edit rewrites none of them.
    style = re.search(rb"<style>(.*?)</style>", produced, re.S)
    assert style is not None
    for sheet in sheets:
        css = (REPO / "templates" / "css" / sheet).read_text("utf-8")
        assert css.split("{{")[0].strip().encode() in style.group(1), sheet
    return produced.replace(style.group(0), b"<style><!-- templates/css/ --></style>", 1)


@pytest.mark.parametrize("slug", MATRIX_SLUGS)
def test_report_html_is_the_reviewed_golden_html(matrix_build, update_golden, slug):
    """The whole HTML edition, markup and all: a template change shows here as a diff."""
    produced = _outputs(matrix_build, slug)[f"{slug}-report.html"].read_bytes()
    produced = _without_stylesheets(produced, ("base.css", "report.css"))
    assert_matches_golden(produced, MATRIX_GOLDEN / f"{slug}-report.html", update_golden)


@pytest.mark.parametrize("slug", MATRIX_SLUGS)
def test_press_release_html_is_the_reviewed_golden_html(matrix_build, update_golden, slug):
    """The web press release, whose words come from the same template as the text edition."""
    produced = _outputs(matrix_build, slug)[f"{slug}-press-release.html"].read_bytes()
    produced = _without_stylesheets(produced, ("base.css", "press-release.css"))
    assert_matches_golden(produced, MATRIX_GOLDEN / f"{slug}-press-release.html", update_golden)


@pytest.mark.parametrize("slug", MATRIX_SLUGS)
def test_report_text_is_the_reviewed_golden_text(matrix_build, update_golden, slug):
    produced = page_text(_text(matrix_build, slug, "report.html")).encode("utf-8")
    assert_matches_golden(produced, MATRIX_GOLDEN / f"{slug}-report.txt", update_golden)


# Counts -------------------------------------------------------------------------------------


def test_one_recommendation_is_singular_everywhere(matrix_build):
    report = page_text(_text(matrix_build, "gwent", "report.html"))
    release = _text(matrix_build, "gwent", "press-release.txt")
    assert "Progress against the recommendation of the 2016 inspection" in report
    assert "We made one recommendation:" in report
    assert "followed up the recommendation of HMIC’s 2016" in report
    assert "against a recommendation to improve practice" in release
    for text in (report, release):
        assert not re.search(r"\bone recommendations\b|a series of recommendations", text)


def test_counts_are_words_to_nine_and_numerals_from_ten(matrix_build):
    assert "We made 16 recommendations:" in _text(matrix_build, "lancashire", "report.html")
    assert "and referred 12 back" in _text(matrix_build, "lancashire", "report.html")
    assert "and referred two back" in _text(matrix_build, "kent", "report.html")
    assert "and referred none of them back" in _text(matrix_build, "derbyshire", "report.html")
    assert "We made nine recommendations:" in _text(matrix_build, "derbyshire", "report.html")
    assert "against two recommendations to" in _text(matrix_build, "cumbria", "press-release.txt")


# The inspectorate by date -------------------------------------------------------------------


@pytest.mark.process
def test_after_the_change_of_name_nothing_says_hmic(matrix_build):
    release = _text(matrix_build, "kent", "press-release.txt")
    cover = page_texts(_outputs(matrix_build, "kent")["kent-report.pdf"])[0]
    assert "© HMICFRS 2018" in cover and "www.justiceinspectorates.gov.uk/hmicfrs" in cover
    assert (
        "In January 2018, Her Majesty’s Inspectorate of Constabulary and Fire & Rescue "
        "Services (HMICFRS) conducted" in release
    )
    assert not re.search(r"\bHMIC\b", release)
    assert "over the last two years" not in release
    assert (
        "/hmicfrs/publications/kent-national-child-protection-inspection-post-inspection"
        "-review/" in release
    )


@pytest.mark.process
def test_each_event_is_named_by_its_own_date(matrix_build):
    kent = page_text(_text(matrix_build, "kent", "report.html"))
    # Inspected in June 2017, a month before the change of name; reviewed in 2018, after it.
    assert "In June 2017, HM Inspectorate of Constabulary (HMIC) inspected" in kent
    assert (
        "From 15 to 19 January 2018, Her Majesty’s Inspectorate of Constabulary and Fire & "
        "Rescue Services (HMICFRS) returned" in kent
    )
    assert "of HMIC’s 2017 National Child Protection Inspection" in kent
    derbyshire = _text(matrix_build, "derbyshire", "press-release.txt")
    # Fieldwork in June 2017 (HMIC), published in September 2017 (HMICFRS).
    assert "In June 2017, HM Inspectorate of Constabulary (HMIC) conducted" in derbyshire
    notes = derbyshire.split("Get the report")[-1]
    assert "HMICFRS aims to revisit" in notes and not re.search(r"\bHMIC\b", notes)
    cover = page_texts(_outputs(matrix_build, "derbyshire")["derbyshire-report.pdf"])[0]
    assert "© HMICFRS 2017" in cover


def test_before_the_change_of_name_nothing_says_hmicfrs(matrix_build):
    for slug in ("norfolk", "lancashire", "gwent", "essex"):
        for name in ("press-release.txt", "report.html"):
            assert "HMICFRS" not in _text(matrix_build, slug, name), (slug, name)


def test_a_note_is_used_only_from_its_date(matrix_build):
    norfolk = _text(matrix_build, "norfolk", "press-release.txt")  # April 2015
    assert "In harm’s way" not in norfolk
    lancashire = _text(matrix_build, "lancashire", "press-release.txt")  # May 2016
    assert "conducted over the last two years" in lancashire


# The kind -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "slug,kind,other",
    [
        ("kent", "post-inspection review", "re-inspection"),
        ("lancashire", "post-inspection review", "re-inspection"),
        ("norfolk", "re-inspection", "post-inspection review"),
    ],
)
def test_the_kind_of_follow_up_is_said_everywhere(matrix_build, slug, kind, other):
    html = _text(matrix_build, slug, "report.html")
    text = page_text(html)
    assert f"### {kind[0].upper()}{kind[1:]} findings" in text
    assert f"The {kind} followed up" in text
    assert f"returned to the force for a {kind}" in text
    description = re.search(r'<meta name="description" content="([^"]*)"', html).group(1)
    assert kind in description and other not in description
    with pikepdf.open(_outputs(matrix_build, slug)[f"{slug}-report.pdf"]) as pdf:
        subject = str(pdf.docinfo.get("/Subject", ""))
    assert kind in subject and other not in subject
    assert other.capitalize() + " findings" not in text


# What did not happen ------------------------------------------------------------------------


@pytest.mark.parametrize("slug", ["gwent", "cumbria", "essex"])
def test_without_a_case_audit_nothing_mentions_one(matrix_build, slug):
    text = page_text(_text(matrix_build, slug, "report.html"))
    assert "audited" not in text and "Case file analysis" not in text


def test_annex_a_describes_the_audit_that_happened(matrix_build):
    assert (
        "Inspectors audited 62 case files, grading each one good, adequate or inadequate."
        in page_text(_text(matrix_build, "norfolk", "report.html"))
    )
    assert (
        "grading each one good, requires improvement or inadequate, and counted the "
        "results by area" in page_text(_text(matrix_build, "kent", "report.html"))
    )


# Drafts, sub-points, repetition, the public address -----------------------------------------


def test_a_draft_text_press_release_is_marked_at_both_ends(matrix_build):
    lines = _text(matrix_build, "kent", "press-release.txt").strip().splitlines()
    assert lines[0] == lines[-1] == "DRAFT – not for publication"
    assert "DRAFT" not in _text(matrix_build, "norfolk", "press-release.txt")


@pytest.mark.process
def test_recommendation_sub_points_are_a_list(matrix_build):
    html = _text(matrix_build, "kent", "report.html")
    assert (
        "should improve its response to children who go missing from home or care, in "
        "particular by:</p><ul><li>assessing the risk to each child when the report is "
        "made;</li>"
    ) in html
    text = flowing_text(_outputs(matrix_build, "kent")["kent-report.pdf"])
    assert "in particular by: – assessing the risk" in text


def test_dates_are_not_repeated(matrix_build):
    for slug in MATRIX_SLUGS:
        text = page_text(_text(matrix_build, slug, "report.html"))
        assert not re.search(r"In \w+ \d{4} \(", text), slug
    assert "On 24 January 2019, HMICFRS returned" in page_text(
        _text(matrix_build, "cumbria", "report.html")
    )
    assert "From 26 January to 6 February 2015, HMIC returned" in page_text(
        _text(matrix_build, "norfolk", "report.html")
    )


@pytest.mark.parametrize("slug", MATRIX_SLUGS)
def test_get_the_report_is_the_public_address_in_every_edition(matrix_build, slug):
    outputs = _outputs(matrix_build, slug)
    release = _text(matrix_build, slug, "press-release.txt")
    address = re.findall(r"^https://www\.justiceinspectorates\.gov\.uk/\S+/$", release, re.M)
    assert len(address) == 2 and address[0] == address[1]
    assert _text(matrix_build, slug, "press-release.html").count(f'href="{address[0]}"') == 2
    with pikepdf.open(outputs[f"{slug}-press-release.pdf"]) as pdf:
        uris = [
            str(annot.A.URI)
            for page in pdf.pages
            for annot in page.get("/Annots", [])
            if "/A" in annot and "/URI" in annot.A
        ]
    assert address[0] in uris
    for name, path in outputs.items():
        if name.endswith(".pdf"):
            assert b"file:" not in path.read_bytes(), name


# Layout -------------------------------------------------------------------------------------


@pytest.mark.process
@pytest.mark.parametrize("slug", MATRIX_SLUGS)
def test_the_cover_title_never_breaks_at_a_hyphen(matrix_build, slug):
    cover = page_texts(_outputs(matrix_build, slug)[f"{slug}-report.pdf"])[0]
    assert not [line for line in cover.splitlines() if line.rstrip().endswith("-")]


@pytest.mark.process
def test_short_reports_stay_compact(matrix_build):
    pages = page_texts(_outputs(matrix_build, "gwent")["gwent-report.pdf"])
    assert len(pages) <= 5
    # Sections follow one another; only the annex starts a page of its own.
    assert "1 Introduction" in pages[2] and "2 Context for the force" in pages[2]
    assert pages[-1].split("\n", 2)[-1].lstrip().startswith("Annex A")


def _lone_items(document) -> list[str]:
    """List items and table rows left alone on a page by a list or table that goes on."""

    def walk(box):
        yield box
        for child in getattr(box, "children", []):
            yield from walk(child)

    on_pages = defaultdict(lambda: defaultdict(set))  # container -> page -> its items there
    pages_of_item, text_of = defaultdict(set), {}
    for number, page in enumerate(document.pages, start=1):
        for box in walk(page._page_box):
            if getattr(box, "element_tag", None) not in ("ul", "ol", "tbody"):
                continue
            for child in box.children:
                if (
                    getattr(child, "element_tag", None) in ("li", "tr")
                    and child.element is not None
                ):
                    on_pages[id(box.element)][number].add(id(child.element))
                    pages_of_item[id(child.element)].add(number)
                    text_of[id(child.element)] = "".join(child.element.itertext())[:50]
    lone = []
    for pages in on_pages.values():
        if len(pages) < 2:
            continue
        for number, items in pages.items():
            (item,) = items if len(items) == 1 else (None,)
            # An item that is itself split over two pages is not alone.
            if item is not None and len(pages_of_item[item]) == 1:
                lone.append(f"page {number}: {text_of[item]!r}")
    return lone


def _laid_out(project, html: str):
    from ncpi.build.targets import BuildOptions
    from ncpi.build.workers import pdf_settings
    from ncpi.pdf.document import render_document

    return render_document(html, **pdf_settings(project, BuildOptions()))


@pytest.mark.pdf
@pytest.mark.parametrize("slug", MATRIX_SLUGS)
def test_no_list_item_or_table_row_is_left_alone_on_a_page(matrix_build, slug):
    _built, project = matrix_build
    for name in ("report.html", "press-release.html"):
        document = _laid_out(project, _text(matrix_build, slug, name))
        assert _lone_items(document) == [], name


@pytest.mark.process
@pytest.mark.parametrize("slug", MATRIX_SLUGS)
def test_no_page_ends_with_a_line_that_leads_into_the_next(matrix_build, slug):
    """'… said:', 'We made five recommendations:' and 'in particular by:' stay with what follows."""
    for name in ("report.pdf", "press-release.pdf"):
        pages = page_texts(_outputs(matrix_build, slug)[f"{slug}-{name}"])
        for number, page in enumerate(pages[:-1], start=1):
            lines = [
                line.strip()
                for line in page.splitlines()
                if line.strip() and not re.fullmatch(r"Page \d+ of \d+", line.strip())
            ]
            assert not lines[-1].endswith(":"), f"{name} page {number} ends with {lines[-1]!r}"


@pytest.mark.pdf
@pytest.mark.parametrize(
    "tag,items",
    [
        ("ul", "".join(f"<li>Item {n} of a list long enough to matter.</li>" for n in range(4))),
        ("table", "<tbody>" + "".join(f"<tr><td>Row {n}</td></tr>" for n in range(4)) + "</tbody>"),
    ],
)
def test_the_house_style_keeps_first_and_last_items_company(matrix_build, tag, items):
    """At some page height a list or table leaves an item alone, but not under base.css."""
    from ncpi.render.templating import builtin_templates_dir

    _, project = matrix_build
    house_style = (builtin_templates_dir() / "css" / "base.css").read_text("utf-8")
    found_without = []
    for spacer in range(200, 256, 3):
        page = (
            f'<!DOCTYPE html><html lang="en-GB"><head><title>t</title><style>@page {{ size: '
            f'A4; margin: 20mm }} STYLE</style></head><body><div style="height: {spacer}mm">'
            f"</div><{tag}>{items}</{tag}></body></html>"
        )
        found_without += _lone_items(_laid_out(project, page.replace("STYLE", "")))
        assert _lone_items(_laid_out(project, page.replace("STYLE", house_style))) == [], spacer
    assert found_without  # The check does find a lone item or row when nothing prevents it.


def test_tables_fit_a_phone_screen(browser, matrix_build):
    page = _outputs(matrix_build, "lancashire")["lancashire-report.html"]
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True},
    )
    try:
        browser.get(page.resolve().as_uri())
        widths = browser.execute_script(
            "return [document.documentElement.scrollWidth, window.innerWidth,"
            " Math.max(...[...document.querySelectorAll('table')].map(t => t.scrollWidth))]"
        )
        assert widths[0] <= widths[1], widths
        # A caption wraps within the screen: none runs on past it with its table (#26).
        overruns = browser.execute_script(
            "return [...document.querySelectorAll('.table-scroll caption')].filter("
            " c => c.getBoundingClientRect().right > window.innerWidth"
            " || c.scrollWidth > c.clientWidth + 1).map(c => c.id)"
        )
        assert overruns == []
        # The check can fail: without the scrolling region, the widest table widens the page.
        browser.execute_script(
            "document.querySelectorAll('.table-scroll').forEach("
            "d => d.classList.remove('table-scroll'))"
        )
        assert browser.execute_script("return document.documentElement.scrollWidth") > widths[1]
        # Each contents link is one run of text: nothing inside it breaks its underline (or
        # its Link tag in the PDF).
        inside = browser.execute_script(
            "return [document.querySelectorAll('.contents a').length,"
            " document.querySelectorAll('.contents a *').length]"
        )
        assert inside[0] > 0 and inside[1] == 0
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_the_case_audit_by_area_is_a_table(matrix_build):
    text = page_text(_text(matrix_build, "kent", "report.html"))
    assert "Breakdown of case file audit results by area of child protection" in text
    assert "Area | Cases | Good | Requires improvement | Inadequate" in text
    assert "Investigation | 20 | 6 | 9 | 5" in text


@pytest.mark.process
def test_the_case_audit_chart_is_on_the_page_of_its_table(matrix_build):
    # A chart parted from its table leaves the end of a page empty and the reader turning back
    # for the numbers it draws: in every matrix report with an audit they share a page.
    audited = 0
    for slug in MATRIX_SLUGS:
        pages = page_texts(_outputs(matrix_build, slug)[f"{slug}-report.pdf"])
        tables = [n for n, page in enumerate(pages) if "Grades of the" in page]
        if not tables:
            continue
        audited += 1
        [table] = tables
        [chart] = [n for n, page in enumerate(pages) if "Case files by grade" in page]
        assert chart == table, (slug, table, chart)
    assert audited >= 4
