"""validate remembers what it found in which files: asked again about the same files, it says
the same without checking; any change to what it read makes it check again."""

from __future__ import annotations

import json
import os
import shutil

import pytest

import ncpi.build.check_record
import ncpi.check.validate
from ncpi.build.targets import check_record_path
from ncpi.defaults import builtin_templates_dir

from support import edit, invoke, run_ncpi


@pytest.fixture
def checks(monkeypatch):
    """The sets of forces check_project was asked about, one entry per full validation."""
    calls = []
    real = ncpi.check.validate.check_project

    def counted(project, slugs=None, **kwargs):
        calls.append(slugs)
        return real(project, slugs, **kwargs)

    monkeypatch.setattr(ncpi.check.validate, "check_project", counted)
    return calls


@pytest.fixture
def renders(monkeypatch):
    """The editions the dry run rendered, as (force, language)."""
    rendered = []
    real = ncpi.check.validate.render_documents

    def counted(report, common, templates, language="en", *args, **kwargs):
        rendered.append((report.force.slug, language))
        return real(report, common, templates, language, *args, **kwargs)

    monkeypatch.setattr(ncpi.check.validate, "render_documents", counted)
    return rendered


@pytest.fixture
def forces_checked(monkeypatch):
    """The forces whose files were checked, not repeated from the record, in order."""
    checked = []
    real = ncpi.check.validate._check_one

    def counted(project, slug, result, **kwargs):
        checked.append(slug)
        return real(project, slug, result, **kwargs)

    monkeypatch.setattr(ncpi.check.validate, "_check_one", counted)
    return checked


def outcome(result) -> tuple[int, str]:
    return result.exit_code, result.output


@pytest.mark.parametrize("output_format", ["text", "json", "github"])
@pytest.mark.parametrize("fixture", ["shipped", "wrong-type", "missing-progress"])
def test_the_same_files_get_the_same_answer_without_a_check(
    project_from, checks, fixture, output_format
):
    project = project_from(fixture)
    first = invoke(project, "validate", "--format", output_format)
    assert checks == [None] and check_record_path(project).is_file()
    again = invoke(project, "validate", "--format", output_format)
    assert checks == [None], "checked again, though nothing changed"
    assert outcome(again) == outcome(first)


def test_each_set_of_forces_named_is_remembered_apart(project_from, checks):
    project = project_from("shipped")
    every = outcome(invoke(project, "validate"))
    essex = outcome(invoke(project, "validate", "essex"))
    assert essex != every
    assert outcome(invoke(project, "validate")) == every
    assert outcome(invoke(project, "validate", "essex")) == essex
    assert checks == [None, ["essex"]]


def _same_size_and_time(path, old: str, new: str) -> None:
    """Change a file's text and put back its size and modification time."""
    assert len(old.encode()) == len(new.encode())
    before = path.stat()
    edit(path, old, new)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


def _add_template_override(project) -> None:
    project.templates_dir.mkdir()
    text = (builtin_templates_dir() / "report.html.j2").read_text("utf-8")
    (project.templates_dir / "report.html.j2").write_text(text + "\n", "utf-8")


CHANGES = {
    "the report, same size and time": lambda p: _same_size_and_time(
        p.report_path("essex"), "Essex Police", "Essex Polic3"
    ),
    "the common data": lambda p: edit(p.common_path, "\n", "\n# a comment\n"),
    "the Welsh text": lambda p: edit(p.welsh_path("dyfed-powys"), "\n", "\n# sylw\n"),
    "the Welsh common data": lambda p: edit(p.welsh_common_path, "\n", "\n# sylw\n"),
    "a new report": lambda p: shutil.copy(p.report_path("essex"), p.report_path("kent")),
    "a Welsh file without a report": lambda p: shutil.copy(
        p.welsh_path("dyfed-powys"), p.reports_dir / "gwent.cy.yaml"
    ),
    "the common data removed": lambda p: p.common_path.unlink(),
    "a template of the project's own": _add_template_override,
}


@pytest.mark.parametrize("change", CHANGES, ids=list(CHANGES))
def test_any_change_to_what_validate_read_makes_it_check_again(project_from, checks, change):
    project = project_from("shipped")
    invoke(project, "validate")
    CHANGES[change](project)
    changed = invoke(project, "validate")
    assert checks == [None, None]
    # And the new answer is the one a validation without the record gives.
    check_record_path(project).unlink()
    assert outcome(invoke(project, "validate")) == outcome(changed)


FORCE_CHANGES = {
    "one report": (lambda p: edit(p.report_path("essex"), "\n", "\n# a comment\n"), ["essex"]),
    "a Welsh text": (
        lambda p: edit(p.welsh_path("dyfed-powys"), "\n", "\n# sylw\n"),
        ["dyfed-powys"],
    ),
    "the common data": (
        lambda p: edit(p.common_path, "\n", "\n# a comment\n"),
        ["dyfed-powys", "essex"],
    ),
    "the Welsh common data": (
        lambda p: edit(p.welsh_common_path, "\n", "\n# sylw\n"),
        ["dyfed-powys", "essex"],
    ),
    "a template": (_add_template_override, ["dyfed-powys", "essex"]),
}


