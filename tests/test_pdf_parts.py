"""A document with long tables is made a part at a time (ncpi.pdf.parts), and the PDF is the one
WeasyPrint makes in one piece: the same pages, text, outline, links and structure, and PDF/UA-1.

The national overview of 90 made-up forces has two tables of 90 rows; with the thresholds set
low here, each is cut into parts of 25 rows, as 800 forces are cut into parts of 200.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import page
import pikepdf
import pytest

from ncpi.build.targets import BuildOptions
from ncpi.build.workers import pdf_settings
from ncpi.pdf import parts
from ncpi.pdf.document import weasyprint_pdf
from ncpi.registry import forces

from support import make_project
from support.pdftools import page_texts

pytestmark = pytest.mark.pdf

FORCES = 90


def _overview_html(project, count: int, published=None) -> str:
    from ncpi.check.validate import check_project
    from ncpi.commands.national import NATIONAL_HTML, Entry, National, national_context
    from ncpi.render.documents import render_template

    checked = check_project(project, ["essex"], dry_run=False)
    report, essex = checked.reports["essex"], forces()["essex"]
    entries = [
        Entry(
            f"force-{n:03d}",
            # Longer names further down: the widest cell of a column is in the last part.
            essex._replace(slug=f"force-{n:03d}", name=f"Force {n} {'Wide ' * (n // 15)}Police"),
            report,
        )
        for n in range(count)
    ]
    links = {entry.slug: f"https://example.org/{entry.slug}/" for entry in entries}
    national = National(entries, checked.common)
    return render_template(NATIONAL_HTML, national_context(national, links), project.templates_dir)


@pytest.fixture(scope="module")
def whole_and_parts(tmp_path_factory):
    """The overview's PDF made in one piece and in parts, and how many parts were joined."""
    folder = tmp_path_factory.mktemp("parts")
    project = make_project(folder)
    html = _overview_html(project, FORCES)
    settings = pdf_settings(project, BuildOptions())
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(parts, "LONG_DOCUMENT", 10**9)
        whole = weasyprint_pdf(html, **settings)
    joined = []
    real_join = parts._join

    def counting_join(written, margins):
        joined.append(len(written))
        return real_join(written, margins)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(parts, "LONG_DOCUMENT", 500)
        patch.setattr(parts, "ELEMENTS_PER_PART", 180)
        # Margins in documents of three pages: page numbers and the running title carry on.
        patch.setattr(parts, "MARGIN_PAGES", 3)
        patch.setattr(parts, "_join", counting_join)
        cut = weasyprint_pdf(html, **settings)
        again = weasyprint_pdf(html, **settings)
    paths = {}
    for name, data in (("whole", whole), ("parts", cut)):
        paths[name] = folder / f"{name}.pdf"
        paths[name].write_bytes(data)
    return paths, joined, cut == again


def test_the_document_was_cut_into_parts(whole_and_parts):
    _, joined, _ = whole_and_parts
    # Two tables of 90 rows in parts of about 25: at least four parts (each ends a page early).
    assert len(joined) == 2 and joined[0] >= 4


def test_the_pages_are_those_of_the_document_made_in_one_piece(whole_and_parts):
    paths, _, _ = whole_and_parts
    whole, cut = page_texts(paths["whole"]), page_texts(paths["parts"])
    assert len(cut) == len(whole) > 8
    for number, (expected, found) in enumerate(zip(whole, cut, strict=True), start=1):
        # Footers, the contents' page numbers, the running title and every row, line by line.
        assert found == expected, f"page {number}"
    assert f"Page {len(whole)} of {len(whole)}" in cut[-1]


def _outline(pdf: Path) -> list[tuple[int, str, int]]:
    with pikepdf.open(pdf) as opened:
        pages = {p.objgen: number for number, p in enumerate(opened.pages)}
        found = []

        def walk(item, depth):
            while item is not None:
                found.append((depth, str(item.Title), pages[item.Dest[0].objgen]))
                walk(item.get("/First"), depth + 1)
                item = item.get("/Next")

        walk(opened.Root.Outlines.get("/First"), 0)
        return found


