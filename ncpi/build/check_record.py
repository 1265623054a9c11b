"""What `ncpi validate` remembers: the problems it found, and the files it found them in.

Asked again about the same files, with the same templates and the same ncpi, validate says
what it said before without loading the checker, as ruff and mypy answer from their caches;
with some files changed, it repeats what it found in each force whose own files and common
data did not change, and checks only the others. Every file is compared with the record by
its SHA-256, read afresh in each run: a save within the same second counts. A save while the
run checks is told by the file's status, and by its content again where the status changed
too shortly before the run to tell (see RACY_NANOSECONDS); then nothing is remembered.

No check reads the clock or the environment (SOURCE_DATE_EPOCH dates documents, not problems):
a rule that did would have to be part of what the record is compared on.

The record is build output like any other: targets.py names it, the one writer writes it,
`clean` removes it. It is read as untrusted input, bounded and its shape checked; the files it
names are only compared with those ncpi itself chose, never read because the record names them.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

from ncpi.build.incremental import (
    MAX_HASHED_BYTES,
    RACY_NANOSECONDS,
    all_template_files,
    code_fingerprint,
    input_folders,
    installed_hash,
    installed_version,
    is_str_map,
    read_record_json,
    source_files,
)
from ncpi.build.outputs import write_outputs
from ncpi.build.targets import Target, check_record_path
from ncpi.errors import OutputError
from ncpi.problems import Findings, Problem
from ncpi.project import Project
from ncpi.reading import UnsafeInput, read_bounded

RECORD_FORMAT = 2
MAX_RECORD_BYTES = 20_000_000
#: How many sets of forces (every report, or those named) one record answers for.
SCOPES_KEPT = 8
#: What the checks read beyond ncpi's own code and the libraries its builds record.
CHECK_LIBRARIES = ("pyyaml", "fonttools")
_PROBLEM_FIELDS = {
    "file": str,
    "line": int,
    "column": int,
    "path": str,
    "message": str,
    "severity": str,
    "code": str,
}
_SEVERITIES = {"error", "warning", "acknowledged"}


class Unhashable(Exception):
    """An input that exists but cannot be read: the checks will say why, nothing is remembered."""


def _signature(info: os.stat_result) -> tuple[int, int, int, int]:
    return (info.st_mtime_ns, info.st_ctime_ns, info.st_size, info.st_ino)


class Snapshot:
    """The project's inputs as they are now, each read and hashed once, when first asked for."""

    def __init__(self, project: Project):
        self.project = project
        self.started = time.time_ns()
        self._hashes: dict[str, str] = {}
        #: Each file's status just before it was read (None: there was no such file).
        self._signatures: dict[str, tuple[int, int, int, int] | None] = {}
        self._templates: dict[str, str] | None = None
        self._listing: list[str] | None = None
        self._record: tuple[dict | None] | None = None
        self._fingerprint: str | None = None
        # Resolved once: each file's read checks it lies inside them (see ncpi.reading).
        self._within = [Path(os.path.realpath(folder)) for folder in input_folders(project)]
        #: An input exists that cannot be read (a link out of the project): nothing is kept.
        self.unreadable = False

    def taken(self, slugs: list[str] | None) -> Snapshot:
        """The snapshot with every file a validation of `slugs` reads hashed now, before the
        checks read them: what is remembered is what was there when they began."""
        named = self.project.report_slugs() if slugs is None else slugs
        try:
            self.scope_files(named), self.listing(), self.templates()
            for slug in named:
                for language in self.project.languages(slug):
                    self.edition_files(slug, language)
        except Unhashable:  # The checks will say why; there is nothing to remember.
            self.unreadable = True
        return self

    def digest(self, path: Path) -> str:
        """A file's SHA-256, or "" if there is no such file (its absence counts too)."""
        key = str(path)
        if key not in self._hashes:
            try:
                # Before the read: a save between the two shows in the comparison, not hidden.
                info = os.stat(path)
                # One of ncpi's own files (its templates, fonts), as it was when installed.
                recorded = installed_hash(key, info)
                if recorded is None:
                    data = read_bounded(
                        path, limit=MAX_HASHED_BYTES, within=self._within, within_resolved=True
                    )
                    recorded = hashlib.sha256(data).hexdigest()
                self._hashes[key] = recorded
                self._signatures[key] = _signature(info)
            except FileNotFoundError:
                self._hashes[key], self._signatures[key] = "", None
            except (OSError, UnsafeInput) as error:
                raise Unhashable(str(error)) from error
        return self._hashes[key]

    def still_the_same(self) -> bool:
        """Whether every file hashed, and the list of reports, are as they were: each file
        by its status, and by its content too where its status changed too lately to tell."""
        now = Snapshot(self.project)
        if now.listing() != self.listing():
            return False
        for key, signature in self._signatures.items():
            try:
                info = os.stat(key)
            except FileNotFoundError:
                if signature is None:
                    continue
                return False
            except OSError:
                return False
            if signature is None or _signature(info) != signature:
                return False
            if info.st_ctime_ns >= self.started - RACY_NANOSECONDS:
                try:
                    if now.digest(Path(key)) != self._hashes[key]:
                        return False
                except Unhashable:
                    return False
        return True

    def files(self, paths: list[Path]) -> dict[str, str]:
        return {str(path): self.digest(path) for path in paths}

    def record(self) -> dict | None:
        """validate's record as it was when first asked for (see read_record)."""
        if self._record is None:
            self._record = (read_record(self.project),)
        return self._record[0]

    def fingerprint(self) -> str:
        """ncpi's code and the libraries whose answers the checks depend on."""
        if self._fingerprint is None:
            libraries = ",".join(f"{name}={installed_version(name)}" for name in CHECK_LIBRARIES)
            self._fingerprint = f"{code_fingerprint()};{libraries}"
        return self._fingerprint

    def templates(self) -> dict[str, str]:
        """Every template, catalogue and font, the project's and ncpi's: the dry run's inputs."""
        if self._templates is None:
            self._templates = self.files(all_template_files(self.project))
        return self._templates

    def listing(self) -> list[str]:
        """The YAML files in reports/: a new report, or a Welsh file without one, counts."""
        if self._listing is None:
            folder = self.project.reports_dir
            names = folder.glob("*.yaml") if folder.is_dir() else []
            self._listing = sorted(path.name for path in names)
        return self._listing

    def scope_files(self, slugs: list[str]) -> dict[str, str]:
        """The files one validation reads: the common data and each named force's files."""
        project = self.project
        paths = [project.common_path, project.welsh_common_path]
        for slug in slugs:
            paths += [project.report_path(slug), project.welsh_path(slug)]
        return self.files(paths)

    def force_files(self, slug: str) -> dict[str, str]:
        """What checking one force reads: its files and the common data (templates aside)."""
        project = self.project
        return self.files(
            [
                project.report_path(slug),
                project.welsh_path(slug),
                project.common_path,
                project.welsh_common_path,
            ]
        )

    def edition_files(self, slug: str, language: str) -> dict[str, str]:
        """What an edition's documents are rendered from, templates aside (see source_files)."""
        return self.files(source_files(self.project, Target(slug, "report", language)))


