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


#: How a redline lists a change, and marks a deletion and an insertion, in each language.
LISTED = {
    "en": (r"Change \1</a>, in ([^<]+)</li>", "deleted", "inserted"),
    "cy": (r"Newid \1</a>, yn yr adran “([^<]+)”</li>", "dilëwyd", "mewnosodwyd"),
}


def _changes(html: str, language: str = "en") -> list[tuple[str, str, str]]:
    """Each change the redline lists: (its section, what was deleted, what was inserted)."""
    listing, deleted_mark, inserted_mark = LISTED[language]
    listed = re.findall(r'<li><a href="#change-(\d+)">' + listing, html)
    found = []
    for number, section in listed:
        block = re.search(rf'id="change-{number}"[^>]*>(.*?)</(?:p|h3|h4)>', html, re.S).group(1)
        deleted = re.findall(rf"<del>.*?\[{deleted_mark}: </span>(.*?)<span", block, re.S)
        inserted = re.findall(rf"<ins>.*?\[{inserted_mark}: </span>(.*?)<span", block, re.S)
        found.append((section, " / ".join(deleted).strip(), " / ".join(inserted).strip()))
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


@pytest.mark.process
@pytest.mark.usefixtures("stand_in_pdfs")
def test_the_welsh_edition_has_its_own_redline_in_welsh(project_from):
    if shutil.which("git") is None:
        pytest.skip("no git on this machine")
    project = project_from("shipped")
    _committed(project)
    edit(
        project.welsh_path("dyfed-powys"), "wedi gwneud gwelliannau", "wedi gwneud gwelliannau mawr"
    )
    edit(project.report_path("dyfed-powys"), "      status: in progress", "      status: met")
    result = invoke(project, "diff", "dyfed-powys", "--welsh", "--from", "HEAD")
    assert result.exit_code == 0, result.output
    folder = project.build_dir / "dyfed-powys"
    assert sorted(path.name for path in folder.iterdir() if not path.name.startswith(".")) == [
        "dyfed-powys-report-changes-cy.html",
        "dyfed-powys-report-changes-cy.pdf",
    ]
    html = (folder / "dyfed-powys-report-changes-cy.html").read_text("utf-8")
    assert '<html lang="cy">' in html
    changes = _changes(html, "cy")
    # The Welsh text's own change, and the English status as the Welsh edition words it, in
    # the summary's table and in the area's assessment.
    assert ("Crynodeb", "", "mawr") in changes
    status = [
        section for section, old, new in changes if (old, new) == ("Ar waith", "Wedi’i fodloni")
    ]
    assert status[0] == "Crynodeb" and re.fullmatch(r"\d Asesu a chymorth", status[1]), changes
    assert len(changes) == 3, changes
    assert '<h2 id="changes-summary-heading">Tri newid mewn dwy adran</h2>' in html
    assert "Dim newidiadau yn yr adran hon." in html
    assert "Change" not in html.split("<main", 1)[1]  # no English words around the Welsh
    assert invoke(project, "clean").exit_code == 0
    assert not project.build_dir.exists()


@pytest.mark.usefixtures("stand_in_pdfs")
def test_a_welsh_redline_from_an_earlier_copy_of_the_welsh_file(project_from, tmp_path):
    project = project_from("shipped")
    sent = tmp_path / "dyfed-powys-as-sent.cy.yaml"
    shutil.copy(project.welsh_path("dyfed-powys"), sent)
    edit(
        project.welsh_path("dyfed-powys"), "wedi gwneud gwelliannau", "wedi gwneud gwelliannau mawr"
    )
    result = invoke(project, "diff", "dyfed-powys", "--welsh", "--from", str(sent))
    assert result.exit_code == 0, result.output
    html = (project.build_dir / "dyfed-powys" / "dyfed-powys-report-changes-cy.html").read_text()
    # Its English is the English as it is now: only the Welsh text's change shows.
    assert _changes(html, "cy") == [("Crynodeb", "", "mawr")]


