"""validate leaves out of its dry run what a build already rendered from the same files."""

from __future__ import annotations

import pytest

import ncpi.check.validate
from ncpi.build.incremental import built_editions
from ncpi.check.validate import check_project

from support import edit, invoke


def errors(result) -> list:
    return [problem for problem in result.problems if problem.severity == "error"]


@pytest.fixture
def built_essex(project_from):
    project = project_from()
    assert invoke(project, "build", "essex").exit_code == 0
    assert invoke(project, "press-release", "essex").exit_code == 0
    return project


@pytest.mark.pdf
def test_an_edition_counts_as_rendered_only_while_both_its_documents_are_up_to_date(built_essex):
    project = built_essex
    assert built_editions(project, None) == {("essex", "en")}
    edit(
        project.reports_dir / "essex.yaml",
        "Child protection in Essex",
        "Child protection in Essex ",
    )
    assert built_editions(project, None) == frozenset()


@pytest.mark.pdf
def test_the_report_alone_does_not_count(project_from):
    project = project_from()
    assert invoke(project, "build", "essex").exit_code == 0
    assert built_editions(project, ["essex"]) == frozenset()


@pytest.mark.pdf
def test_validate_renders_only_what_no_build_rendered_from_these_files(built_essex, monkeypatch):
    project = built_essex
    rendered = []
    real = ncpi.check.validate.render_documents
    monkeypatch.setattr(
        ncpi.check.validate,
        "render_documents",
        lambda report, *args, **kwargs: (
            rendered.append(report.force.slug) or real(report, *args, **kwargs)
        ),
    )
    assert errors(check_project(project, rendered=built_editions(project, None))) == []
    assert rendered == []
    # Changed since the build: rendered again.
    edit(
        project.reports_dir / "essex.yaml",
        "Child protection in Essex",
        "Child protection in Essex ",
    )
    assert errors(check_project(project, rendered=built_editions(project, None))) == []
    assert rendered == ["essex"]
