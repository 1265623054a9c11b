"""Stage 4, write: outputs reach their final names complete, together, and only inside build/.

Every folder under the project's build/ is opened without following symbolic links, and every
file is created, renamed and removed relative to that open folder (dir_fd), so a link in place
of build/, build/FORCE/ or build/FORCE/preview/, even one swapped in during the run, is refused
instead of being written or deleted through. A document's outputs are all written to temporary
files first and then renamed in one short step.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import secrets
import stat
from collections.abc import Collection
from contextlib import contextmanager, suppress
from pathlib import Path

from ncpi.build.incremental import MAX_MANIFEST_BYTES, read_manifest
from ncpi.build.targets import (
    PREVIEW_PAGE,
    PUBLISH_FOLDER,
    WHOLE_SET_FOLDERS,
    Target,
    bundle_names,
    every_output_name,
    every_target_of,
)
from ncpi.errors import OutputError
from ncpi.registry import forces

# No O_CLOEXEC: os.open's descriptors are never inherited by child processes (PEP 446).
_DIRECTORY = os.O_RDONLY | os.O_DIRECTORY
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
#: Left in build/ when ncpi made it, so that `clean` removes only a build/ folder it made.
MADE_BY_NCPI = ".made-by-ncpi"
#: The record of the preview pages written, so that `clean` removes only those.
PREVIEW_RECORD = ".manifest-preview.json"
#: The most read of a preview record, which lists at most a few thousand page names.
MAX_PREVIEW_RECORD_BYTES = 1_000_000


@contextmanager
def build_folder(project, *parts: str):
    """The open folder build/PARTS… (a file descriptor), made if missing; a link is refused."""
    with _open_build_folder(project, parts, create=True) as folder:
        yield folder


@contextmanager
def existing_build_folder(project, *parts: str):
    """The open folder build/PARTS…, or None if it does not exist: nothing is made."""
    with _open_build_folder(project, parts, create=False) as folder:
        yield folder


@contextmanager
def _open_build_folder(project, parts: tuple[str, ...], create: bool):
    """build/PARTS… opened level by level, each refused if it is a link."""
    shown = "/".join(["build", *parts])
    descriptors = [os.open(project.root, _DIRECTORY)]
    try:
        for depth, name in enumerate(["build", *parts]):
            try:
                descriptors.append(os.open(name, _DIRECTORY | _NOFOLLOW, dir_fd=descriptors[-1]))
                continue
            except FileNotFoundError:
                if not create:
                    yield None
                    return
            except OSError as error:
                level = "/".join(["build", *parts][: depth + 1])
                if error.errno in (errno.ELOOP, errno.EMLINK) or _is_link(name, descriptors[-1]):
                    raise OutputError(
                        f"{level} is a symbolic link: ncpi writes and deletes only "
                        "inside the project's own build/ folder, never through a "
                        f"link; remove the link {level}"
                    ) from error
                if error.errno == errno.ENOTDIR:
                    raise OutputError(
                        f"cannot write to {level}: it is a file, not a folder; move it away"
                    ) from error
                raise OutputError(f"cannot open {shown}: {error.strerror}") from error
            try:
                os.mkdir(name, 0o755, dir_fd=descriptors[-1])
            except FileExistsError:
                pass
            except OSError as error:
                raise OutputError(f"cannot make {shown}: {error.strerror}") from error
            descriptors.append(os.open(name, _DIRECTORY | _NOFOLLOW, dir_fd=descriptors[-1]))
            if depth == 0:
                _write_file(descriptors[-1], MADE_BY_NCPI, b"")
        yield descriptors[-1]
    finally:
        for descriptor in descriptors:
            os.close(descriptor)


def read_recorded_output(project, target: Target, suffix: str, limit: int) -> bytes | None:
    """One of a target's outputs as its build record names it, or None: a regular file in
    build/FORCE/, reached and opened without following a link, bounded, and holding the bytes
    the record's SHA-256 names (what serve sends; never a file planted in its place)."""
    record = read_manifest(project, target)
    name = target.output_names[suffix]
    expected = record["outputs"].get(name) if record is not None else None
    if expected is None:
        return None
    try:
        with existing_build_folder(project, target.slug) as folder:
            if folder is None:
                return None
            descriptor = os.open(name, os.O_RDONLY | _NOFOLLOW, dir_fd=folder)
            with os.fdopen(descriptor, "rb") as file:
                if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
                    return None
                data = file.read(limit + 1)
    except (OSError, OutputError):
        return None
    if len(data) > limit or hashlib.sha256(data).hexdigest() != expected:
        return None
    return data