def test_a_welsh_redline_of_a_force_with_no_welsh_says_why(project_from):
    project = project_from("shipped")
    result = invoke(project, "diff", "essex", "--welsh", "--from", "HEAD")
    assert result.exit_code == 1
    assert "Essex Police is not a Welsh force" in result.output
    project.welsh_path("dyfed-powys").unlink()
    result = invoke(project, "export", "dyfed-powys", "--docx", "--welsh")
    assert result.exit_code == 1
    assert "dyfed-powys has no Welsh edition yet: reports/dyfed-powys.cy.yaml" in result.output
    assert not project.build_dir.exists()


def test_a_phrase_replaced_by_another_is_one_deletion_and_one_insertion():
    from ncpi.render.redline import word_redline

    marked = word_redline("R1 Limited progress so far", "R1 Substantially met so far")
    assert re.findall(r"\[(\w+): </span>([^<]*)<", marked) == [
        ("deleted", "Limited progress"),
        ("inserted", "Substantially met"),
    ]
    # An unchanged word between two changes keeps them apart.
    marked = word_redline("a b c d", "a x c y")
    assert len(re.findall(r"\[deleted: ", marked)) == 2


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
    # A phrase replaced by another is one deletion and one insertion, not word by word.
    assert re.search(r"\[deleted: </span>(improving )?but there is still<", html)
    assert re.search(r"\[inserted: </span>(improving, )?with<", html)


@pytest.mark.process
def test_an_unknown_revision_is_one_clear_message_and_writes_nothing(project_from):
    project = project_from()
    for since in ("no-such-revision", "--output=/tmp/x"):
        result = invoke(project, "diff", "essex", "--from", since)
        assert result.exit_code == 1
        assert f"'{since}' is neither a file nor a git revision" in result.output
        assert "Traceback" not in result.output
    assert not project.build_dir.exists()


#: A force, the file of the edition changed, a change to it, and how `ncpi diff` is asked.
EDITIONS = {
    "en": ("essex", "essex.yaml", WORD, []),
    "cy": (
        "dyfed-powys",
        "dyfed-powys.cy.yaml",
        ("wedi gwneud gwelliannau", "wedi gwneud gwelliannau mawr"),
        ["--welsh"],
    ),
}


@pytest.mark.pdf
@pytest.mark.process
@pytest.mark.parametrize("language", ["en", "cy"])
def test_the_redline_pdf_passes_pdf_ua_1(project_from, tmp_path, language):
    import page

    slug, name, change, asked = EDITIONS[language]
    project = project_from("shipped")
    sent = tmp_path / name
    shutil.copy(project.reports_dir / name, sent)
    edit(project.reports_dir / name, *change)
    assert invoke(project, "diff", slug, "--from", str(sent), *asked).exit_code == 0
    suffix = "-cy" if language == "cy" else ""
    pdf = project.build_dir / slug / f"{slug}-report-changes{suffix}.pdf"
    report = page.validate_pdf(str(pdf), profile="ua1")
    assert [f"{f.rule_id}: {f.message}" for f in report.failures] == []
    # The page footer is in the edition's language too.
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert ("Tudalen 1 o " if language == "cy" else "Page 1 of ") in text


@pytest.mark.parametrize("language", ["en", "cy"])
def test_the_redline_html_has_no_wcag_violations(project_from, tmp_path, browser, language):
    from test_html_accessibility import _summary, axe_violations

    slug, name, change, asked = EDITIONS[language]
    project = project_from("shipped")
    sent = tmp_path / name
    shutil.copy(project.reports_dir / name, sent)
    edit(project.reports_dir / name, *change)
    assert invoke(project, "diff", slug, "--from", str(sent), *asked).exit_code == 0
    suffix = "-cy" if language == "cy" else ""
    page = project.build_dir / slug / f"{slug}-report-changes{suffix}.html"
    violations = axe_violations(browser, page)
    assert violations == [], _summary(violations)
