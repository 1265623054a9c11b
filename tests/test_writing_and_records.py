"""Writing outputs and keeping build records, without rendering a PDF: fast, and exact about
what a skipped fsync, a wrong mode or an output written in place would break."""

from __future__ import annotations

import os
import stat
from contextlib import contextmanager, nullcontext
from pathlib import Path

import pytest

from ncpi.build.incremental import file_hash, why_stale
from ncpi.build.inputs import current_inputs
from ncpi.build.outputs import write_new_file, write_outputs
from ncpi.build.targets import BuildOptions, Target, manifest_path, output_paths
from ncpi.errors import OutputError

from support import recorded_build

REPORT = Target("essex", "report")


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o644)])
def test_outputs_honour_the_umask_as_the_folders_do(project_from, umask, mode):
    project = project_from()
    path = project.build_dir / "essex" / "essex-report.html"
    old = os.umask(umask)
    try:
        write_outputs(project, {path: b"<p>x</p>"})
        write_outputs(project, {path: b"<p>y</p>"})  # replaced: the same mode
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == mode
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o755 & ~umask
    assert path.read_bytes() == b"<p>y</p>"


def test_every_file_and_its_folder_reach_the_disk(project_from, monkeypatch):
    """fsync is observed, not replaced: each file, then each folder holding the renames."""
    project = project_from()
    synced: list[str] = []
    real_fsync = os.fsync

    def observed_fsync(descriptor):
        synced.append("folder" if stat.S_ISDIR(os.fstat(descriptor).st_mode) else "file")
        return real_fsync(descriptor)

    monkeypatch.setattr(os, "fsync", observed_fsync)
    folder = project.build_dir / "essex"
    write_outputs(project, {folder / "essex-report.html": b"a", folder / "essex-report.pdf": b"b"})
    # Two outputs, and build/ was made (its marker file); then the folder of the renames.
    assert synced.count("file") == 3 and synced[-1] == "folder"


def test_an_output_is_replaced_by_a_new_file_never_rewritten_in_place(project_from):
    """A reader holding the old file (a web server, a hard link) keeps the old bytes whole."""
    project = project_from()
    path = project.build_dir / "essex" / "essex-report.html"
    write_outputs(project, {path: b"old"})
    kept = project.root / "kept.html"
    os.link(path, kept)
    write_outputs(project, {path: b"new"})
    assert path.read_bytes() == b"new" and kept.read_bytes() == b"old"
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]


def test_outputs_are_written_only_under_build(project_from):
    project = project_from()
    with pytest.raises(ValueError):
        write_outputs(project, {project.root / "reports" / "essex.yaml": b"x"})
    assert project.report_path("essex").read_bytes().startswith(b"# yaml-language-server")


def test_a_new_file_never_replaces_one(project_from):
    project = project_from()
    before = project.report_path("essex").read_bytes()
    with pytest.raises(OutputError, match="already exists"):
        write_new_file(project.report_path("essex"), b"x")
    assert project.report_path("essex").read_bytes() == before


# Build records -----------------------------------------------------------------------------


def test_a_recorded_build_is_up_to_date_until_something_changes(project_from):
    project = project_from()
    assert why_stale(project, REPORT, BuildOptions().as_record()) == "not built yet"
    recorded_build(project)
    assert why_stale(project, REPORT, BuildOptions().as_record()) is None


def test_a_touched_file_is_no_change_but_an_edit_is(project_from):
    project = project_from()
    recorded_build(project)
    report = project.report_path("essex")
    os.utime(report, (1, 1))  # only the time
    assert why_stale(project, REPORT, BuildOptions().as_record()) is None
    report.write_bytes(report.read_bytes() + b"# a comment\n")
    assert why_stale(project, REPORT, BuildOptions().as_record()) == "reports/essex.yaml changed"


def test_the_common_data_and_the_options_are_inputs(project_from):
    project = project_from()
    recorded_build(project)
    assert why_stale(project, REPORT, BuildOptions(final=True).as_record()) == (
        "the build options changed"
    )
    assert why_stale(project, REPORT, BuildOptions("pdf/a-3b").as_record()) == (
        "the build options changed"
    )
    common = project.common_path
    common.write_bytes(common.read_bytes() + b"\n")
    assert why_stale(project, REPORT, BuildOptions().as_record()) == (
        "reports/_common.yaml changed"
    )


def test_a_deleted_or_edited_output_means_a_rebuild(project_from):
    project = project_from()
    recorded_build(project)
    html = output_paths(project, REPORT)["report.html"]
    html.write_bytes(b"edited by hand")
    assert why_stale(project, REPORT, BuildOptions().as_record()) == (
        "build/essex/essex-report.html is missing or was changed"
    )
    recorded_build(project)
    output_paths(project, REPORT)["report.pdf"].unlink()
    assert why_stale(project, REPORT, BuildOptions().as_record()) == (
        "build/essex/essex-report.pdf is missing or was changed"
    )


