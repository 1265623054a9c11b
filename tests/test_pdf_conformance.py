"""Every PDF ncpi writes passes an independent validator, page-validation, with no failed rule:
PDF/UA-1 by default, PDF/A-3b and PDF/A-3u for those variants; Essex and the whole matrix."""

from __future__ import annotations

import shutil

import page
import pikepdf
import pytest

from ncpi.build.pipeline import Run, build_targets
from ncpi.build.targets import BuildOptions, Target

from support import MATRIX, MATRIX_SLUGS, make_project


def _failures(path, profile: str) -> list[str]:
    report = page.validate_pdf(str(path), profile=profile)
    return [f"{failure.rule_id}: {failure.message}" for failure in report.failures]


@pytest.mark.parametrize("slug", MATRIX_SLUGS)
def test_the_default_pdfs_are_pdf_ua_1(matrix_build, slug):
    built, _ = matrix_build
    for name in (f"{slug}-report.pdf", f"{slug}-press-release.pdf"):
        assert _failures(built[slug][name], "ua1") == [], name


@pytest.fixture(scope="module")
def archival_builds(tmp_path_factory):
    """Every matrix report and press release built as PDF/A-3b and as PDF/A-3u."""
    builds = {}
    for variant in ("pdf/a-3b", "pdf/a-3u"):
        project = make_project(tmp_path_factory.mktemp(variant.replace("/", "-")))
        for path in MATRIX.glob("*.yaml"):
            shutil.copy(path, project.reports_dir / path.name)
        targets = [
            Target(slug, kind) for slug in MATRIX_SLUGS for kind in ("report", "press-release")
        ]
        outcomes = build_targets(project, targets, BuildOptions(variant), run=Run(jobs=2))
        assert [o for o in outcomes if o.state != "built"] == []
        builds[variant] = [path for o in outcomes for path in o.paths if path.suffix == ".pdf"]
    return builds


@pytest.mark.process
@pytest.mark.parametrize("variant, profile", [("pdf/a-3b", "3b"), ("pdf/a-3u", "3u")])
def test_the_archival_variants_are_pdf_a_3(archival_builds, variant, profile):
    pdfs = archival_builds[variant]
    assert len(pdfs) == 2 * len(MATRIX_SLUGS)
    assert {path.name: _failures(path, profile) for path in pdfs} == {
        path.name: [] for path in pdfs
    }


def test_the_id_comes_from_the_content_and_the_metadata_is_plain(archival_builds, matrix_build):
    """PDF/A's two demands WeasyPrint leaves undone, met without giving up reproducibility."""
    built, _ = matrix_build
    for path in [*archival_builds["pdf/a-3b"], built["essex"]["essex-report.pdf"]]:
        with pikepdf.open(path) as pdf:
            first, second = pdf.trailer.ID
            assert len(bytes(first)) == 16 and bytes(first) == bytes(second)
            assert "/Filter" not in pdf.Root.Metadata


@pytest.mark.pdf
def test_the_validator_finds_what_ncpi_fixes(matrix_build, tmp_path):
    """The check can fail: WeasyPrint's own PDF, before ncpi's last step, is refused."""
    from ncpi.build.workers import pdf_settings
    from ncpi.pdf.document import weasyprint_pdf

    built, project = matrix_build
    html = built["essex"]["essex-report.html"].read_text("utf-8")
    bare = tmp_path / "bare.pdf"
    settings = pdf_settings(project, BuildOptions("pdf/a-3b"))
    bare.write_bytes(weasyprint_pdf(html, **settings, finish=False))
    failed = {failure.split(":")[0] for failure in _failures(bare, "3b")}
    assert {"PDFA3B-METADATA-FILTER-001", "PDFA3B-TRAILER-ID-001"} <= failed