def _links(pdf: Path) -> list[list[tuple]]:
    """Each page's links: an address, or the page an internal link's anchor is on."""
    with pikepdf.open(pdf) as opened:
        pages = {p.objgen: number for number, p in enumerate(opened.pages)}
        names = opened.Root.Names.Dests.Names
        anchors = {str(names[i]): pages[names[i + 1][0].objgen] for i in range(0, len(names), 2)}
        found = []
        for p in opened.pages:
            here = []
            for annotation in p.obj.get("/Annots", []):
                if "/Dest" in annotation:
                    target = anchors[str(annotation.Dest)]
                    here.append(("page", target, str(annotation.get("/Contents", ""))))
                else:
                    here.append(("uri", str(annotation.A.URI)))
            found.append(here)
        return found


def test_outline_and_links_lead_where_they_do_in_one_piece(whole_and_parts):
    paths, _, _ = whole_and_parts
    assert _outline(paths["parts"]) == _outline(paths["whole"])
    links = _links(paths["parts"])
    assert links == _links(paths["whole"])
    # The contents link to sections in later parts, internal links all the same.
    assert sum(kind == "page" for here in links for kind, *_ in here) >= 5


def _structure(pdf: Path) -> list[tuple[str, int]]:
    """The structure tree in document order: each element's type and the page it is on."""
    with pikepdf.open(pdf) as opened:
        pages = {p.objgen: number for number, p in enumerate(opened.pages)}
        found = []
        pending = [opened.Root.StructTreeRoot.K]
        while pending:
            node = pending.pop()
            if isinstance(node, pikepdf.Array):
                pending.extend(reversed(list(node)))
            elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
                found.append((str(node.S), pages.get(node.get("/Pg", node).objgen, -1)))
                pending.append(node.get("/K"))
        return found


def test_the_structure_tree_is_the_same_and_the_pdf_passes_pdf_ua_1(whole_and_parts):
    paths, _, _ = whole_and_parts
    structure = _structure(paths["parts"])
    assert structure == _structure(paths["whole"])
    assert sum(kind == "/TR" for kind, _ in structure) >= 2 * FORCES
    report = page.validate_pdf(str(paths["parts"]), profile="ua1")
    assert [f"{f.rule_id}: {f.message}" for f in report.failures] == []


def test_a_document_made_in_parts_is_the_same_bytes_every_time(whole_and_parts):
    _, _, same = whole_and_parts
    assert same


def test_a_page_feature_the_parts_cannot_carry_leaves_the_document_whole(monkeypatch):
    """A left-page rule, say: the document is not cut, and nothing is laid out to find that."""
    monkeypatch.setattr(parts, "LONG_DOCUMENT", 100)
    rows = "".join(f"<tr><td>{n}</td></tr>" for n in range(400))
    for css in ("@page :left { margin-left: 3cm }", "h2 { counter-increment: section }"):
        html = (
            f'<html lang="en"><head><title>t</title><style>{css}</style></head>'
            f"<body><table><tbody>{rows}</tbody></table></body></html>"
        )

        def never(*_):
            raise AssertionError("laid out")

        assert parts.pdf_in_parts(html, render=never, write=never) is None


def test_an_archival_pdf_made_in_parts_is_pdf_a_3b(tmp_path, monkeypatch):
    """PDF/A-3b is not tagged: the parts join without a structure tree, links and all."""
    project = make_project(tmp_path)
    html = _overview_html(project, FORCES)
    monkeypatch.setattr(parts, "LONG_DOCUMENT", 500)
    monkeypatch.setattr(parts, "ELEMENTS_PER_PART", 180)
    path = tmp_path / "archival.pdf"
    path.write_bytes(weasyprint_pdf(html, **pdf_settings(project, BuildOptions("pdf/a-3b"))))
    report = page.validate_pdf(str(path), profile="3b")
    assert [f"{f.rule_id}: {f.message}" for f in report.failures] == []
    assert sum(kind == "page" for here in _links(path) for kind, *_ in here) >= 5
    assert f"of {len(page_texts(path))}" in page_texts(path)[0] + page_texts(path)[1]


def test_every_page_of_a_watermarked_overview_made_in_parts_is_watermarked(tmp_path, monkeypatch):
    """The watermark is each page's background: the parts keep it, the margins drawn over
    them (a page of their own, whose background would cover it) have none."""
    from ncpi.check.validate import check_project
    from ncpi.commands.national import NATIONAL_HTML, Entry, National, national_context
    from ncpi.render.documents import render_template

    from support.pdftools import watermarks_drawn

    project = make_project(tmp_path)
    checked = check_project(project, ["essex"], dry_run=False)
    report, essex = checked.reports["essex"], forces()["essex"]
    entries = [
        Entry(f"f{n}", essex._replace(slug=f"f{n}", name=f"Force {n} Police"), report)
        for n in range(FORCES)
    ]
    context = national_context(National(entries, checked.common), {})
    context["draft"] = True  # as with --include-unpublished
    html = render_template(NATIONAL_HTML, context, project.templates_dir)
    monkeypatch.setattr(parts, "LONG_DOCUMENT", 500)
    monkeypatch.setattr(parts, "ELEMENTS_PER_PART", 180)
    path = tmp_path / "watermarked.pdf"
    path.write_bytes(weasyprint_pdf(html, **pdf_settings(project, BuildOptions())))
    drawn = watermarks_drawn(path)
    assert len(drawn) > 8 and all(drawn)
    assert "Page 1 of" not in page_texts(path)[0]  # the first page is still :first


