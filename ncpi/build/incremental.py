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
import sys
import time
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from ncpi import __version__
from ncpi.build.targets import KINDS, BuildOptions, Target, manifest_path, output_paths
from ncpi.defaults import builtin_templates_dir
from ncpi.project import Project
from ncpi.reading import UnsafeInput, read_bounded
from ncpi.render.names import catalogue_paths, find_template

MANIFEST_FORMAT = 2  # 2: the outputs' status as written (output_status)

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


def file_hash(path: Path | str, within: list[Path] | None = None) -> str | None:
    """The SHA-256 of a file's bytes, or None if it cannot or may not be read.

    Only regular files inside `within` (by default the file's own folder) are read, bounded.
    """

    folders = tuple(within or [Path(path).parent])
    try:
        # On the path as given, without a Path made of it: an idle build asks this 800 times.
        stat = os.stat(path)
        key = (folders, stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns)
        if key not in _hash_cache:
            data = read_bounded(
                Path(path),
                limit=MAX_HASHED_BYTES,
                within=_resolved_folders(folders),
                within_resolved=True,
            )
            _hash_cache[key] = hashlib.sha256(data).hexdigest()
        return _hash_cache[key]
    except (OSError, UnsafeInput):
        return None


@cache
def _resolved_folders(folders: tuple[Path, ...]) -> list[Path]:
    # Once per process: the project's and ncpi's folders. Were one moved meanwhile, a file
    # inside its new place would lie outside the old one, and be refused, never let through.
    return [Path(os.path.realpath(folder)) for folder in folders]


#: A file whose status changed this shortly before its hash was taken is hashed again when it
#: is next asked for: a file system's clock may move in steps, and a save in the same step as
#: the last would leave the same times (git's rule for its "racily clean" entries).
RACY_NANOSECONDS = 2_000_000_000
INSTALLED_HASHES_FORMAT = 1
MAX_INSTALLED_HASHES_BYTES = 5_000_000


def _package_folder() -> Path:
    return Path(__file__).resolve().parents[1]  # ncpi/, from ncpi/build/


def own_code_files() -> list[Path]:
    """ncpi's code and its force list, in order."""
    package = str(_package_folder())
    files = [os.path.join(package, "forces.tsv")]
    for folder, subfolders, names in os.walk(package):  # os.walk: a third of rglob's time
        subfolders[:] = [name for name in subfolders if name != "__pycache__"]
        files += [os.path.join(folder, name) for name in names if name.endswith(".py")]
    return [Path(path) for path in sorted(files)]


def own_files() -> list[Path]:
    """ncpi's own files: its code, then every file of its templates (templates, stylesheets,
    catalogues, fonts)."""
    templates = [path for path in builtin_templates_dir().rglob("*") if path.is_file()]
    return own_code_files() + sorted(templates)


def installed_hashes_path() -> Path:
    """Where the hashes of ncpi's own files are kept: inside its installation."""
    return Path(sys.prefix) / "share" / "ncpi" / "own-files.json"


def _status(info: os.stat_result) -> list[int]:
    return [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino]


def record_installed_hashes(path: Path | None = None) -> int:
    """Hash ncpi's own files into its installation, as compile_installed_templates compiles
    its templates: each with the status it had, so that a run trusts a hash only while its
    file is as it was, as Python trusts a compiled module. Run by scripts/setup.sh; the
    number of files recorded (one saved just before is left out: it is hashed at each run)."""
    path = path or installed_hashes_path()
    started = time.time_ns()
    files = {}
    for file in own_files():
        info = os.stat(file)
        if info.st_ctime_ns >= started - RACY_NANOSECONDS:
            continue
        data = file.read_bytes()
        if _status(os.stat(file)) != _status(info):  # Saved while read.
            continue
        files[str(file)] = [*_status(info), hashlib.sha256(data).hexdigest()]
    path.parent.mkdir(parents=True, exist_ok=True)
    record = {"format": INSTALLED_HASHES_FORMAT, "files": files}
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    os.replace(temporary, path)
    return len(files)


@cache
def _installed_hashes() -> dict[str, list]:
    """The installation's hashes of ncpi's own files, by path; none if unreadable or unsound."""
    path = installed_hashes_path()
    try:
        raw = read_bounded(path, limit=MAX_INSTALLED_HASHES_BYTES, within=[path.parent])
        record = json.loads(raw)
    except (OSError, UnsafeInput, ValueError):
        return {}
    if not isinstance(record, dict) or record.get("format") != INSTALLED_HASHES_FORMAT:
        return {}
    files = record.get("files")
    if not isinstance(files, dict):
        return {}
    return {
        name: entry
        for name, entry in files.items()
        if isinstance(entry, list)
        and len(entry) == 5
        and all(type(number) is int for number in entry[:4])
        and isinstance(entry[4], str)
    }


