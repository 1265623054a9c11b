"""Shared fixtures: projects copied into temporary folders, and the Essex documents built once."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ncpi_cli.build import build_press_release, build_report
from ncpi_cli.project import Project

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
GOLDEN = Path(__file__).resolve().parent / "golden"


def make_project(target: Path, fixture: str | None = None) -> Project:
    """A project in `target`: the repo's common data plus a fixture's reports (or the repo's)."""
    reports = target / "reports"
    reports.mkdir(parents=True)
    shutil.copy(REPO / "reports" / "_common.yaml", reports / "_common.yaml")
    source = FIXTURES / fixture / "reports" if fixture else REPO / "reports"
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