@pytest.mark.parametrize("change", FORCE_CHANGES, ids=list(FORCE_CHANGES))
def test_only_the_forces_whose_files_changed_are_checked_again(
    project_from, forces_checked, change
):
    project = project_from("shipped")
    # A mistake in one force, to be repeated while its files stay as they are.
    edit(project.report_path("dyfed-powys"), "\n", "\nno_such_key: 1\n")
    first = invoke(project, "validate")
    assert first.exit_code == 1 and "no_such_key" in first.output
    assert sorted(forces_checked) == ["dyfed-powys", "essex"]
    forces_checked.clear()
    make_change, checked_again = FORCE_CHANGES[change]
    make_change(project)
    changed = outcome(invoke(project, "validate"))
    assert sorted(forces_checked) == checked_again
    check_record_path(project).unlink()
    assert changed == outcome(invoke(project, "validate"))


def test_a_force_mended_is_no_longer_reported(project_from, forces_checked):
    project = project_from("shipped")
    edit(project.report_path("essex"), "\n", "\nno_such_key: 1\n")
    assert invoke(project, "validate").exit_code == 1
    edit(project.report_path("essex"), "\nno_such_key: 1\n", "\n")
    forces_checked.clear()
    mended = invoke(project, "validate")
    assert forces_checked == ["essex"]
    assert mended.exit_code == 0 and "no_such_key" not in mended.output


def test_a_new_ncpi_checks_again(project_from, checks, monkeypatch):
    project = project_from()
    invoke(project, "validate")
    monkeypatch.setattr(ncpi.build.check_record, "code_fingerprint", lambda: "0.2.0+other")
    invoke(project, "validate")
    assert checks == [None, None]


def test_the_dry_run_renders_again_only_the_editions_whose_files_changed(project_from, renders):
    project = project_from("shipped")
    assert invoke(project, "validate").exit_code == 0
    assert sorted(renders) == [("dyfed-powys", "cy"), ("dyfed-powys", "en"), ("essex", "en")]
    renders.clear()
    edit(project.report_path("essex"), "\n", "\n# a comment\n")
    assert invoke(project, "validate").exit_code == 0
    assert renders == [("essex", "en")]
    renders.clear()
    edit(project.welsh_path("dyfed-powys"), "\n", "\n# sylw\n")
    assert invoke(project, "validate").exit_code == 0
    assert renders == [("dyfed-powys", "cy")]
    renders.clear()
    edit(project.common_path, "\n", "\n# a comment\n")  # Every edition is made from it.
    assert invoke(project, "validate").exit_code == 0
    assert sorted(renders) == [("dyfed-powys", "cy"), ("dyfed-powys", "en"), ("essex", "en")]


def test_an_edition_that_failed_its_dry_run_is_rendered_again(project_from, renders):
    project = project_from()
    project.templates_dir.mkdir()
    override = project.templates_dir / "press-release.txt.j2"
    override.write_text("{{ no_such_thing }}\n", "utf-8")
    assert invoke(project, "validate").exit_code == 1
    override.unlink()
    renders.clear()
    assert invoke(project, "validate").exit_code == 0
    assert renders == [("essex", "en")]


SAVES = {
    "a longer text": lambda p, _: edit(p.report_path("essex"), "\n", "\n# saved meanwhile\n"),
    "the same size and time": lambda p, _: _same_size_and_time(
        p.report_path("essex"), "Essex Police", "Essex Polic3"
    ),
    "one of ncpi's templates": lambda _, templates: edit(templates / "base.html.j2", "\n", "\n\n"),
}


@pytest.mark.parametrize("save", SAVES, ids=list(SAVES))
def test_a_file_saved_while_validate_ran_is_not_remembered(
    project_from, checks, monkeypatch, save, tmp_path
):
    project = project_from()
    real = ncpi.check.validate.check_project
    # ncpi's own templates, copied: one of them is saved meanwhile too.
    templates = tmp_path / "ncpi-templates"
    shutil.copytree(builtin_templates_dir(), templates)
    monkeypatch.setattr(ncpi.build.check_record, "input_folders", lambda p: [p.root, templates])
    monkeypatch.setattr(
        ncpi.build.check_record,
        "all_template_files",
        lambda p: sorted(path for path in templates.rglob("*") if path.is_file()),
    )

    def saved_during_the_check(project, slugs=None, **kwargs):
        result = real(project, slugs, **kwargs)
        SAVES[save](project, templates)
        return result

    monkeypatch.setattr(ncpi.check.validate, "check_project", saved_during_the_check)
    invoke(project, "validate")
    assert not check_record_path(project).exists()


