"""ncpi's own templates are compiled when it is installed: read at run time, never written,
and never standing in for a project's own template or an edited one."""

from __future__ import annotations

import jinja2
import pytest

import ncpi.render.templating as templating
from ncpi.check.validate import check_project
from ncpi.render.documents import render_documents

from support import REPO


@pytest.fixture
def compiled(tmp_path, monkeypatch):
    """A folder of ncpi's templates compiled as setup.sh compiles them, in use; and a list of
    the templates Jinja compiled while rendering, by name."""
    folder = tmp_path / "bytecode"
    every = [p for p in (REPO / "templates").rglob("*") if p.suffix in (".j2", ".css")]
    assert templating.compile_installed_templates(folder) == len(every)
    monkeypatch.setattr(templating, "installed_bytecode_folder", lambda: folder)
    templating._environment.cache_clear()
    compiled_now: list[str] = []
    real = jinja2.Environment.compile  # The sandbox's too: it has no compile of its own.

    def counted(self, source, name=None, filename=None, *args, **kwargs):
        compiled_now.append(name)
        return real(self, source, name, filename, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", counted)
    yield folder, compiled_now
    templating._environment.cache_clear()


def _documents(project, language="en", slug="essex"):
    result = check_project(project, dry_run=False)
    if language == "en":
        return render_documents(result.reports[slug], result.common, project.templates_dir)
    verdict = result.verdict(slug, "cy")
    return render_documents(verdict.report, verdict.common, project.templates_dir, "cy")


def test_the_compiled_templates_render_what_compiling_them_renders(
    project_from, compiled, monkeypatch
):
    folder, compiled_now = compiled
    project = project_from("shipped")
    before = sorted(path.name for path in folder.rglob("*"))
    from_bytecode = [_documents(project), _documents(project, "cy", "dyfed-powys")]
    assert compiled_now == [], "a template of ncpi's was compiled again"
    assert sorted(path.name for path in folder.rglob("*")) == before, "written at run time"
    monkeypatch.setattr(templating, "installed_bytecode_folder", lambda: folder / "none")
    templating._environment.cache_clear()
    compiled_fresh = [_documents(project), _documents(project, "cy", "dyfed-powys")]
    assert compiled_now, "the stand-in folder was used"
    assert from_bytecode == compiled_fresh


def test_a_projects_own_template_of_the_same_name_is_compiled_and_used(project_from, compiled):
    _, compiled_now = compiled
    project = project_from()
    project.templates_dir.mkdir()
    own = (REPO / "templates" / "press-release.txt.j2").read_text("utf-8")
    (project.templates_dir / "press-release.txt.j2").write_text("OWN TEXT\n" + own, "utf-8")
    documents = _documents(project)
    assert documents.press_release_text.startswith("OWN TEXT")
    assert compiled_now == ["press-release.txt.j2"]


def test_a_projects_templates_never_run_code_compiled_outside_the_sandbox(project_from, compiled):
    # ncpi's templates alone render outside Jinja's sandbox, which compiles a call otherwise:
    # beside a project's own template, ncpi's are run as the sandbox compiled them.
    folder, compiled_now = compiled
    for path in (folder / "sandboxed").iterdir():
        path.unlink()
    project = project_from()
    _documents(project)
    assert compiled_now == []
    project.templates_dir.mkdir()
    (project.templates_dir / "unused.txt.j2").write_text("unused\n", "utf-8")
    _documents(project)
    assert "report.html.j2" in compiled_now and "base.html.j2" in compiled_now


def test_damaged_bytecode_is_compiled_afresh(project_from, compiled):
    folder, compiled_now = compiled
    for path in folder.rglob("*.cache"):
        path.write_bytes(path.read_bytes()[:40])
    documents = _documents(project_from())
    assert "report.html.j2" in compiled_now
    assert "Essex" in documents.report_html