def test_an_idle_check_trusts_an_output_written_as_recorded_without_reading_it(project_from):
    from ncpi.build import incremental

    project = project_from()
    recorded_build(project)
    options = BuildOptions().as_record()
    incremental._hash_cache.clear()  # what this process has read and hashed
    assert why_stale(project, REPORT, options) is None
    outputs = {os.stat(path).st_ino for path in output_paths(project, REPORT).values()}
    hashed = {key[2] for key in incremental._hash_cache}  # (folders, device, inode, …)
    assert hashed and not hashed & outputs  # the inputs were hashed, no output was
    # Touched, its status is not the one recorded: read, and found the same, it is up to date.
    pdf = output_paths(project, REPORT)["report.pdf"]
    os.utime(pdf)
    assert why_stale(project, REPORT, options) is None
    assert os.stat(pdf).st_ino in {key[2] for key in incremental._hash_cache}


def test_an_output_edited_in_place_with_its_size_and_time_kept_is_still_seen(project_from):
    # The change time, which no one can set back, gives the edit away.
    project = project_from()
    recorded_build(project)
    html = output_paths(project, REPORT)["report.html"]
    before = os.stat(html)
    with open(html, "r+b") as file:
        file.write(b"X")  # the first byte, in place: same file, same size
    os.utime(html, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = os.stat(html)
    assert (after.st_ino, after.st_size, after.st_mtime_ns) == (
        before.st_ino,
        before.st_size,
        before.st_mtime_ns,
    )
    assert why_stale(project, REPORT, BuildOptions().as_record()) == (
        "build/essex/essex-report.html is missing or was changed"
    )


def test_a_new_template_override_is_a_change_and_only_for_its_own_target(project_from):
    project = project_from()
    release = Target("essex", "press-release")
    recorded_build(project)
    recorded_build(project, release)
    project.templates_dir.mkdir()
    (project.templates_dir / "press-release.txt.j2").write_text("{{ report.status }}\n")
    assert why_stale(project, REPORT, BuildOptions().as_record()) is None
    assert why_stale(project, release, BuildOptions().as_record()) == (
        "template press-release.txt.j2 is now templates/press-release.txt.j2"
    )


def test_a_record_from_another_ncpi_or_damaged_is_stale(project_from):
    project = project_from()
    recorded_build(project)
    record = manifest_path(project, REPORT)
    text = record.read_text("utf-8")
    record.write_text(text.replace('"ncpi": "', '"ncpi": "0.0.0+'), "utf-8")
    assert why_stale(project, REPORT, BuildOptions().as_record()) == "ncpi was upgraded"
    record.write_text("{not json", "utf-8")
    assert why_stale(project, REPORT, BuildOptions().as_record()) == (
        "its build record is unreadable or from another version"
    )


def test_outputs_in_several_folders_are_written_together(project_from):
    project = project_from()
    page = project.build_dir / "essex" / "preview" / "page-1.png"
    html = project.build_dir / "essex" / "essex-report.html"
    assert write_outputs(project, {page: b"png", html: b"html"}) == [page, html]
    assert page.read_bytes() == b"png" and html.read_bytes() == b"html"
    assert sorted(p.name for p in (project.build_dir / "essex").iterdir()) == [
        "essex-report.html",
        "preview",
    ]


_WRITE_WITH_SMALL_FILES = """
import resource, signal, sys
from pathlib import Path
from ncpi.errors import OutputError
from ncpi.build.outputs import write_outputs
from ncpi.project import Project

signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of a signal
resource.setrlimit(resource.RLIMIT_FSIZE, (1024, resource.RLIM_INFINITY))
project = Project(Path(sys.argv[1]))
folder = project.build_dir / "essex"
try:
    write_outputs(project, {folder / "essex-report.html": b"new html",
                            folder / "essex-report.pdf": b"x" * 5000})
except OutputError as error:
    print(error.format_message())
"""


@pytest.mark.process
def test_a_failed_write_changes_nothing_and_names_the_files(project_from):
    """Files over 1 kB cannot be written, as on a full disk; in a process of its own, so that
    the limit cannot touch anything else."""
    import subprocess
    import sys

    project = project_from()
    folder = project.build_dir / "essex"
    html, pdf = folder / "essex-report.html", folder / "essex-report.pdf"
    write_outputs(project, {html: b"old html", pdf: b"old pdf"})
    done = subprocess.run(
        [sys.executable, "-c", _WRITE_WITH_SMALL_FILES, str(project.root)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.stdout.strip() == (
        "cannot write build/essex/essex-report.html, build/essex/essex-report.pdf: File too "
        "large; the previous files, if any, are unchanged"
    ), done.stderr
    assert html.read_bytes() == b"old html" and pdf.read_bytes() == b"old pdf"
    assert sorted(p.name for p in folder.iterdir()) == ["essex-report.html", "essex-report.pdf"]


def test_a_leftover_temporary_file_is_recognised_as_ncpis(project_from):
    from ncpi.build.outputs import TEMPORARY, _temporary_name

    name = _temporary_name("essex-report.pdf")
    assert TEMPORARY.match(name).group("name") == "essex-report.pdf"
    assert _temporary_name("x") != _temporary_name("x")  # never the same twice


def test_a_failed_rename_says_what_was_replaced_and_what_was_not(project_from):
    project = project_from()
    folder = project.build_dir / "essex"
    html, pdf = folder / "essex-report.html", folder / "essex-report.pdf"
    (pdf / "in-the-way").mkdir(parents=True)  # a folder where the PDF goes: it cannot be replaced
    with pytest.raises(OutputError) as failure:
        write_outputs(project, {html: b"html", pdf: b"pdf"})
    assert failure.value.format_message() == (
        "cannot replace build/essex/essex-report.pdf: Is a directory. Replaced: "
        "build/essex/essex-report.html; unchanged: build/essex/essex-report.pdf. Build again to "
        "make them match"
    )
    assert html.read_bytes() == b"html" and pdf.is_dir()
    assert sorted(p.name for p in folder.iterdir()) == ["essex-report.html", "essex-report.pdf"]


def test_new_files_and_schemas_are_written_into_new_folders(project_from):
    from ncpi.build.outputs import write_atomically

    project = project_from()
    write_new_file(project.root / "a" / "b" / "new.yaml", b"new")
    write_atomically(project.root / "c" / "d" / "schema.json", b"{}")
    assert (project.root / "a" / "b" / "new.yaml").read_bytes() == b"new"
    assert (project.root / "c" / "d" / "schema.json").read_bytes() == b"{}"
    (project.root / "file").write_text("not a folder")
    with pytest.raises(OutputError, match=r"cannot write to .*/file: File exists"):
        write_new_file(project.root / "file" / "x.yaml", b"x")


# What a build depends on ---------------------------------------------------------------------


def test_the_templates_a_target_reaches_are_followed_through_extends_and_include(project_from):
    from ncpi.build.inputs import template_closure

    project = project_from()
    reached = template_closure(project, "report")
    assert {"report.html.j2", "base.html.j2", "css/report.css"} <= set(reached)
    assert "press-release.txt.j2" not in reached
    # An override of an included file is found where the loader finds it.
    (project.templates_dir / "css").mkdir(parents=True)
    (project.templates_dir / "css" / "report.css").write_text("h2 { color: red; }")
    assert template_closure(project, "report")["css/report.css"] == (
        project.templates_dir / "css" / "report.css"
    )


def test_a_computed_include_makes_every_template_an_input(project_from):
    from ncpi.build.inputs import template_closure

    project = project_from()
    project.templates_dir.mkdir()
    (project.templates_dir / "report.html.j2").write_text('{% include report.status ~ ".j2" %}')
    assert template_closure(project, "report") is None
    inputs = current_inputs(project, REPORT)
    assert str(project.templates_dir / "report.html.j2") in inputs.files
    assert any(path.endswith("press-release.txt.j2") for path in inputs.files)


def test_an_input_outside_the_project_is_never_read(project_from, tmp_path):
    project = project_from()
    outside = tmp_path / "secret.yaml"
    outside.write_text("secret")
    project.report_path("essex").unlink()
    os.symlink(outside, project.report_path("essex"))
    project.templates_dir.mkdir()
    os.symlink(outside, project.templates_dir / "report.html.j2")
    inputs = current_inputs(project, REPORT)
    assert inputs.files[str(project.report_path("essex"))] == "missing"
    assert inputs.templates["report.html.j2"][1] == "missing"


def test_a_file_hashed_once_is_still_refused_where_it_is_outside(project_from):
    """Hashes are kept per process, but not across the folders a file must be inside."""
    project = project_from()
    shared = project.root / "shared"
    shared.mkdir()
    (shared / "common.yaml").write_text("common", "utf-8")
    link = project.reports_dir / "linked.yaml"
    os.symlink(shared / "common.yaml", link)
    assert file_hash(link, [project.root]) is not None
    assert file_hash(link, [project.reports_dir]) is None
    assert file_hash(link) is None


def test_a_welsh_edition_depends_on_its_welsh_files_and_the_welsh_catalogues(project_from):
    from ncpi.render.names import catalogue_paths

    project = project_from("shipped")
    english, welsh = Target("dyfed-powys", "report"), Target("dyfed-powys", "report", "cy")
    data = [project.report_path("dyfed-powys"), project.common_path]
    welsh_data = [project.welsh_path("dyfed-powys"), project.welsh_common_path]
    assert set(current_inputs(project, english).files) == {str(path) for path in data}
    inputs = current_inputs(project, welsh).files
    catalogues = catalogue_paths("cy", project.templates_dir)
    assert catalogues and set(inputs) == {str(path) for path in data + welsh_data + catalogues}
    assert "missing" not in inputs.values()
    for edited in welsh_data:
        recorded_build(project, english)
        recorded_build(project, welsh)
        edited.write_bytes(edited.read_bytes() + b"# a comment\n")
        assert why_stale(project, english, BuildOptions().as_record()) is None
        assert why_stale(project, welsh, BuildOptions().as_record()) == (
            f"{project.display(edited)} changed"
        )


def test_a_new_catalogue_or_template_that_may_be_used_is_a_change(project_from):
    """Files found by looking for them (a user's Welsh catalogue; any template, when an
    include is computed) are looked for again: a new one makes the target stale."""
    project = project_from("shipped")
    welsh = Target("dyfed-powys", "report", "cy")
    recorded_build(project, welsh)
    catalogue = project.templates_dir / "locale" / "cy" / "LC_MESSAGES" / "ncpi.po"
    catalogue.parent.mkdir(parents=True)
    catalogue.write_text('msgid ""\nmsgstr ""\n', "utf-8")
    assert why_stale(project, welsh, BuildOptions().as_record()) == (
        "templates/locale/cy/LC_MESSAGES/ncpi.po is new"
    )
    report = Target("dyfed-powys", "report")
    (project.templates_dir / "report.html.j2").write_text('{% include report.status ~ ".j2" %}')
    recorded_build(project, report)
    assert why_stale(project, report, BuildOptions().as_record()) is None
    (project.templates_dir / "final.j2").write_text("{{ report.force }}")
    assert why_stale(project, report, BuildOptions().as_record()) == "templates/final.j2 is new"


def test_inputs_linked_from_elsewhere_in_the_project_are_read(project_from):
    """A link may leave its own folder if it stays inside the project."""
    project = project_from()
    shared = project.root / "shared"
    shared.mkdir()
    project.templates_dir.mkdir()
    for path, text in [
        (project.common_path, project.common_path.read_text("utf-8")),
        (project.templates_dir / "press-release.txt.j2", "{{ report.status }}\n"),
    ]:
        (shared / path.name).write_text(text, "utf-8")
        path.unlink(missing_ok=True)
        os.symlink(shared / path.name, path)
    release = Target("essex", "press-release")
    inputs = current_inputs(project, release)
    assert "missing" not in inputs.files.values()
    assert "missing" not in {digest for _, digest in inputs.templates.values()}
    recorded_build(project, release)
    assert why_stale(project, release, BuildOptions().as_record()) is None
    (shared / "press-release.txt.j2").write_text("{{ report.force }}\n", "utf-8")
    assert why_stale(project, release, BuildOptions().as_record()) == (
        "templates/press-release.txt.j2 changed"
    )


def test_a_template_reached_twice_does_not_hide_the_others(project_from):
    from ncpi.build.inputs import template_closure

    project = project_from()
    project.templates_dir.mkdir()
    (project.templates_dir / "report.html.j2").write_text(
        '{% include "other.j2" %}{% include "twice.j2" %}{% include "twice.j2" %}'
    )
    for name in ("other.j2", "twice.j2"):
        (project.templates_dir / name).write_text("{{ report.force }}")
    # The report's entry templates: the page, and the link to its PDF filled in afterwards.
    entry = {"report.html.j2", "download-link.html.j2"}
    assert set(template_closure(project, "report")) == entry | {"other.j2", "twice.j2"}


@pytest.mark.parametrize("field", ["inputs", "assets", "templates"])
@pytest.mark.parametrize(
    "named", ["{root}/secret.txt", "{root}/templates/../secret.txt", "{root}/reports/kent.yaml"]
)
def test_a_record_naming_a_file_that_is_not_an_input_is_not_trusted(project_from, field, named):
    """A build record is never a way to make ncpi read a file: it is stale instead."""
    import json

    project = project_from()
    (project.root / "secret.txt").write_text("secret")
    (project.reports_dir / "kent.yaml").write_text("another force's report")
    project.templates_dir.mkdir()
    recorded_build(project)
    record = manifest_path(project, REPORT)
    data = json.loads(record.read_text("utf-8"))
    path = named.format(root=project.root)
    digest = file_hash(Path(path), [project.root])
    data[field][path] = [path, digest] if field == "templates" else digest
    record.write_text(json.dumps(data), "utf-8")
    assert why_stale(project, REPORT, BuildOptions().as_record()) == (
        "its build record names a file that is not one of its inputs"
    )


def test_a_missing_include_does_not_hide_the_templates_after_it(project_from):
    from ncpi.build.inputs import template_closure

    project = project_from()
    project.templates_dir.mkdir()
    (project.templates_dir / "report.html.j2").write_text(
        '{% include "shown.j2" %}{% include "missing.j2" %}'
    )
    (project.templates_dir / "shown.j2").write_text("{{ report.force }}")
    reached = template_closure(project, "report")
    assert set(reached) == {"report.html.j2", "download-link.html.j2", "shown.j2"}


@pytest.mark.parametrize(
    "damage",
    [
        lambda r: r.pop("outputs"),
        lambda r: r.update(inputs={"a": 1}),
        lambda r: r.update(assets=[]),
        lambda r: r.update(outputs={"a": None}),
        lambda r: r.update(templates={"x": ["only one"]}),
        lambda r: r.update(templates={"x": "a string"}),
        lambda r: r.update(format=1),  # the record of an earlier ncpi
        lambda r: r.update(options="pdf/ua-1"),
        lambda r: r.pop("output_status"),
        lambda r: r.update(output_status={"essex-report.pdf": [1, 2, 3]}),
        lambda r: r.update(output_status={"essex-report.pdf": [1, 2, 3, "4"]}),
        lambda r: r.update(output_status={"essex-report.pdf": [1, 2, 3, True]}),
    ],
)
def test_a_record_of_the_wrong_shape_means_a_rebuild(project_from, damage):
    import json

    project = project_from()
    recorded_build(project)
    record = manifest_path(project, REPORT)
    data = json.loads(record.read_text("utf-8"))
    damage(data)
    record.write_text(json.dumps(data), "utf-8")
    assert why_stale(project, REPORT, BuildOptions().as_record()) == (
        "its build record is unreadable or from another version"
    )


def test_temporary_files_are_created_new_and_never_through_a_link(project_from, monkeypatch):
    """os.open is observed, not replaced: every output starts as a new file (O_EXCL) that a
    link in its place cannot redirect (O_NOFOLLOW)."""
    project = project_from()
    created: list[int] = []
    real_open = os.open

    def observed_open(path, flags, *args, **kwargs):
        if flags & os.O_CREAT:
            created.append(flags)
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", observed_open)
    write_outputs(project, {project.build_dir / "essex" / "essex-report.html": b"x"})
    assert created and all(f & os.O_EXCL and f & os.O_NOFOLLOW for f in created), created


# Only inside build/, never through a link; clean removes only what ncpi wrote --------------


def test_a_link_in_place_of_build_is_refused_and_nothing_is_written_through_it(
    project_from, tmp_path
):
    project = project_from()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    project.build_dir.symlink_to(elsewhere)
    with pytest.raises(OutputError, match="build is a symbolic link: ncpi writes and deletes"):
        write_outputs(project, {project.build_dir / "essex" / "essex-report.html": b"x"})
    assert list(elsewhere.iterdir()) == []


def test_a_link_in_place_of_a_force_folder_is_refused(project_from, tmp_path):
    project = project_from()
    project.build_dir.mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (project.build_dir / "essex").symlink_to(elsewhere)
    with pytest.raises(OutputError, match="build/essex is a symbolic link"):
        write_outputs(project, {project.build_dir / "essex" / "essex-report.html": b"x"})
    assert list(elsewhere.iterdir()) == []


def test_a_file_in_place_of_a_force_folder_is_refused(project_from):
    project = project_from()
    project.build_dir.mkdir()
    (project.build_dir / "essex").write_text("in the way")
    with pytest.raises(OutputError, match="cannot write to build/essex: it is a file"):
        write_outputs(project, {project.build_dir / "essex" / "essex-report.html": b"x"})
    assert (project.build_dir / "essex").read_text() == "in the way"


def test_clean_removes_what_the_records_name_and_nothing_else(project_from):
    from ncpi.build.outputs import TEMPORARY, _temporary_name, remove_outputs

    project = project_from()
    recorded_build(project)
    folder = project.build_dir / "essex"
    (folder / "notes.txt").write_text("mine")
    leftover = folder / _temporary_name("essex-report.pdf")
    leftover.write_bytes(b"half")
    assert TEMPORARY.match(leftover.name)
    removed = remove_outputs(project, ["essex"])
    assert sorted(p.name for p in removed) == sorted(
        [leftover.name, "essex-report.html", "essex-report.pdf", ".manifest-report.json"]
    )
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]  # someone's note stays
    # Without anyone else's file, the folders ncpi made go too.
    other = project_from()
    recorded_build(other)
    remove_outputs(other)
    assert not other.build_dir.exists()


def test_clean_keeps_a_build_folder_ncpi_did_not_make(project_from):
    from ncpi.build.outputs import remove_outputs

    project = project_from()
    project.build_dir.mkdir()  # someone else's build/: ncpi leaves no mark in it
    recorded_build(project)
    remove_outputs(project)
    assert project.build_dir.is_dir() and list(project.build_dir.iterdir()) == []


def test_preview_pages_are_replaced_and_recorded(project_from):
    from ncpi.build.outputs import remove_outputs, write_preview

    project = project_from()
    preview = project.build_dir / "essex" / "preview"
    write_preview(project, "essex", {"page-1.png": b"1", "page-2.png": b"2"}, "page")
    write_preview(project, "essex", {"press-release-page-1.png": b"p"}, "press-release-page")
    write_preview(project, "essex", {"page-1.png": b"new"}, "page")  # a shorter report
    assert sorted(p.name for p in preview.iterdir()) == [
        ".manifest-preview.json",
        "page-1.png",
        "press-release-page-1.png",
    ]
    assert (preview / "page-1.png").read_bytes() == b"new"
    (preview / "mine.png").write_bytes(b"mine")
    remove_outputs(project, ["essex"])
    assert [p.name for p in preview.iterdir()] == ["mine.png"]


def test_clean_removes_publication_bundles_and_only_their_files(project_from):
    from ncpi.build.outputs import _temporary_name, remove_outputs
    from ncpi.build.targets import bundle_names

    project = project_from()
    publish = project.build_dir / "publish"
    bundle = {publish / "essex" / name: b"x" for name in bundle_names("essex")}
    write_outputs(
        project, {**bundle, publish / "essex.zip": b"zip", publish / "kent.zip": b"not asked for"}
    )
    (publish / "essex" / "for-the-web-team.txt").write_text("mine")
    leftover = publish / "essex" / _temporary_name("essex-report.pdf")
    leftover.write_bytes(b"half")
    removed = remove_outputs(project, ["essex"])
    assert sorted(removed) == sorted([*bundle, leftover, publish / "essex.zip"])
    assert [p.name for p in (publish / "essex").iterdir()] == ["for-the-web-team.txt"]
    assert sorted(p.name for p in publish.iterdir()) == ["essex", "kent.zip"]
    # Without anyone else's file, clean of every force leaves no publish/ folder behind.
    (publish / "essex" / "for-the-web-team.txt").unlink()
    (publish / "essex").rmdir()
    write_outputs(project, {publish / "kent" / "SHA256SUMS": b"s"})
    (publish / "archive.zip").write_bytes(b"someone's")  # not a force's bundle: kept
    remove_outputs(project)
    assert [p.name for p in publish.iterdir()] == ["archive.zip"]
    (publish / "archive.zip").unlink()
    write_outputs(project, {publish / "kent" / "SHA256SUMS": b"s"})
    remove_outputs(project)
    assert not publish.exists()


# Writing: failures in this process, and the temporary names ---------------------------------

TOO_LONG = "x" * 250 + ".html"  # its temporary name is longer than a file name may be


def test_a_write_that_fails_on_the_second_file_changes_nothing(project_from):
    project = project_from()
    folder = project.build_dir / "essex"
    html = folder / "essex-report.html"
    write_outputs(project, {html: b"old html"})
    with pytest.raises(OutputError) as failure:
        write_outputs(project, {html: b"new html", folder / TOO_LONG: b"x"})
    assert failure.value.format_message() == (
        f"cannot write build/essex/essex-report.html, build/essex/{TOO_LONG}: File name too "
        "long; the previous files, if any, are unchanged"
    )
    assert html.read_bytes() == b"old html"
    assert sorted(p.name for p in folder.iterdir()) == ["essex-report.html"]


def test_a_failed_rename_lists_every_file_replaced_and_not(project_from):
    project = project_from()
    folder = project.build_dir / "essex"
    names = ["a.html", "b.html", "c.pdf", "d.txt"]
    (folder / "c.pdf" / "in-the-way").mkdir(parents=True)
    with pytest.raises(OutputError) as failure:
        write_outputs(project, {folder / name: b"new" for name in names})
    assert failure.value.format_message() == (
        "cannot replace build/essex/c.pdf: Is a directory. Replaced: build/essex/a.html, "
        "build/essex/b.html; unchanged: build/essex/c.pdf, build/essex/d.txt. Build again to "
        "make them match"
    )
    with pytest.raises(OutputError, match=r"Replaced: none; unchanged: build/essex/c\.pdf\. "):
        write_outputs(project, {folder / "c.pdf": b"new"})
    assert sorted(p.name for p in folder.iterdir()) == ["a.html", "b.html", "c.pdf"]


def test_every_temporary_file_is_named_after_the_file_it_becomes(project_from, monkeypatch):
    """os.replace and os.link are observed, not replaced: `clean` knows a leftover by its name."""
    from ncpi.build.outputs import TEMPORARY, write_atomically

    project = project_from()
    moves: list[tuple[str, str]] = []
    for name in ("replace", "link"):
        real = getattr(os, name)

        def observed(source, destination, *args, real=real, **kwargs):
            moves.append((source, destination))
            return real(source, destination, *args, **kwargs)

        monkeypatch.setattr(os, name, observed)
    write_outputs(project, {project.build_dir / "essex" / "essex-report.html": b"h"})
    write_atomically(project.root / "schema" / "report.schema.json", b"{}")
    write_new_file(project.reports_dir / "kent.yaml", b"force: kent\n")
    assert [destination for _, destination in moves] == [
        "essex-report.html",
        "report.schema.json",
        "kent.yaml",
    ]
    assert all(TEMPORARY.match(source).group("name") == dest for source, dest in moves)


def test_writing_outside_build_fails_whole_and_says_why(project_from):
    from ncpi.build.outputs import write_atomically

    project = project_from()
    schema = project.root / "schema"
    (schema / "report.schema.json" / "in-the-way").mkdir(parents=True)
    with pytest.raises(OutputError) as failure:
        write_atomically(schema / "report.schema.json", b"{}")
    assert failure.value.format_message() == (
        f"cannot write {schema / 'report.schema.json'}: Is a directory; the previous file, if "
        "any, is unchanged"
    )
    assert [p.name for p in schema.iterdir()] == ["report.schema.json"]
    with pytest.raises(OutputError) as failure:
        write_new_file(project.reports_dir / TOO_LONG, b"x")
    assert failure.value.format_message() == (
        f"cannot write {project.reports_dir / TOO_LONG}: File name too long"
    )
    assert sorted(p.name for p in project.reports_dir.iterdir()) == [
        "_common.cy.yaml",
        "_common.yaml",
        "essex.yaml",
    ]


# Clean ---------------------------------------------------------------------------------------


def _names(paths) -> list[str]:
    return sorted(str(path.relative_to(path.parents[2])) for path in paths)


def test_clean_removes_the_national_outputs_and_only_those(project_from):
    from ncpi.build.outputs import _temporary_name, remove_outputs
    from ncpi.build.targets import (
        DATA_FOLDER,
        NATIONAL_FOLDER,
        NATIONAL_TARGET,
        index_path,
        manifest_path,
        output_paths,
    )

    project = project_from()
    national, data = project.build_dir / NATIONAL_FOLDER, project.build_dir / DATA_FOLDER
    ours = [
        *output_paths(project, NATIONAL_TARGET).values(),
        manifest_path(project, NATIONAL_TARGET),
        index_path(project),
    ]
    write_outputs(project, dict.fromkeys(ours, b"x"))
    leftover = data / _temporary_name("forces.csv")
    leftover.write_bytes(b"half")
    theirs = [national / "briefing.docx", data / _temporary_name("theirs.csv")]
    for path in theirs:
        path.write_bytes(b"someone else's")
    assert remove_outputs(project, ["essex"]) == []  # one force's clean keeps the national
    removed = remove_outputs(project)
    assert sorted(removed) == sorted([*ours, leftover])
    assert sorted(p for p in project.build_dir.rglob("*") if p.is_file()) == sorted(
        [*theirs, project.build_dir / ".made-by-ncpi"]
    )
    # Only the data (no national/ folder): cleaned all the same, and every folder goes.
    for path in theirs:
        path.unlink()
    national.rmdir()
    data_only = [path for path in ours if path.parent == data]
    write_outputs(project, dict.fromkeys(data_only, b"x"))
    assert sorted(remove_outputs(project)) == sorted(data_only)
    assert not project.build_dir.exists()


def test_clean_follows_each_force_record_and_makes_no_folder(project_from):
    """Every target's record counts, Welsh ones too; a missing record skips only its target."""
    from ncpi.build.outputs import _temporary_name, remove_outputs

    project = project_from("shipped")
    release = Target("essex", "press-release")
    welsh = Target("dyfed-powys", "report", "cy")
    recorded_build(project, release)  # no record of the Essex report
    recorded_build(project, welsh)
    leftover = project.build_dir / "dyfed-powys" / _temporary_name("dyfed-powys-report-cy.pdf")
    leftover.write_bytes(b"half")
    mine = project.build_dir / "mine.txt"
    mine.write_text("mine")
    removed = remove_outputs(project)
    assert sorted(removed) == sorted(
        [
            *output_paths(project, release).values(),
            manifest_path(project, release),
            *output_paths(project, welsh).values(),
            manifest_path(project, welsh),
            leftover,
        ]
    )
    # Nothing made on the way (no publish/, national/, data/ or force folder).
    assert sorted(p.name for p in project.build_dir.iterdir()) == [".made-by-ncpi", "mine.txt"]
    mine.unlink()
    assert remove_outputs(project) == [] and not project.build_dir.exists()
    assert remove_outputs(project) == [] and not project.build_dir.exists()


@contextmanager
def _writer_for_a_blocked_reader(path):
    """If ncpi ever waits on a FIFO, a writer comes after a second, so the test fails rather
    than hangs. ncpi's own open never waits: it is done long before, and the writer never
    finds a reader."""
    import threading

    done, unblocked = threading.Event(), []

    def write_once():
        done.wait(1.0)
        while not done.wait(0.05):
            try:
                os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))
            except OSError:
                continue  # no reader waiting (or not a FIFO)
            unblocked.append(True)
            return

    thread = threading.Thread(target=write_once, daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()
    assert not unblocked, "ncpi waited for a writer to open the FIFO"


@pytest.mark.parametrize(
    "record, trusted",
    [
        ({"outputs": {"notes.txt": "0", "../../reports/x": "0", "essex-report.pdf": "0"}}, 2),
        ({"outputs": ["essex-report.html", "essex-report.pdf"]}, 1),
        (["essex-report.html"], 1),
        ("link", 0),
        ("fifo", 0),
    ],
    ids=["names-others", "outputs-a-list", "a-list", "a-link", "a-fifo"],
)
def test_clean_trusts_a_record_only_for_the_names_ncpi_writes(
    project_from, tmp_path, record, trusted
):
    """`trusted`: 0, the record is not ncpi's; 1, it is, but damaged; 2, it names an output."""
    import json

    from ncpi.build.outputs import remove_outputs

    project = project_from()
    release = Target("essex", "press-release")
    recorded_build(project)
    recorded_build(project, release)
    folder = project.build_dir / "essex"
    (folder / "notes.txt").write_text("mine")
    path = manifest_path(project, REPORT)
    path.unlink()
    if record == "link":
        elsewhere = tmp_path / "record.json"
        elsewhere.write_text(json.dumps({"outputs": {"essex-report.pdf": "0"}}))
        os.symlink(elsewhere, path)
    elif record == "fifo":
        os.mkfifo(path)  # opened without waiting for a writer, then refused
    else:
        path.write_text(json.dumps(record))
    with _writer_for_a_blocked_reader(path) if record == "fifo" else nullcontext():
        removed = remove_outputs(project, ["essex"])
    expected = [*output_paths(project, release).values(), manifest_path(project, release)]
    expected += [path, folder / "essex-report.pdf"][:trusted]
    assert sorted(removed) == sorted(expected)
    assert (folder / "notes.txt").exists() and project.report_path("essex").exists()


def test_clean_skips_files_already_gone_and_names_one_it_cannot_remove(project_from):
    from ncpi.build.outputs import remove_outputs

    project = project_from()
    recorded_build(project)
    html, pdf = (
        output_paths(project, REPORT)["report.html"],
        output_paths(project, REPORT)["report.pdf"],
    )
    html.unlink()
    assert html not in remove_outputs(project, ["essex"])
    recorded_build(project)
    pdf.unlink()
    (pdf / "inside").mkdir(parents=True)  # a folder by an output's name
    with pytest.raises(OutputError, match=r"^cannot remove essex-report\.pdf: Is a directory$"):
        remove_outputs(project, ["essex"])


def test_clean_never_follows_a_link_to_a_folder(project_from, tmp_path):
    from ncpi.build.outputs import remove_outputs

    project = project_from()
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "preview").mkdir(parents=True)
    (elsewhere / ".manifest-report.json").write_text('{"outputs": {"essex-report.pdf": "0"}}')
    (elsewhere / "essex-report.pdf").write_text("not ncpi's")
    (elsewhere / "preview" / ".manifest-preview.json").write_text('["page-1.png"]')
    (elsewhere / "preview" / "page-1.png").write_text("not ncpi's")
    (elsewhere / "essex.zip").write_text("not ncpi's")
    recorded_build(project)
    os.symlink(elsewhere, project.build_dir / "kent")
    (project.build_dir / "publish").mkdir()
    os.symlink(elsewhere, project.build_dir / "publish" / "essex")
    os.symlink(elsewhere / "preview", project.build_dir / "essex" / "preview")
    remove_outputs(project)
    assert len(list(elsewhere.rglob("*"))) == 6
    assert (project.build_dir / "kent").is_symlink()
    assert (project.build_dir / "publish" / "essex").is_symlink()


