"""Incremental builds: what each document depends on, by content hash, in a manifest per target.

A target (one force's report, or its press release) is up to date when its manifest exists and
every file it records still has the same SHA-256: the report, the common data, each template it
reached (and which file that name resolved to, so a new override counts as a change), each font,
stylesheet or image WeasyPrint fetched, and the outputs themselves. ncpi's own code and version,
the versions of the libraries that shape the bytes, and the build options are recorded too.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from functools import cache
from importlib import metadata
from pathlib import Path

import jinja2
from jinja2 import meta

from ncpi import __version__
from ncpi.build.targets import ENTRY_TEMPLATES, Target, manifest_path, output_paths
from ncpi.project import Project
from ncpi.reading import UnsafeInput, read_bounded
from ncpi.render.languages import catalogue_paths
from ncpi.render.templating import builtin_templates_dir, make_environment, template_source

MANIFEST_FORMAT = 1

# (folders, device, inode, size, mtime) -> SHA-256: a file is read once per process unless it
# changes. The folders it must be inside are part of the key: a file allowed to one call may be
# outside another's.
_hash_cache: dict[tuple, str] = {}


@dataclass
class Inputs:
    """What a target was built from, hashed before the build read it."""

    files: dict[str, str] = field(default_factory=dict)  # path -> sha256
    templates: dict[str, list[str]] = field(default_factory=dict)  # name -> [path, sha256]


#: The largest input hashed (a template, font or image); a build record is much smaller.
MAX_HASHED_BYTES = 50_000_000
MAX_MANIFEST_BYTES = 5_000_000


def file_hash(path: Path, within: list[Path] | None = None) -> str | None:
    """The SHA-256 of a file's bytes, or None if it cannot or may not be read.

    Only regular files inside `within` (by default the file's own folder) are read, bounded.
    """

    within = within or [path.parent]
    try:
        stat = path.stat()
        key = (tuple(within), stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns)
        if key not in _hash_cache:
            data = read_bounded(path, limit=MAX_HASHED_BYTES, within=within)
            _hash_cache[key] = hashlib.sha256(data).hexdigest()
        return _hash_cache[key]
    except (OSError, UnsafeInput):
        return None


@cache
def code_fingerprint() -> str:
    """ncpi's version and source, and the versions of the libraries that shape the output."""
    digest = hashlib.sha256(__version__.encode())
    package = Path(__file__).resolve().parents[1]  # ncpi/, from ncpi/build/
    for path in sorted([*package.rglob("*.py"), package / "forces.tsv"]):
        name = path.relative_to(package).as_posix()
        digest.update(name.encode() + b"\0" + path.read_bytes())
    for library in ("weasyprint", "pikepdf", "jinja2", "pydantic"):
        try:
            digest.update(f"{library}={metadata.version(library)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{library}=none".encode())
    return f"{__version__}+{digest.hexdigest()[:16]}"


def template_closure(project: Project, kind: str) -> dict[str, Path] | None:
    """Every template a target's entry templates reach, by name, as the loader resolves it.

    None when a template includes a name computed at render time, which cannot be followed.
    """

    env = make_environment(project.templates_dir)
    found: dict[str, Path] = {}
    pending = list(ENTRY_TEMPLATES[kind])
    while pending:
        name = pending.pop()
        if name in found:
            continue
        try:
            source, filename = template_source(env, name)
            found[name] = Path(filename)
            referenced = list(meta.find_referenced_templates(env.parse(source)))
        except (jinja2.TemplateNotFound, jinja2.TemplateSyntaxError):
            continue  # validation reports it; the build will fail and leave no manifest.
        names = [reference for reference in referenced if reference is not None]
        if len(names) < len(referenced):  # A name computed at render time.
            return None
        pending += names
    return found


def _all_template_files(project: Project) -> list[Path]:
    return [
        path
        for folder in dict.fromkeys([project.templates_dir, builtin_templates_dir()])
        if folder.is_dir()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    ]


def current_inputs(project: Project, target: Target) -> Inputs:
    """Hash the report, the common data and the templates the target uses, as they are now."""
    inputs = Inputs()
    within = input_folders(project)
    closure = template_closure(project, target.kind)
    for path in _input_files(project, target, computed=closure is None):
        inputs.files[str(path)] = file_hash(path, within) or "missing"
    if closure is not None:
        for name, path in sorted(closure.items()):
            inputs.templates[name] = [str(path), file_hash(path, within) or "missing"]
    return inputs


def _input_files(project: Project, target: Target, computed: bool) -> list[Path]:
    """The files recorded by path: the target's data, and every template file when a computed
    include means any of them may be used (a new one too, so it is looked for each time)."""
    return _source_files(project, target) + (_all_template_files(project) if computed else [])


def _source_files(project: Project, target: Target) -> list[Path]:
    """The data a target is made from: its report and the common data, and for a Welsh
    edition their Welsh files and the Welsh catalogues of the templates' words; for the
    national overview, every report."""
    if target.kind == "national":  # Every report: a new one, or one removed, counts.
        return [project.common_path, *(project.report_path(s) for s in project.report_slugs())]
    files = [project.report_path(target.slug), project.common_path]
    if target.language != "en":
        files += [project.welsh_path(target.slug), project.welsh_common_path]
        files += catalogue_paths(target.language, project.templates_dir)
    return files


def input_folders(project: Project) -> list[Path]:
    """Where a build's inputs may be: the project (reports, templates) and ncpi's templates."""
    return [project.root, builtin_templates_dir()]


def manifest_text(
    inputs: Inputs, assets: dict[str, str], outputs: dict[Path, bytes], options: dict
) -> str:
    """The manifest of a finished build, as JSON."""
    return (
        json.dumps(
            {
                "format": MANIFEST_FORMAT,
                "ncpi": code_fingerprint(),
                "options": options,
                "inputs": inputs.files,
                "templates": inputs.templates,
                "assets": assets,
                "outputs": {
                    path.name: hashlib.sha256(data).hexdigest() for path, data in outputs.items()
                },
            },
            indent=1,
            sort_keys=True,
        )
        + "\n"
    )


def _is_str_map(value, item=str) -> bool:
    return isinstance(value, dict) and all(
        isinstance(k, str) and isinstance(v, item) for k, v in value.items()
    )


def read_manifest(project: Project, target: Target) -> dict | None:
    """A target's build record if it is readable and well formed, else None.

    A record is untrusted input like any other file in the project: bounded when read, and
    its shape checked, so an odd one makes the target stale rather than failing.
    """

    path = manifest_path(project, target)
    try:
        recorded = json.loads(project.read_input(path, MAX_MANIFEST_BYTES).decode("utf-8"))
    except (OSError, UnsafeInput, ValueError):
        return None
    if not (
        isinstance(recorded, dict)
        and recorded.get("format") == MANIFEST_FORMAT
        and isinstance(recorded.get("ncpi"), str)
        and isinstance(recorded.get("options"), dict)
        and _is_str_map(recorded.get("inputs"))
        and _is_str_map(recorded.get("assets"))
        and _is_str_map(recorded.get("outputs"))
        and _is_str_map(recorded.get("templates"), list)
        and all(
            len(entry) == 2 and all(isinstance(part, str) for part in entry)
            for entry in recorded["templates"].values()
        )
    ):
        return None
    return recorded


def _may_read(project: Project, target: Target, path: str) -> bool:
    """Whether a path a build record names is one of the target's possible inputs.

    Templates are recorded as the loader names them and assets as resolved, so a path counts
    in either form: a template may be a link to a file elsewhere in the project.
    """
    forms = {Path(os.path.normpath(path)), Path(os.path.realpath(path))}
    sources = {Path(os.path.normpath(source)) for source in _source_files(project, target)}
    roots = {
        Path(form(folder))
        for folder in (project.templates_dir, builtin_templates_dir())
        for form in (os.path.normpath, os.path.realpath)
    }
    return any(
        candidate in sources or any(candidate.is_relative_to(root) for root in roots)
        for candidate in forms
    )


def why_stale(project: Project, target: Target, options: dict) -> str | None:
    """Why a target must be rebuilt, in a few words; None when it is up to date.

    The checks run in order, cheapest first, and the first reason found is the answer.
    """
    if not manifest_path(project, target).exists():
        return "not built yet"
    recorded = read_manifest(project, target)
    if recorded is None:
        return "its build record is unreadable or from another version"
    checks = (_code_or_options, _named_files, _inputs, _new_inputs, _templates, _outputs)
    for check in checks:
        reason = check(project, target, recorded, options)
        if reason is not None:
            return reason
    return None


def _code_or_options(project: Project, target: Target, recorded: dict, options: dict):
    if recorded["ncpi"] != code_fingerprint():
        return "ncpi was upgraded"
    if recorded["options"] != options:
        return "the build options changed"
    return None


def _named_files(project: Project, target: Target, recorded: dict, options: dict):
    """A record that names a file outside the target's possible inputs is never followed."""
    named = [
        *recorded["inputs"],
        *recorded["assets"],
        *(path for path, _ in recorded["templates"].values()),
    ]
    if not all(_may_read(project, target, path) for path in named):
        return "its build record names a file that is not one of its inputs"
    return None


def _inputs(project: Project, target: Target, recorded: dict, options: dict):
    within = input_folders(project)
    for path, digest in {**recorded["inputs"], **recorded["assets"]}.items():
        if file_hash(Path(path), within) != digest:
            return f"{project.display(Path(path))} changed"
    return None


def _new_inputs(project: Project, target: Target, recorded: dict, options: dict):
    # An empty closure is recorded only for a computed include (a target has entry templates).
    for path in _input_files(project, target, computed=not recorded["templates"]):
        if str(path) not in recorded["inputs"]:
            return f"{project.display(path)} is new"
    return None


def _templates(project: Project, target: Target, recorded: dict, options: dict):
    """Each template still resolves to the file recorded, and that file is unchanged."""

    within = input_folders(project)
    env = make_environment(project.templates_dir)
    for name, (path, digest) in recorded["templates"].items():
        try:
            now = template_source(env, name)[1]
        except jinja2.TemplateNotFound:
            return f"template {name} is gone"
        if os.path.normpath(now) != os.path.normpath(path):
            return f"template {name} is now {project.display(Path(now))}"
        if file_hash(Path(path), within) != digest:
            return f"{project.display(Path(path))} changed"
    return None


def _outputs(project: Project, target: Target, recorded: dict, options: dict):
    outputs = recorded["outputs"]
    for path in output_paths(project, target).values():
        if path.name not in outputs or file_hash(path) != outputs[path.name]:
            return f"{project.display(path)} is missing or was changed"
    return None
