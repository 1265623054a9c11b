"""`ncpi new` starts a report whose blanks validate reports; `ncpi watch` rebuilds on a save."""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import subprocess
import threading
import time

import pytest

from support import invoke, ncpi_command

# What a person might write in each blank, by the last key of its path.
FILLED = {
    "inspection.fieldwork.start": "2015-03-02",
    "inspection.fieldwork.end": "2015-03-13",
    "inspection.published": "2015-07-01",
    "reinspection.fieldwork.start": "2015-11-09",
    "reinspection.fieldwork.end": "2015-11-13",
    "reinspection.published": "2016-02-10",
    "inspection.recommendations[0].area": "initial-contact",
    "reinspection.findings[0].area": "initial-contact",
    "inspection.recommendations[0].timescale": "immediately",
    "reinspection.progress[0].status": "met",
    "reinspection.inspector.name": "Zoë Billingham",
    "press_release.quote.speaker": "Zoë Billingham",
    "press_release.headline": "Kent Police is making progress in protecting children",
}


@pytest.mark.process
def test_new_writes_a_report_whose_blanks_validate_lists(project_from):
    project = project_from()
    result = invoke(project, "new", "kent")
    assert result.exit_code == 0
    assert result.stdout.startswith("wrote reports/kent.yaml: fill in its TODO values")
    text = project.report_path("kent").read_text("utf-8")
    assert text.startswith("# yaml-language-server: $schema=../schema/report.schema.json\n")
    assert "  slug: kent\n  name: Kent Police\n" in text
    todo_lines = [
        n
        for n, line in enumerate(text.splitlines(), 1)
        if '"TODO:' in line and not line.startswith("#")
    ]

    checked = invoke(project, "validate", "kent", "--format", "json")
    assert checked.exit_code == 1
    problems = json.loads(checked.stdout)
    # One problem per blank, at its line, and nothing else: no "not a date" echoes.
    assert [p["line"] for p in problems] == todo_lines
    assert {p["code"] for p in problems} == {"blank"}
    assert problems[0]["message"] == (
        "not filled in yet: first day of the original inspection's fieldwork, YYYY-MM-DD"
    )

    lines = text.splitlines()
    for problem in problems:
        value = FILLED.get(problem["path"], "Some words written by the inspector.")
        index = problem["line"] - 1
        lines[index] = re.sub(r'"TODO:[^"]*"', json.dumps(value, ensure_ascii=False), lines[index])
    project.report_path("kent").write_text("\n".join(lines) + "\n", "utf-8")
    assert invoke(project, "validate", "kent").exit_code == 0
    built = invoke(project, "build", "kent")
    assert built.exit_code == 0, built.output
    assert (project.build_dir / "kent" / "kent-report.pdf").read_bytes().startswith(b"%PDF-")


# What a person might write in an initial inspection's blanks, by programme.
FILLED_INSPECTION = {
    "2014": {
        "inspection.fieldwork.start": "2015-03-02",
        "inspection.fieldwork.end": "2015-03-13",
        "inspection.published": "2015-07-01",
        "inspection.recommendations[0].area": "initial-contact",
    },
    "2024": {
        "inspection.fieldwork.start": "2024-06-03",
        "inspection.fieldwork.end": "2024-06-14",
        "inspection.published": "2024-10-01",
        "inspection.recommendations[0].area": "leadership",
    },
}


@pytest.mark.parametrize("programme", ["2014", "2024", None])
def test_new_inspection_writes_the_report_of_its_programme(project_from, programme):
    project = project_from()
    chosen = programme or "2024"
    args = ["new", "kent", "--inspection"] + (["--programme", programme] if programme else [])
    assert invoke(project, *args).exit_code == 0
    text = project.report_path("kent").read_text("utf-8")
    assert f'  programme: "{chosen}"' in text
    # The child's journey has areas and no grades; the 2024 topics are each graded.
    assert ("judgments:" in text) == (chosen == "2024")
    assert ("    - area: initial-contact\n      paragraphs:" in text) == (chosen == "2014")
    checked = invoke(project, "validate", "kent", "--format", "json")
    problems = json.loads(checked.stdout)
    assert problems and {p["code"] for p in problems} == {"blank"}
    lines = text.splitlines()
    filled = {**FILLED, **FILLED_INSPECTION[chosen], "inspection.inspector.name": "Zoë Billingham"}
    for problem in problems:
        value = filled.get(problem["path"], "Some words written by the inspector.")
        if problem["path"].endswith(".grade"):
            value = "good"
        index = problem["line"] - 1
        lines[index] = re.sub(r'"TODO:[^"]*"', json.dumps(value, ensure_ascii=False), lines[index])
    project.report_path("kent").write_text("\n".join(lines) + "\n", "utf-8")
    done = invoke(project, "validate", "kent")
    assert done.exit_code == 0, done.output