def _scope_key(slugs: list[str] | None) -> str:
    return "*" if slugs is None else ",".join(slugs)


def _is_problem(value) -> bool:
    return (
        isinstance(value, dict)
        and value.keys() == _PROBLEM_FIELDS.keys()
        # bool is an int to isinstance: a line of `true` is not a line number.
        and all(type(value[name]) is kind for name, kind in _PROBLEM_FIELDS.items())
        and value["severity"] in _SEVERITIES
    )


def _is_scope(value) -> bool:
    return (
        isinstance(value, dict)
        and is_str_map(value.get("files"))
        and isinstance(value.get("listing"), list)
        and all(isinstance(name, str) for name in value["listing"])
        and type(value.get("files_checked")) is int
        and isinstance(value.get("problems"), list)
        and all(_is_problem(problem) for problem in value["problems"])
    )


def _is_force(value) -> bool:
    return (
        isinstance(value, dict)
        and is_str_map(value.get("files"))
        and type(value.get("files_checked")) is int
        and isinstance(value.get("problems"), list)
        and all(_is_problem(problem) for problem in value["problems"])
    )


def read_record(project: Project) -> dict | None:
    """The record if it is readable and well formed, else None (and validate checks anew)."""
    record = read_record_json(project, check_record_path(project), MAX_RECORD_BYTES, RECORD_FORMAT)
    if not (
        record is not None
        and is_str_map(record.get("templates"))
        and isinstance(record.get("scopes"), dict)
        and all(_is_scope(scope) for scope in record["scopes"].values())
        and isinstance(record.get("rendered"), dict)
        and all(is_str_map(files) for files in record["rendered"].values())
        and isinstance(record.get("forces"), dict)
        and all(_is_force(entry) for entry in record["forces"].values())
    ):
        return None
    return record


def _current(record: dict | None, snapshot: Snapshot) -> bool:
    """Whether a record was made by this ncpi from these templates (cheapest test first)."""
    return (
        record is not None
        and record["ncpi"] == snapshot.fingerprint()
        and record["templates"] == snapshot.templates()
    )


