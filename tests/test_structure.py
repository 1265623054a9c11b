"""The package's shape: its import-linter contracts hold (layers by stage, the shared modules
below every stage, no import cycle), counting imports inside functions."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from support import REPO


def _lint_imports() -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports"), "--no-cache"],
        capture_output=True,
        text=True,
        cwd=REPO,
    )


@pytest.mark.process
def test_the_import_contracts_hold():
    done = _lint_imports()
    assert done.returncode == 0, done.stdout + done.stderr
    assert "3 kept, 0 broken" in done.stdout


def test_clean_asks_targets_for_names_and_imports_no_command():
    import grimp

    graph = grimp.build_graph("ncpi", cache_dir=None)
    commands = {m for m in graph.modules if m.startswith("ncpi.commands")}
    assert not graph.find_modules_directly_imported_by("ncpi.build.outputs") & commands


# Deferred on purpose: the heavy libraries (about 1 s for WeasyPrint, with its HTML parser and
# selector engine), an optional one with a fallback, and the command-line shell, which loads a
# command's code only when it runs so that `ncpi --help` and `ncpi validate` start fast.
_DEFERRED_LIBRARIES = {
    *("weasyprint", "tinyhtml5", "cssselect2", "pikepdf", "babel", "fontTools", "watchfiles"),
    "docx",
    "ctypes",  # ctypes.util, only to load WeasyPrint: it loads subprocess (15 ms)
    "html",  # html.parser, only to look through a project's own templates (2.5 ms)
    "difflib",  # only to suggest the name meant in a message (0.9 ms)
    "pydantic.type_adapter",  # only for a file that fails the schema (0.6 ms)
}
_CLI_SHELL = {"ncpi/launch.py", "ncpi/cli.py", "ncpi/cli_options.py", "ncpi/terminal.py"}


def _imports_inside_functions(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(function):
            if isinstance(node, ast.Import):
                found += [(node.lineno, alias.name) for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                found.append((node.lineno, "." * node.level + (node.module or "")))
    return found


def test_imports_are_at_module_level_except_the_heavy_libraries_and_the_cli_shell():
    hidden = [
        f"{path.relative_to(REPO)}:{line} imports {module}"
        for path in sorted((REPO / "ncpi").rglob("*.py"))
        if str(path.relative_to(REPO)) not in _CLI_SHELL
        for line, module in _imports_inside_functions(path)
        if module not in _DEFERRED_LIBRARIES and module.split(".")[0] not in _DEFERRED_LIBRARIES
    ]
    assert not hidden, "\n".join(hidden)


def test_the_workers_and_the_build_records_load_neither_pydantic_nor_jinja():
    # The command line starts the workers (which then import WeasyPrint) and asks the build
    # records before it loads the pipeline: both must be light, or a build waits for them.
    code = (
        "import sys, ncpi.build.workers, ncpi.build.incremental, ncpi.cli\n"
        "print(sorted({'pydantic', 'jinja2', 'yaml', 'weasyprint'} & set(sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert done.stdout.strip() == "[]", done.stderr
