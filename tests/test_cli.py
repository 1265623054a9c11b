"""The command line, end to end with CliRunner and as a real process."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest
from click.testing import CliRunner

from ncpi import __version__
from ncpi.cli import cli

from support import REPO, invoke, ncpi_command


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


@pytest.mark.process
def test_build_writes_pdf_and_html(project_from):
    project = project_from()
    result = invoke(project, "build", "essex")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[:2] == [
        "wrote build/essex/essex-report.html",
        "wrote build/essex/essex-report.pdf",
    ]
    assert re.fullmatch(
        r"1 built, 0 up to date, 0 failed \(\d+\.\d s\)\.", result.stdout.splitlines()[2]
    )
    assert (project.build_dir / "essex" / "essex-report.pdf").read_bytes().startswith(b"%PDF-")


@pytest.mark.process
def test_press_release_writes_text_html_and_pdf(project_from):
    project = project_from()
    result = invoke(project, "press-release", "essex")
    assert result.exit_code == 0, result.output
    wrote = [line for line in result.stdout.splitlines() if line.startswith("wrote ")]
    assert [line.rsplit(".", 1)[1] for line in wrote] == ["txt", "html", "pdf"]


@pytest.mark.process
def test_invalid_report_is_not_built(project_from):
    project = project_from("missing-progress")
    for command in ("build", "press-release"):
        result = invoke(project, command, "kent")
        assert result.exit_code == 1
        assert (
            "reports/kent.yaml:18:11: inspection.recommendations[1].id: recommendation 'R2' "
            "has no progress assessment" in result.stderr
        )
        kind = "report" if command == "build" else "press release"
        assert f"kent {kind} failed: 1 problem(s) found; not built" in result.stderr
        assert "0 built, 0 up to date, 1 failed" in result.stderr
        assert not (project.build_dir / "kent").exists()


def test_an_unknown_force_is_a_usage_error_with_the_nearest_names(project_from):
    result = invoke(project_from(), "build", "esex")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "Error: 'esex' is not one of the 43 forces. Did you mean "
        "'essex' or 'sussex'? `ncpi list` shows them all"
    )


def test_a_force_without_a_report_suggests_ncpi_new(project_from):
    result = invoke(project_from(), "press-release", "Kent Police")
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "Error: Kent Police has no report yet: reports/kent.yaml "
        "does not exist. `ncpi new kent` starts one"
    )


@pytest.mark.parametrize("name", ["essex", "Essex", "Essex Police", "ESSEX POLICE", " essex "])
def test_a_force_by_any_of_its_names(project_from, name):
    result = invoke(project_from(), "validate", name)
    assert result.exit_code == 0, result.output
    assert "2 file(s) checked" in result.stdout  # the report and the common data


@pytest.mark.parametrize(
    "name, slug",
    [
        ("Norfolk Constabulary", "norfolk"),
        ("met", "metropolitan"),
        ("the Met", "metropolitan"),
        ("GMP", "greater-manchester"),
        ("Dyfed Powys", "dyfed-powys"),
        ("avon & somerset", "avon-and-somerset"),
        ("Devon and Cornwall Police", "devon-and-cornwall"),
    ],
)
def test_new_takes_official_and_short_names(tmp_path, name, slug):
    assert invoke(tmp_path, "init").exit_code == 0
    result = invoke(tmp_path, "new", name)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "reports" / f"{slug}.yaml").is_file()


def test_path_like_force_names_are_refused(project_from):
    result = invoke(project_from(), "build", "../../etc")
    assert result.exit_code == 2 and "is not one of the 43 forces" in result.stderr


def test_usage_error_exits_2(project_from):
    assert invoke(project_from(), "validate", "--no-such-option").exit_code == 2


@pytest.mark.process
def test_python_dash_m_and_validate_do_not_import_weasyprint():
    code = (
        "import sys; from ncpi.cli import cli\n"
        "try:\n    cli(['--root', sys.argv[1], 'validate'])\nexcept SystemExit as e:\n"
        "    assert 'weasyprint' not in sys.modules; print('exit', e.code)"
    )
    out = subprocess.run([sys.executable, "-c", code, str(REPO)], capture_output=True, text=True)
    assert out.stdout.splitlines()[-1] == "exit 0", out.stderr
    out = subprocess.run([sys.executable, "-m", "ncpi", "--help"], capture_output=True, text=True)
    assert out.returncode == 0 and re.search(r"Usage: (ncpi|python -m ncpi)", out.stdout)
    code = (
        "import sys; from ncpi.cli import cli\n"
        "try:\n    cli(['--help'])\nexcept SystemExit as e:\n"
        "    assert 'weasyprint' not in sys.modules; print('exit', e.code)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.splitlines()[-1] == "exit 0", out.stderr


@pytest.mark.process
def test_a_build_with_nothing_to_do_loads_no_renderer(project_from):
    project = project_from()
    assert invoke(project, "build", "essex").exit_code == 0
    code = (
        "import sys; from ncpi.cli import cli\n"
        "try:\n    cli(['--root', sys.argv[1], 'build', 'essex'])\nexcept SystemExit as e:\n"
        "    heavy = {'pydantic', 'jinja2', 'weasyprint', 'pikepdf', 'yaml'} & set(sys.modules)\n"
        "    print('exit', e.code, sorted(heavy))"
    )
    args = [sys.executable, "-c", code, str(project.root)]
    out = subprocess.run(args, capture_output=True, text=True)
    assert out.stdout.splitlines()[-1] == "exit 0 []", out.stderr
    assert "0 built, 1 up to date" in out.stdout
    # Something to do: the same command loads the pipeline and builds.
    (project.reports_dir / "essex.yaml").write_text(
        (project.reports_dir / "essex.yaml").read_text("utf-8") + "\n", "utf-8"
    )
    out = subprocess.run(args, capture_output=True, text=True)
    assert "1 built, 0 up to date" in out.stdout, out.stderr
    # The PDF is made, finished and counted in a worker: this process loads neither
    # WeasyPrint nor pikepdf, whose import would wait on the build's critical path.
    assert out.stdout.splitlines()[-1].startswith("exit 0 ["), out.stdout
    assert "'pikepdf'" not in out.stdout.splitlines()[-1]
    assert "'weasyprint'" not in out.stdout.splitlines()[-1]


@pytest.mark.process
def test_build_png_renders_every_page(project_from):
    project = project_from()
    result = invoke(project, "build", "essex", "--png")
    assert result.exit_code == 0, result.output
    pngs = sorted((project.build_dir / "essex" / "preview").glob("page-*.png"))
    import pypdf

    pages = len(pypdf.PdfReader(project.build_dir / "essex" / "essex-report.pdf").pages)
    assert len(pngs) == pages and all(p.read_bytes()[:4] == b"\x89PNG" for p in pngs)


@pytest.mark.process
def test_pdf_variant_archival(project_from):
    import pikepdf

    project = project_from()
    result = invoke(project, "build", "essex", "--pdf-variant", "pdf/a-3b")
    assert result.exit_code == 0, result.output
    with (
        pikepdf.open(project.build_dir / "essex" / "essex-report.pdf") as pdf,
        pdf.open_metadata() as xmp,
    ):
        assert xmp.get("pdfaid:part") == "3" and xmp.get("pdfaid:conformance") == "B"
    assert invoke(project, "build", "essex", "--pdf-variant", "pdf/ua-2").exit_code == 0


@pytest.mark.process
@pytest.mark.parametrize(
    "args, code, shown",
    [
        (["--version"], 0, "ncpi, version"),
        (["build", "nope"], 2, "Error: 'nope' is not one of the 43 forces."),
        (["build", "--bogus"], 2, "No such option '--bogus'"),
        (["list"], 0, "43 forces"),
    ],
)
def test_the_real_process_exits_with_the_documented_codes(project_from, args, code, shown):
    project = project_from()
    done = subprocess.run(
        ncpi_command(project, *args),
        capture_output=True,
        text=True,
    )
    assert done.returncode == code
    assert shown in done.stdout + done.stderr and "Traceback" not in done.stderr


# Finding the project -------------------------------------------------------------------------


def _ncpi_in(folder, *args, env=None):
    """ncpi as a real process started in `folder`, without --root."""
    return subprocess.run(
        [sys.executable, "-m", "ncpi", *args],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


@pytest.mark.process
def test_the_project_is_found_from_any_subfolder(project_from):
    project = project_from()
    deep = project.root / "templates" / "images"
    deep.mkdir(parents=True)
    done = _ncpi_in(deep, "validate", "essex")
    assert done.returncode == 0, done.stderr
    assert "2 file(s) checked: 0 error(s)" in done.stdout


@pytest.mark.process
def test_outside_a_project_one_line_and_exit_2(tmp_path):
    done = _ncpi_in(tmp_path, "validate")
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        f"Error: {tmp_path} is not in an ncpi project: neither it nor a folder above it has a "
        "reports/ folder. Run ncpi in a project, or start one with `ncpi init`"
    ]
    assert done.stdout == ""


@pytest.mark.process
def test_help_works_outside_a_project(tmp_path):
    done = _ncpi_in(tmp_path, "build", "--help")
    assert done.returncode == 0 and "Examples:" in done.stdout


def test_a_root_that_does_not_exist_is_a_usage_error(tmp_path):
    result = invoke(tmp_path / "nowhere", "validate")
    assert result.exit_code == 2
    assert "Invalid value for '--root'" in result.stderr and "does not exist" in result.stderr


def test_a_root_without_reports_is_not_a_project(tmp_path):
    result = invoke(tmp_path, "validate")
    assert result.exit_code == 2
    assert f"{tmp_path} is not an ncpi project: it has no reports/ folder" in result.stderr


# ncpi init -----------------------------------------------------------------------------------


@pytest.mark.process
def test_init_then_new_gives_a_report_whose_only_problems_are_its_blanks(tmp_path):
    project = tmp_path / "inspections"
    done = _ncpi_in(tmp_path, "init", "inspections")
    assert done.returncode == 0, done.stderr
    for name in (
        "reports/_common.yaml",
        "reports/_common.cy.yaml",
        "schema/report.schema.json",
        "schema/report.cy.schema.json",
        "schema/format.md",
        ".gitignore",
        "README.md",
    ):
        assert (project / name).is_file(), name
    assert (project / ".gitignore").read_text() == "build/\n"
    assert _ncpi_in(project, "new", "kent").returncode == 0
    report = project / "reports" / "kent.yaml"
    modeline = report.read_text("utf-8").splitlines()[0]
    schema = modeline.split("$schema=", 1)[1]
    assert (report.parent / schema).resolve().is_file()  # the editor finds the schema
    checked = _ncpi_in(project, "validate", "--format", "json")
    problems = json.loads(checked.stdout)
    assert problems and all(p["message"].startswith("not filled in yet") for p in problems)
    # A Welsh force: its Welsh text is started from the English, and has only blanks too.
    assert _ncpi_in(project, "new", "gwent").returncode == 0
    assert _ncpi_in(project, "new", "gwent", "--welsh").returncode == 0
    welsh = project / "reports" / "gwent.cy.yaml"
    schema = welsh.read_text("utf-8").splitlines()[0].split("$schema=", 1)[1]
    assert (welsh.parent / schema).resolve().is_file()
    checked = json.loads(_ncpi_in(project, "validate", "gwent", "--format", "json").stdout)
    assert {p["file"] for p in checked} == {"reports/gwent.yaml", "reports/gwent.cy.yaml"}
    assert all(p["message"].startswith("not filled in yet") for p in checked)


def test_init_never_overwrites(tmp_path):
    (tmp_path / "README.md").write_text("mine")
    assert invoke(tmp_path, "init").exit_code == 0
    assert (tmp_path / "README.md").read_text() == "mine"
    again = invoke(tmp_path, "init")
    assert again.exit_code == 1 and "already an ncpi project" in again.stderr


# Quiet, verbose, colour ------------------------------------------------------------------------


@pytest.mark.process
def test_quiet_prints_only_problems_and_the_summary(project_from):
    project = project_from()
    result = invoke(project, "-q", "build", "essex")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [] or all(
        line.startswith("1 built") for line in result.stdout.splitlines()
    )
    assert "wrote" not in result.output and "1 built, 0 up to date, 0 failed" in result.output


@pytest.mark.process
def test_verbose_says_why_each_document_was_rebuilt(project_from):
    project = project_from()
    assert invoke(project, "build", "essex").exit_code == 0
    path = project.report_path("essex")
    path.write_text(path.read_text("utf-8") + "# a comment\n", "utf-8")
    result = invoke(project, "-v", "build", "essex")
    assert "essex report: built in" in result.stderr
    assert "(reports/essex.yaml changed)" in result.stderr


def test_quiet_and_verbose_also_after_the_command(project_from):
    project = project_from()
    result = invoke(project, "validate", "essex", "-q")
    # Only the summary: the acknowledged warning is counted there, not repeated above it.
    assert result.exit_code == 0 and result.stdout.splitlines() == [
        "2 file(s) checked: 0 error(s), 0 warning(s). 2 acknowledged warning(s) not counted."
    ]
    assert invoke(project, "validate", "-q", "-v").exit_code == 2


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_command_takes_quiet_and_verbose_after_its_name(command):
    """As the README says: `ncpi clean -q` was refused while `ncpi -q clean` worked (#26)."""
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0
    assert "-q, --quiet" in result.output and "-v, --verbose" in result.output


def test_clean_quiet_after_the_command(project_from):
    project = project_from()
    assert invoke(project, "build", "essex").exit_code == 0
    result = invoke(project, "clean", "-q")
    assert result.exit_code == 0, result.output
    assert not any(project.build_dir.rglob("*.pdf"))


def test_quiet_and_verbose_together_are_a_usage_error(project_from):
    assert invoke(project_from(), "-q", "-v", "list").exit_code == 2


def _broken(project):
    path = project.report_path("essex")
    path.write_text(path.read_text("utf-8").replace("status: final", "status: finished"), "utf-8")


@pytest.mark.process
def test_colour_on_a_terminal_and_never_with_no_color(project_from):
    import pty

    project = project_from()
    _broken(project)
    for env, coloured in (({}, True), ({"NO_COLOR": "1"}, False)):
        leader, follower = pty.openpty()
        done = subprocess.run(
            ncpi_command(project, "validate"),
            stdout=follower,
            stderr=subprocess.DEVNULL,
            env={**os.environ, **env},
            timeout=60,
        )
        os.close(follower)
        shown = os.read(leader, 65536).decode()
        os.close(leader)
        assert done.returncode == 1
        assert ("\x1b[31mreports/essex.yaml" in shown) is coloured, shown
        assert "reports/essex.yaml" in shown


@pytest.mark.process
def test_no_colour_when_not_a_terminal(project_from):
    project = project_from()
    _broken(project)
    done = subprocess.run(
        ncpi_command(project, "validate"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "\x1b[" not in done.stdout + done.stderr and "reports/essex.yaml" in done.stdout


# Shell completion ------------------------------------------------------------------------------


def _complete(cwd, words: str):
    env = {
        **os.environ,
        "_NCPI_COMPLETE": "bash_complete",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(words.split()) - (0 if words.endswith(" ") else 1)),
    }
    done = subprocess.run(
        [sys.executable, "-m", "ncpi"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0 and done.stderr == "", done.stderr
    return [line.split(",", 1)[1] for line in done.stdout.splitlines() if line]


@pytest.mark.process
def test_completion_of_forces_with_reports_and_for_new(project_from):
    project = project_from()
    assert _complete(project.root, "ncpi build es") == ["essex"]
    assert _complete(project.root, "ncpi build ") == ["essex"]
    for_new = _complete(project.root, "ncpi new s")
    assert "surrey" in for_new and _complete(project.root, "ncpi new e") == []
    assert "press-release" in _complete(project.root, "ncpi pr")


def _python(code: str, tmp_path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=60
    )


@pytest.mark.process
def test_the_quick_exit_still_runs_what_an_exit_runs(tmp_path):
    # The exit code, buffered output, atexit handlers and weakref finalizers (a temporary
    # folder's removal) all survive leaving out the teardown.
    done = _python(
        "import atexit, sys, tempfile\n"
        "from ncpi.terminal import exit_without_teardown\n"
        "folder = tempfile.TemporaryDirectory(dir='.')\n"
        "open('folder.txt', 'w').write(folder.name)\n"
        "atexit.register(lambda: print('atexit ran'))\n"
        "print('buffered', end=' ')\n"
        "sys.stderr.write('to stderr')\n"
        "exit_without_teardown(3)\n",
        tmp_path,
    )
    assert done.returncode == 3
    assert (done.stdout, done.stderr) == ("buffered atexit ran\n", "to stderr")
    assert not (tmp_path / (tmp_path / "folder.txt").read_text()).exists()


@pytest.mark.process
def test_the_quick_exit_waits_for_a_thread_as_an_exit_does(tmp_path):
    done = _python(
        "import threading, time\n"
        "from ncpi.terminal import exit_without_teardown\n"
        "def late():\n"
        "    time.sleep(0.3)\n"
        "    open('late.txt', 'w').write('written')\n"
        "threading.Thread(target=late).start()\n"
        "exit_without_teardown(0)\n",
        tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "late.txt").read_text() == "written"


@pytest.mark.process
def test_no_pydantic_plugin_changes_what_ncpi_accepts(project_from, tmp_path):
    # An installed package may declare a pydantic plugin, which sees and may change every
    # validation: ncpi's answer must not depend on what else a machine has installed.
    site = tmp_path / "site"
    (site / "spy_plugin-1.0.dist-info").mkdir(parents=True)
    (site / "spy_plugin-1.0.dist-info" / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: spy-plugin\nVersion: 1.0\n"
    )
    (site / "spy_plugin-1.0.dist-info" / "entry_points.txt").write_text(
        "[pydantic]\nspy = spy_plugin:plugin\n"
    )
    marker = tmp_path / "plugin-loaded"
    (site / "spy_plugin.py").write_text(
        f"open({str(marker)!r}, 'w').close()\n"
        "class Spy:\n"
        "    def new_schema_validator(self, *args, **kwargs):\n"
        "        return None, None, None\n"
        "plugin = Spy()\n"
    )
    env = {**os.environ, "PYTHONPATH": str(site)}
    loaded = subprocess.run(
        [sys.executable, "-c", "import ncpi.model"], env=env, capture_output=True, timeout=60
    )
    assert loaded.returncode == 0 and marker.exists(), "the plugin is not found: no test"
    marker.unlink()
    project = project_from()
    done = subprocess.run(
        ncpi_command(project, "validate"), env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert not marker.exists()


@pytest.mark.process
def test_a_drafts_watermark_prints_nothing_of_the_fonts_insides(project_from):
    # The watermark is drawn from Lato's outlines; fontTools warned of the font file's
    # creation date on every such read, a line among the problems no author could act on.
    project = project_from()
    text = project.report_path("essex").read_text("utf-8")
    project.report_path("essex").write_text(text.replace("status: final", "status: draft"))
    done = subprocess.run(
        ncpi_command(project, "validate"), capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "timestamp" not in done.stdout + done.stderr
