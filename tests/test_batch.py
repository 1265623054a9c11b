"""Many forces at once: parallel workers, incremental skips, failures stop nothing, progress."""

from __future__ import annotations

import io
import json
import os
import shutil

import pytest

from ncpi.build.pipeline import Run, build_targets
from ncpi.build.progress import Progress
from ncpi.build.targets import Target, manifest_path

from support import FIXTURES, invoke


def _two_forces(project_from):
    """Essex (real) and Kent (synthetic fixture) in one project."""
    project = project_from()
    shutil.copy(FIXTURES / "valid" / "reports" / "kent.yaml", project.reports_dir / "kent.yaml")
    return project


def _stamps(project):
    """Each output's modification time: unchanged means it was not rewritten."""
    return {
        p.relative_to(project.build_dir).as_posix(): p.stat().st_mtime_ns
        for p in project.build_dir.rglob("*")
        if p.is_file()
    }


@pytest.mark.process
def test_all_builds_every_report_in_two_workers_then_skips_them(project_from):
    project = _two_forces(project_from)
    result = invoke(project, "build", "--all", "-j", "2")
    assert result.exit_code == 0, result.output
    assert "2 built, 0 up to date, 0 failed" in result.stdout
    for slug in ("essex", "kent"):
        assert (project.build_dir / slug / f"{slug}-report.pdf").read_bytes().startswith(b"%PDF-")
    before = _stamps(project)
    again = invoke(project, "build", "--all", "-j", "2")
    assert again.exit_code == 0
    assert "0 built, 2 up to date, 0 failed" in again.stdout
    assert "Nothing changed since the last build" in again.stdout
    assert _stamps(project) == before


@pytest.mark.process
def test_workers_render_several_documents_each(project_from):
    project = _two_forces(project_from)
    targets = [
        Target(slug, kind) for slug in ("essex", "kent") for kind in ("report", "press-release")
    ]
    outcomes = build_targets(project, targets, run=Run(jobs=2))
    assert [o.state for o in outcomes] == ["built"] * 4
    workers = {o.process_id for o in outcomes}
    # Four documents, at most two processes (each importing WeasyPrint once), none of them us.
    assert len(workers) <= 2 and os.getpid() not in workers
    assert all(o.peak_memory_kib > 0 for o in outcomes)


@pytest.mark.process
@pytest.mark.usefixtures("stand_in_pdfs")
def test_changing_one_report_rebuilds_only_that_force(project_from):
    project = _two_forces(project_from)
    assert invoke(project, "build", "essex", "kent").exit_code == 0
    before = _stamps(project)
    kent = project.report_path("kent")
    kent.write_text(
        kent.read_text("utf-8").replace("Progress is good.", "Progress is fine."), "utf-8"
    )
    result = invoke(project, "build", "essex", "kent")
    assert result.exit_code == 0
    assert (
        "[2/2] kent report: built" in result.stderr and "reports/kent.yaml changed" in result.stderr
    )
    assert "1 built, 1 up to date, 0 failed" in result.stdout
    after = _stamps(project)
    assert after["essex/essex-report.pdf"] == before["essex/essex-report.pdf"]
    assert after["kent/kent-report.pdf"] != before["kent/kent-report.pdf"]


@pytest.mark.process
@pytest.mark.usefixtures("stand_in_pdfs")
def test_a_comment_only_edit_is_a_change_of_content_not_of_time(project_from):
    project = project_from()
    assert invoke(project, "build", "essex").exit_code == 0
    path = project.report_path("essex")
    os.utime(path)  # Touched, not changed: content hashes say nothing changed.
    assert "0 built, 1 up to date" in invoke(project, "build", "essex").stdout
    path.write_text(path.read_text("utf-8") + "# a comment\n", "utf-8")
    assert "1 built, 0 up to date" in invoke(project, "build", "essex").stdout


@pytest.mark.process
@pytest.mark.usefixtures("stand_in_pdfs")
def test_common_data_template_stylesheet_and_options_are_dependencies(project_from):
    project = project_from()
    assert invoke(project, "build", "essex").exit_code == 0

    def rebuilt_because(*args):
        result = invoke(project, "build", "essex", *args)
        assert result.exit_code == 0, result.output
        assert "1 built" in result.stdout, result.output
        return result.stderr

    common = project.common_path
    common.write_text(common.read_text("utf-8") + "# edited\n", "utf-8")
    assert "reports/_common.yaml changed" in rebuilt_because()
    # A new override of a stylesheet the report includes: the name now resolves elsewhere.
    (project.templates_dir / "css").mkdir(parents=True)
    (project.templates_dir / "css" / "report.css").write_text(
        '{% include "default:css/report.css" %}\nh1 { letter-spacing: 0.01em; }\n', "utf-8"
    )
    assert "template css/report.css is now templates/css/report.css" in rebuilt_because()
    (project.templates_dir / "css" / "report.css").write_text(
        '{% include "default:css/report.css" %}\nh1 { letter-spacing: 0.02em; }\n', "utf-8"
    )
    assert "templates/css/report.css changed" in rebuilt_because()
    assert "the build options changed" in rebuilt_because("--pdf-variant", "pdf/a-3b")
    assert "--force" in rebuilt_because("--pdf-variant", "pdf/a-3b", "--force")


