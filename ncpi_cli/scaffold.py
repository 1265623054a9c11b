"""`ncpi new`: a report file for a force, with what is known filled in and the rest marked TODO."""

from __future__ import annotations

from ncpi_cli.errors import NcpiError
from ncpi_cli.model import AREAS, PROGRESS_STATUSES, TIMESCALES
from ncpi_cli.outputs import write_new_file
from ncpi_cli.project import Project
from ncpi_cli.registry import forces

#: A value that starts with this is a blank still to fill in; `validate` reports each one.
BLANK_MARKER = "TODO:"

# Every TODO is a quoted string so that the file is valid YAML from the start; each says what
# to write. Optional parts (a case audit, "concerned" items) are described in comments.
SCAFFOLD = """\
# yaml-language-server: $schema=../schema/report.schema.json
#
# {name}: National Child Protection re-inspection.
# Written by `ncpi new {slug}`. Replace every "TODO: …" value; `ncpi validate {slug}` lists
# the ones left, with their lines. Dates are written YYYY-MM-DD.

status: draft  # change to final when the report is approved for publication

force:
  slug: {slug}
  name: {name}

inspection:
  fieldwork:
    start: "TODO: first day of the original inspection's fieldwork, YYYY-MM-DD"
    end: "TODO: last day of the original inspection's fieldwork, YYYY-MM-DD"
  published: "TODO: the date the original inspection report was published, YYYY-MM-DD"
  findings:
    - "TODO: what the original inspection found, in a paragraph"
  recommendations:
    - id: R1
      area: "TODO: one of {areas}"
      timescale: "TODO: one of {timescales}"
      text: "TODO: what the force should do, starting with a verb, e.g. ensure that …"

reinspection:
  kind: re-inspection  # or: post-inspection review
  fieldwork:
    start: "TODO: first day of the re-inspection's fieldwork, YYYY-MM-DD"
    end: "TODO: last day of the re-inspection's fieldwork, YYYY-MM-DD"
  published: "TODO: the date this report is published, YYYY-MM-DD"
  inspector:
    name: "TODO: the HM Inspector who led the re-inspection"
    title: HM Inspector of Constabulary
  summary:
    - "TODO: the summary, a paragraph per item"
  context:
    - "TODO: context for the force: its size, area and demand"
  findings:
    - area: "TODO: the area of R1"
      paragraphs:
        - "TODO: what the re-inspection found in this area"
  progress:
    - recommendation: R1
      status: "TODO: one of {statuses}"
      evidence:
        - "TODO: the evidence for this status"
  conclusion:
    - "TODO: the conclusion"
  next_steps:
    - "TODO: what happens next"

# If case files were audited, add (grades on the scale of the follow-up's year: from 2016,
# good, requires improvement and inadequate; before, adequate too). The breakdown by area is
# optional.
# case_audit:
#   cases: 60
#   grades: {{good: 20, requires improvement: 30, inadequate: 10}}
#   referred_back: 4
#   paragraphs:
#     - What the audit showed.
#   by_area:
#     - area: initial-contact
#       cases: 25
#       grades: {{good: 10, requires improvement: 10, inadequate: 5}}
#     - area: investigation
#       cases: 35
#       grades: {{good: 10, requires improvement: 20, inadequate: 5}}

press_release:
  headline: "TODO: a sentence-case verdict naming {name}"
  paragraphs:
    - "TODO: the paragraphs after 'Get the report'"
  pleased:
    - "TODO: what inspectors were pleased to find, an item per line"
  # concerned:
  #   - What inspectors were concerned to find.
  quote:
    speaker: "TODO: the same inspector as reinspection.inspector.name"
    title: HM Inspector of Constabulary
    paragraphs:
      - "TODO: the inspector's quote"
  notes:  # the standard notes to editors, from reports/_common.yaml
    - ncpi-programme
    - ncpi-aims
    - follow-up
    - about-the-inspectorate
    - press-office
    - out-of-hours

# A warning you have checked and accept (validate prints its code) can be acknowledged, with
# the reason; it then shows as acknowledged and no longer fails `validate --strict`:
# acknowledged:
#   - code: late-revisit
#     reason: The follow-up was postponed at the force's request.
"""


def scaffold_text(slug: str) -> str:
    """The new report file's text for a registry force."""
    force = forces()[slug]
    return SCAFFOLD.format(slug=slug, name=force.name, areas=", ".join(AREAS),
                           timescales=", ".join(TIMESCALES), statuses=", ".join(PROGRESS_STATUSES))


def new_report(project: Project, name: str):
    """Write reports/FORCE.yaml for a registry force; never overwrite an existing report."""
    from ncpi_cli.project import check_slug

    slug = check_slug(name)
    path = project.report_path(slug)
    if path.exists():
        raise NcpiError(f"{project.display(path)} already exists; ncpi new never overwrites a "
                        "report. Edit it, or delete it first to start again")
    write_new_file(path, scaffold_text(slug).encode("utf-8"))
    return path
