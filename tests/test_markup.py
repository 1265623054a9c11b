"""The small markup: emphasis, lists and links become HTML (and PDF links); nothing else does."""

from __future__ import annotations

import pikepdf
import pytest
from markupsafe import Markup

from ncpi.render.markup import block, inline, plain

from support import invoke


@pytest.mark.parametrize(
    "text, html",
    [
        ("plain words", "plain words"),
        ("an *important* point", "an <em>important</em> point"),
        ("a **very** important point", "a <strong>very</strong> important point"),
        ("3 * 4 * 5 and a*b", "3 * 4 * 5 and a*b"),  # lone asterisks stay
        (
            "see [the report](https://www.example.org/r?a=1&b=2)",
            'see <a href="https://www.example.org/r?a=1&amp;b=2">the report</a>',
        ),
        (
            "write to [us](mailto:press@example.org)",
            'write to <a href="mailto:press@example.org">us</a>',
        ),
        ("[*new*](http://example.org)", '<a href="http://example.org"><em>new</em></a>'),
        ("[x](javascript:alert(1))", "[x](javascript:alert(1))"),
        ("[x](javascript:alert)", "[x](javascript:alert)"),
        ("[x](file:///etc/passwd)", "[x](file:///etc/passwd)"),
        (
            '[x](https://e.org/"onmouseover="alert(1))',
            "[x](https://e.org/&#34;onmouseover=&#34;alert(1))",
        ),
        ("<em>raw</em> & *fine*", "&lt;em&gt;raw&lt;/em&gt; &amp; <em>fine</em>"),
        ("*<script>*", "<em>&lt;script&gt;</em>"),
        (  # the text right after a link is kept
            "see [a](https://a.uk), and [b](https://b.uk).",
            'see <a href="https://a.uk">a</a>, and <a href="https://b.uk">b</a>.',
        ),
        (  # links side by side
            "[a](https://a.uk)[b](https://b.uk)",
            '<a href="https://a.uk">a</a><a href="https://b.uk">b</a>',
        ),
        (  # links never overlap: a '[' inside an address starts nothing
            "[a](https://a.uk/[)](https://b.uk)",
            '<a href="https://a.uk/[">a</a>](https://b.uk)',
        ),
    ],
)
def test_inline_markup_is_escaped_then_converted(text, html):
    assert str(inline(text)) == html


def test_a_paragraph_of_dashes_is_a_list_and_anything_else_a_paragraph():
    assert str(block("- one\n- *two*\n")) == "<ul><li>one</li><li><em>two</em></li></ul>"
    assert str(block("- only one")) == "<p>- only one</p>"
    assert str(block("- a\nthen text")) == "<p>- a\nthen text</p>"
    assert str(block("a - b\nc")) == "<p>a - b\nc</p>"


def test_lines_that_lead_into_dashes_are_a_paragraph_and_its_list():
    assert str(block("improve, in particular by:\n- one;\n- *two*.")) == (
        "<p>improve, in particular by:</p><ul><li>one;</li><li><em>two</em>.</li></ul>"
    )
    # A lead-in over several lines is one paragraph, its lines joined by a space.
    assert str(block("improve its work,\n  in particular by:\n- one.")) == (
        "<p>improve its work, in particular by:</p><ul><li>one.</li></ul>"
    )
    # The lead (e.g. "Immediately, Kent Police should") is safe HTML; the text is escaped.
    assert str(block("<b>x</b>\n- y", lead=Markup("<span>R1</span>"))) == (
        "<p><span>R1</span> &lt;b&gt;x&lt;/b&gt;</p><ul><li>y</li></ul>"
    )


def _kent_with(project_from, old: str, new: str):
    project = project_from("valid")
    path = project.report_path("kent")
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")
    return project


@pytest.mark.process
def test_markup_reaches_the_html_and_the_pdf_and_plain_words_the_text(project_from):
    project = _kent_with(
        project_from,
        "    - Inspectors found progress.\n",
        "    - 'Inspectors found *real* progress: read [the report](https://www.example.org/kent).'\n"
        "    - |\n      - first point\n      - second point\n",
    )
    result = invoke(project, "press-release", "kent")
    assert result.exit_code == 0, result.output
    folder = project.build_dir / "kent"
    html = (folder / "kent-press-release.html").read_text("utf-8")
    assert (
        "<p>Inspectors found <em>real</em> progress: read "
        '<a href="https://www.example.org/kent">the report</a>.</p>'
    ) in html
    assert "<ul><li>first point</li><li>second point</li></ul>" in html
    text = (folder / "kent-press-release.txt").read_text("utf-8")
    # Plain text: no mark left for a reader to puzzle over; the address after its words.
    assert "Inspectors found real progress: read the report (https://www.example.org/kent)." in text
    assert "*" not in text and "](" not in text
    with pikepdf.open(folder / "kent-press-release.pdf") as pdf:
        uris = [
            str(annot.A.URI)
            for page in pdf.pages
            for annot in page.get("/Annots", [])
            if "/A" in annot and "/URI" in annot.A
        ]
    assert "https://www.example.org/kent" in uris