def _is_link(name: str, folder: int) -> bool:
    # With O_DIRECTORY, Linux reports a link as "not a folder" (ENOTDIR), not ELOOP.
    try:
        return stat.S_ISLNK(os.lstat(name, dir_fd=folder).st_mode)
    except OSError:
        return False


def _umask() -> int:
    """The process's umask, read without changing it where Linux tells it (other threads may
    be creating files); elsewhere set and put back at once."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _write_file(folder: int, name: str, data: bytes, durable: bool = True) -> None:
    """Create `name` in the open folder (never through a link), write it and, if `durable`,
    flush it to disk."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW
    descriptor = os.open(name, flags, 0o600, dir_fd=folder)  # Private until it is complete.
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(descriptor, view) :]
        if durable:
            os.fsync(descriptor)
        # As the folders: 0644 less the umask (private under 077), never group-writable,
        # once it is complete.
        os.fchmod(descriptor, 0o644 & ~_umask())
    except BaseException:
        os.close(descriptor)
        os.unlink(name, dir_fd=folder)  # A full disk leaves no half-written file behind.
        raise
    os.close(descriptor)


def _temporary_name(name: str) -> str:
    return f".{name}.{secrets.token_hex(6)}.tmp"


#: What ncpi's own temporary files look like, so that `clean` removes no one else's.
TEMPORARY = re.compile(r"^\.(?P<name>.+)\.[0-9a-f]{12}\.tmp$")


def write_outputs(project, files: dict[Path, bytes], *, durable: bool = True) -> list[Path]:
    """Write outputs under build/ together: every one to a temporary file, then all renamed.

    A failure while writing changes nothing. A failure while renaming (rare: the data is
    already on disk) says exactly which outputs were replaced and which were not. Not
    `durable`: not flushed to disk, for a file that only saves time, whose loss in a power
    cut (an empty or cut file, refused as unreadable when read) costs only that time.
    """
    by_folder: dict[tuple[str, ...], dict[str, bytes]] = {}
    for path, data in files.items():
        parts = path.relative_to(project.build_dir).parts
        by_folder.setdefault(parts[:-1], {})[parts[-1]] = data
    shown = [project.display(path) for path in files]
    with _open_all(project, list(by_folder)) as folders:
        pending: list[tuple[int, str, str, Path]] = []
        try:
            for parts, outputs in by_folder.items():
                for name, data in outputs.items():
                    temporary = _temporary_name(name)
                    _write_file(folders[parts], temporary, data, durable)
                    pending.append(
                        (folders[parts], temporary, name, project.build_dir.joinpath(*parts, name))
                    )
        except BaseException as error:  # Failed, or interrupted (Ctrl-C, SIGTERM).
            _discard(pending)
            if isinstance(error, OSError):
                raise OutputError(
                    f"cannot write {', '.join(shown)}: {error.strerror}; the previous "
                    "files, if any, are unchanged"
                ) from error
            raise
        replaced: list[str] = []
        for index, (folder, temporary, name, path) in enumerate(pending):
            try:
                os.replace(temporary, name, src_dir_fd=folder, dst_dir_fd=folder)
            except OSError as error:
                _discard(pending[index:])
                kept = [project.display(p) for *_, p in pending[index:]]
                raise OutputError(
                    f"cannot replace {project.display(path)}: {error.strerror}. Replaced: "
                    f"{', '.join(replaced) or 'none'}; unchanged: {', '.join(kept)}. Build "
                    "again to make them match"
                ) from error
            replaced.append(project.display(path))
        for folder in folders.values() if durable else ():
            os.fsync(folder)  # The renames themselves reach the disk.
    return list(files)


@contextmanager
def _open_all(project, folders: list[tuple[str, ...]]):
    opened, stack = {}, []
    try:
        for parts in folders:
            manager = build_folder(project, *parts)
            opened[parts] = manager.__enter__()
            stack.append(manager)
        yield opened
    finally:
        for manager in reversed(stack):
            manager.__exit__(None, None, None)


def _discard(pending) -> None:
    for folder, temporary, *_ in pending:
        with suppress(OSError):
            os.unlink(temporary, dir_fd=folder)


