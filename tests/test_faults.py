"""Faults give one clear message and a non-zero exit, never a traceback, and lose nothing."""

from __future__ import annotations

import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import time

import pytest

from ncpi.build.incremental import why_stale
from ncpi.build.outcomes import Events
from ncpi.build.pipeline import Run, build_targets
from ncpi.build.targets import BuildOptions, Target

from support import FIXTURES, edit, make_project

NCPI = [sys.executable, "-m", "ncpi"]


def ncpi(root, *args, env=None, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*NCPI, "--root", str(root), *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        **kwargs,
    )


def _clean_failure(done: subprocess.CompletedProcess, message: str) -> None:
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert message in done.stderr, done.stderr


@pytest.mark.process
def test_missing_pango_is_one_clear_message(tmp_path):
    project = make_project(tmp_path / "p")
    # A broken libpango first on the library path: the loader fails as if Pango were absent.
    libs = tmp_path / "libs"
    libs.mkdir()
    (libs / "libpango-1.0.so.0").write_text("not a library")
    env = {"LD_LIBRARY_PATH": str(libs)}
    for jobs in ("1", "2"):
        done = ncpi(project.root, "build", "essex", "-j", jobs, env=env)
        _clean_failure(done, "WeasyPrint cannot start")
        assert "Pango" in done.stderr and "WeasyPrint could not import" not in done.stdout
    assert not list(project.build_dir.rglob("*.pdf"))
    assert ncpi(project.root, "validate", env=env).returncode == 0  # never needs WeasyPrint


@pytest.mark.process
def test_missing_font_and_missing_template(project_from):
    project = project_from()
    fonts = project.templates_dir / "fonts"
    fonts.mkdir(parents=True)
    shutil.copy(FIXTURES.parent.parent / "templates" / "fonts" / "Lato-Regular.ttf", fonts)
    _clean_failure(ncpi(project.root, "build", "essex"), "font file missing:")
    shutil.rmtree(fonts)
    (project.templates_dir / "report.html.j2").write_text('{% include "gone.html.j2" %}', "utf-8")
    _clean_failure(ncpi(project.root, "build", "essex"), "template not found: gone.html.j2")


@pytest.mark.process
def test_a_build_folder_that_is_a_file(project_from):
    project = project_from()
    project.build_dir.write_text("in the way", "utf-8")
    _clean_failure(ncpi(project.root, "build", "essex"), "cannot write to ")
    assert project.build_dir.read_text("utf-8") == "in the way"


def _limit_file_size():
    resource.setrlimit(resource.RLIMIT_FSIZE, (30_000, 30_000))


@pytest.mark.process
def test_a_full_disk_keeps_the_previous_outputs(project_from):
    project = project_from()
    assert ncpi(project.root, "build", "essex").returncode == 0
    pdf = project.build_dir / "essex" / "essex-report.pdf"
    before = pdf.read_bytes()
    edit(project.report_path("essex"), "status: final", "status: draft")
    # ulimit -f: no file over 30 kB can be written, as on a full disk. WeasyPrint's own
    # temporary font files are the first to fail.
    done = subprocess.run(
        [*NCPI, "--root", str(project.root), "build", "essex"],
        capture_output=True,
        text=True,
        preexec_fn=_limit_file_size,
    )
    _clean_failure(done, "File too large; is the disk full? The previous outputs are unchanged")
    assert pdf.read_bytes() == before
    assert not list(project.build_dir.rglob("*.tmp"))
    # The build record still describes the old outputs, so the next build redoes the work.
    assert (
        why_stale(project, Target("essex", "report"), BuildOptions().as_record())
        == "reports/essex.yaml changed"
    )
    assert ncpi(project.root, "build", "essex").returncode == 0
    assert pdf.read_bytes() != before


@pytest.mark.process
def test_a_small_tmpfs_build_folder_fills_up_cleanly(project_from):
    project = project_from()
    project.build_dir.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=40k", "tmpfs", str(project.build_dir)],
        capture_output=True,
    )
    if mounted.returncode != 0:
        pytest.skip("cannot mount a tmpfs here: " + mounted.stderr.decode().strip())
    try:
        _clean_failure(ncpi(project.root, "build", "essex"), "No space left on device")
        assert not list(project.build_dir.rglob("*.tmp"))
        assert not list(project.build_dir.rglob("*.pdf"))
    finally:
        subprocess.run(["umount", str(project.build_dir)], check=True)


