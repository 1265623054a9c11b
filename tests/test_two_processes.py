"""validate checks the forces in two processes: the same answer as one, and no process left
(tests/security/test_processes.py: the PDF workers)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from ncpi.check.validate import SIDE_BY_SIDE_FROM, check_project

from support import FIXTURES, MATRIX, REPO, children

#: Fixtures with a mistake each, given the names of forces the matrix does not use.
BROKEN = {
    "bad-yaml-syntax": "surrey",
    "dates-out-of-order": "sussex",
    "missing-progress": "suffolk",
    "unknown-force": "staffordshire",
    "unknown-key": "thames-valley",
    "wrong-type": "warwickshire",
}


def run_python(code: str) -> subprocess.CompletedProcess:
    """`code` in a fresh interpreter (no thread of pytest's), as ncpi's process would run it."""
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
    )


@pytest.mark.process
def test_the_items_are_shared_with_a_copy_and_come_back_in_order():
    done = run_python(
        """
        import os, time
        from ncpi.processes import shared_out
        parent = os.getpid()
        def work(item):
            time.sleep(0.01)  # long enough for the copy to take its share
            return item * 2, os.getpid(), os.getppid()
        results = shared_out(list(range(40)), work)
        assert [doubled for doubled, _, _ in results] == list(range(0, 80, 2)), results
        by = {pid for _, pid, _ in results}
        assert parent in by and len(by) == 2, by
        assert all(ppid == parent for _, pid, ppid in results if pid != parent)
        print("ok")
        """
    )
    assert done.stdout == "ok\n", done.stderr


@pytest.mark.process
def test_the_faster_process_takes_more():
    # Each takes the next item neither has begun: a slow copy holds up nothing.
    done = run_python(
        """
        import os, time
        from collections import Counter
        from ncpi.processes import shared_out
        parent = os.getpid()
        def work(item):
            time.sleep(0.005 if os.getpid() == parent else 0.05)
            return os.getpid() == parent
        print(sorted(Counter(shared_out(list(range(60)), work)).items()))
        """
    )
    shares = dict(eval(done.stdout))  # {False: the copy's count, True: this process's}
    assert shares[True] > 3 * shares[False] > 0, (shares, done.stderr)


@pytest.mark.process
def test_what_a_copy_that_dies_had_taken_is_worked_out_here_instead():
    # The copy ends without an answer (as if the kernel killed it for memory).
    done = run_python(
        """
        import os, time
        from ncpi.processes import shared_out
        parent = os.getpid()
        def work(item):
            if os.getpid() != parent:
                os._exit(3)
            time.sleep(0.01)
            return item * 2
        print(shared_out(list(range(10)), work))
        """
    )
    assert done.stdout == f"{list(range(0, 20, 2))}\n", done.stderr


@pytest.mark.process
def test_more_items_than_a_queue_holds_are_worked_out_here():
    done = run_python(
        """
        import os
        from ncpi.processes import MOST_QUEUED, shared_out
        results = shared_out(list(range(MOST_QUEUED + 1)), lambda item: (item, os.getpid()))
        assert results == [(item, os.getpid()) for item in range(MOST_QUEUED + 1)]
        print("ok")
        """
    )
    assert done.stdout == "ok\n", done.stderr


@pytest.mark.process
def test_without_file_descriptors_for_the_pipes_all_is_worked_out_here():
    done = run_python(
        """
        import os, resource
        from ncpi.processes import shared_out
        # One spare descriptor: no pipe at all. Two: the queue's pipe, whose writing end is
        # closed before the answer's pipe is made, which then finds one free, not two. (Three
        # let both be made, and the copy that then started raced this process for the items.)
        for spare in (1, 2):
            fds = len(os.listdir("/proc/self/fd"))  # one of them the listing's own
            hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
            resource.setrlimit(resource.RLIMIT_NOFILE, (fds - 1 + spare, hard))
            results = shared_out([1, 2, 3, 4], lambda item: (item, os.getpid()))
            assert results == [(item, os.getpid()) for item in [1, 2, 3, 4]], results
            assert len(os.listdir("/proc/self/fd")) == fds, "a descriptor was left open"
        print("ok")
        """
    )
    assert done.stdout == "ok\n", done.stderr


@pytest.mark.process
def test_a_copy_that_answered_is_collected_later_and_none_is_left_at_exit():
    # The answer is used as soon as it has come whole; the copy, ending meanwhile, is
    # collected before the next starts and at exit: never waited for, never left a zombie.
    done = run_python(
        """
        import atexit, os, sys, time
        def at_exit():  # registered first, so it runs after ncpi's own exit handler
            try:
                os.waitpid(-1, os.WNOHANG)
                print("a child is left")
            except ChildProcessError:
                print("no child left")
        atexit.register(at_exit)
        from ncpi import processes
        def state(pid):
            try:
                return open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0]
            except OSError:
                return "gone"
        def work(item):
            time.sleep(0.05)  # long enough for the copy to take some
            return (item, os.getpid())
        first = processes.shared_out(list(range(8)), work)
        assert [item for item, _ in first] == list(range(8))
        copy = {pid for _, pid in first} - {os.getpid()}
        assert processes._answered == list(copy), (processes._answered, copy)
        processes.shared_out(list(range(8)), work)
        assert state(copy.pop()) == "gone"  # collected before the second copy started
        assert len(processes._answered) == 1
        print("answered")
        """
    )
    assert done.stdout == "answered\nno child left\n", done.stderr


@pytest.mark.process
def test_an_interruption_here_ends_the_copy_at_once():
    done = run_python(
        """
        import os, time
        from ncpi.processes import shared_out
        parent = os.getpid()
        def work(item):
            if os.getpid() != parent:
                time.sleep(60)
            time.sleep(0.3)  # the copy has started its long work
            raise KeyboardInterrupt
        started = time.monotonic()
        try:
            shared_out([1, 2], work)
        except KeyboardInterrupt:
            pass
        assert time.monotonic() - started < 10
        try:
            os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            print("no child left")
        """
    )
    assert done.stdout == "no child left\n", done.stderr


@pytest.mark.process
def test_kill_9_of_ncpi_ends_the_copy():
    code = "from ncpi.processes import shared_out; import time; "
    code += "shared_out([1, 2], lambda item: time.sleep(60))"
    parent = subprocess.Popen([sys.executable, "-c", code], cwd=REPO)
    try:
        deadline = time.monotonic() + 30
        while not (copies := children(parent.pid)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(copies) == 1
    finally:
        parent.kill()
        parent.wait()
    deadline = time.monotonic() + 5
    while any(alive(pid) for pid in copies) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(alive(pid) for pid in copies)


def alive(pid: int) -> bool:
    """Whether a process runs (a zombie has ended: only its parent has not collected it)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.process