def write_atomically(path: Path, data: bytes) -> None:
    """Write a file outside build/ (schema/) through a temporary file renamed into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    folder = os.open(path.parent, _DIRECTORY)
    temporary = _temporary_name(path.name)
    try:
        _write_file(folder, temporary, data)
        os.replace(temporary, path.name, src_dir_fd=folder, dst_dir_fd=folder)
    except OSError as error:
        _discard([(folder, temporary)])
        raise OutputError(
            f"cannot write {path}: {error.strerror}; the previous file, if any, is unchanged"
        ) from error
    finally:
        os.close(folder)


def write_new_file(path: Path, data: bytes) -> None:
    """Write a file that must not exist yet, completely or not at all; never replace one."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        folder = os.open(path.parent, _DIRECTORY)
    except OSError as error:
        raise OutputError(f"cannot write to {path.parent}: {error.strerror}") from error
    temporary = _temporary_name(path.name)
    try:
        _write_file(folder, temporary, data)
        # link() never replaces a file, where rename() would; a link in its place is a file too.
        os.link(temporary, path.name, src_dir_fd=folder, dst_dir_fd=folder)
    except FileExistsError as error:
        raise OutputError(f"{path} already exists; it was left as it is") from error
    except OSError as error:
        raise OutputError(f"cannot write {path}: {error.strerror}") from error
    finally:
        _discard([(folder, temporary)])
        os.close(folder)


def _recorded_names(folder: int, slug: str) -> set[str]:
    """The files ncpi's build records in an open build/FORCE/ folder say it wrote there."""

    names = set()
    for target in every_target_of(slug):
        record = target.manifest_name
        expected = set(target.output_names.values())
        try:
            descriptor = os.open(record, os.O_RDONLY | _NOFOLLOW | os.O_NONBLOCK, dir_fd=folder)
        except OSError:
            continue
        try:
            if not stat.S_ISREG(os.fstat(descriptor).st_mode):
                continue
            content = json.loads(os.read(descriptor, MAX_MANIFEST_BYTES))
        except (OSError, ValueError):
            content = None  # Damaged: the record itself is still ncpi's.
        finally:
            os.close(descriptor)
        names.add(record)
        outputs = content.get("outputs") if isinstance(content, dict) else None
        # Only the names ncpi would write: a damaged record cannot name another file.
        names |= expected & set(outputs if isinstance(outputs, dict) else ())
    return names


def _remove(folder: int, name: str) -> bool:
    try:
        os.unlink(name, dir_fd=folder)  # Removes a link itself, never what it points to.
        return True
    except FileNotFoundError:
        return False
    except OSError as error:
        raise OutputError(f"cannot remove {name}: {error.strerror}") from error


def remove_outputs(project, slugs: list[str] | None = None) -> list[Path]:
    """Remove what ncpi's records say it wrote under build/, and the folders it made; no more."""
    removed: list[Path] = []
    with existing_build_folder(project) as build:
        if build is None:
            return []
        every_force = slugs is None
        if slugs is None:  # Folders only: a link in build/ is never followed.
            with os.scandir(build) as entries:
                slugs = sorted(
                    entry.name for entry in entries if entry.is_dir(follow_symlinks=False)
                )
        slugs = [s for s in slugs if s not in WHOLE_SET_FOLDERS]
        for slug in slugs:
            removed += _clean_force(project, build, slug)
        removed += _clean_publish(project, None if every_force else slugs)
        if every_force:
            removed += _clean_national(project, build)
        # Only ncpi's mark is left: build/ is a folder ncpi made, and nothing else is in it.
        only_the_mark_left = set(os.listdir(build)) == {MADE_BY_NCPI}
        if only_the_mark_left:
            _remove(build, MADE_BY_NCPI)
    if only_the_mark_left:
        root = os.open(project.root, _DIRECTORY)
        try:
            os.rmdir("build", dir_fd=root)  # Only if empty, and never through a link.
        except OSError:
            pass
        finally:
            os.close(root)
    return removed


def _clean_publish(project, slugs: list[str] | None) -> list[Path]:
    """Remove the publication bundles of these forces (None: of every force); only the names
    publish writes."""
    removed: list[Path] = []
    publish = project.build_dir / PUBLISH_FOLDER
    with existing_build_folder(project, PUBLISH_FOLDER) as folder:
        if folder is None:
            return []
        if slugs is None:  # Each bundle folder and zip; a link is never followed.
            with os.scandir(folder) as entries:
                found = {e.name for e in entries if e.is_dir(follow_symlinks=False)}
                found |= {n.removesuffix(".zip") for n in os.listdir(folder) if n.endswith(".zip")}
            slugs = sorted(found & set(forces()))  # publish writes bundles of forces only
        for slug in slugs:
            removed += remove_from_bundle(project, slug)
            with suppress(OSError):
                os.rmdir(slug, dir_fd=folder)  # Only if nothing of anyone else's is left.
            if _remove(folder, f"{slug}.zip"):
                removed.append(publish / f"{slug}.zip")
    with existing_build_folder(project) as build, suppress(OSError):
        os.rmdir(PUBLISH_FOLDER, dir_fd=build)
    return removed