def test_a_save_its_status_cannot_show_is_found_by_its_content(project_from, checks, monkeypatch):
    # A file system whose clock moves in coarse steps: a save in the step of the last save
    # leaves the same times, and here the same size.
    status = ncpi.build.check_record._signature
    monkeypatch.setattr(ncpi.build.check_record, "_signature", lambda info: status(info)[2:])
    project = project_from()
    real = ncpi.check.validate.check_project

    def saved_during_the_check(project, slugs=None, **kwargs):
        result = real(project, slugs, **kwargs)
        _same_size_and_time(project.report_path("essex"), "Essex Police", "Essex Polic3")
        return result

    monkeypatch.setattr(ncpi.check.validate, "check_project", saved_during_the_check)
    invoke(project, "validate")
    assert not check_record_path(project).exists()


PLANTED = {
    "not JSON": b"{",
    "another format": json.dumps({"format": 99}).encode(),
    "a line that is true": None,  # Made from the real record below.
    "too large": b" " * (ncpi.build.check_record.MAX_RECORD_BYTES + 1),
}


@pytest.mark.parametrize("planted", PLANTED, ids=list(PLANTED))
def test_a_damaged_or_planted_record_is_checked_again_not_believed(project_from, checks, planted):
    project = project_from("wrong-type")
    first = outcome(invoke(project, "validate"))
    path = check_record_path(project)
    data = PLANTED[planted]
    if data is None:
        record = json.loads(path.read_text("utf-8"))
        (scope,) = record["scopes"].values()
        scope["problems"][0]["line"] = True
        data = json.dumps(record).encode()
    path.write_bytes(data)
    assert outcome(invoke(project, "validate")) == first
    assert checks == [None, None]


def test_a_record_that_says_all_is_well_for_other_files_is_not_believed(project_from, checks):
    clean, broken = project_from(), project_from("wrong-type")
    invoke(clean, "validate")
    broken.build_dir.mkdir()
    shutil.copy(check_record_path(clean), check_record_path(broken))
    result = invoke(broken, "validate")
    assert result.exit_code == 1 and "error" in result.output
    assert checks == [None, None]


def test_a_record_that_cannot_be_written_changes_nothing_else(project_from, tmp_path):
    project = project_from()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    project.build_dir.symlink_to(elsewhere)  # Refused by the one writer: never written through.
    result = invoke(project, "validate")
    assert result.exit_code == 0 and "0 error(s)" in result.output
    assert list(elsewhere.iterdir()) == []


def test_clean_removes_the_record(project_from):
    project = project_from()
    invoke(project, "validate")
    assert check_record_path(project).is_file()
    assert invoke(project, "clean").exit_code == 0
    assert not project.build_dir.exists()


@pytest.mark.process
def test_the_answer_from_the_record_loads_neither_pydantic_nor_jinja(project_from):
    project = project_from("shipped")
    first = run_ncpi(project, "validate")
    env = {**os.environ, "PYTHONPROFILEIMPORTTIME": "1"}
    again = run_ncpi(project, "validate", env=env)
    assert (again.returncode, again.stdout) == (first.returncode, first.stdout)
    imported = {line.rsplit("|", 1)[-1].strip() for line in again.stderr.splitlines()}
    assert "ncpi.problems" in imported  # The import times were printed.
    assert {"pydantic", "jinja2", "yaml"}.isdisjoint(imported)


def test_a_report_that_cannot_be_read_is_reported_and_nothing_remembered(project_from, tmp_path):
    project = project_from()
    outside = tmp_path / "outside.yaml"
    shutil.copy(project.report_path("essex"), outside)
    project.report_path("essex").unlink()
    project.report_path("essex").symlink_to(outside)
    result = invoke(project, "validate")
    assert result.exit_code == 1 and "reports/essex.yaml:1:1" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert not check_record_path(project).exists()


def test_list_renders_only_what_no_validation_rendered_from_these_files(project_from, renders):
    project = project_from("shipped")
    assert invoke(project, "validate").exit_code == 0
    renders.clear()
    assert invoke(project, "list").exit_code == 0
    assert renders == []
    edit(project.report_path("essex"), "\n", "\n# a comment\n")
    assert invoke(project, "list").exit_code == 0
    assert renders == [("essex", "en")]


def test_the_record_is_not_flushed_and_a_record_cut_short_is_none(
    project_from, checks, monkeypatch
):
    # The record only saves time: flushing it to disk cost each validation 2 ms, and a power
    # cut leaves at worst a file cut short, read as no record: everything is checked again.
    project = project_from("shipped")
    first = invoke(project, "validate")  # build/ made, with its marker (flushed, as any output)
    check_record_path(project).unlink()
    flushed = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda descriptor: flushed.append(descriptor))
    assert outcome(invoke(project, "validate")) == outcome(first)
    monkeypatch.setattr(os, "fsync", real_fsync)
    assert flushed == [] and check_record_path(project).is_file()
    record = check_record_path(project).read_bytes()
    check_record_path(project).write_bytes(record[: len(record) // 2])
    assert outcome(invoke(project, "validate")) == outcome(first)
    assert checks == [None, None, None], "a record cut short was trusted"