@pytest.mark.process
@pytest.mark.usefixtures("stand_in_pdfs")
def test_a_press_release_template_does_not_rebuild_the_report(project_from):
    project = project_from()
    assert invoke(project, "build", "essex").exit_code == 0
    project.templates_dir.mkdir()
    (project.templates_dir / "press-release.txt.j2").write_text(
        '{% include "default:press-release.txt.j2" %}', "utf-8"
    )
    assert "0 built, 1 up to date" in invoke(project, "build", "essex").stdout
    result = invoke(project, "press-release", "essex")
    assert "1 built" in result.stdout


@pytest.mark.process
@pytest.mark.usefixtures("stand_in_pdfs")
def test_a_deleted_or_edited_output_is_rebuilt(project_from):
    project = project_from()
    assert invoke(project, "build", "essex").exit_code == 0
    pdf = project.build_dir / "essex" / "essex-report.pdf"
    pdf.write_bytes(b"not a pdf")
    result = invoke(project, "build", "essex")
    assert "build/essex/essex-report.pdf is missing or was changed" in result.stderr
    assert pdf.read_bytes().startswith(b"%PDF-")
    (project.build_dir / "essex" / "essex-report.html").unlink()
    assert "1 built" in invoke(project, "build", "essex").stdout


@pytest.mark.process
@pytest.mark.usefixtures("stand_in_pdfs")
def test_a_failing_force_stops_nothing_and_exits_1(project_from):
    project = _two_forces(project_from)
    kent = project.report_path("kent")
    kent.write_text(kent.read_text("utf-8").replace("status: met", "status: done"), "utf-8")
    result = invoke(project, "build", "--all", "-j", "2")
    assert result.exit_code == 1
    assert (project.build_dir / "essex" / "essex-report.pdf").is_file()
    assert not (project.build_dir / "kent").exists()
    assert "kent report failed: 1 problem(s) found; not built" in result.stderr
    assert "  reports/kent.yaml:44:15: reinspection.progress[0].status: " in result.stderr
    assert "1 built, 0 up to date, 1 failed" in result.stderr
    # Fixed, only Kent is built the next time.
    kent.write_text(kent.read_text("utf-8").replace("status: done", "status: met"), "utf-8")
    fixed = invoke(project, "build", "--all")
    assert fixed.exit_code == 0 and "1 built, 1 up to date, 0 failed" in fixed.stdout


@pytest.mark.process
def test_a_failed_render_leaves_no_build_record(project_from):
    project = project_from()
    project.templates_dir.mkdir()
    (project.templates_dir / "report.html.j2").write_text(
        '{% extends "default:report.html.j2" %}{% block styles %}{{ super() }}'
        'body { background: url("https://example.org/x.png"); }{% endblock %}',
        "utf-8",
    )
    result = invoke(project, "build", "essex")
    assert result.exit_code == 1
    assert "refused to read https://example.org/x.png" in result.stderr
    assert not manifest_path(project, Target("essex", "report")).exists()


def test_forces_or_all_must_be_given(project_from):
    project = project_from()
    assert invoke(project, "build").exit_code == 2
    assert "name a force (e.g. essex), or use --all" in invoke(project, "build").stderr
    assert invoke(project, "build", "essex", "--all").exit_code == 2


def test_progress_draws_a_bar_on_a_terminal():
    from ncpi.build.outcomes import Outcome

    stream = io.StringIO()
    progress = Progress(4, stream, terminal=True)
    progress.start(Target("kent", "report"))
    progress.finish(Outcome(Target("kent", "report"), "built"))
    progress.close()
    drawn = stream.getvalue()
    assert "\r\x1b[K" in drawn and "kent report" in drawn
    assert "██████░░░░░░░░░░░░░░░░░░ 1/4 documents" in drawn and "\n" not in drawn


def test_progress_is_plain_lines_elsewhere():
    from ncpi.build.outcomes import Outcome

    stream = io.StringIO()
    progress = Progress(2, stream, terminal=False)
    progress.finish(Outcome(Target("kent", "report"), "up to date"))
    progress.finish(Outcome(Target("essex", "report"), "failed"))
    assert stream.getvalue() == "[1/2] kent report: up to date\n[2/2] essex report: FAILED\n"


@pytest.mark.process
@pytest.mark.usefixtures("stand_in_pdfs")
def test_clean_removes_only_what_ncpi_wrote(project_from):
    project = project_from()
    assert invoke(project, "build", "essex").exit_code == 0
    mine = project.build_dir / "essex" / "my-notes.txt"
    mine.write_text("keep me", "utf-8")
    result = invoke(project, "clean")
    assert result.exit_code == 0 and "removed 3 file(s) from build/." in result.stdout
    # The user's file and its folder stay; so does ncpi's mark that it made build/.
    assert sorted(p.name for p in project.build_dir.rglob("*")) == [
        ".made-by-ncpi",
        "essex",
        "my-notes.txt",
    ]
    assert project.report_path("essex").is_file()
    mine.unlink()
    assert invoke(project, "build", "essex").exit_code == 0
    assert "removed 3 file(s)" in invoke(project, "clean", "essex").stdout
    assert not project.build_dir.exists()
    assert invoke(project, "clean", "../etc").exit_code == 2  # not a force: a usage error


