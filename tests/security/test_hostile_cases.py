"""Hostile reports, names and templates: each is shown as text or refused, and nothing leaks.

Every case plants a secret file outside the project, runs the real commands, then looks for the
secret's marker in every output (PDFs opened with pikepdf: streams, attachments, metadata).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from support import invoke
from support.leaks import MARKER, active_content, attachments, leaked, plant_secret

PARAGRAPH = "    - Inspectors found progress.\n"  # press_release.paragraphs[0]
SUMMARY = "    - The force has made progress.\n"  # reinspection.summary[0]
HEADLINE = "  headline: Kent Police is making progress in protecting children\n"


@dataclass(frozen=True)
class Case:
    """One attack: what is planted, the command, and what must happen."""

    name: str
    text: str = ""  # hostile report text ("SECRET" becomes the secret file's path)
    place: str = "paragraph"  # paragraph (and summary), headline, or raw (YAML as written)
    args: tuple[str, ...] = ()  # a command to run instead of building kent
    template: tuple[str, str] | None = None  # (file under templates/, its text)
    refused: str = ""  # the message expected; empty when the build must succeed
    exit_code: int = 1  # when refused: 1 for bad input, 2 for a command used wrongly

    def __str__(self) -> str:
        return self.name


STRAIGHT_QUOTES = str.maketrans("‘’“”", "''\"\"")
_EXTENDS = '{% extends "default:report.html.j2" %}'

CASES = [
    # Report text is data: shown literally, never evaluated, never markup.
    Case("jinja-expression", "{{ 7*7 }}"),
    Case("jinja-include", '{% include "SECRET" %}'),
    Case("jinja-globals", "{{ self.__init__.__globals__ }}"),
    Case("jinja-os", "{{ cycler.__init__.__globals__.os.popen('cat SECRET').read() }}"),
    Case("jinja-comment", "{# hidden #} {% raw %}"),
    Case("script", "<script>alert(document.cookie)</script>"),
    Case("img-file", '<img src="file://SECRET" alt="x">'),
    Case("link-attachment", '<link rel="attachment" href="file://SECRET">'),
    Case("style-import", '<style>@import url("file://SECRET");</style>'),
    Case("a-javascript", '<a href="javascript:alert(1)">click</a>'),
    Case("object", '<object data="file://SECRET"></object>'),
    Case("iframe", '<iframe src="file://SECRET"></iframe>'),
    Case("embed", '<embed src="file://SECRET">'),
    Case("svg-image", '<svg><image href="file://SECRET"/></svg>'),
    Case("style-attribute", '<p style="background: url(file://SECRET)">x</p>'),
    Case("base-href", '<base href="file:///">'),
    Case("entities", "&lt;script&gt; &#60;img src=file://SECRET&#62;"),
    Case("markdown-image", "![x](file://SECRET)", refused="links may only go to"),
    Case(
        "title-breakout",
        '</title><link rel="attachment" href="file://SECRET"><title>',
        place="headline",
    ),
    # Links in the markup go only to the web or to mail.
    Case("markup-link-file", "[the report](file://SECRET)", refused="links may only go to"),
    Case("markup-link-javascript", "[x](javascript:alert(1))", refused="links may only go to"),
    Case(
        "markup-link-data",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        refused="links may only go to",
    ),
    # YAML that would run code or exhaust memory.
    Case(
        "yaml-python-object",
        '!!python/object/apply:os.system ["cat SECRET > PWNED"]',
        place="raw",
        refused="YAML",
    ),
    Case("yaml-python-name", "!!python/name:os.system", place="raw", refused="YAML"),
    Case("yaml-alias-bomb", "", place="bomb", refused="an anchor (&name) is not allowed"),
    Case("yaml-huge", "", place="huge", refused="larger than 1,000,000 bytes"),
    Case("yaml-binary", "!!binary aGVsbG8=", place="raw", refused="YAML"),
    # Names on the command line are registry slugs, never paths.
    Case(
        "path-dotdot",
        args=("build", "../../etc"),
        refused="is not one of the 43 forces",
        exit_code=2,
    ),
    Case(
        "path-absolute",
        args=("build", "/etc/passwd"),
        refused="is not one of the 43 forces",
        exit_code=2,
    ),
    Case(
        "path-inner",
        args=("build", "essex/../kent"),
        refused="is not one of the 43 forces",
        exit_code=2,
    ),
    Case(
        "path-press-release",
        args=("press-release", "../kent"),
        refused="is not one of the 43 forces",
        exit_code=2,
    ),
    Case(
        "path-new", args=("new", "../../tmp/x"), refused="is not one of the 43 forces", exit_code=2
    ),
    Case("path-clean", args=("clean", "../.."), refused="is not one of the 43 forces", exit_code=2),
    Case(
        "path-watch",
        args=("watch", "../SECRET"),
        refused="is not one of the 43 forces",
        exit_code=2,
    ),
    Case("slug-in-yaml", "../../etc", place="slug", refused="force.slug"),
    # Templates may read only the project's own assets.
    Case(
        "template-img-file",
        template=(
            "report.html.j2",
            _EXTENDS + "{% block body %}"
            '{{ super() }}<img src="file://SECRET" alt="x">{% endblock %}',
        ),
        refused="refused to read file://",
    ),
    Case(
        "template-symlink",
        template=(
            "report.html.j2",
            _EXTENDS + '{% block body %}{{ super() }}<img src="leak.png" alt="x">{% endblock %}',
        ),
        refused="refused to read file://",
    ),
    Case(
        "template-attachment-report",
        template=(
            "report.html.j2",
            _EXTENDS
            + '{% block body %}{{ super() }}<link rel="attachment" href="../reports/kent.yaml">'
            "{% endblock %}",
        ),
        refused="templates may not put scripts or attachments in a document",
    ),
    Case(
        "template-attachment-data",
        template=(
            "report.html.j2",
            _EXTENDS + '{% block body %}{{ super() }}<a rel="attachment" '
            'href="data:text/plain;base64,U0VDUkVU">x</a>{% endblock %}',
        ),
        refused="templates may not put scripts or attachments in a document",
    ),
    Case(
        "template-script",
        template=(
            "report.html.j2",
            _EXTENDS + "{% block body %}{{ super() }}<script>alert(1)</script>{% endblock %}",
        ),
        refused="the document would hold a <script> element",
    ),
    Case(
        "template-http",
        template=(
            "report.html.j2",
            _EXTENDS + "{% block styles %}"
            '{{ super() }} body { background: url("https://example.org/x.png"); }{% endblock %}',
        ),
        refused="refused to read https://example.org/x.png",
    ),
    Case(
        "template-font-face",
        template=(
            "report.html.j2",
            _EXTENDS + "{% block styles %}"
            '{{ super() }} @font-face { font-family: X; src: url("file://SECRET"); } '
            "h1 { font-family: X; }{% endblock %}",
        ),
        refused="refused to read file://",
    ),
    Case(
        "template-include-absolute",
        template=("report.html.j2", '{% include "SECRET" %}'),
        refused="template",
    ),
    Case(
        "template-include-dotdot",
        template=("report.html.j2", '{% include "../../secret.txt" %}'),
        refused="template",
    ),
]


def _write_report(project, secret: Path, case: Case) -> None:
    path = project.report_path("kent")
    source = path.read_text("utf-8")
    text = case.text.replace("SECRET", str(secret))
    if not text and case.place in ("paragraph", "headline"):
        return
    if case.place == "paragraph":
        quoted = json.dumps(text, ensure_ascii=False)
        source = source.replace(PARAGRAPH, f"    - {quoted}\n").replace(
            SUMMARY, f"    - {quoted}\n"
        )
    elif case.place == "headline":
        source = source.replace(HEADLINE, f"  headline: {json.dumps(text)}\n")
    elif case.place == "raw":
        source = source.replace(PARAGRAPH, f"    - {text}\n")
    elif case.place == "slug":
        source = source.replace("  slug: kent\n", f"  slug: {json.dumps(text)}\n")
    elif case.place == "bomb":
        source += "bomb: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
            f"b{n}: &b{n} [*{'a' if n == 0 else f'b{n - 1}'}, *{'a' if n == 0 else f'b{n - 1}'}]\n"
            for n in range(9)
        )
    elif case.place == "huge":
        source += "# " + "x" * 1_100_000 + "\n"
    path.write_text(source, "utf-8")


@pytest.mark.process
@pytest.mark.parametrize("case", CASES, ids=str)
def test_hostile_input_is_shown_as_text_or_refused_and_nothing_leaks(project_from, tmp_path, case):
    project = project_from("valid")
    secret = plant_secret(tmp_path)
    _write_report(project, secret, case)
    if case.template:
        project.templates_dir.mkdir()
        name, text = case.template
        (project.templates_dir / name).write_text(text.replace("SECRET", str(secret)), "utf-8")
        os.symlink(secret, project.templates_dir / "leak.png")
    commands = (
        [case.args]
        if case.args
        else [("build", "kent")]
        if case.template
        else [("build", "kent"), ("press-release", "kent")]
    )
    for args in commands:
        result = invoke(project, *args)
        output = result.output + (result.stderr or "")
        assert "Traceback" not in output and not isinstance(result.exception, AssertionError)
        if case.refused:
            assert result.exit_code == case.exit_code, output
            assert case.refused in output, output
        else:
            assert result.exit_code == 0, output
    assert leaked(project.build_dir) == []
    assert not (project.root / "PWNED").exists() and not Path("PWNED").exists()
    for pdf in project.build_dir.rglob("*.pdf"):
        assert attachments(pdf) == [] and active_content(pdf) == []
    for html in project.build_dir.rglob("*.html"):
        assert "<script" not in html.read_text("utf-8").lower()
    if not case.refused and case.place == "paragraph":
        text = case.text.replace("SECRET", str(secret))
        txt = (project.build_dir / "kent" / "kent-press-release.txt").read_text("utf-8")
        # Shown as typed, but for its quotation marks, which the house writes curly.
        assert text in txt.translate(STRAIGHT_QUOTES)
        assert MARKER not in txt


def test_the_checks_themselves_see_a_leak_and_active_content(tmp_path):
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.Root.OpenAction = pdf.make_indirect(
        pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))
    )
    pdf.attachments["secret.txt"] = pikepdf.AttachedFileSpec(pdf, MARKER.encode())
    pdf.save(tmp_path / "bad.pdf")
    assert "/JS" in active_content(tmp_path / "bad.pdf")
    assert attachments(tmp_path / "bad.pdf") == ["secret.txt"]
    assert leaked(tmp_path) == ["bad.pdf (inside)"]
