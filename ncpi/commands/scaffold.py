"""Starting things: `ncpi init` (a project) and `ncpi new` (a report with TODO blanks)."""

from __future__ import annotations

import contextlib
import json
import os
from importlib import resources
from pathlib import Path

import yaml

from ncpi.build.outputs import write_atomically, write_new_file
from ncpi.check.loading import MAX_FILE_BYTES, load_yaml_file
from ncpi.check.welsh_pair import (
    Items,
    Keyed,
    Text,
    Texts,
    translated_from_block,
    translation_shape,
    without_translated_from,
)
from ncpi.commands.schema import schema_texts
from ncpi.errors import NcpiError
from ncpi.model import (
    AREAS,
    BLANK_MARKER,
    JUDGMENT_GRADES,
    PROGRAMMES,
    PROGRESS_STATUSES,
    TIMESCALES,
    Report,
)
from ncpi.project import Project, check_slug
from ncpi.registry import forces
from ncpi.render.documents import render_template

#: The template of a new report; a project's templates/ folder may have its own.
NEW_REPORT_TEMPLATE = "new-report.yaml.j2"


def scaffold_text(
    project: Project, slug: str, inspection: bool = False, programme: str = "2024"
) -> str:
    """The new report file's text: a follow-up's, or an initial inspection's own, of the
    programme named (2014: the child's journey; 2024: five graded topics)."""

    def blank(what: str) -> str:
        # JSON's string syntax is YAML's double-quoted one: the blank is valid YAML as written.
        return json.dumps(f"{BLANK_MARKER} {what}", ensure_ascii=False)

    context = {
        "force": forces()[slug],
        "areas": list(PROGRAMMES[programme] if inspection else AREAS),
        "inspection": inspection,
        "programme": programme,
        "grades": list(JUDGMENT_GRADES),
        "timescales": list(TIMESCALES),
        "statuses": list(PROGRESS_STATUSES),
        "blank": blank,
    }
    return render_template(NEW_REPORT_TEMPLATE, context, project.templates_dir)


def new_report(project: Project, name: str, inspection: bool = False, programme: str = "2024"):
    """Write reports/FORCE.yaml for a registry force; never overwrite an existing report."""

    slug = check_slug(name)
    path = project.report_path(slug)
    if path.exists():
        raise NcpiError(
            f"{project.display(path)} already exists; ncpi new never overwrites a "
            "report. Edit it, or delete it first to start again"
        )
    write_new_file(path, scaffold_text(project, slug, inspection, programme).encode("utf-8"))
    return path


def welsh_scaffold_text(project: Project, slug: str) -> str:
    """The text of reports/FORCE.cy.yaml: the English file's prose fields, each a TODO blank."""

    path = project.report_path(slug)
    loaded, _ = load_yaml_file(path, project.display(path), project)  # validate says what
    if loaded is None or not isinstance(loaded.data, dict):
        raise NcpiError(
            f"{project.display(path)} cannot be read as YAML; fix it first "
            f"(`ncpi validate {slug}` shows where)"
        )

    def mirror(shape, english, key=None):
        if isinstance(shape, Text):
            return f"{BLANK_MARKER} in Welsh: {' '.join(str(english).split())}"
        if isinstance(shape, Texts):
            return [mirror(Text(), item) for item in english] if isinstance(english, list) else []
        if isinstance(shape, Items):
            items = english if isinstance(english, list) else []
            return [mirror(shape.item, item, shape.key) for item in items if isinstance(item, dict)]
        if isinstance(shape, Keyed):
            return {k: mirror(shape.value, v) for k, v in english.items()}
        out = {key: english[key]} if key is not None and key in english else {}
        for name, inner in shape.fields.items():
            if isinstance(english, dict) and english.get(name) is not None:
                out[name] = mirror(inner, english[name])
        return out

    data = mirror(translation_shape(Report), loaded.data)
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=96)
    return (
        "# yaml-language-server: $schema=../schema/report.cy.schema.json\n"
        f"# The Welsh text of {project.display(path)}: translate each TODO; keep the keys, ids\n"
        "# and areas as they are. Dates, statuses and the other facts stay in the English file.\n"
        "\n" + body + "\n" + translated_from_block(Report, loaded.data)
    )