def _gray_page(pdf: Path, number: int, folder: Path) -> bytes:
    """A page drawn by poppler at 30 dpi, in grey: its pixels."""
    stem = folder / f"{pdf.stem}-{number}"
    pages = ["-f", str(number), "-l", str(number)]
    subprocess.run(
        ["pdftoppm", "-r", "30", "-gray", "-singlefile", *pages, str(pdf), str(stem)], check=True
    )
    return stem.with_suffix(".pgm").read_bytes().split(b"\n", 3)[3]


def test_the_pages_look_as_they_do_in_one_piece(whole_and_parts, tmp_path):
    """Drawn, not only read: the margins drawn over a page must not cover it."""
    paths, _, _ = whole_and_parts
    count = len(page_texts(paths["whole"]))
    for number in (1, 2, count // 2, count):
        whole = _gray_page(paths["whole"], number, tmp_path)
        cut = _gray_page(paths["parts"], number, tmp_path)
        assert len(cut) == len(whole)
        # The parts embed their own subsets of the fonts: a few edge pixels may differ.
        differing = sum(a != b for a, b in zip(whole, cut, strict=True))
        assert differing < len(whole) / 200, f"page {number}: {differing} pixels differ"


def test_a_report_of_80_recommendations_made_in_parts_is_the_one_made_in_one_piece(
    tmp_path, monkeypatch
):
    """Cut between list items, quotations and progress notes too, not only table rows: the
    numbers of an ordered list carry on, and margins at the top of a part's first page are
    truncated as at the top of any later page."""
    import sys

    from ncpi.build.pipeline import render_edition
    from ncpi.build.targets import Target
    from ncpi.check.validate import check_project

    from support import REPO

    sys.path.insert(0, str(REPO / "benchmarks"))
    from growth import report_text

    project = make_project(tmp_path)
    (project.reports_dir / "kent.yaml").write_text(report_text(80), "utf-8")
    checked = check_project(project, ["kent"], dry_run=False)
    report, common = checked.reports["kent"], checked.common
    html = render_edition(project, Target("kent", "report"), report, common)["report.html"]
    settings = pdf_settings(project, BuildOptions())
    with monkeypatch.context() as patch:
        patch.setattr(parts, "LONG_DOCUMENT", 10**9)
        (tmp_path / "whole.pdf").write_bytes(weasyprint_pdf(html, **settings))
    joined = []
    real_join = parts._join
    monkeypatch.setattr(parts, "LONG_DOCUMENT", 500)
    monkeypatch.setattr(parts, "ELEMENTS_PER_PART", 300)
    monkeypatch.setattr(parts, "MARGIN_PAGES", 7)
    monkeypatch.setattr(
        parts, "_join", lambda written, m: joined.append(written) or real_join(written, m)
    )
    numbered = []  # the numbers given to the first item of a list a part starts inside
    real_numbers = parts._Tree._number_lists

    def numbers(tree, start):
        items = real_numbers(tree, start)
        numbered.extend(item.get("value") for item in items)
        return items

    monkeypatch.setattr(parts._Tree, "_number_lists", numbers)
    (tmp_path / "parts.pdf").write_bytes(weasyprint_pdf(html, **settings))
    assert len(joined) == 1 and len(joined[0]) >= 3
    whole, cut = page_texts(tmp_path / "whole.pdf"), page_texts(tmp_path / "parts.pdf")
    assert cut == whole and len(whole) > 20
    assert numbered and all(int(number) > 1 for number in numbered)  # a list was cut
    assert _structure(tmp_path / "parts.pdf") == _structure(tmp_path / "whole.pdf")
    report = page.validate_pdf(str(tmp_path / "parts.pdf"), profile="ua1")
    assert [f"{f.rule_id}: {f.message}" for f in report.failures] == []
