"""The `ncpi` command's process is set up before the command line loads."""

from __future__ import annotations

import gc
import subprocess
import sys

import pytest

from ncpi import processes

#: Runs `ncpi --help` by `start`, saying on stderr each time a garbage collection starts
#: once the command line has begun to load.
COUNT_COLLECTIONS = """
import gc, runpy, sys
def said(phase, info):
    if phase == "start" and "ncpi.cli" in sys.modules:
        sys.stderr.write("collection\\n")
gc.callbacks.append(said)
sys.argv = ["ncpi", "--help"]
{start}
"""


def _collections(start: str) -> int:
    done = subprocess.run(
        [sys.executable, "-c", COUNT_COLLECTIONS.format(start=start)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0 and "Usage: ncpi" in done.stdout, done.stderr
    return done.stderr.count("collection")


@pytest.mark.process
def test_the_command_does_not_collect_garbage_while_it_loads():
    # The command line alone, with Python's default, collects again and again as it loads.
    assert _collections("from ncpi.cli import main; main()") > 5
    assert _collections("from ncpi.launch import main; main()") == 0
    assert _collections("runpy.run_module('ncpi', run_name='__main__')") == 0  # python -m ncpi


#: Runs `ncpi validate` in `project` as the command does, then says how the collector stands.
VALIDATE_AND_SAY = """
import gc, json, sys
import ncpi.cli
real_exit = ncpi.cli.exit_without_teardown
def say_then_exit(code):
    print(json.dumps({{"threshold": gc.get_threshold(), "frozen": gc.get_freeze_count()}}))
    real_exit(code)
ncpi.cli.exit_without_teardown = say_then_exit
sys.argv = ["ncpi", "--root", {project!r}, "-q", "validate"]
from ncpi.launch import main
main()
"""


@pytest.mark.process
def test_once_the_checker_is_loaded_it_is_frozen_and_python_collects_as_usual(project_from):
    import json

    project = project_from()
    done = subprocess.run(
        [sys.executable, "-c", VALIDATE_AND_SAY.format(project=str(project.root))],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    state = json.loads(done.stdout.splitlines()[-1])
    assert state["threshold"] == list(gc.get_threshold())  # Python's own, as in this process
    assert state["frozen"] > 10_000  # the modules, classes and validators loaded


def test_code_loaded_freezes_once_and_only_in_a_command_process():
    # Not set up as the command (as here, in pytest): nothing changes.
    frozen, threshold = gc.get_freeze_count(), gc.get_threshold()
    processes.code_loaded()
    processes.collect_as_usual()
    assert (gc.get_freeze_count(), gc.get_threshold()) == (frozen, threshold)
    code = (
        "import gc\n"
        "from ncpi import processes\n"
        "processes.collect_rarely()\n"
        "assert gc.get_threshold()[0] == processes.RARE_THRESHOLD\n"
        "processes.code_loaded()\n"
        "frozen = gc.get_freeze_count()\n"
        "assert frozen > 0 and gc.get_threshold()[0] == processes.RARE_THRESHOLD\n"
        "garbage_to_be = [[] for _ in range(1000)]\n"
        "processes.code_loaded()  # again, later: what is new stays collectable\n"
        "assert gc.get_freeze_count() == frozen, (gc.get_freeze_count(), frozen)\n"
        "processes.collect_as_usual()\n"
        "assert gc.get_threshold()[0] == 700\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


@pytest.mark.process
def test_the_checks_collect_rarely_and_what_follows_them_as_usual(project_from):
    # A build's check and its copy collect rarely; its rendering, after, as Python does.
    code = f"""
import gc, sys
from ncpi import processes
processes.collect_rarely()
from ncpi.check import validate
from ncpi.project import Project
from pathlib import Path
seen = []
real = validate._check_force
def noted(*args, **kwargs):
    seen.append(gc.get_threshold()[0])
    return real(*args, **kwargs)
validate._check_force = noted
validate.check_project(Project(Path({str(project_from().root)!r})), dry_run=False)
assert seen == [processes.RARE_THRESHOLD], seen
assert gc.get_threshold()[0] == 700 and gc.get_freeze_count() > 10_000
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
