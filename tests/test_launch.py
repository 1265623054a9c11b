"""The `ncpi` command's process is set up before the command line loads."""

from __future__ import annotations

import ast
import gc
import subprocess
import sys
from pathlib import Path

import pytest

from ncpi import processes
from ncpi.build.targets import check_record_path

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


#: Runs `ncpi validate` in `project` as the command does, then names the modules it loaded
#: of those a validation needs none of.
VALIDATE_AND_NAME_MODULES = """
import atexit, sys
unneeded = ("importlib.metadata", "logging", "html.parser", "traceback", "difflib", "csv",
            "pydantic.type_adapter")
atexit.register(lambda: print("loaded:", *[name for name in unneeded if name in sys.modules]))
sys.argv = ["ncpi", "--root", {project!r}, "validate"]
{start}
"""


@pytest.mark.process
def test_a_validation_loads_none_of_the_modules_it_does_not_need(project_from):
    project = project_from()  # No draft: a watermark's font would load fontTools, and logging.

    def loaded(start: str) -> str:
        check_record_path(project).unlink(missing_ok=True)  # checked afresh, not remembered
        script = VALIDATE_AND_NAME_MODULES.format(project=str(project.root), start=start)
        done = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stdout + done.stderr
        assert "0 error(s)" in done.stdout  # the model validated, plugins or none
        return done.stdout.splitlines()[-1]

    # Through the old entry point, pydantic's loader imports importlib.metadata to look.
    assert "importlib.metadata" in loaded("from ncpi.cli import main; main()")
    assert loaded("from ncpi.launch import main; main()") == "loaded:"


def test_pydantic_asks_its_plugin_loader_for_get_plugins_only():
    # The command's stand-in loader (launch.without_pydantic_plugins) has get_plugins() alone:
    # a pydantic that asked its loader for anything more would fail here, not in an author's
    # run. And the real loader, with plugins disabled as ncpi disables them, answers the same.
    import importlib.util

    import pydantic.plugin

    from ncpi.launch import PYDANTIC_PLUGIN_LOADER

    folder = Path(pydantic.plugin.__file__).parent.parent
    asked = set()
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").endswith("_loader"):
                asked |= {(path.name, alias.name) for alias in node.names}
            elif isinstance(node, ast.Attribute) and node.attr == "_loader":
                asked.add((path.name, "the module itself"))
    assert asked == {("_schema_validator.py", "get_plugins")}
    spec = importlib.util.find_spec(PYDANTIC_PLUGIN_LOADER)
    assert spec is not None and spec.origin == str(folder / "plugin" / "_loader.py")
    code = (
        "import os, sys\n"
        "os.environ['PYDANTIC_DISABLE_PLUGINS'] = '__all__'\n"
        "from pydantic.plugin._loader import get_plugins\n"
        "real = tuple(get_plugins())\n"
        "del sys.modules['pydantic.plugin._loader']\n"
        "from ncpi.launch import without_pydantic_plugins\n"
        "without_pydantic_plugins()\n"
        "from pydantic.plugin._loader import get_plugins\n"
        "assert real == tuple(get_plugins()) == (), real\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_the_two_files_models_are_built_at_import_and_their_parts_on_demand():
    # Built before validate shares the forces out, or both processes would build them; the
    # parts are validated only inside them, so their own validators are never needed.
    code = (
        "import ncpi.model as m\n"
        "print([m.Report.__pydantic_complete__, m.Common.__pydantic_complete__,"
        " m.Recommendation.__pydantic_complete__, m.Inspection.__pydantic_complete__])\n"
        "m.Recommendation.model_validate({'id': 'R1', 'text': 'Review the policy.',"
        " 'timescale': 'within three months', 'area': 'investigation'})\n"
        "print(m.Recommendation.__pydantic_complete__)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.split("\n")[:2] == ["[True, True, False, False]", "True"], done.stderr