def installed_hash(path: str, info: os.stat_result) -> str | None:
    """The SHA-256 of one of ncpi's own files as recorded when it was installed, if the file's
    status (`info`: size, times, inode) is still the one recorded with it."""
    entry = _installed_hashes().get(path)
    return entry[4] if entry is not None and entry[:4] == _status(info) else None


def _own_file_hash(path: Path) -> str:
    recorded = installed_hash(str(path), os.stat(path))
    return recorded or hashlib.sha256(path.read_bytes()).hexdigest()


@cache
def code_fingerprint() -> str:
    """ncpi's version and source, and the versions of the libraries that shape the output."""
    digest = hashlib.sha256(__version__.encode())
    package = _package_folder()
    for path in own_code_files():  # The templates are inputs, hashed as such.
        name = path.relative_to(package).as_posix()
        digest.update(name.encode() + b"\0" + _own_file_hash(path).encode())
    for library in ("weasyprint", "pikepdf", "jinja2", "pydantic"):
        digest.update(f"{library}={installed_version(library)}".encode())
    return f"{__version__}+{digest.hexdigest()[:16]}"


def installed_version(library: str) -> str:
    """A library's installed version, from the name of its .dist-info folder (as pip and uv
    write it), looked for along the import path in order; "none" if it is not installed.
    importlib.metadata gives the same answer, but importing it costs a build that has nothing
    to do a tenth of its time."""
    return _installed_versions().get(library, "none")


@cache
def _installed_versions() -> dict[str, str]:
    # Once per process, in one pass: looking along the path for each library in turn went
    # through the standard library's hundreds of names six times (3 ms of a validation).
    versions: dict[str, str] = {}
    for folder in sys.path:
        try:
            names = os.listdir(folder or ".")
        except OSError:
            continue
        for name in names:
            if name.endswith(".dist-info"):
                library, _, version = name[: -len(".dist-info")].partition("-")
                versions.setdefault(library, version)  # The first along the path is imported.
    return versions


def all_template_files(project: Project) -> list[Path]:
    """Every file of the project's templates and of ncpi's: templates, catalogues, fonts."""
    return [
        path
        for folder in dict.fromkeys([project.templates_dir, builtin_templates_dir()])
        if folder.is_dir()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    ]


def input_files(project: Project, target: Target, computed: bool) -> list[Path]:
    """The files recorded by path: the target's data, and every template file when a computed
    include means any of them may be used (a new one too, so it is looked for each time)."""
    return source_files(project, target) + (all_template_files(project) if computed else [])


def source_files(project: Project, target: Target) -> list[Path]:
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
    """The manifest of a finished build, as JSON; made once `outputs` are written, whose status
    it records (see _outputs)."""
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
                "output_status": {
                    path.name: status
                    for path, data in outputs.items()
                    if (status := _written_status(path, data)) is not None
                },
            },
            indent=1,
            sort_keys=True,
        )
        + "\n"
    )


