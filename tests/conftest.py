"""Shared fixtures: projects copied into temporary folders, and the Essex documents built once."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ncpi.build.pipeline import build_press_release, build_report
from ncpi.project import Project

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
GOLDEN = Path(__file__).resolve().parent / "golden"
#: Invented reports that vary what Essex does not: kind, years, counts, audit, draft, a Welsh force.
MATRIX = Path(__file__).resolve().parent / "matrix" / "reports"
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


#: Fixtures that render PDFs or start a browser: a test using one is slow, whatever it does.
SLOW_FIXTURES = {"essex_build", "kent_build", "matrix_build", "welsh_build", "browser"}


def pytest_addoption(parser):
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="Rewrite the golden files from the current output (review the diff).",
    )


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "slow: renders PDFs, starts processes or a browser; `-m 'not slow'` skips it"
    )
    config.addinivalue_line(
        "markers",
        "checks: validation only, one case each of many (so marked slow as a whole); "
        "mutation testing runs them, as they hold the exact messages",
    )


def pytest_collection_modifyitems(items):
    for item in items:
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


def invoke(where: Project | Path, *args: str, **kwargs):
    """ncpi run in this process by click's test runner, on the project (or folder) given."""
    from click.testing import CliRunner

    from ncpi.cli import cli

    root = where.root if isinstance(where, Project) else where
    return CliRunner().invoke(cli, ["--root", str(root), *args], **kwargs)


def ncpi_command(project: Project, *args: str) -> list[str]:
    """The command line that runs ncpi as its own process on a project."""
    import sys

    return [sys.executable, "-m", "ncpi", "--root", str(project.root), *args]


def run_ncpi(project: Project, *args: str, timeout: float = 120, **kwargs):
    """ncpi as its own process (text output), so that a hang is a failed test, not a stuck run."""
    import subprocess

    kwargs.setdefault("capture_output", True)
    kwargs.setdefault("text", True)
    return subprocess.run(ncpi_command(project, *args), timeout=timeout, **kwargs)


@pytest.fixture(scope="session")
def update_golden(request) -> bool:
    return request.config.getoption("--update-golden")


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


@pytest.fixture
def project_from(tmp_path):
    """Factory: a fresh project holding the named fixture's reports."""
    import tempfile

    return lambda fixture=None: make_project(Path(tempfile.mkdtemp(dir=tmp_path)), fixture)


@pytest.fixture(scope="session")
def essex_build(tmp_path_factory):
    """The Essex report and press release, built once for the whole run."""
    project = make_project(tmp_path_factory.mktemp("essex"))
    paths = build_report(project, "essex") + build_press_release(project, "essex")
    return {path.name: path for path in paths}


@pytest.fixture(scope="session")
def kent_build(tmp_path_factory):
    """The synthetic Kent fixture (with a case audit and lists), built once."""
    project = make_project(tmp_path_factory.mktemp("kent"), "valid")
    paths = build_report(project, "kent") + build_press_release(project, "kent")
    return {path.name: path for path in paths}


@pytest.fixture(scope="session")
def welsh_build(tmp_path_factory):
    """Dyfed-Powys's report and press release in English and in Welsh, built once."""
    from ncpi.build.pipeline import Run, build_targets
    from ncpi.build.targets import targets_of

    project = make_project(tmp_path_factory.mktemp("welsh"), "shipped")
    outcomes = build_targets(
        project, targets_of("dyfed-powys", ["en", "cy"]), run=Run(rebuild=True, in_process=True)
    )
    assert [o.state for o in outcomes] == ["built"] * 4, [o.reason for o in outcomes]
    return {path.name: path for outcome in outcomes for path in outcome.paths}


@pytest.fixture(scope="session")
def matrix_build(tmp_path_factory):
    """Every report of the matrix (and Essex) built once: {slug: {file name: path}}, project."""
    project = make_project(tmp_path_factory.mktemp("matrix"))
    for path in MATRIX.glob("*.yaml"):
        shutil.copy(path, project.reports_dir / path.name)
    built = {}
    for slug in MATRIX_SLUGS:
        paths = build_report(project, slug) + build_press_release(project, slug)
        built[slug] = {path.name: path for path in paths}
    return built, project


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the run, driven by Debian's chromedriver."""
    import tempfile

    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in BROWSER_FLAGS:
        options.add_argument(flag)
    with tempfile.TemporaryDirectory() as profile:
        options.add_argument(f"--user-data-dir={profile}")
        driver = webdriver.Chrome(options=options, service=Service("/usr/bin/chromedriver"))
        yield driver
        driver.quit()