@pytest.mark.process
@pytest.mark.usefixtures("stand_in_pdfs")
def test_list_shows_every_force_with_its_state(project_from):
    project = _two_forces(project_from)
    kent = project.report_path("kent")
    kent.write_text(
        kent.read_text("utf-8")
        .replace("status: final", "status: draft")
        .replace("status: met", "status: done"),
        "utf-8",
    )
    assert invoke(project, "build", "essex").exit_code == 0
    rows = json.loads(invoke(project, "list", "--format", "json").stdout)
    assert len(rows) == 43
    by_slug = {row["slug"]: row for row in rows}
    assert by_slug["essex"] == {
        "slug": "essex",
        "name": "Essex Police",
        "region": "Eastern",
        "report": True,
        "status": "final",
        "valid": True,
        "errors": 0,
        "outputs": {"report": "up to date", "press-release": "not built"},
        "welsh": None,  # an English force
    }
    assert by_slug["kent"]["status"] == "draft" and by_slug["kent"]["valid"] is False
    assert by_slug["kent"]["errors"] == 1
    assert by_slug["surrey"]["report"] is False and by_slug["surrey"]["outputs"] is None
    table = invoke(project, "list").stdout.splitlines()
    assert table[0].split() == ["Slug", "Force", "Region", "Report", "Status", "Valid", "Outputs"]
    assert len(table) == 2 + 43 + 2
    essex = next(line for line in table if line.startswith("essex "))
    assert essex.split()[:7] == ["essex", "Essex", "Police", "Eastern", "yes", "final", "yes"]
    assert "no (1 error(s))" in next(line for line in table if line.startswith("kent "))
    assert table[-1] == "43 forces, 2 with a report."
    kent_pdf_src = project.report_path("essex")
    kent_pdf_src.write_text(kent_pdf_src.read_text("utf-8") + "# edit\n", "utf-8")
    rows = json.loads(invoke(project, "list", "--format", "json").stdout)
    assert {r["slug"]: r for r in rows}["essex"]["outputs"]["report"] == "out of date"


@pytest.mark.process
def test_an_image_the_report_uses_is_a_dependency(project_from):
    project = project_from()
    project.templates_dir.mkdir()
    logo = project.templates_dir / "logo.svg"
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">'
        '<rect width="40" height="20" fill="{}"/></svg>'
    )
    logo.write_text(svg.format("#1d4f91"), "utf-8")
    (project.templates_dir / "report.html.j2").write_text(
        '{% extends "default:report.html.j2" %}{% block body %}'
        '<img src="logo.svg" alt="The inspectorate\'s logo">{{ super() }}{% endblock %}',
        "utf-8",
    )
    assert invoke(project, "build", "essex").exit_code == 0
    record = json.loads(manifest_path(project, Target("essex", "report")).read_text("utf-8"))
    assert str(logo.resolve()) in record["assets"]
    assert any(name.endswith("Lato-Regular.ttf") for name in record["assets"])
    assert "0 built, 1 up to date" in invoke(project, "build", "essex").stdout
    logo.write_text(svg.format("#0b0c0c"), "utf-8")
    result = invoke(project, "build", "essex")
    assert "templates/logo.svg changed" in result.stderr and "1 built" in result.stdout


def test_the_bar_fits_the_terminal_and_shows_failures_as_they_happen():
    from ncpi.build.outcomes import Outcome

    stream = io.StringIO()
    progress = Progress(86, stream, terminal=True)
    progress.start(Target("avon-and-somerset", "press-release"))
    for columns in (200, 80, 60, 40, 20):
        line = progress.line(columns)
        assert len(line) < columns and "0/86 documents" in line
    assert "█" not in progress.line(40)  # too narrow for the bar: only the counts
    progress.finish(Outcome(Target("kent", "report"), "failed"))
    drawn = stream.getvalue()
    assert "✗ kent report failed\n" in drawn  # on its own line, above the bar
    assert "1/86 documents · 1 failed" in drawn.rsplit("\n", 1)[-1]


@pytest.mark.process
def test_press_release_png_renders_its_pages(project_from):
    project = project_from()
    result = invoke(project, "press-release", "essex", "--png")
    assert result.exit_code == 0, result.output
    pages = sorted((project.build_dir / "essex" / "preview").glob("press-release-page-*.png"))
    assert pages and all(p.read_bytes().startswith(b"\x89PNG") for p in pages)
    # The report's pages are kept apart from the press release's, and clean removes both.
    assert invoke(project, "build", "essex", "--png").exit_code == 0
    assert list((project.build_dir / "essex" / "preview").glob("page-*.png"))
    assert (project.build_dir / "essex" / "preview" / pages[0].name).exists()
    assert invoke(project, "clean", "essex").exit_code == 0
    assert not (project.build_dir / "essex" / "preview").exists()
