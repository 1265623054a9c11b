"""Every read of an input is bounded: no hang, no gigabytes, nothing outside the project echoed."""

from __future__ import annotations

import json
import os

import pytest

from ncpi.build.incremental import MANIFEST_FORMAT

from support import make_project, run_ncpi

pytestmark = pytest.mark.process

SECRET = "ghp_" + "S3cr3tT0k3n" * 3


def _hostile_report(project, kind, tmp_path):
    path = project.report_path("kent")
    if kind == "link to /dev/zero":
        path.symlink_to("/dev/zero")
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "2 GB file":
        with open(path, "wb") as stream:
            stream.truncate(2 * 1024**3)  # Sparse: no disk used, but 2 GB to read.
    elif kind == "link outside the project":
        secret = tmp_path / "secret.yaml"
        secret.write_text(f"{SECRET}\n")
        path.symlink_to(secret)
    return path


KINDS = ["link to /dev/zero", "fifo", "2 GB file", "link outside the project"]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    "command",
    [["validate"], ["list"], ["build", "--all", "-j", "1"], ["validate", "--format", "github"]],
)
def test_an_unsafe_report_is_refused_at_once_by_every_command(tmp_path, kind, command):
    project = make_project(tmp_path / "project")
    _hostile_report(project, kind, tmp_path)
    done = run_ncpi(project, *command)
    output = done.stdout + done.stderr
    assert "Traceback" not in output and "MemoryError" not in output
    assert SECRET not in output and SECRET[:12] not in output
    if command[0] == "validate":
        assert done.returncode == 1
        assert "reports/kent.yaml:1:1:" in output or "file=reports/kent.yaml" in output
    if command[0] == "build":  # Essex still builds; Kent fails with the reason.
        assert done.returncode == 1 and "kent" in output
        assert (project.build_dir / "essex" / "essex-report.pdf").is_file()
    for built in project.build_dir.rglob("*") if project.build_dir.is_dir() else []:
        if built.is_file():
            assert SECRET.encode() not in built.read_bytes()


def test_the_messages_say_what_is_wrong(tmp_path):
    project = make_project(tmp_path / "project")
    _hostile_report(project, "link outside the project", tmp_path)
    lines = run_ncpi(project, "validate").stdout.splitlines()
    assert (
        "reports/kent.yaml:1:1: is a link to a file outside the project; ncpi reads only "
        "files inside it" in lines
    )
    project.report_path("kent").unlink()
    _hostile_report(project, "fifo", tmp_path)
    assert (
        "reports/kent.yaml:1:1: is not a regular file (a device, a pipe or a folder); ncpi "
        "reads only ordinary files" in run_ncpi(project, "validate").stdout.splitlines()
    )


def _built(tmp_path):
    project = make_project(tmp_path / "project")
    assert run_ncpi(project, "build", "essex").returncode == 0
    return project, project.build_dir / "essex" / ".manifest-report.json"


@pytest.mark.parametrize(
    "damage",
    [
        lambda r: {**r, "inputs": ["not", "a", "mapping"]},
        lambda r: {**r, "templates": {"report.html.j2": 7}},
        lambda r: {**r, "outputs": None},
        lambda r: [r],
        lambda r: {**r, "options": "x"},
    ],
)
def test_a_damaged_build_record_means_rebuild_not_a_traceback(tmp_path, damage):
    project, manifest = _built(tmp_path)
    manifest.write_text(json.dumps(damage(json.loads(manifest.read_text()))))
    done = run_ncpi(project, "build", "essex")
    assert done.returncode == 0 and "Traceback" not in done.stderr
    assert "1 built" in done.stdout + done.stderr
    assert json.loads(manifest.read_text())["format"] == MANIFEST_FORMAT  # A good record again.


@pytest.mark.parametrize("named", ["/dev/zero", "fifo", "/etc/passwd"])
def test_a_build_record_never_makes_ncpi_read_what_it_names_outside_the_inputs(tmp_path, named):
    project, manifest = _built(tmp_path)
    if named == "fifo":
        named = str(tmp_path / "fifo")
        os.mkfifo(named)
    record = json.loads(manifest.read_text())
    record["assets"][named] = "0" * 64
    manifest.write_text(json.dumps(record))
    for command in (["build", "essex"], ["list"]):
        done = run_ncpi(project, *command, timeout=30)
        assert "Traceback" not in done.stderr, done.stderr
    rebuilt = run_ncpi(project, "build", "essex", "--force")
    assert "1 built" in rebuilt.stdout + rebuilt.stderr


def test_the_manifest_is_read_bounded(tmp_path):
    project, manifest = _built(tmp_path)
    manifest.unlink()
    manifest.symlink_to("/dev/zero")
    done = run_ncpi(project, "build", "essex", timeout=30)
    assert "Traceback" not in done.stderr
