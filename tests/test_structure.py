"""The package's shape: its import-linter contracts hold (layers by stage, the shared modules
below every stage, no import cycle), counting imports inside functions."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _lint_imports() -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports"), "--no-cache"],
        capture_output=True,
        text=True,
        cwd=REPO,
    )


def test_the_import_contracts_hold():
    done = _lint_imports()
    assert done.returncode == 0, done.stdout + done.stderr
    assert "3 kept, 0 broken" in done.stdout


def test_clean_asks_targets_for_names_and_imports_no_command():
    import grimp

    graph = grimp.build_graph("ncpi", cache_dir=None)
    commands = {m for m in graph.modules if m.startswith("ncpi.commands")}
    assert not graph.find_modules_directly_imported_by("ncpi.build.outputs") & commands