@pytest.mark.parametrize(
    "text, shown",
    [
        ("the *real* report, **now**", "the real report, now"),
        ("see [the report](https://x.org/r?a=1) now", "see the report (https://x.org/r?a=1) now"),
        ("write to [the press office](mailto:p@x.org)", "write to the press office (p@x.org)"),
        ("[https://x.org/](https://x.org/)", "https://x.org/"),
        ("[*new*](https://x.org)", "new (https://x.org)"),
        ("[x](javascript:alert(1))", "[x](javascript:alert(1))"),  # never a link: as typed
        ("3 * 4 * 5 and a*b", "3 * 4 * 5 and a*b"),
        ("***both***", "both"),
    ],
)
def test_plain_text_drops_emphasis_and_gives_a_link_its_address(text, shown):
    assert plain(text) == shown


@pytest.mark.parametrize(
    "text, html, shown",
    [
        (
            "cyhoeddodd ‘[In harm’s way: the *role*]{lang=en}’ yn",
            'cyhoeddodd ‘<span lang="en-GB">In harm’s way: the <em>role</em></span>’ yn',
            "cyhoeddodd ‘In harm’s way: the role’ yn",
        ),
        (
            "[Heddlu]{lang=cy} and [x]{lang=en}",
            '<span lang="cy">Heddlu</span> and <span lang="en-GB">x</span>',
            "Heddlu and x",
        ),
        # Not a span: an unknown language, a line break, no words; shown as typed.
        ("a [b]{lang=fr} c", "a [b]{lang=fr} c", "a [b]{lang=fr} c"),
        ("[a\nb]{lang=en}", "[a\nb]{lang=en}", "[a\nb]{lang=en}"),
        ("[]{lang=en}", "[]{lang=en}", "[]{lang=en}"),
        ("<b>[x]{lang=en}", '&lt;b&gt;<span lang="en-GB">x</span>', "<b>x"),
    ],
)
def test_words_in_another_language_are_marked_with_it(text, html, shown):
    assert inline(text) == Markup(html)
    assert plain(text) == shown


@pytest.mark.process
@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "file:///etc/passwd",
        "data:text/html,x",
        "ftp://example.org/x",
        "//example.org/x",
    ],
)
def test_a_link_to_anything_but_the_web_or_mail_is_a_located_error(project_from, url):
    project = _kent_with(
        project_from, "    - Progress is good.\n", f"    - Progress is [good]({url}).\n"
    )
    result = invoke(project, "validate")
    assert result.exit_code == 1
    assert (
        f"reports/kent.yaml:52:7: reinspection.conclusion[0]: the link '[good]({url})' may not "
        f"go to '{url}': links may only go to https://, http:// or mailto: addresses"
    ) in result.stdout
    built = invoke(project, "build", "kent")
    assert built.exit_code == 1 and not (project.build_dir / "kent").exists()


@pytest.mark.parametrize(
    "url, mistake",
    [
        (
            "https://en.wikipedia.org/wiki/Child_(law)",
            "a bracket in an address ends the link early: write ( as %28 and ) as %29",
        ),
        (
            "mailto:press@example.gov.uk?bcc=someone@example.org",
            "a mailto: link may only name one address: '?' (bcc=, cc=, body=) or ',' would add "
            "recipients or text to the reader's email",
        ),
        ("mailto:a@example.gov.uk,b@example.org", "a mailto: link may only name one address"),
    ],
)
def test_a_link_that_would_not_be_the_one_typed_is_a_located_error(project_from, url, mistake):
    project = _kent_with(
        project_from, "    - Progress is good.\n", f"    - Progress is [good]({url}).\n"
    )
    result = invoke(project, "validate")
    assert result.exit_code == 1
    assert (
        f"reports/kent.yaml:52:7: reinspection.conclusion[0]: the link '[good]({url})' may not "
        f"go to '{url}': {mistake}"
    ) in result.stdout
    # Never a live link, should the check be skipped.
    assert "<a " not in str(inline(f"[good]({url})"))
