"""Text from a report is data: never evaluated as a template, always escaped in HTML."""

from __future__ import annotations

import pytest

from support import invoke
from support.pdftools import flowing_text

pytestmark = pytest.mark.process

HOSTILE = [
    "{{ 7*7 }}",
    '{% include "/etc/passwd" %}',
    "<script>alert(1)</script>",
    "<img src=file:///etc/passwd>",
    '<link rel=attachment href="file:///etc/passwd">',
    "<style>@import url(http://example.org/x.css);</style>",
    '<a href="javascript:alert(1)">click</a>',
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_appears_literally_everywhere(project_from, text):
    project = project_from("valid")
    path = project.root / "reports" / "kent.yaml"
    source = path.read_text("utf-8").replace(
        "    - Inspectors found progress.", "    - " + repr(text).replace("\\\\", "\\\\"), 1
    )
    path.write_text(source, "utf-8")
    result = invoke(project, "press-release", "kent")
    assert result.exit_code == 0, result.output
    folder = project.build_dir / "kent"
    # As typed, but for quotation marks, which the house writes curly in every document.
    straight = str.maketrans("‘’“”", "''\"\"")
    assert text in (folder / "kent-press-release.txt").read_text("utf-8").translate(straight)
    html = (folder / "kent-press-release.html").read_text("utf-8").translate(straight)
    if "<" in text:
        assert text not in html  # never raw markup in the HTML
    assert "<p>49</p>" not in html  # never evaluated as a template
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    assert escaped in html
    assert text in flowing_text(folder / "kent-press-release.pdf").translate(straight)
