"""A summary in headed parts and findings under their own sentences, as reports since 2021."""

from __future__ import annotations

from support import edit, invoke

FINDINGS = "        - Officers now record risks.\n"


def _with_headed_parts(project) -> None:
    path = project.reports_dir / "kent.yaml"
    text = path.read_text("utf-8")
    summary_end = text.index("  context:")
    text = (
        text[:summary_end]
        + "  summary_parts:\n    - heading: The earlier inspection\n      paragraphs:\n"
        "        - In 2015 we made recommendations.\n    - heading: Main findings\n"
        "      paragraphs:\n        - The force has improved.\n" + text[summary_end:]
    )
    path.write_text(text, "utf-8")
    edit(
        path,
        FINDINGS,
        FINDINGS + "      headed:\n        - heading: Supervisors check every assessment\n"
        "          paragraphs:\n            - A supervisor reviews each within a day.\n",
    )


def test_summary_parts_and_headed_findings_take_their_places(project_from):
    project = project_from("valid")
    _with_headed_parts(project)
    result = invoke(project, "build", "kent")
    assert result.exit_code == 0, result.output
    html = (project.build_dir / "kent" / "kent-report.html").read_text("utf-8")
    summary = html.split('id="summary-heading"', 1)[1].split("</section>", 1)[0]
    # The parts after the opening paragraphs, in their order, before the progress table.
    earlier = summary.index("<h3>The earlier inspection</h3>")
    main = summary.index("<h3>Main findings</h3>")
    assert earlier < main < summary.index('<table class="progress-table">')
    assert "<p>In 2015 we made recommendations.</p>" in summary[earlier:main]
    area = html.split('id="initial-contact-heading"', 1)[1].split("</section>", 1)[0]
    heading = area.index("<h4>Supervisors check every assessment</h4>")
    assert area.index("Officers now record risks") < heading < area.index("<h3>Progress</h3>")


def test_a_part_without_its_heading_is_one_located_error(project_from):
    project = project_from("valid")
    _with_headed_parts(project)
    edit(project.reports_dir / "kent.yaml", "    - heading: Main findings\n", "    -\n")
    result = invoke(project, "validate")
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if "summary_parts" in line]
    assert len(lines) == 1, result.output
    assert lines[0].startswith("reports/kent.yaml:") and "summary_parts[1]" in lines[0]
