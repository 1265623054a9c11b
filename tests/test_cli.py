"""The command line, end to end with CliRunner and as a real process."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from click.testing import CliRunner

from ncpi_cli import __version__
from ncpi_cli.cli import cli

from conftest import REPO, invoke



def test_version():
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0 and result.output.strip() == f"ncpi, version {__version__}"


@pytest.mark.parametrize("command", [None, *cli.commands])
def test_every_command_has_help_with_an_example(command):
    result = CliRunner().invoke(cli, [command, "--help"] if command else ["--help"])
    assert result.exit_code == 0
    assert "Example" in result.output and "Exit codes" in result.output


def test_every_command_is_in_the_readme():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for name in cli.commands:
        assert f"ncpi {name}" in readme, name


def test_build_writes_pdf_and_html(project_from):
    project = project_from()
    result = invoke(project, "build", "essex")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[:2] == ["wrote build/essex/essex-report.html",
                                              "wrote build/essex/essex-report.pdf"]
    assert re.fullmatch(r"1 built, 0 up to date, 0 failed \(\d+\.\d s\)\.",
                        result.stdout.splitlines()[2])
    assert (project.build_dir / "essex" / "essex-report.pdf").read_bytes().startswith(b"%PDF-")


def test_press_release_writes_text_html_and_pdf(project_from):
    project = project_from()
    result = invoke(project, "press-release", "essex")
    assert result.exit_code == 0, result.output
    wrote = [line for line in result.stdout.splitlines() if line.startswith("wrote ")]
    assert [line.rsplit(".", 1)[1] for line in wrote] == ["txt", "html", "pdf"]


def test_invalid_report_is_not_built(project_from):
    project = project_from("missing-progress")
    for command in ("build", "press-release"):
        result = invoke(project, command, "kent")
        assert result.exit_code == 1
        assert "reports/kent.yaml:18:11: inspection.recommendations[1].id: recommendation 'R2' " \
               "has no progress assessment" in result.stderr
        kind = "report" if command == "build" else "press release"
        assert f"kent {kind} failed: 1 problem(s) found; not built" \
            in result.stderr
        assert "0 built, 0 up to date, 1 failed" in result.stderr
        assert not (project.build_dir / "kent").exists()


def test_unknown_force_suggests_and_lists_reports(project_from):
    result = invoke(project_from(), "build", "esex")
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "Error: 'esex' is not a force. Did you mean 'essex'? Forces with reports: essex.")


def test_force_without_report(project_from):
    result = invoke(project_from(), "press-release", "kent")
    assert result.exit_code == 1
    assert "Kent Police has no report: reports/kent.yaml does not exist." in result.stderr


def test_path_like_force_names_are_refused(project_from):
    result = invoke(project_from(), "build", "../../etc")
    assert result.exit_code == 1 and "is not a force" in result.stderr


def test_usage_error_exits_2(project_from):
    assert invoke(project_from(), "validate", "--no-such-option").exit_code == 2


def test_python_dash_m_and_validate_do_not_import_weasyprint():
    code = ("import sys; from ncpi_cli.cli import cli\n"
            "try:\n    cli(['--root', sys.argv[1], 'validate'])\nexcept SystemExit as e:\n"
            "    assert 'weasyprint' not in sys.modules; print('exit', e.code)")
    out = subprocess.run([sys.executable, "-c", code, str(REPO)], capture_output=True, text=True)
    assert out.stdout.splitlines()[-1] == "exit 0", out.stderr
    out = subprocess.run([sys.executable, "-m", "ncpi_cli", "--help"], capture_output=True, text=True)
    assert out.returncode == 0 and re.search(r"Usage: (ncpi|python -m ncpi_cli)", out.stdout)


def test_build_png_renders_every_page(project_from):
    project = project_from()
    result = invoke(project, "build", "essex", "--png")
    assert result.exit_code == 0, result.output
    pngs = sorted((project.build_dir / "essex" / "preview").glob("page-*.png"))
    import pypdf

    pages = len(pypdf.PdfReader(project.build_dir / "essex" / "essex-report.pdf").pages)
    assert len(pngs) == pages and all(p.read_bytes()[:4] == b"\x89PNG" for p in pngs)


def test_pdf_variant_archival(project_from):
    import pikepdf

    project = project_from()
    result = invoke(project, "build", "essex", "--pdf-variant", "pdf/a-3b")
    assert result.exit_code == 0, result.output
    with pikepdf.open(project.build_dir / "essex" / "essex-report.pdf") as pdf:
        with pdf.open_metadata() as xmp:
            assert xmp.get("pdfaid:part") == "3" and xmp.get("pdfaid:conformance") == "B"
    assert invoke(project, "build", "essex", "--pdf-variant", "pdf/ua-2").exit_code == 0


@pytest.mark.parametrize("args, code, shown", [
    (["--version"], 0, "ncpi, version"),
    (["build", "nope"], 1, "Error: 'nope' is not a force."),
    (["build", "--bogus"], 2, "No such option '--bogus'"),
    (["list"], 0, "43 forces"),
])
def test_the_real_process_exits_with_the_documented_codes(project_from, args, code, shown):
    project = project_from()
    done = subprocess.run([sys.executable, "-m", "ncpi_cli", "--root", str(project.root), *args],
                          capture_output=True, text=True)
    assert done.returncode == code
    assert shown in done.stdout + done.stderr and "Traceback" not in done.stderr