def _written_status(path: Path, data: bytes) -> list[int] | None:
    """An output's status just after it was written, if the file there has `data`'s size."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return _status(info) if info.st_size == len(data) else None


def is_str_map(value, item=str) -> bool:
    """Whether a value read from a record is an object of strings to `item`s."""
    return isinstance(value, dict) and all(
        isinstance(k, str) and isinstance(v, item) for k, v in value.items()
    )


def read_record_json(project: Project, path: Path, limit: int, record_format: int) -> dict | None:
    """A record's JSON object, if it is readable and of this format, made by some ncpi; else
    None. The caller checks the rest of its shape."""
    try:
        recorded = json.loads(project.read_input(path, limit).decode("utf-8"))
    except (OSError, UnsafeInput, ValueError):
        return None
    if (
        isinstance(recorded, dict)
        and recorded.get("format") == record_format
        and isinstance(recorded.get("ncpi"), str)
    ):
        return recorded
    return None


def read_manifest(project: Project, target: Target) -> dict | None:
    """A target's build record if it is readable and well formed, else None.

    A record is untrusted input like any other file in the project: bounded when read, and
    its shape checked, so an odd one makes the target stale rather than failing.
    """

    path = manifest_path(project, target)
    recorded = read_record_json(project, path, MAX_MANIFEST_BYTES, MANIFEST_FORMAT)
    if not (
        recorded is not None
        and isinstance(recorded.get("options"), dict)
        and is_str_map(recorded.get("inputs"))
        and is_str_map(recorded.get("assets"))
        and is_str_map(recorded.get("outputs"))
        and is_str_map(recorded.get("templates"), list)
        and all(
            len(entry) == 2 and all(isinstance(part, str) for part in entry)
            for entry in recorded["templates"].values()
        )
        and is_str_map(recorded.get("output_status"), list)
        and all(
            len(status) == 4 and all(type(number) is int for number in status)
            for status in recorded["output_status"].values()
        )
    ):
        return None
    return recorded


def _readable_paths(project: Project, target: Target):
    """A test of whether a path a build record names is one of the target's possible inputs.

    Templates are recorded as the loader names them and assets as resolved, so a path counts
    in either form: a template may be a link to a file elsewhere in the project. The target's
    sources and template folders are resolved once, not for each path a record names.
    """
    sources = {os.path.normpath(source) for source in source_files(project, target)}
    roots = tuple(
        os.path.join(form(folder), "")
        for folder in (project.templates_dir, builtin_templates_dir())
        for form in (os.path.normpath, os.path.realpath)
    )

    def counts(path: str) -> bool:
        return path in sources or path.startswith(roots)

    def may_read(path: str) -> bool:
        # The resolved form only when the written one does not count: most paths do.
        return counts(os.path.normpath(path)) or counts(os.path.realpath(path))

    return may_read


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
    may_read = _readable_paths(project, target)
    if not all(may_read(path) for path in named):
        return "its build record names a file that is not one of its inputs"
    return None


def _inputs(project: Project, target: Target, recorded: dict, options: dict):
    within = input_folders(project)
    for path, digest in {**recorded["inputs"], **recorded["assets"]}.items():
        if file_hash(path, within) != digest:
            return f"{project.display(Path(path))} changed"
    return None


def _new_inputs(project: Project, target: Target, recorded: dict, options: dict):
    # An empty closure is recorded only for a computed include (a target has entry templates).
    for path in input_files(project, target, computed=not recorded["templates"]):
        if str(path) not in recorded["inputs"]:
            return f"{project.display(path)} is new"
    return None


def _templates(project: Project, target: Target, recorded: dict, options: dict):
    """Each template still resolves to the file recorded, and that file is unchanged."""

    within = input_folders(project)
    for name, (path, digest) in recorded["templates"].items():
        now = find_template(project.templates_dir, name)
        if now is None:
            return f"template {name} is gone"
        if os.path.normpath(now) != os.path.normpath(path):
            return f"template {name} is now {project.display(now)}"
        if file_hash(path, within) != digest:
            return f"{project.display(Path(path))} changed"
    return None


def _outputs(project: Project, target: Target, recorded: dict, options: dict):
    """Each output is there and unchanged: by its status where it is the one recorded when the
    build wrote it (size, times, inode), else by its content. Reading and hashing every output
    again took a fifth of an idle build (13 MB for 43 reports). Any write changes the status
    (the change time, which no one can set back, included), unless it falls in the same tick
    of the file system's clock as ncpi's own write; ncpi writes a new file (a new inode) each
    time, and the same bytes from the same inputs."""
    outputs, written = recorded["outputs"], recorded["output_status"]
    for path in output_paths(project, target).values():
        if path.name not in outputs:
            return f"{project.display(path)} is missing or was changed"
        try:
            as_written = _status(os.stat(path)) == written.get(path.name)
        except OSError:
            as_written = False
        if not as_written and file_hash(path) != outputs[path.name]:
            return f"{project.display(path)} is missing or was changed"
    return None


def built_editions(project: Project, slugs: list[str] | None) -> frozenset[tuple[str, str]]:
    """The editions (force, language) of the named reports (all by default) whose report and
    press release are up to date, built with the default options: their documents were
    rendered from the files as they are now, which `validate` need not do again."""
    record = BuildOptions().as_record()
    return frozenset(
        (slug, language)
        for slug in (project.report_slugs() if slugs is None else slugs)
        for language in project.languages(slug)
        if all(why_stale(project, Target(slug, kind, language), record) is None for kind in KINDS)
    )
