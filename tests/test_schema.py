"""The committed JSON Schema matches the data model, and every report points editors at it."""

from __future__ import annotations

import json
import re
import typing

import pytest
import yaml

from ncpi.commands.schema import schema_texts
from ncpi.model import INSPECTION_REPORT_FIELDS, Report

from support import REPO, invoke


def test_committed_schema_is_up_to_date():
    for name, text in schema_texts().items():
        committed = (REPO / "schema" / name).read_text(encoding="utf-8")
        assert committed == text, f"schema/{name} is out of date: run `ncpi schema`"


def test_schema_check_reports_a_stale_schema(tmp_path):
    (tmp_path / "reports").mkdir()  # a project
    (tmp_path / "schema").mkdir()
    (tmp_path / "schema" / "report.schema.json").write_text("{}")
    result = invoke(tmp_path, "schema", "--check")
    assert result.exit_code == 1 and "out of date" in result.stderr
    result = invoke(tmp_path, "schema")
    assert result.exit_code == 0
    schema = json.loads((tmp_path / "schema" / "report.schema.json").read_text())
    assert schema["additionalProperties"] is False
    assert "press_release" in schema["required"]


def test_every_report_starts_with_the_schema_line():
    for report in (REPO / "reports").glob("*.yaml"):
        first = report.read_text(encoding="utf-8").splitlines()[0]
        expected = "common" if report.name.startswith("_common.") else "report"
        if report.name.endswith(".cy.yaml"):
            expected += ".cy"  # a Welsh file has its own schema: the translated fields only
        assert first == f"# yaml-language-server: $schema=../schema/{expected}.schema.json"


def test_pre_commit_hook_runs_ncpi_validate():
    import tomllib

    import yaml

    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = next(h for h in hooks if h["id"] == "ncpi-validate")
    assert hook["entry"] == "ncpi validate" and hook["language"] == "python"
    assert hook["pass_filenames"] is False
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["ncpi"] == "ncpi.launch:main"


@pytest.mark.process
def test_the_shipped_reports_pass_the_exported_schema_in_an_independent_validator():
    """check-jsonschema (ECMA-262 regexes, as editors use) accepts the schema and the reports."""
    import subprocess
    import sys
    from pathlib import Path

    checker = Path(sys.executable).parent / "check-jsonschema"
    files = sorted((REPO / "reports").glob("*.yaml"))
    welsh = [p for p in files if p.name.endswith(".cy.yaml")]
    english = [p for p in files if p not in welsh]
    for schema, reports in (
        ("report", [p for p in english if not p.name.startswith("_")]),
        ("common", [REPO / "reports" / "_common.yaml"]),
        ("report.cy", [p for p in welsh if not p.name.startswith("_")]),
        ("common.cy", [REPO / "reports" / "_common.cy.yaml"]),
    ):
        assert reports
        done = subprocess.run(
            [
                str(checker),
                "--schemafile",
                str(REPO / "schema" / f"{schema}.schema.json"),
                *map(str, reports),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stdout + done.stderr


def _key_paths(node, path=""):
    """Every key path of a YAML document, lists shown as []: reinspection.findings[].area."""
    if isinstance(node, dict):
        for key, value in node.items():
            here = f"{path}.{key}" if path else str(key)
            yield here
            yield from _key_paths(value, here)
    elif isinstance(node, list):
        for item in node:
            yield from _key_paths(item, f"{path}[]")


def _model_paths(model, path=""):
    """Every key path the data model accepts, lists shown as []."""
    from ncpi.commands.reference import _bare, _models_in

    for name, field in model.model_fields.items():
        here = f"{path}.{name}" if path else name
        yield here
        listed = "[]" if typing.get_origin(_bare(field.annotation)) is list else ""
        for inner in _models_in(field.annotation):
            yield from _model_paths(inner, here + listed)


#: What an initial inspection's own report gives in `inspection` as a follow-up does in
#: `reinspection` (the README's outline shows them once).
_MIRRORED = {*INSPECTION_REPORT_FIELDS, "findings"} - {
    "judgments",
    "causes_of_concern",
    "areas_for_improvement",
}


def test_the_readme_outline_shows_every_key_of_a_report():
    readme = (REPO / "README.md").read_text("utf-8")
    outline = re.search(r"in\noutline:\n\n```yaml\n(.*?)```", readme, re.S).group(1)
    shown = set(_key_paths(yaml.safe_load(outline)))
    accepted = set(_model_paths(Report))
    # Grades are keys of a map, not of the model.
    shown = {p for p in shown if not re.search(r"\.grades\.", p)}
    # An initial inspection's own report gives what a follow-up's `reinspection` does (its
    # `chapters` as `findings`); the outline says so rather than showing them twice.
    mirrored = {
        re.sub(
            r"^reinspection\.(findings)?", lambda m: "inspection." + ("chapters" * bool(m[1])), path
        )
        for path in shown
        if path.startswith("reinspection.") and path.split(".")[1].split("[")[0] in _MIRRORED
    }
    shown |= mirrored
    assert shown <= accepted, f"the outline shows keys ncpi refuses: {sorted(shown - accepted)}"
    assert accepted <= shown, f"the outline leaves out: {sorted(accepted - shown)}"


def test_the_format_reference_names_every_key():
    from ncpi.commands.reference import format_reference

    reference = format_reference()
    for path in _model_paths(Report):
        assert f"| `{path.rsplit('.', 1)[-1].removesuffix('[]')}`" in reference, path


def test_list_fields_default_to_a_new_list_from_a_factory_with_a_cheap_signature():
    from pydantic import BaseModel

    from ncpi import model

    models = [v for v in vars(model).values() if isinstance(v, type) and issubclass(v, BaseModel)]
    factories = {
        field.default_factory
        for cls in models
        for field in cls.model_fields.values()
        if field.default_factory is not None
    }
    # pydantic reads a factory's signature as the model is made; `list`'s is parsed from text.
    assert list not in factories and model.no_items in factories
    assert model.no_items() == [] and model.no_items() is not model.no_items()
