"""An embargo: every edition of the press release begins with it, in one exact format."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from ncpi.render.languages import IN_ENGLISH

from support import invoke


@pytest.mark.parametrize(
    "moment, line",
    [
        (dt.datetime(2016, 12, 14, 0, 1), "Embargoed until 00:01 Wednesday 14 December 2016"),
        (dt.datetime(2019, 3, 6, 9, 30), "Embargoed until 09:30 Wednesday 6 March 2019"),
        (dt.datetime(2015, 11, 1, 23, 59), "Embargoed until 23:59 Sunday 1 November 2015"),
    ],
)
def test_the_embargo_line_is_time_weekday_day_month_year(moment, line):
    assert IN_ENGLISH.embargo_line(moment) == line


def _with_embargo(project, value: str):
    path = project.report_path("essex")
    text = path.read_text("utf-8")
    path.write_text(
        text.replace("press_release:\n", f"press_release:\n  embargo: {value}\n", 1), "utf-8"
    )


def _problems(project):
    return json.loads(invoke(project, "validate", "--format", "json").stdout)


@pytest.mark.process
def test_every_edition_begins_with_the_embargo(project_from):
    from support.pdftools import page_texts

    project = project_from()
    _with_embargo(project, "2016-12-14 00:01")
    assert invoke(project, "press-release", "essex").exit_code == 0
    folder = project.build_dir / "essex"
    line = "Embargoed until 00:01 Wednesday 14 December 2016"
    text = (folder / "essex-press-release.txt").read_text("utf-8")
    assert text.startswith(f"{line}\n\nChild protection in Essex is improving")
    html = (folder / "essex-press-release.html").read_text("utf-8")
    assert f'<p class="embargo"><strong>{line}</strong></p>' in html
    assert html.index(line) < html.index("<h1>")
    assert page_texts(folder / "essex-press-release.pdf")[0].lstrip().startswith(line)


def test_an_embargo_as_a_yaml_timestamp_or_text_is_accepted(project_from):
    for value in ("2016-12-14 00:01", "2016-12-14 00:01:00", "2016-12-13T18:00"):
        project = project_from()
        _with_embargo(project, value)
        assert [p for p in _problems(project) if p["severity"] == "error"] == [], value


def test_an_embargo_after_publication_is_refused(project_from):
    project = project_from()
    _with_embargo(project, "2016-12-15 00:01")  # Essex was published on 14 December 2016
    [problem] = [p for p in _problems(project) if p["code"] == "embargo"]
    assert problem["path"] == "press_release.embargo"
    assert problem["message"].startswith(
        "the embargo ends on 2016-12-15, after the report is published (2016-12-14)"
    )
    same_day = project_from()
    _with_embargo(same_day, "2016-12-14 23:59")
    assert [p for p in _problems(same_day) if p["code"] == "embargo"] == []


def test_an_embargo_with_a_time_zone_is_refused(project_from):
    project = project_from()
    _with_embargo(project, "2016-12-14 00:01:00+00:00")
    [problem] = [p for p in _problems(project) if p["code"] == "embargo"]
    assert problem["message"] == (
        "write the embargo as local UK time, without a time zone, e.g. 2016-12-14 00:01"
    )