def record_translated(project: Project, name: str) -> Path:
    """Record in reports/FORCE.cy.yaml that its Welsh is translated from the English as it is
    now (its translated_from block, rewritten); the rest of the file is kept byte for byte."""
    slug = check_slug(name)
    english_path, welsh_path = project.report_path(slug), project.welsh_path(slug)
    if not welsh_path.is_file():
        raise NcpiError(
            f"{project.display(welsh_path)} does not exist: `ncpi new {slug} --welsh` starts it"
        )
    english, _ = load_yaml_file(english_path, project.display(english_path), project)
    if english is None or not isinstance(english.data, dict):
        raise NcpiError(
            f"{project.display(english_path)} cannot be read as YAML; fix it first "
            f"(`ncpi validate {slug}` shows where)"
        )
    raw = project.read_input(welsh_path, MAX_FILE_BYTES).decode("utf-8")
    kept = without_translated_from(raw).rstrip("\n") + "\n"
    text = kept + "\n" + translated_from_block(Report, english.data)
    if len(text.encode("utf-8")) > MAX_FILE_BYTES:
        raise NcpiError(f"{project.display(welsh_path)} would be over {MAX_FILE_BYTES:,} bytes")
    write_atomically(welsh_path, text.encode("utf-8"))
    return welsh_path


def new_welsh(project: Project, name: str):
    """Write reports/FORCE.cy.yaml from the force's English report; never overwrite one."""

    slug = check_slug(name)
    if not project.report_path(slug).is_file():
        raise NcpiError(
            f"{project.display(project.report_path(slug))} does not exist: the Welsh file is "
            f"made from the English one. `ncpi new {slug}` starts that"
        )
    path = project.welsh_path(slug)
    if path.exists():
        raise NcpiError(
            f"{project.display(path)} already exists; ncpi new never overwrites a "
            "report. Edit it, or delete it first to start again"
        )
    data = welsh_scaffold_text(project, slug).encode("utf-8")
    if len(data) > MAX_FILE_BYTES:
        # Its "TODO: in Welsh:" marks make it longer than the English: never write a file
        # that validate would then refuse to read.
        raise NcpiError(
            f"{project.display(path)} would be {len(data):,} bytes, over the "
            f"{MAX_FILE_BYTES:,} that validate reads: the English report is too long to start "
            "its Welsh text from; shorten it, or start the Welsh file by hand"
        )
    write_new_file(path, data)
    return path


#: What a new project's README says; short, and pointing at the commands.
_PROJECT_README = """\
# Child protection inspection reports

Each force's report is `reports/FORCE.yaml`; `reports/_common.yaml` holds what every force
shares (the inspectorate's names and the notes to editors). `build/` holds what ncpi makes
and is not kept in version control.

    ncpi new kent                 # start reports/kent.yaml
    ncpi validate                 # check every report, with the line of each problem
    ncpi build kent               # the report, as PDF and HTML, in build/kent/
    ncpi press-release kent       # the press release, as text, HTML and PDF

`schema/format.md` lists every key a report may have; `ncpi --help` says more.
"""


def starter_common_data(name: str = "_common.yaml") -> bytes:
    """The common data a new project starts with (or its Welsh text): ncpi's own, as shipped."""

    bundled = resources.files("ncpi").joinpath(f"_starter/{name}")
    if bundled.is_file():
        return bundled.read_bytes()

    return (Path(__file__).resolve().parents[2] / "reports" / name).read_bytes()


def init_project(folder) -> list:
    """Start a project in `folder`: the common data (English and Welsh), schema/, .gitignore
    and a README.

    Files that exist (or links, even to nothing) are left as they are; a folder that is
    already a project is refused. It completes or leaves nothing: a failed write removes what
    this init wrote.
    """

    root = Path(folder)
    if (root / "reports").is_dir():
        raise NcpiError(f"{root / 'reports'} already exists: {root} is already an ncpi project")
    files = {
        root / "reports" / "_common.yaml": starter_common_data(),
        root / "reports" / "_common.cy.yaml": starter_common_data("_common.cy.yaml"),
        **{root / "schema" / name: text.encode() for name, text in schema_texts().items()},
        root / ".gitignore": b"build/\n",
        root / "README.md": _PROJECT_README.encode(),
    }
    written: list[Path] = []
    made: list[Path] = []  # the folders this init made, outermost first
    try:
        for path, data in files.items():
            if os.path.lexists(path):  # A file or a link (even one to nothing) is left alone.
                continue
            for parent in reversed(path.parents):
                if (parent == root or root in parent.parents) and not parent.exists():
                    try:
                        parent.mkdir()
                    except OSError as error:
                        raise NcpiError(f"cannot make {parent}: {error.strerror}") from error
                    made.append(parent)
            write_new_file(path, data)
            written.append(path)
    except BaseException:
        # All or nothing: a second init must not find half a project and refuse it.
        for path in reversed(written):
            with contextlib.suppress(OSError):
                path.unlink()
        for folder in reversed(made):
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise
    return written
