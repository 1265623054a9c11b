"""Shared fixtures: projects copied into temporary folders, and the Essex documents built once."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ncpi.build.pipeline import build_press_release, build_report

from support import BROWSER_FLAGS, MATRIX, MATRIX_SLUGS, make_project, stand_in_pdf

#: Fixtures that render PDFs or start a browser, by the marker a test using one gets.
COSTLY_FIXTURES = {
    "essex_build": "pdf",
    "kent_build": "pdf",
    "matrix_build": "pdf",
    "welsh_build": "pdf",
    "matrix_national": "pdf",
    "archival_builds": "pdf",
    "browser": "browser",
}


def pytest_addoption(parser):
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="Rewrite the golden files from the current output (review the diff).",
    )


def pytest_configure(config):
    # What a test costs, so that the developer's loop (`make fast`) leaves out the costly ones:
    # -m "not pdf and not process and not browser and not long".
    config.addinivalue_line("markers", "pdf: renders a PDF with WeasyPrint (about 0.3 s or more)")
    config.addinivalue_line(
        "markers", "process: starts ncpi, its worker processes or another program"
    )
    config.addinivalue_line("markers", "browser: starts headless Chromium")
    config.addinivalue_line(
        "markers", "long: a second or more of pure Python (timings, property tests, fonts)"
    )


def pytest_collection_modifyitems(items):
    for item in items:
        for fixture in set(getattr(item, "fixturenames", ())) & COSTLY_FIXTURES.keys():
            item.add_marker(COSTLY_FIXTURES[fixture])


@pytest.fixture
def stand_in_pdfs(monkeypatch):
    """PDFs from support.stand_in_pdf instead of WeasyPrint, for a test whose claim is not
    about the PDF: through the command line too, and in the workers a build forks (which then
    skip importing WeasyPrint). Library callers give Run(pdf_maker=…) instead."""
    import ncpi.build.pipeline
    import ncpi.build.workers
    import ncpi.commands.diff
    import ncpi.commands.national

    monkeypatch.setattr(ncpi.build.pipeline, "make_pdf", stand_in_pdf)
    monkeypatch.setattr(ncpi.commands.national, "make_pdf", stand_in_pdf)
    monkeypatch.setattr(ncpi.commands.diff, "make_pdf", stand_in_pdf)
    monkeypatch.setattr(ncpi.build.workers, "import_weasyprint", lambda: None)


@pytest.fixture(scope="session")
def update_golden(request) -> bool:
    return request.config.getoption("--update-golden")


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
