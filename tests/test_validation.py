"""Validation: one fixture folder per scenario, each with its exact located message."""

from __future__ import annotations

import pytest

from support import invoke

SCENARIOS = {
    "bad-yaml-syntax": [
        "reports/kent.yaml:5:1: YAML syntax: a tab character: indent with spaces, not tabs",
    ],
    "unknown-key": [
        "reports/kent.yaml:22:1: reinspection: missing required key 'inspector'",
        "reports/kent.yaml:28:3: reinspection.inspectr: unknown key 'inspectr'. "
        "Did you mean 'inspector'?",
    ],
    "wrong-type": [
        "reports/kent.yaml:56:10: case_audit.cases: should be a whole number, not 'sixty'",
    ],
    "missing-progress": [
        "reports/kent.yaml:18:11: inspection.recommendations[1].id: recommendation 'R2' has no "
        "progress assessment in reinspection.progress",
    ],
    "dates-out-of-order": [
        "reports/kent.yaml:27:14: reinspection.published: this report was published on "
        "2015-10-01, not after the follow-up's fieldwork started (2015-11-09)",
    ],
    "unknown-force": [
        "reports/kent.yaml:4:9: force.slug: 'kentt' is not a force in the registry of 43. "
        "Did you mean 'kent'?",
    ],
}


def run_validate(project, *args):
    return invoke(project, "validate", *args)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_each_scenario_gives_its_exact_located_message(project_from, scenario):
    result = run_validate(project_from(scenario))
    assert result.exit_code == 1
    assert result.stdout.splitlines() == SCENARIOS[scenario]
    assert "Traceback" not in result.output


def test_valid_fixture_is_clean(project_from):
    result = run_validate(project_from("valid"))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "2 file(s) checked: 0 error(s), 0 warning(s)."


def test_all_problems_of_all_files_in_one_run(project_from):
    project = project_from("unknown-key")
    broken = project.root / "reports" / "kent.yaml"
    (project.root / "reports" / "essex.yaml").write_text(
        (project_from("wrong-type").root / "reports" / "kent.yaml")
        .read_text()
        .replace("slug: kent", "slug: essex")
        .replace("Kent Police", "Essex Police")
    )
    result = run_validate(project)
    files = {line.split(":")[0] for line in result.stdout.splitlines() if ":" in line}
    assert files == {"reports/essex.yaml", "reports/kent.yaml"}
    assert result.exit_code == 1
    assert broken.exists()


def test_essex_validates_with_the_late_revisit_warning(project_from):
    result = run_validate(project_from())
    assert result.exit_code == 0
    assert "warning: the follow-up began 328 days after" in result.stdout
