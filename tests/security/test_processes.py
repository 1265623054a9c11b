"""No process outlives ncpi: workers die with their parent, however the parent ends."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ncpi.project import Project as make_project_from

from support import children, make_project, ncpi_command

pytestmark = pytest.mark.process


def _project(tmp_path):
    """All 43 forces (synthetic), so that a build --all runs long enough to be interrupted."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
    from synthetic import make_synthetic_project

    make_synthetic_project(tmp_path / "project")
    return make_project_from(tmp_path / "project")


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # A zombie has ended; only its parent has not collected it.


def _start_build(project, **options):
    process = subprocess.Popen(
        ncpi_command(project, "build", "--all", "-j", "2"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **options,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        workers = [pid for pid in sorted(children(process.pid)) if _alive(pid)]
        if len(workers) >= 2:
            time.sleep(0.5)  # Well inside a build of 43 forces (over 10 s).
            return process, workers
        time.sleep(0.05)
    process.kill()
    pytest.fail("the workers did not start")


def _gone_within(pids, seconds) -> list[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        alive = [pid for pid in pids if _alive(pid)]
        if not alive:
            return []
        time.sleep(0.05)
    return [pid for pid in pids if _alive(pid)]


def test_kill_9_of_the_parent_ends_the_workers(tmp_path):
    process, workers = _start_build(_project(tmp_path))
    process.kill()
    process.wait()
    assert _gone_within(workers, 2) == []


@pytest.mark.parametrize(
    "signal_number,code", [(signal.SIGTERM, 143), (signal.SIGINT, 130), (signal.SIGHUP, 129)]
)
def test_a_signal_stops_ncpi_and_its_workers_cleanly(tmp_path, signal_number, code):
    project = _project(tmp_path)
    process, workers = _start_build(project)
    process.send_signal(signal_number)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == code
    assert "Traceback" not in stderr and "Stopped." in stderr
    assert _gone_within(workers, 2) == []
    assert not list(project.build_dir.rglob("*.tmp"))


def test_without_shared_memory_it_builds_in_one_process(tmp_path):
    project = make_project(tmp_path / "project")
    script = (
        f"mount -t tmpfs -o ro,size=1k tmpfs /dev/shm && exec {sys.executable} -m ncpi "
        f"--root {project.root} build --all --force -j 2"
    )
    done = subprocess.run(
        ["unshare", "--mount", "sh", "-c", script], capture_output=True, text=True, timeout=120
    )
    if ("unshare" in done.stderr and done.returncode != 0) or "mount:" in done.stderr:
        pytest.skip("cannot make a mount namespace here: " + done.stderr.strip())
    assert done.returncode == 0, done.stderr
    assert "note: building in one process" in done.stderr
    assert "Traceback" not in done.stderr
    assert (project.build_dir / "essex" / "essex-report.pdf").is_file()
    assert os.path.exists("/dev/shm")  # The real one was never touched.


def test_a_closed_terminal_hangs_up_the_whole_group_quietly(tmp_path):
    """SIGHUP reaches every process of the terminal's group, workers included."""
    project = _project(tmp_path)
    process, workers = _start_build(project, start_new_session=True)
    os.killpg(process.pid, signal.SIGHUP)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 129
    assert "Traceback" not in stderr and "Stopped." in stderr
    assert _gone_within(workers, 2) == []
    assert not list(project.build_dir.rglob("*.tmp"))