def remembered_findings(
    project: Project, slugs: list[str] | None, snapshot: Snapshot
) -> Findings | None:
    """What validate found in these very files before, or None if anything has changed.

    `snapshot` keeps what was hashed, for the full check that follows a None."""
    record = snapshot.record()
    if record is None:
        return None
    entry = record["scopes"].get(_scope_key(slugs))
    named = project.report_slugs() if slugs is None else slugs
    try:
        if (
            entry is None
            or entry["listing"] != snapshot.listing()
            or entry["files"] != snapshot.scope_files(named)
            or not _current(record, snapshot)
        ):
            return None
    except Unhashable:
        return None
    problems = [Problem(**problem) for problem in entry["problems"]]
    return Findings(problems=problems, files_checked=entry["files_checked"])


def rendered_before(
    project: Project, slugs: list[str] | None, snapshot: Snapshot
) -> frozenset[tuple[str, str]]:
    """The editions (force, language) whose dry run passed on the files as they are now."""
    record = snapshot.record()
    try:
        if not _current(record, snapshot):
            return frozenset()
        assert record is not None  # For the type checker: _current says so.
        return frozenset(
            (slug, language)
            for slug in (project.report_slugs() if slugs is None else slugs)
            for language in project.languages(slug)
            if record["rendered"].get(f"{slug}/{language}")
            == snapshot.edition_files(slug, language)
        )
    except Unhashable:
        return frozenset()


def remembered_forces(
    project: Project, slugs: list[str] | None, snapshot: Snapshot
) -> dict[str, Findings]:
    """What checking each force found before, for the forces whose files, common data and
    templates are as they were: with one report edited among many, only it is checked."""
    record = snapshot.record()
    try:
        if not _current(record, snapshot):
            return {}
        assert record is not None  # For the type checker: _current says so.
        found = {}
        for slug in project.report_slugs() if slugs is None else slugs:
            entry = record["forces"].get(slug)
            if entry is not None and entry["files"] == snapshot.force_files(slug):
                problems = [Problem(**problem) for problem in entry["problems"]]
                found[slug] = Findings(problems=problems, files_checked=entry["files_checked"])
        return found
    except Unhashable:
        return {}


def remember_findings(project: Project, slugs: list[str] | None, result, before: Snapshot) -> None:
    """Record what a full validation found, if no input changed while it ran.

    `result` is the CheckResult; `before` the snapshot taken before the checks read the
    files. Nothing is said if the record cannot be written: it only saves time.
    """
    if before.unreadable:
        return
    named = project.report_slugs() if slugs is None else slugs
    try:
        files, listing = before.scope_files(named), before.listing()
        if not before.still_the_same():  # Saved during the run: which text was checked is unknown.
            return
        record = before.record()
        kept = record if _current(record, before) else None
        scopes = dict(kept["scopes"]) if kept else {}
        rendered = dict(kept["rendered"]) if kept else {}
        forces = dict(kept["forces"]) if kept else {}
        for slug in set(named) - set(result.by_force) - result.repeated:
            forces.pop(slug, None)  # Its check failed: ncpi's bug, to be looked for again.
        for slug, findings in result.by_force.items():
            forces[slug] = {
                "files": before.force_files(slug),
                "files_checked": findings.files_checked,
                "problems": [problem._asdict() for problem in findings.problems],
            }
        key = _scope_key(slugs)
        scopes.pop(key, None)  # Re-inserted last: the oldest scopes are the first let go.
        scopes[key] = {
            "files": files,
            "listing": listing,
            "files_checked": result.files_checked,
            "problems": [problem._asdict() for problem in result.problems],
        }
        # A problem with a template stops the dry run everywhere: nothing was rendered.
        if not any(problem.code == "template" for problem in result.problems):
            for (slug, language), verdict in result.verdicts.items():
                name = f"{slug}/{language}"
                if verdict.passed:
                    rendered[name] = before.edition_files(slug, language)
                else:
                    rendered.pop(name, None)
        text = json.dumps(
            {
                "format": RECORD_FORMAT,
                "ncpi": before.fingerprint(),
                "templates": before.templates(),
                "scopes": dict(list(scopes.items())[-SCOPES_KEPT:]),
                "rendered": rendered,
                "forces": forces,
            },
            # In one line: Python's encoder writes an indented record in pure Python, three
            # times slower, and no one reads this file but validate.
            ensure_ascii=False,
            separators=(",", ":"),
        )
        # Not flushed to disk (2 ms of a validation): a record cut by a power cut is unreadable,
        # so the next validation checks everything, as it would with no record.
        record_bytes = text.encode("utf-8") + b"\n"
        write_outputs(project, {check_record_path(project): record_bytes}, durable=False)
    except (Unhashable, OutputError, OSError):
        pass
