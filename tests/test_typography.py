"""Curly apostrophes and quotation marks in every document, whatever the author typed."""

from __future__ import annotations

import html
import re

import pytest

from ncpi.render.typography import curly

from support import edit, invoke

pytestmark = pytest.mark.usefixtures("stand_in_pdfs")


@pytest.mark.parametrize(
    "typed, shown",
    [
        ("the force's work", "the force’s work"),
        ("forces' plans", "forces’ plans"),
        ("'In harm's way' was published", "‘In harm’s way’ was published"),
        ('he said "not yet" to it', "he said “not yet” to it"),
        ("('quoted')", "(‘quoted’)"),
        ("'Yes.'", "‘Yes.’"),
        ("in the '90s", "in the ’90s"),
        ("*Essex*'s plan", "*Essex*’s plan"),
        ("o'r heddlu", "o’r heddlu"),
        ("already ‘curly’ and HMIC’s", "already ‘curly’ and HMIC’s"),
        # A link's words are text; its address is as typed, or the link would change.
        ("see [Essex's report](https://x.org/a'b)", "see [Essex’s report](https://x.org/a'b)"),
    ],
)
def test_straight_marks_become_curly_and_addresses_stay(typed, shown):
    assert curly(typed) == shown


def _visible(page: str) -> str:
    """The text a reader sees on a web page: no tags, comments, styles or scripts."""
    body = page.split("<body", 1)[1]
    body = re.sub(r"<(style|script)\b.*?</\1>", " ", body, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


def test_no_page_mixes_straight_and_curly_marks(project_from):
    project = project_from()
    report = project.report_path("essex")
    edit(
        report,
        "  headline: Child protection in Essex is improving but there is still more to do",
        '  headline: Child protection in Essex\'s force is improving, "a new report" says',
    )
    assert invoke(project, "build", "essex").exit_code == 0
    assert invoke(project, "press-release", "essex").exit_code == 0
    folder = project.build_dir / "essex"
    for name in ("essex-report.html", "essex-press-release.html", "essex-press-release.txt"):
        text = (folder / name).read_text("utf-8")
        shown = _visible(text) if name.endswith(".html") else text
        assert "'" not in shown and '"' not in shown, name
    report_page = _visible((folder / "essex-report.html").read_text("utf-8"))
    assert "the force’s response" in report_page
    release = (folder / "essex-press-release.txt").read_text("utf-8")
    assert "Child protection in Essex’s force is improving, “a new report” says" in release
    # The data is as typed: what validate, the review log and the open data see.
    assert "the force's response" in report.read_text("utf-8")


def test_shared_data_is_typeset_once_per_object(monkeypatch, tmp_path):
    from ncpi.check.validate import check_project
    from ncpi.render import typography

    from support import make_project

    common = check_project(make_project(tmp_path), dry_run=False).common
    whole = []  # typeset itself goes down into each part
    real = typography.typeset
    monkeypatch.setattr(
        typography, "typeset", lambda data: whole.append(data is common) or real(data)
    )
    monkeypatch.setattr(typography, "_TYPESET_SHARED", {})
    first = typography.typeset_shared(common)
    assert first == real(common) and first != common  # curly apostrophes: a changed copy
    whole.clear()
    assert typography.typeset_shared(common) is first and not any(whole)
    other = common.model_copy()  # equal, but another object: typeset on its own
    assert typography.typeset_shared(other) == first and whole