def test_new_programme_is_for_an_initial_inspection(project_from):
    project = project_from()
    result = invoke(project, "new", "kent", "--programme", "2014")
    assert result.exit_code == 2 and "add --inspection" in result.stderr
    assert not project.report_path("kent").exists()


def test_new_never_overwrites_and_refuses_unknown_forces(project_from):
    project = project_from()
    before = project.report_path("essex").read_bytes()
    result = invoke(project, "new", "essex")
    assert result.exit_code == 1
    assert "reports/essex.yaml already exists; ncpi new never overwrites a report" in result.stderr
    assert project.report_path("essex").read_bytes() == before
    unknown = invoke(project, "new", "kentt")
    assert unknown.exit_code == 2
    assert "'kentt' is not one of the 43 forces. Did you mean 'kent' or 'gwent'?" in unknown.stderr
    assert invoke(project, "new", "../kent").exit_code == 2
    assert sorted(p.name for p in project.reports_dir.iterdir()) == [
        "_common.cy.yaml",
        "_common.yaml",
        "essex.yaml",
    ]


def _line_reader(stream) -> queue.Queue:
    """The stream's lines through a queue, so that waiting for one can time out."""
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in stream], daemon=True).start()
    return lines


def _wait_for(lines: queue.Queue, pattern, timeout=60):
    deadline = time.monotonic() + timeout
    seen = []
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            break
        seen.append(line)
        if re.search(pattern, line):
            return seen
    raise AssertionError(f"no line matching {pattern!r} in {seen!r}")


@pytest.mark.process
def test_watch_rebuilds_when_the_report_is_saved(project_from):
    project = project_from()
    process = subprocess.Popen(
        ncpi_command(project, "watch", "essex"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    lines = _line_reader(process.stderr)
    try:
        _wait_for(lines, r"essex press release: built")
        pdf = project.build_dir / "essex" / "essex-report.pdf"
        first = pdf.read_bytes()
        path = project.report_path("essex")
        path.write_text(path.read_text("utf-8").replace("status: final", "status: draft"), "utf-8")
        seen = _wait_for(lines, r"essex press release: built")
        assert any(
            "essex report: built" in line and "reports/essex.yaml changed" in line for line in seen
        )
        assert pdf.read_bytes() != first
        # A mistake is reported with its line, and the last good PDF stays.
        path.write_text(path.read_text("utf-8").replace("status: draft", "status: drafty"), "utf-8")
        seen = _wait_for(lines, r"failed \(")
        # Said once, though it stops both the report and the press release.
        shown = [line for line in seen if line.startswith("  reports/essex.yaml:19:9: status:")]
        assert len(shown) == 1, seen
        assert any(
            line.startswith("essex report and essex press release failed: 1 problem")
            for line in seen
        ), seen
        assert pdf.read_bytes().startswith(b"%PDF-")
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
    rest = "".join(_drain(lines))
    assert process.returncode == 130  # Ctrl-C, as a shell expects
    assert rest.count("Stopped.") == 1 and "Traceback" not in rest


def _drain(lines: queue.Queue):
    time.sleep(0.2)
    while not lines.empty():
        yield lines.get()


@pytest.mark.process
def test_build_watch_builds_the_report_and_stops_on_sigterm(project_from):
    project = project_from()
    process = subprocess.Popen(
        ncpi_command(project, "build", "essex", "--watch"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    lines = _line_reader(process.stderr)
    try:
        seen = _wait_for(lines, r"essex report: built")
        assert seen[0].startswith("Watching essex: rebuilding when")
        assert not (project.build_dir / "essex" / "essex-press-release.pdf").exists()
    finally:
        process.terminate()  # SIGTERM, as a service manager or `kill` sends
        process.wait(timeout=30)
    assert process.returncode == 143  # 128 + SIGTERM
    assert "Stopped." in "".join(_drain(lines))


def test_init_leaves_a_link_alone_and_completes_or_leaves_nothing(tmp_path):
    folder = tmp_path / "inspections"
    folder.mkdir()
    (folder / ".gitignore").symlink_to(tmp_path / "nowhere")  # a link to nothing
    result = invoke(folder, "init", str(folder))
    assert result.exit_code == 0, result.output
    assert (folder / ".gitignore").is_symlink() and not (tmp_path / "nowhere").exists()
    assert (folder / "reports" / "_common.yaml").is_file()

    other = tmp_path / "other"
    other.mkdir()
    (other / "schema").write_text("a file where init wants a folder")
    failed = invoke(other, "init", str(other))
    assert failed.exit_code == 1 and "Traceback" not in failed.output
    assert sorted(p.name for p in other.iterdir()) == ["schema"]  # nothing of init's left
    (other / "schema").unlink()
    assert invoke(other, "init", str(other)).exit_code == 0  # not "already a project"
