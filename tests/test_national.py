"""`ncpi national`: the overview, the open data (checked with the csvw library against its CSV on
the Web metadata) and the index, over the test matrix and over 43 synthetic forces."""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from ncpi_cli.model import AREAS
from ncpi_cli.registry import forces
from ncpi_cli.rules import REVISIT_AIM_DAYS

from conftest import FIXTURES, MATRIX, REPO, invoke, make_project
from pdftools import flowing_text

pytestmark = pytest.mark.slow


def synthetic_forces(reports: Path) -> None:
    """A report for each of the 43 forces, made from Essex's with the force's names."""
    essex = (REPO / "reports" / "essex.yaml").read_text("utf-8")
    for slug, force in forces().items():
        text = essex.replace("slug: essex", f"slug: {slug}").replace("Essex Police", force.name)
        text = text.replace("Essex", force.area_name)
        (reports / f"{slug}.yaml").write_text(text, "utf-8")


def _matrix_project(tmp_path: Path):
    project = make_project(tmp_path, "shipped")
    for path in MATRIX.glob("*.yaml"):
        shutil.copy(path, project.reports_dir / path.name)
    shutil.copy(FIXTURES / "valid" / "reports" / "kent.yaml", project.reports_dir / "kent.yaml")
    return project


@pytest.fixture(scope="module")
def matrix_national(tmp_path_factory):
    project = _matrix_project(tmp_path_factory.mktemp("national"))
    result = invoke(project, "national")
    assert result.exit_code == 0, result.output
    return project, result


def _reports(project) -> dict[str, dict]:
    return {
        p.stem: yaml.safe_load(p.read_text("utf-8"))
        for p in sorted(project.reports_dir.glob("*.yaml"))
        if not p.name.startswith("_") and "." not in p.stem
    }


def test_the_overview_counts_what_the_reports_say(matrix_national):
    project, result = matrix_national
    reports = _reports(project)
    assert f"{len(reports)} report(s) included, 0 left out" in result.output
    html = (project.build_dir / "national" / "national-overview.html").read_text("utf-8")
    text = re.sub(
        r"\s+", " ", flowing_text(project.build_dir / "national" / "national-overview.pdf")
    )
    total = sum(len(r["inspection"]["recommendations"]) for r in reports.values())
    assert f"the original inspections made {total} recommendations" in text
    for key, label in AREAS.items():
        count = sum(
            rec["area"] == key
            for r in reports.values()
            for rec in r["inspection"]["recommendations"]
        )
        assert f'<tr><th scope="row">{label}</th><td>{count}</td>' in html, label
    # The revisit table: longest delay first, each against the six-month aim.
    rows = re.findall(
        r'<tr><th scope="row">([^<]+)</th><td>[^<]+</td><td>[^<]+</td><td>(\d+)</td>'
        r"<td>[\d.]+</td><td>(Yes|No)</td></tr>",
        html,
    )
    assert len(rows) == len(reports)
    days = [int(d) for _, d, _ in rows]
    assert days == sorted(days, reverse=True)
    assert all(
        (d <= REVISIT_AIM_DAYS) == (ok == "Yes")
        for _, d, ok in [(n, int(d), o) for n, d, o in rows]
    )
    # Case audits: the two grading scales are never added together.
    assert "graded on the scale of four grades (2014–15)" in text
    assert "graded on the scale of three grades (from 2016)" in text
    # The annex links each force's report from build/national/.
    for slug in reports:
        assert f'href="../{slug}/{slug}-report.html"' in html
    # Named by date: the matrix spans HMIC and HMICFRS.
    assert "by HM Inspectorate of Constabulary and Her Majesty" in text


def test_the_overview_pdf_is_tagged_and_passes_pdf_ua_1(matrix_national):
    import page
    import pikepdf

    project, _ = matrix_national
    pdf = project.build_dir / "national" / "national-overview.pdf"
    report = page.validate_pdf(str(pdf), profile="ua1")
    assert [f"{f.rule_id}: {f.message}" for f in report.failures] == []
    with pikepdf.open(pdf) as opened:
        assert str(opened.Root.Lang) == "en-GB" and "/StructTreeRoot" in opened.Root


def test_the_csv_files_are_rfc_4180_and_match_their_csvw_metadata(matrix_national):
    from csvw import CSVW, Table

    project, _ = matrix_national
    data = project.build_dir / "data"
    reports = _reports(project)
    for name, expected in (
        (
            "recommendations.csv",
            sum(len(r["inspection"]["recommendations"]) for r in reports.values()),
        ),
        ("forces.csv", len(reports)),
    ):
        raw = (data / name).read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf")  # UTF-8 without a BOM
        assert raw.count(b"\r\n") == raw.count(b"\n") == expected + 1  # CRLF, header + rows
        metadata = data / f"{name}-metadata.json"
        assert CSVW(str(metadata)).is_valid, name
        table = Table.from_file(metadata)
        rows = list(table.iterdicts(strict=True))  # every value against its datatype
        assert len(rows) == expected
        header = next(csv.reader(raw.decode("utf-8").splitlines()))
        assert header == [column.name for column in table.tableSchema.columns]
        key = table.tableSchema.primaryKey
        assert len({tuple(row[k] for k in key) for row in rows}) == len(rows)
    recommendations = list(Table.from_file(data / "recommendations.csv-metadata.json").iterdicts())
    assert {(r["force_slug"], r["recommendation_id"]) for r in recommendations} == {
        (slug, rec["id"])
        for slug, r in reports.items()
        for rec in r["inspection"]["recommendations"]
    }
    as_json = json.loads((data / "recommendations.json").read_text("utf-8"))
    assert [(r["force_slug"], r["recommendation_id"], r["text"]) for r in as_json] == [
        (r["force_slug"], r["recommendation_id"], r["text"]) for r in recommendations
    ]


