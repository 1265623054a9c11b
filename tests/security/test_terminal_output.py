"""Text from a report never controls the terminal or a CI log: it is escaped in every message."""

from __future__ import annotations

import os
import subprocess

import pytest

from ncpi.problems import Problem

from support import edit, invoke, ncpi_command, run_ncpi


def _validate(project, *args):
    return invoke(project, "validate", *args)


def test_escape_sequences_in_a_report_are_shown_escaped(project_from):
    project = project_from("valid")
    path = project.report_path("kent")
    fake = "\x1b[2J\x1b]0;owned\x07\x1b[32mAll reports valid\x1b[0m"
    path.write_text(
        path.read_text("utf-8").replace(
            "    speaker: Zoë Billingham",
            f'    speaker: "{fake}"'.replace("\x1b", "\\e").replace("\x07", "\\a"),
        ),
        "utf-8",
    )
    result = _validate(project)
    assert result.exit_code == 1
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "\\x1b[2J" in result.stdout


def test_a_long_value_is_quoted_only_as_a_short_excerpt(project_from):
    project = project_from("valid")
    path = project.report_path("kent")
    long_name = "Z" * 5000
    path.write_text(
        path.read_text("utf-8").replace("    speaker: Zoë Billingham", f"    speaker: {long_name}"),
        "utf-8",
    )
    line = next(line for line in _validate(project).stdout.splitlines() if "speaker" in line)
    assert long_name not in line and len(line) < 300 and "ZZZ…" in line


def test_github_annotations_cannot_inject_workflow_commands():
    problem = Problem("reports/a\n::add-mask::x,y:z.yaml", 3, 1, "x", "bad\r\n::stop-commands::t")
    command = problem.as_github()
    # One line: GitHub reads a workflow command only at the start of a line.
    assert "\n" not in command and "\r" not in command and "\u2028" not in command
    assert command.startswith("::error file=")
    assert "file=reports/a\\x0a%3A%3Aadd-mask%3A%3Ax%2Cy%3Az.yaml," in command


@pytest.mark.process
def test_a_reader_that_goes_away_changes_neither_the_build_nor_its_exit_code(project_from):
    import subprocess

    project = project_from()
    ncpi = subprocess.Popen(
        ncpi_command(project, "build", "--all", "--force"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    first = ncpi.stdout.readline()  # Like `| head -1`: read one line, then go.
    ncpi.stdout.close()
    assert ncpi.wait(timeout=120) == 0 and first
    assert (project.build_dir / "essex" / "essex-report.pdf").is_file()


@pytest.mark.process
def test_closed_stdout_and_stderr_are_no_error(project_from):
    project = project_from()
    closed = run_ncpi(
        project,
        "build",
        "essex",
        capture_output=False,
        preexec_fn=lambda: [os.close(fd) for fd in (1, 2)],
    )
    assert closed.returncode == 0
    assert (project.build_dir / "essex" / "essex-report.pdf").is_file()


@pytest.mark.process
def test_a_wrong_source_date_epoch_is_one_usage_message(project_from):
    project = project_from()
    for value in ("99999999999999999", "１２３", "abc", "+5", "1.5"):
        done = run_ncpi(project, "build", "essex", env={**os.environ, "SOURCE_DATE_EPOCH": value})
        assert done.returncode == 2, value
        assert "SOURCE_DATE_EPOCH must be a whole number of seconds" in done.stderr
        assert "bug" not in done.stderr and "Traceback" not in done.stderr
    good = run_ncpi(
        project, "build", "essex", env={**os.environ, "SOURCE_DATE_EPOCH": "1480000000"}
    )
    assert good.returncode == 0


def _on_a_terminal(project, term: str) -> bytes:
    """What `ncpi build` writes to stderr when stderr is a terminal (a pty) of this TERM."""
    import pty

    main, other = pty.openpty()
    try:
        done = subprocess.run(
            ncpi_command(project, "build", "essex"),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=other,
            env={**os.environ, "TERM": term, "NO_COLOR": ""},
            timeout=120,
        )
        os.close(other)
        other = -1
        output = b""
        while True:
            try:
                chunk = os.read(main, 65536)
            except OSError:  # the pty's other end is closed: all is read
                break
            if not chunk:
                break
            output += chunk
    finally:
        os.close(main)
        if other >= 0:
            os.close(other)
    assert done.returncode == 1
    return output


@pytest.mark.process
def test_a_dumb_terminal_gets_no_escape_sequences(project_from):
    project = project_from()
    edit(project.report_path("essex"), "status: in progress", "status: done")  # fails first
    assert b"\x1b[K" in _on_a_terminal(project, "xterm")
    dumb = _on_a_terminal(project, "dumb")
    assert b"\x1b" not in dumb and b"\r\x1b" not in dumb
    assert b"essex report failed" in dumb