def remove_from_bundle(project, slug: str, keep: Collection[str] = ()) -> list[Path]:
    """Remove the files publish writes in a force's bundle folder, but those in `keep`: all of
    them for `clean`, and what the new bundle no longer holds (a withdrawn Welsh edition)."""
    removed: list[Path] = []
    with existing_build_folder(project, PUBLISH_FOLDER, slug) as bundle:
        if bundle is None:
            return []
        for name in sorted(os.listdir(bundle)):
            temporary = TEMPORARY.match(name)
            ours = name in bundle_names(slug) or (
                temporary and temporary.group("name") in bundle_names(slug)
            )
            if ours and name not in keep and _remove(bundle, name):
                removed.append(project.build_dir / PUBLISH_FOLDER / slug / name)
    return removed


def _clean_national(project, build: int) -> list[Path]:
    """Remove the whole-set outputs targets.py names: the overview, the data, the index."""
    removed: list[Path] = []
    for parts, names in every_output_name(project).items():
        with existing_build_folder(project, *parts) as folder:
            if folder is None:
                continue
            for name in sorted(os.listdir(folder)):
                temporary = TEMPORARY.match(name)
                ours = name in names or (temporary and temporary.group("name") in names)
                if ours and _remove(folder, name):
                    removed.append(project.build_dir.joinpath(*parts, name))
        if parts:
            with suppress(OSError):
                os.rmdir(parts[-1], dir_fd=build)  # Only if nothing of anyone else's is left.
    return removed


def _clean_force(project, build: int, slug: str) -> list[Path]:
    removed: list[Path] = []
    folder_path = project.build_dir / slug
    with existing_build_folder(project, slug) as folder:
        if folder is None:
            return []
        ours = _recorded_names(folder, slug)
        for name in sorted(os.listdir(folder)):
            temporary = TEMPORARY.match(name)
            ours_to_remove = name in ours or (
                temporary and temporary.group("name") in _possible_outputs(slug)
            )
            if ours_to_remove and _remove(folder, name):
                removed.append(folder_path / name)
        pages = _clean_preview(project, slug, folder)
        removed += pages
    # A folder ncpi built into; removed only once nothing of anyone else's is left.
    if ours or pages:
        with suppress(OSError):
            os.rmdir(slug, dir_fd=build)
    return removed


def _possible_outputs(slug: str) -> set[str]:
    return {
        name
        for target in every_target_of(slug)
        for name in [*target.output_names.values(), target.manifest_name]
    }


def _clean_preview(project, slug: str, folder: int) -> list[Path]:
    try:
        preview = os.open("preview", _DIRECTORY | _NOFOLLOW, dir_fd=folder)
    except OSError:
        return []  # None, or a link: never followed.
    removed = []
    try:
        for name in _preview_record(preview) | {PREVIEW_RECORD}:
            if _remove(preview, name):
                removed.append(project.build_dir / slug / "preview" / name)
        empty = not os.listdir(preview)
    finally:
        os.close(preview)
    if empty:
        os.rmdir("preview", dir_fd=folder)
    return [path for path in removed if path.name != PREVIEW_RECORD]


def _preview_record(preview: int) -> set[str]:
    try:
        descriptor = os.open(
            PREVIEW_RECORD, os.O_RDONLY | _NOFOLLOW | os.O_NONBLOCK, dir_fd=preview
        )
    except OSError:
        return set()
    try:
        names = json.loads(os.read(descriptor, MAX_PREVIEW_RECORD_BYTES))
    except (OSError, ValueError):
        return set()
    finally:
        os.close(descriptor)
    return (
        {name for name in names if isinstance(name, str) and PREVIEW_PAGE.fullmatch(name)}
        if isinstance(names, list)
        else set()
    )


def write_preview(project, slug: str, pages: dict[str, bytes], prefix: str) -> list[Path]:
    """Replace build/FORCE/preview/'s pages named PREFIX-N.png, recording them for `clean`."""
    with build_folder(project, slug, "preview") as preview:
        recorded = _preview_record(preview)
        for name in recorded - set(pages):
            if name.startswith(f"{prefix}-"):
                _remove(preview, name)
                recorded.discard(name)
    record = json.dumps(sorted(recorded | set(pages))).encode()
    folder = project.build_dir / slug / "preview"
    write_outputs(
        project,
        {**{folder / name: data for name, data in pages.items()}, folder / PREVIEW_RECORD: record},
    )
    return [folder / name for name in sorted(pages)]