def test_clean_removes_a_bundle_zip_without_its_folder(project_from):
    from ncpi.build.outputs import remove_outputs

    project = project_from()
    publish = project.build_dir / "publish"
    write_outputs(project, {publish / "essex.zip": b"zip", publish / "kent.zip": b"zip"})
    assert remove_outputs(project) == [publish / "essex.zip", publish / "kent.zip"]
    assert not project.build_dir.exists()


def test_the_preview_record_names_only_the_pages_there_and_clean_trusts_only_page_names(
    project_from,
):
    import json

    from ncpi.build.outputs import PREVIEW_RECORD, remove_outputs, write_preview

    project = project_from()
    preview = project.build_dir / "essex" / "preview"
    write_preview(project, "essex", {"page-1.png": b"1", "page-2.png": b"2"}, "page")
    write_preview(project, "essex", {"page-1.png": b"new"}, "page")
    assert json.loads((preview / PREVIEW_RECORD).read_text()) == ["page-1.png"]
    assert remove_outputs(project, ["essex"]) == [preview / "page-1.png"]
    assert not (project.build_dir / "essex").exists()
    # A damaged record: only names like the pages ncpi writes are removed.
    theirs = ["notes.png", "page-1.png.bak"]
    for record in (["../x", 5, "notes.png", "page-1.png.bak", "page-2.png"], {"page-2.png": 1}):
        write_preview(project, "essex", {"page-2.png": b"2"}, "page")
        for name in theirs:
            (preview / name).write_bytes(b"someone else's")
        (project.build_dir / "essex" / "x").write_bytes(b"someone else's")
        (preview / PREVIEW_RECORD).write_text(json.dumps(record))
        removed = remove_outputs(project, ["essex"])
        assert removed == ([preview / "page-2.png"] if isinstance(record, list) else [])
        assert sorted(p.name for p in preview.iterdir()) == sorted(
            theirs + ([] if isinstance(record, list) else ["page-2.png"])
        )
        for path in [*preview.iterdir(), project.build_dir / "essex" / "x"]:
            path.unlink()


def test_a_preview_record_that_is_a_link_is_not_trusted(project_from, tmp_path):
    from ncpi.build.outputs import PREVIEW_RECORD, remove_outputs, write_preview

    project = project_from()
    preview = project.build_dir / "essex" / "preview"
    write_preview(project, "essex", {"page-1.png": b"1"}, "page")
    elsewhere = tmp_path / "record.json"
    elsewhere.write_text('["page-1.png"]')
    (preview / PREVIEW_RECORD).unlink()
    os.symlink(elsewhere, preview / PREVIEW_RECORD)
    assert remove_outputs(project, ["essex"]) == []
    assert [p.name for p in preview.iterdir()] == ["page-1.png"]
    assert elsewhere.read_text() == '["page-1.png"]'


def test_the_code_fingerprint_names_the_libraries_versions_as_installed():
    from importlib import metadata

    from ncpi.build.incremental import installed_version

    for library in ("weasyprint", "pikepdf", "jinja2", "pydantic", "pyyaml", "fonttools"):
        assert installed_version(library) == metadata.version(library)
    assert installed_version("no-such-library-ncpi") == "none"