@pytest.mark.pdf
@pytest.mark.process
def test_a_report_deleted_mid_build(project_from):
    project = project_from()
    shutil.copy(FIXTURES / "valid" / "reports" / "kent.yaml", project.report_path("kent"))
    targets = [Target("essex", "report"), Target("kent", "report")]
    # Deleted once both were read and checked, while Essex is being built.
    outcomes = build_targets(
        project,
        targets,
        events=Events(on_start=lambda t: project.report_path("kent").unlink(missing_ok=True)),
        run=Run(in_process=True),
    )
    assert [o.state for o in outcomes] == ["built", "built"]  # built from what was read
    done = ncpi(project.root, "build", "kent")
    _clean_failure(done, "Kent Police has no report yet: reports/kent.yaml does not exist.")
    # Deleted before it was read: that force fails with a clear message, the other builds.
    shutil.copy(FIXTURES / "valid" / "reports" / "kent.yaml", project.report_path("kent"))
    outcomes = build_targets(
        project,
        [Target("kent", "press-release"), Target("essex", "press-release")],
        run=Run(rebuild=True, in_process=True),
    )
    assert all(o.state == "built" for o in outcomes)
    edit(project.report_path("kent"), "Progress is good.", "Progress is fine.")
    import ncpi.check.validate as checking

    original = checking.load_yaml_file

    def vanishing(path, display, *rest):
        if path.name == "kent.yaml":
            path.unlink()
        return original(path, display, *rest)

    checking.load_yaml_file = vanishing
    try:
        outcomes = build_targets(project, targets, run=Run(rebuild=True, in_process=True))
    finally:
        checking.load_yaml_file = original
    by_slug = {o.target.slug: o for o in outcomes}
    assert by_slug["essex"].state == "built"
    assert by_slug["kent"].state == "failed"
    assert [p.as_text() for p in by_slug["kent"].problems] == [
        "reports/kent.yaml:1:1: cannot read the file: No such file or directory"
    ]


def _variant(project, which: str) -> None:
    path = project.report_path("kent")
    source = (FIXTURES / "valid" / "reports" / "kent.yaml").read_text("utf-8")
    path.write_text(
        source.replace("Progress is good.", f"Progress is good ({which}).")
        + ("\n" if which == "A" else ""),
        "utf-8",
    )


def _outputs(project) -> dict[str, bytes]:
    return {
        p.name: p.read_bytes()
        for p in sorted((project.build_dir).rglob("*"))
        if p.is_file() and not p.name.startswith(".")
    }


@pytest.mark.process
def test_builds_killed_at_random_moments_leave_only_whole_files(tmp_path):
    """SIGKILL at random points: each output is absent, the old file or the new one."""
    references = {}
    for which in ("A", "B"):
        reference = make_project(tmp_path / which)
        shutil.copy(FIXTURES / "valid" / "reports" / "kent.yaml", reference.report_path("kent"))
        _variant(reference, which)
        assert ncpi(reference.root, "build", "--all", "-j", "2").returncode == 0
        references[which] = _outputs(reference)
    project = make_project(tmp_path / "killed")
    shutil.copy(FIXTURES / "valid" / "reports" / "kent.yaml", project.report_path("kent"))
    _variant(project, "A")
    assert ncpi(project.root, "build", "--all", "-j", "2").returncode == 0
    chance = random.Random(20261128)
    current = "A"
    for round_number in range(10):
        current = "B" if current == "A" else "A"
        _variant(project, current)
        process = subprocess.Popen(
            [*NCPI, "--root", str(project.root), "build", "--all", "-j", "2"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        time.sleep(chance.uniform(0.1, 2.5))
        os.killpg(process.pid, signal.SIGKILL)  # the parent and its workers, mid-write or not
        process.wait()
        for name, data in _outputs(project).items():
            assert data in (references["A"][name], references["B"][name]), (round_number, name)
        for slug in ("essex", "kent"):
            target = Target(slug, "report")
            if why_stale(project, target, BuildOptions().as_record()) is None:
                # A build record is only ever written after its outputs: it never lies.
                for path in (project.build_dir / slug).glob(f"{slug}-report.*"):
                    assert path.read_bytes() == references[current][path.name], round_number
    assert ncpi(project.root, "build", "--all").returncode == 0
    assert _outputs(project) == references[current]