def test_a_broken_csv_fails_its_metadata(matrix_national, tmp_path):
    """The check above can fail: a date that is not a date, and a repeated primary key."""
    from csvw import Table

    project, _ = matrix_national
    for name in ("recommendations.csv", "recommendations.csv-metadata.json"):
        shutil.copy(project.build_dir / "data" / name, tmp_path / name)
    csv_file = tmp_path / "recommendations.csv"
    lines = csv_file.read_bytes().split(b"\r\n")
    lines[1] = lines[1].replace(b"2019-03-06", b"6 March 2019")
    csv_file.write_bytes(b"\r\n".join(lines))
    with pytest.raises(ValueError):
        list(Table.from_file(tmp_path / "recommendations.csv-metadata.json").iterdicts(strict=True))


def test_the_index_links_every_document_with_its_state_and_passes_axe(matrix_national, browser):
    from test_html_accessibility import _summary, axe_violations

    project, _ = matrix_national
    index = project.build_dir / "index.html"
    html = index.read_text("utf-8")
    for slug in _reports(project):
        assert f'href="{slug}/{slug}-report.html"' in html
        assert f'href="{slug}/{slug}-press-release.html"' in html
    assert 'href="national/national-overview.pdf"' in html
    assert 'href="data/recommendations.csv-metadata.json"' in html
    assert "Not built" in html  # nothing of the forces' own has been built here
    for page in (index, project.build_dir / "national" / "national-overview.html"):
        violations = axe_violations(browser, page)
        assert violations == [], _summary(violations)


def test_national_is_incremental(tmp_path):
    project = _matrix_project(tmp_path)
    assert invoke(project, "national").exit_code == 0
    outputs = [p for p in project.build_dir.rglob("*") if p.is_file()]
    stamps = {p: p.stat().st_mtime_ns for p in outputs}
    again = invoke(project, "national")
    assert "National overview and data up to date" in again.output
    assert {p: p.stat().st_mtime_ns for p in outputs} == stamps  # nothing rewritten
    # A force built: the index says so; the overview and data are not remade.
    assert invoke(project, "build", "cumbria").exit_code == 0
    assert invoke(project, "press-release", "cumbria").exit_code == 0
    rebuilt = invoke(project, "national")
    assert "up to date" in rebuilt.output and "wrote build/index.html" in rebuilt.output
    overview = project.build_dir / "national" / "national-overview.pdf"
    assert overview.stat().st_mtime_ns == stamps[overview]
    index = (project.build_dir / "index.html").read_text("utf-8")
    assert re.search(r"Cumbria Constabulary</th>.*?<td class=\"state\">Built</td>", index)
    # One force's report changed: the overview and the data are remade, no force's documents.
    cumbria = project.report_path("cumbria")
    cumbria.write_text(cumbria.read_text("utf-8").replace("status: met", "status: in progress", 1))
    before = (project.build_dir / "cumbria" / "cumbria-report.pdf").stat().st_mtime_ns
    changed = invoke(project, "national")
    assert "National overview and data built" in changed.output
    assert (project.build_dir / "cumbria" / "cumbria-report.pdf").stat().st_mtime_ns == before
    rows = (project.build_dir / "data" / "recommendations.csv").read_text("utf-8")
    assert "cumbria,Cumbria Constabulary,R1,Police detention,immediately," in rows
    assert ",in progress,2018-09-12" in rows


def test_an_invalid_report_is_named_and_left_out(tmp_path):
    project = _matrix_project(tmp_path)
    norfolk = project.report_path("norfolk")
    norfolk.write_text(norfolk.read_text("utf-8").replace("kind: re-inspection", "kind: revisit"))
    result = invoke(project, "national")
    assert result.exit_code == 1
    assert "reports/norfolk.yaml:" in result.stderr
    assert "left out of the national overview: norfolk (its report has errors)" in result.stderr
    assert "1 left out" in result.output
    html = (project.build_dir / "national" / "national-overview.html").read_text("utf-8")
    assert "Norfolk Constabulary" not in html
    assert "norfolk," not in (project.build_dir / "data" / "forces.csv").read_text("utf-8")
    index = (project.build_dir / "index.html").read_text("utf-8")
    assert "Does not validate" in index


def test_national_over_43_synthetic_forces(tmp_path):
    project = make_project(tmp_path)
    synthetic_forces(project.reports_dir)
    result = invoke(project, "national")
    assert result.exit_code == 0, result.output
    assert "43 report(s) included, 0 left out" in result.output
    rows = list(csv.DictReader((project.build_dir / "data" / "forces.csv").open(encoding="utf-8")))
    assert [row["force_slug"] for row in rows] == list(forces())
    text = re.sub(
        r"\s+", " ", flowing_text(project.build_dir / "national" / "national-overview.pdf")
    )
    assert "follow-up reports of 43 forces" in text
    assert "the original inspections made 215 recommendations" in text
    assert "No force was revisited within six months." in text


def test_clean_removes_what_national_wrote_and_nothing_else(tmp_path):
    project = _matrix_project(tmp_path)
    assert invoke(project, "national").exit_code == 0
    mine = project.build_dir / "data" / "my-notes.txt"
    mine.write_text("not ncpi's")
    assert invoke(project, "clean").exit_code == 0
    left = sorted(p.relative_to(project.build_dir).as_posix() for p in project.build_dir.rglob("*"))
    assert left == [".made-by-ncpi", "data", "data/my-notes.txt"]  # build/ stays: not empty