def test_no_copy_is_made_while_another_thread_runs():
    # A fork copies only the thread that made it: a lock another held would stay held.
    done = run_python(
        """
        import os, threading
        from ncpi.processes import shared_out
        stop = threading.Event()
        threading.Thread(target=stop.wait).start()
        print(shared_out([1, 2, 3], lambda item: os.getpid()) == [os.getpid()] * 3)
        stop.set()
        """
    )
    assert done.stdout == "True\n", done.stderr


def varied_project(make):
    """The matrix (English and Welsh, every kind and programme) and six broken reports."""
    project = make()
    for path in MATRIX.glob("*.yaml"):
        shutil.copy(path, project.reports_dir / path.name)
    for fixture, slug in BROKEN.items():
        shutil.copy(
            FIXTURES / fixture / "reports" / "kent.yaml", project.reports_dir / f"{slug}.yaml"
        )
    return project


@pytest.mark.process
def test_two_processes_find_what_one_finds(project_from):
    project = varied_project(project_from)
    one = check_project(project, jobs=1)
    assert len(project.report_slugs()) >= SIDE_BY_SIDE_FROM
    two = check_project(project, jobs=2)
    assert one.problems and one.errors and one.reports and one.welsh  # a varied answer
    assert two.problems == one.problems
    assert two.files_checked == one.files_checked
    assert two.by_force == one.by_force
    assert two.reports == one.reports and two.welsh == one.welsh
    assert two.verdicts == one.verdicts
    # As validate asks: the verdicts alone, so neither process keeps a report, and the copy
    # sends none back; which editions passed is the same.
    bare = check_project(project, jobs=2, keep_reports=False)
    assert bare.reports == {} and bare.welsh == {}
    assert bare.problems == one.problems and bare.by_force == one.by_force
    passed = {key for key, verdict in one.verdicts.items() if verdict.passed}
    assert passed and passed != set(one.verdicts)  # some passed, some did not
    assert {key for key, verdict in bare.verdicts.items() if verdict.passed} == passed
    assert all(verdict.edition is None for verdict in bare.verdicts.values())


def validate_noting_processes(project, *, one_process: bool):
    """`ncpi validate` as a process, each force's check noting the process that ran it."""
    (project.root / "build" / ".check-record.json").unlink(missing_ok=True)
    return run_python(
        f"""
        import os, sys
        import ncpi.check.validate as validate
        if {one_process!r}:
            validate.SIDE_BY_SIDE_FROM = 10**9
        real = validate._check_one
        def noted(project, slug, result, **kwargs):
            print("process", os.getpid(), file=sys.stderr)
            return real(project, slug, result, **kwargs)
        validate._check_one = noted
        from ncpi.cli import main
        sys.argv = ["ncpi", "--root", {str(project.root)!r}, "validate"]
        main()
        """
    )


def processes_noted(done: subprocess.CompletedProcess) -> set[str]:
    """The processes that checked a force, as validate_noting_processes noted them."""
    return {line.split()[1] for line in done.stderr.splitlines() if line.startswith("process ")}


@pytest.mark.process
def test_validate_shares_the_forces_with_a_second_process(project_from):
    project = varied_project(project_from)
    shared = validate_noting_processes(project, one_process=False)
    alone = validate_noting_processes(project, one_process=True)
    assert len(processes_noted(shared)) == 2, shared.stderr
    assert len(processes_noted(alone)) == 1, alone.stderr
    assert shared.returncode == alone.returncode == 1
    assert shared.stdout == alone.stdout and "not 'sixty'" in shared.stdout
    summary = [line for line in shared.stderr.splitlines() if "file(s) checked" in line]
    assert summary and summary[0] in alone.stderr
