"""The committed JSON Schema matches the data model, and every report points editors at it."""

from __future__ import annotations

import json

from click.testing import CliRunner

from ncpi_cli.cli import cli
from ncpi_cli.schema_export import schema_texts

from conftest import REPO


def test_committed_schema_is_up_to_date():
    for name, text in schema_texts().items():
        committed = (REPO / "schema" / name).read_text(encoding="utf-8")
        assert committed == text, f"schema/{name} is out of date: run `ncpi schema`"


def test_schema_check_reports_a_stale_schema(tmp_path):
    (tmp_path / "schema").mkdir()
    (tmp_path / "schema" / "report.schema.json").write_text("{}")
    result = CliRunner().invoke(cli, ["--root", str(tmp_path), "schema", "--check"])
    assert result.exit_code == 1 and "out of date" in result.stderr
    result = CliRunner().invoke(cli, ["--root", str(tmp_path), "schema"])
    assert result.exit_code == 0
    schema = json.loads((tmp_path / "schema" / "report.schema.json").read_text())
    assert schema["additionalProperties"] is False
    assert "press_release" in schema["required"]


def test_every_report_starts_with_the_schema_line():
    for report in (REPO / "reports").glob("*.yaml"):
        first = report.read_text(encoding="utf-8").splitlines()[0]
        expected = "common" if report.name == "_common.yaml" else "report"
        assert first == f"# yaml-language-server: $schema=../schema/{expected}.schema.json"


def test_pre_commit_hook_runs_ncpi_validate():
    import tomllib

    import yaml

    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = next(h for h in hooks if h["id"] == "ncpi-validate")
    assert hook["entry"] == "ncpi validate" and hook["language"] == "python"
    assert hook["pass_filenames"] is False
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["ncpi"] == "ncpi_cli.cli:main"


def test_the_shipped_reports_pass_the_exported_schema_in_an_independent_validator():
    """check-jsonschema (ECMA-262 regexes, as editors use) accepts the schema and the reports."""
    import subprocess
    import sys

    from pathlib import Path

    checker = Path(sys.executable).parent / "check-jsonschema"
    for schema, reports in (("report", [p for p in (REPO / "reports").glob("*.yaml")
                                        if p.name != "_common.yaml"]),
                            ("common", [REPO / "reports" / "_common.yaml"])):
        done = subprocess.run([str(checker), "--schemafile", str(REPO / "schema" /
                               f"{schema}.schema.json"), *map(str, reports)],
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr
