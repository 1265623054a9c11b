"""A draft is watermarked on every page and in the HTML; --final refuses it."""

from __future__ import annotations

import pytest

from support import invoke
from support.pdftools import page_texts, squash, watermarks_drawn


def _draft_project(project_from):
    project = project_from("valid")
    path = project.root / "reports" / "kent.yaml"
    path.write_text(path.read_text("utf-8").replace("status: final", "status: draft"), "utf-8")
    return project


@pytest.mark.process
def test_draft_is_watermarked_on_every_page_and_in_html(project_from):
    project = _draft_project(project_from)
    result = invoke(project, "build", "kent")
    assert result.exit_code == 0, result.output
    folder = project.build_dir / "kent"
    pages = page_texts(folder / "kent-report.pdf", "-raw")
    assert len(pages) > 3
    # Said once in words, at the top of the first page; never in any other page's text, so
    # text copied from a draft has no stray letters of the watermark (#26).
    assert squash(pages[0]).startswith("DRAFT – not for publication")
    assert sum(squash(text).count("DRAFT") for text in pages) == 1
    # Drawn on every page, as an artifact: the letters' outlines, no text.
    assert watermarks_drawn(folder / "kent-report.pdf") == [True] * len(pages)
    assert '<p class="draft-banner" role="note">DRAFT – not for publication</p>' in (
        folder / "kent-report.html"
    ).read_text("utf-8")


@pytest.mark.pdf
@pytest.mark.process
def test_final_report_has_no_watermark(kent_build):
    assert "DRAFT" not in " ".join(page_texts(kent_build["kent-report.pdf"]))


@pytest.mark.process
def test_final_refuses_a_draft(project_from):
    project = _draft_project(project_from)
    for command in ("build", "press-release"):
        result = invoke(project, command, "kent", "--final")
        assert result.exit_code == 1
        assert (
            "reports/kent.yaml is a draft (status: draft); --final refuses to build it"
            in result.stderr
        )
    assert not (project.build_dir / "kent").exists()
