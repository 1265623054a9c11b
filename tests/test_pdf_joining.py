"""Parts' PDFs joined a part at a time (ncpi.pdf.joining): one part open at once, and a file
that readers and the PDF/UA-1 validator take as WeasyPrint's own."""

from __future__ import annotations

import zlib

import page
import pikepdf
import pytest

from ncpi.pdf import joining
from ncpi.pdf.artifacts import compressed_without_cr

from support.pdftools import page_texts


def test_no_compressed_data_ends_in_a_carriage_return():
    """About one stream in 256 would: such data is padded with line feeds until none does."""
    contents = [b"q\n" + b"0 g\n" * n for n in range(3000)]  # a colour set n times
    ending_in_cr = [data for data in contents if zlib.compress(data).endswith(b"\r")]
    assert len(ending_in_cr) >= 3  # the case is real, not made up
    for content in ending_in_cr:
        data, length = compressed_without_cr(content)
        assert not data.endswith(b"\r")
        padded = zlib.decompress(data)
        assert padded.rstrip(b"\n") == content.rstrip(b"\n") and len(padded) == length
        assert length > len(content)


def test_a_cross_reference_stream_that_would_end_in_cr_is_written_uncompressed():
    """Its entries are offsets, which cannot be padded: they are written as they are."""
    for last in range(300, 20000):  # two bytes wide
        kinds, offsets, indexes = [0, 1, 1], [0, 15, last], [65535, 0, 0]
        table = b"".join(
            bytes([k, o >> 8, o & 255, i >> 8, i & 255])
            for k, o, i in zip(kinds, offsets, indexes, strict=True)
        )
        if zlib.compress(table).endswith(b"\r"):
            break
    else:
        pytest.fail("no offset gives a cross-reference table ending in CR")
    width, data, compressed = joining.cross_reference_table(kinds, offsets, indexes)
    assert (width, compressed) == (2, False) and not data.endswith(b"\r")
    assert data == table
    assert joining.cross_reference_table(kinds, [0, 15, last + 1], indexes)[2]


@pytest.mark.pdf
def test_parts_join_one_at_a_time_into_a_tagged_pdf(tmp_path, monkeypatch):
    """Three parts of a six-page document and two documents of its margins: the joined pages
    in order, each with its margin, PDF/UA-1, and never more than one part and one margins
    document open at once."""
    import weasyprint

    from ncpi.pdf.document import import_weasyprint

    import_weasyprint()
    body = "".join(
        f'<h1 style="break-before: page">Section {n}</h1><p>Text {n}.</p>' for n in range(6)
    )
    html = f'<html lang="en"><head><title>Joined</title></head><body>{body}</body></html>'
    margins_html = (
        '<html lang="en"><head><title>Joined</title><style>@page { @bottom-center {'
        ' content: "Page " counter(page) " of " counter(pages) } }</style></head><body>'
        + '<div style="break-before: page"></div>' * 6
        + "</body></html>"
    )
    document = weasyprint.HTML(string=html).render(pdf_variant="pdf/ua-1")
    options = {"pdf_variant": "pdf/ua-1", "pdf_identifier": False}
    pieces = [document.copy(document.pages[at : at + 2]).write_pdf(**options) for at in (0, 2, 4)]
    laid_out = weasyprint.HTML(string=margins_html).render(pdf_variant="pdf/ua-1")
    assert len(laid_out.pages) == 6
    # Two margins documents, of four pages and two: read in turn, one open at a time.
    margins = [
        laid_out.copy(laid_out.pages[at:end]).write_pdf(**options) for at, end in ((0, 4), (4, 6))
    ]

    open_now, most_open = [0], [0]
    real_open = pikepdf.open

    class Counted:
        """A PDF opened, counted until it is closed."""

        def __init__(self, *args, **kwargs):
            self.pdf = real_open(*args, **kwargs)
            open_now[0] += 1
            most_open[0] = max(most_open[0], open_now[0])

        def __getattr__(self, name):
            return getattr(self.pdf, name)

        def close(self):
            open_now[0] -= 1
            self.pdf.close()

        def __enter__(self):
            return self.pdf

        def __exit__(self, *exc):
            self.close()

    monkeypatch.setattr(pikepdf, "open", Counted)
    joined = joining.join_parts(pieces, margins, lambda pages: [])
    monkeypatch.undo()
    assert most_open[0] == 2 and open_now[0] == 0  # the margins document and one part

    path = tmp_path / "joined.pdf"
    path.write_bytes(joined)
    texts = page_texts(path)
    assert [text.split()[:2] for text in texts] == [["Section", str(n)] for n in range(6)]
    assert all(f"Page {n + 1} of 6" in text for n, text in enumerate(texts))
    report = page.validate_pdf(str(path), profile="ua1")
    assert [f"{f.rule_id}: {f.message}" for f in report.failures] == []
    with pikepdf.open(path) as opened:
        kids = opened.Root.StructTreeRoot.K
        document_element = kids[0] if isinstance(kids, pikepdf.Array) else kids
        # Every part's elements under the one Document element, each pointing back to it.
        headings = [kid for kid in document_element.K if kid.get("/S") == "/H1"]
        assert len(headings) == 6
        assert all(kid.P.objgen == document_element.objgen for kid in document_element.K)
        keys = [int(p.StructParents) for p in opened.pages]
        assert keys == list(range(6))
    assert joined == joining.join_parts(pieces, margins, lambda pages: [])


def test_references_are_renumbered_and_strings_that_look_like_them_are_not():
    """qpdf's text of an object, renumbered: a report's words are never read as references."""
    pdf = pikepdf.new()
    target = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font))
    holder = pdf.make_indirect(
        pikepdf.Dictionary(
            F1=target,
            Title=pikepdf.String("see (5 0 R) and 5 0 R \\ 7 0 R"),
            Kids=pikepdf.Array([target, 12, 0]),
        )
    )
    output = joining._Output("1.7")
    for _ in range(40):
        output.number()  # the whole's numbers are not the part's
    source = joining._Source(pdf, output)
    text = source.renumbered(holder)
    assert b"/F1 41 0 R" in text and b"/Kids [ 41 0 R 12 0 ]" in text
    assert b"(see \\(5 0 R\\) and 5 0 R \\\\ 7 0 R)" in text
    assert [obj.objgen for obj in source.queue] == [target.objgen]  # written once, later
