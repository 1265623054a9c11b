"""Nothing outside the project's real build/ folder is ever written or deleted, links or not."""

from __future__ import annotations

import json
import subprocess

import pytest

from support import make_project, run_ncpi

pytestmark = pytest.mark.process


@pytest.fixture
def victim(tmp_path):
    """A folder outside the project with files named like ncpi's outputs; must stay as it is."""
    folder = tmp_path / "elsewhere"
    (folder / "essex" / "preview").mkdir(parents=True)
    for name in (
        "essex/essex-report.pdf",
        "essex/.manifest-report.json",
        "essex/preview/page-1.png",
        "essex-report.pdf",
        "keep.txt",
        ".made-by-ncpi",
    ):
        (folder / name).write_text(f"victim {name}")
    return folder


def _snapshot(folder):
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


@pytest.mark.parametrize("linked", ["build", "build/essex", "build/essex/preview"])
def test_a_link_in_place_of_a_build_folder_is_refused_by_build_png_and_clean(
    tmp_path, victim, linked
):
    project = make_project(tmp_path / "project")
    before = _snapshot(victim)
    link = project.root / linked
    link.parent.mkdir(parents=True, exist_ok=True)
    target = {
        "build": victim,
        "build/essex": victim / "essex",
        "build/essex/preview": victim / "essex" / "preview",
    }[linked]
    link.symlink_to(target, target_is_directory=True)
    built = run_ncpi(project, "build", "essex", "--png")
    assert built.returncode == 1 and "Traceback" not in built.stderr
    assert f"{linked} is a symbolic link" in built.stdout + built.stderr
    cleaned = run_ncpi(project, "clean")
    assert "Traceback" not in cleaned.stderr
    assert _snapshot(victim) == before
    assert link.is_symlink()


def test_an_output_that_is_a_link_is_replaced_not_written_through(tmp_path, victim):
    project = make_project(tmp_path / "project")
    before = _snapshot(victim)
    (project.build_dir / "essex").mkdir(parents=True)
    (project.build_dir / "essex" / "essex-report.pdf").symlink_to(victim / "essex-report.pdf")
    assert run_ncpi(project, "build", "essex").returncode == 0
    assert not (project.build_dir / "essex" / "essex-report.pdf").is_symlink()
    assert run_ncpi(project, "clean").returncode == 0
    assert _snapshot(victim) == before


def test_clean_removes_only_the_names_ncpi_writes_whatever_a_record_says(tmp_path, victim):
    project = make_project(tmp_path / "project")
    assert run_ncpi(project, "build", "essex").returncode == 0
    record = project.build_dir / "essex" / ".manifest-report.json"
    data = json.loads(record.read_text())
    data["outputs"]["../../elsewhere/keep.txt"] = "0" * 64
    data["outputs"]["/etc/hostname"] = "0" * 64
    record.write_text(json.dumps(data))
    (project.build_dir / "essex" / "notes.txt").write_text("the user's")
    before = _snapshot(victim)
    done = run_ncpi(project, "clean")
    assert done.returncode == 0 and "removed 3 file(s)" in done.stdout
    assert _snapshot(victim) == before
    assert (project.build_dir / "essex" / "notes.txt").read_text() == "the user's"


def test_a_build_folder_ncpi_did_not_make_is_never_removed(tmp_path):
    project = make_project(tmp_path / "project")
    (project.build_dir / "essex").mkdir(parents=True)  # The user's own, empty.
    assert run_ncpi(project, "clean").returncode == 0
    assert (project.build_dir / "essex").is_dir()


def test_a_full_disk_changes_no_output_of_the_document(tmp_path):
    """On a disk with room for the new HTML but not the new PDF, neither is replaced."""
    # One build's files (HTML with its inlined fonts, PDF, record) are measured elsewhere;
    # a folder half as big again holds one set, but not a second set of temporary files
    # beside the old outputs.
    sizing = make_project(tmp_path / "sizing")
    assert run_ncpi(sizing, "build", "essex").returncode == 0
    one_build = sum(p.stat().st_size for p in (sizing.build_dir / "essex").iterdir())
    size_kb = (one_build * 3 // 2) // 4096 * 4 + 4
    project = make_project(tmp_path / "project")
    folder = project.build_dir / "essex"
    folder.mkdir(parents=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(folder)],
        capture_output=True,
    )
    if mounted.returncode != 0:
        pytest.skip("cannot mount a tmpfs here: " + mounted.stderr.decode().strip())
    try:
        assert run_ncpi(project, "build", "essex").returncode == 0
        before = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
        report = project.report_path("essex")
        report.write_text(
            report.read_text().replace("Essex Police serves", "Essex Police, now, serves")
        )
        done = run_ncpi(project, "build", "essex")
        assert done.returncode == 1
        assert "No space left on device; the previous files, if any, are unchanged" in done.stderr
        after = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
        assert after == before  # Not the new HTML beside the old PDF; no temporary files.
    finally:
        subprocess.run(["umount", str(folder)])


def test_clean_on_a_read_only_folder_is_a_message(tmp_path):
    project = make_project(tmp_path / "project")
    assert run_ncpi(project, "build", "essex").returncode == 0
    folder = project.build_dir / "essex"
    bound = subprocess.run(["mount", "--bind", str(folder), str(folder)], capture_output=True)
    if bound.returncode != 0:
        pytest.skip("cannot bind-mount here: " + bound.stderr.decode().strip())
    try:
        if subprocess.run(["mount", "-o", "remount,ro,bind", str(folder)]).returncode != 0:
            pytest.skip("cannot remount read-only here")
        done = run_ncpi(project, "clean")
        assert done.returncode == 1 and "Traceback" not in done.stderr
        assert "cannot remove" in done.stderr and "Read-only file system" in done.stderr
    finally:
        subprocess.run(["umount", str(folder)])
