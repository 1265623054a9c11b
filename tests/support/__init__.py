"""What the tests share: where things are, projects in temporary folders, ncpi run in this
process or as its own, edits, waits, golden files and a stand-in PDF maker.

Fixtures stay in conftest.py; everything a test imports comes from here (`from support import
…`), and the readers of documents from `support.golden`, `support.pdftools`, `support.leaks`.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import time
from pathlib import Path

from ncpi.build.incremental import manifest_text
from ncpi.build.inputs import current_inputs
from ncpi.build.outputs import write_outputs
from ncpi.build.targets import BuildOptions, Target, manifest_path, output_paths
from ncpi.project import Project

TESTS = Path(__file__).resolve().parent.parent
REPO = TESTS.parent
FIXTURES = TESTS / "fixtures"
GOLDEN = TESTS / "golden"
#: Invented reports that vary what Essex does not: kind, years, counts, audit, draft, a Welsh force.
MATRIX = TESTS / "matrix" / "reports"
MATRIX_SLUGS = ["essex", *sorted(p.stem for p in MATRIX.glob("*.yaml") if "." not in p.stem)]
BROWSER_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# Projects -----------------------------------------------------------------------------------


def make_project(target: Path, fixture: str | None = None) -> Project:
    """A project in `target`: the repo's common data plus a fixture's reports.

    By default the Essex report only; "shipped" is every report in the repository (Essex, and
    Dyfed-Powys in English and Welsh); any other name is a folder of tests/fixtures/.
    """
    reports = target / "reports"
    reports.mkdir(parents=True)
    for common in ("_common.yaml", "_common.cy.yaml"):
        shutil.copy(REPO / "reports" / common, reports / common)
    if fixture is None:
        shutil.copy(REPO / "reports" / "essex.yaml", reports / "essex.yaml")
        return Project(target)
    source = REPO / "reports" if fixture == "shipped" else FIXTURES / fixture / "reports"
    for path in source.glob("*.yaml"):
        shutil.copy(path, reports / path.name)
    return Project(target)


def replaced(text: str, old: str, new: str) -> str:
    """`text` with the first `old` made `new`; `old` must be there, or the test is wrong."""
    assert old in text, old
    return text.replace(old, new, 1)


def edit(path: Path, old: str, new: str) -> None:
    """Change the first `old` in a file to `new`, as an author would."""
    path.write_text(replaced(path.read_text("utf-8"), old, new), "utf-8")


#: The target most tests build: the Essex report, in English.
ESSEX_REPORT = Target("essex", "report")


def recorded_build(
    project: Project, target: Target = ESSEX_REPORT, options: BuildOptions = BuildOptions()
) -> None:
    """Outputs and a build record as a build leaves them, with stand-in outputs."""
    inputs = current_inputs(project, target)
    outputs = {
        path: f"{suffix} of {target}".encode()
        for suffix, path in output_paths(project, target).items()
    }
    write_outputs(project, outputs)
    record = manifest_text(inputs, {}, outputs, options.as_record())
    write_outputs(project, {manifest_path(project, target): record.encode()})


# ncpi run -----------------------------------------------------------------------------------


def invoke(where: Project | Path, *args: str, **kwargs):
    """ncpi run in this process by click's test runner, on the project (or folder) given."""
    from click.testing import CliRunner

    from ncpi.cli import cli

    root = where.root if isinstance(where, Project) else where
    return CliRunner().invoke(cli, ["--root", str(root), *args], **kwargs)


def ncpi_command(project: Project, *args: str) -> list[str]:
    """The command line that runs ncpi as its own process on a project."""
    return [sys.executable, "-m", "ncpi", "--root", str(project.root), *args]


def run_ncpi(project: Project, *args: str, timeout: float = 120, **kwargs):
    """ncpi as its own process (text output), so that a hang is a failed test, not a stuck run."""
    kwargs.setdefault("capture_output", True)
    kwargs.setdefault("text", True)
    return subprocess.run(ncpi_command(project, *args), timeout=timeout, **kwargs)


# Processes and waiting ----------------------------------------------------------------------


def until(condition, seconds: float = 20.0):
    """The condition's first true value, polled until `seconds` pass."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("timed out")


def children(pid: int) -> set[int]:
    """Every process descended from `pid` (Linux: /proc/PID/task/*/children)."""
    found, pending = set(), [pid]
    while pending:
        parent = pending.pop()
        for task in Path(f"/proc/{parent}/task").glob("*"):
            try:
                listed = (task / "children").read_text().split()
            except OSError:
                continue
            for child in map(int, listed):
                if child not in found:
                    found.add(child)
                    pending.append(child)
    return found


# Golden files -------------------------------------------------------------------------------


def assert_matches_golden(produced: bytes, golden: Path, update: bool) -> None:
    """`produced` is the reviewed golden file; with --update-golden it becomes it."""
    if update:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_bytes(produced)
    assert golden.is_file(), f"no golden file {golden.name}: run with --update-golden"
    assert produced.decode("utf-8") == golden.read_bytes().decode("utf-8")


# A stand-in for WeasyPrint ------------------------------------------------------------------


def stand_in_pdf(project: Project, html: str, options: BuildOptions) -> tuple[bytes, dict]:
    """A one-page real PDF, made in milliseconds, for tests whose claims are not about the PDF
    (records, staleness, clean, publish, the national set). Its bytes follow the HTML, as a
    real PDF's do."""
    import hashlib

    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    pdf.docinfo["/Subject"] = hashlib.sha256(html.encode()).hexdigest()
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True)
    return out.getvalue(), {}
