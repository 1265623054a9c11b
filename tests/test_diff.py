"""`ncpi diff`: a redline of the documents as built from two versions of a report."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from support import edit, invoke

# A word of the summary's text, changed in the YAML and so in the documents.
WORD = ("Essex Police is firmly committed", "Essex Police is firmly and visibly committed")


def _committed(project) -> None:
    """The project as a git repository with its report committed (the draft sent)."""
    git = ["git", "-C", str(project.root), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "reports"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "the draft sent to the force"], check=True)


def _changes(html: str) -> list[tuple[str, str, str]]:
    """Each change the redline lists: (its section, what was deleted, what was inserted)."""
    listed = re.findall(r'<li><a href="#change-(\d+)">Change \1</a>, in ([^<]+)</li>', html)
    found = []
    for number, section in listed:
        block = re.search(rf'id="change-{number}"[^>]*>(.*?)</(?:p|h3|h4)>', html, re.S).group(1)
        deleted = " / ".join(re.findall(r"<del>.*?\[deleted: </span>(.*?)<span", block, re.S))
        inserted = " / ".join(re.findall(r"<ins>.*?\[inserted: </span>(.*?)<span", block, re.S))
        found.append((section, deleted.strip(), inserted.strip()))
    return found


@pytest.mark.process
@pytest.mark.usefixtures("stand_in_pdfs")
def test_every_change_is_listed_at_its_place_derived_sentences_included(project_from):
    if shutil.which("git") is None:
        pytest.skip("no git on this machine")
    project = project_from()
    _committed(project)
    report = project.report_path("essex")
    edit(report, *WORD)
    edit(report, "      status: in progress", "      status: met")
    result = invoke(project, "diff", "essex", "--from", "HEAD")
    assert result.exit_code == 0, result.output
    html = (project.build_dir / "essex" / "essex-report-changes.html").read_text("utf-8")
    changes = _changes(html)
    assert ("Summary", "", "and visibly") in changes
    # One status in the YAML shows twice in the documents: the summary's progress table and
    # the area's own assessment, both derived from it.
    status = {section for section, old, new in changes if (old, new) == ("In progress", "Met")}
    assert status == {"Summary", "3 Initial contact"}, changes
    assert len(changes) == 3, changes
    count = len(changes)
    sections = len({section for section, _, _ in changes})
    assert f"{count} change(s) in {sections} section(s) since HEAD." in result.output
    assert re.search(r'<h2 id="changes-summary-heading">\w+ changes? in \w+ sections?</h2>', html)
    # A section with no change shows its heading only.
    assert html.count("No changes in this section.") >= 5
    assert (project.build_dir / "essex" / "essex-report-changes.pdf").read_bytes()[:5] == b"%PDF-"
    # clean knows the redline's files.
    assert invoke(project, "clean").exit_code == 0
    assert not project.build_dir.exists()


@pytest.mark.usefixtures("stand_in_pdfs")
def test_from_an_earlier_file_and_for_the_press_release(project_from, tmp_path):
    project = project_from()
    sent = tmp_path / "essex-as-sent.yaml"
    shutil.copy(project.report_path("essex"), sent)
    edit(
        project.report_path("essex"),
        "  headline: Child protection in Essex is improving but there is still more to do",
        "  headline: Child protection in Essex is improving, with more to do",
    )
    result = invoke(project, "diff", "essex", "--from", str(sent), "--press-release")
    assert result.exit_code == 0, result.output
    html = (project.build_dir / "essex" / "essex-press-release-changes.html").read_text("utf-8")
    assert "[deleted: </span>but there is still" in html
    assert "[inserted: </span>improving, with" in html or "[inserted: </span>with" in html


@pytest.mark.process
def test_an_unknown_revision_is_one_clear_message_and_writes_nothing(project_from):
    project = project_from()
    for since in ("no-such-revision", "--output=/tmp/x"):
        result = invoke(project, "diff", "essex", "--from", since)
        assert result.exit_code == 1
        assert f"'{since}' is neither a file nor a git revision" in result.output
        assert "Traceback" not in result.output
    assert not project.build_dir.exists()


@pytest.mark.pdf
@pytest.mark.process
def test_the_redline_pdf_passes_pdf_ua_1(project_from, tmp_path):
    import page

    project = project_from()
    sent = tmp_path / "sent.yaml"
    shutil.copy(project.report_path("essex"), sent)
    edit(project.report_path("essex"), *WORD)
    assert invoke(project, "diff", "essex", "--from", str(sent)).exit_code == 0
    pdf = project.build_dir / "essex" / "essex-report-changes.pdf"
    report = page.validate_pdf(str(pdf), profile="ua1")
    assert [f"{f.rule_id}: {f.message}" for f in report.failures] == []


def test_the_redline_html_has_no_wcag_violations(project_from, tmp_path, browser):
    from test_html_accessibility import _summary, axe_violations

    project = project_from()
    sent = tmp_path / "sent.yaml"
    shutil.copy(project.report_path("essex"), sent)
    edit(project.report_path("essex"), *WORD)
    assert invoke(project, "diff", "essex", "--from", str(sent)).exit_code == 0
    page = project.build_dir / "essex" / "essex-report-changes.html"
    violations = axe_violations(browser, page)
    assert violations == [], _summary(violations)
