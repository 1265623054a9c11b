"""Stage 4, write: every output reaches its final name complete, or not at all."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ncpi_cli.errors import OutputError


def _complete_temporary(path: Path, data: bytes) -> Path:
    """`data` in a new temporary file beside `path`, flushed to disk, ready to be renamed."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:
        raise OutputError(f"cannot write to {path.parent}: {error.strerror}") from error
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
    except BaseException as error:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise OutputError(f"cannot write {path}: {error.strerror}; the previous file, if "
                              "any, is unchanged") from error
        raise
    return Path(temporary)


def write_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, flush it to disk, then rename it into place.

    A crash or a full disk leaves either the previous file or the new one, never half of one.
    """
    temporary = _complete_temporary(path, data)
    try:
        os.replace(temporary, path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise OutputError(f"cannot write {path}: {error.strerror}; the previous file, if any, "
                          "is unchanged") from error


def write_outputs(files: dict[Path, bytes]) -> list[Path]:
    """Write several outputs, each atomically; return their paths."""
    for path, data in files.items():
        write_atomically(path, data)
    return list(files)


def write_new_file(path: Path, data: bytes) -> None:
    """Write a file that must not exist yet, completely or not at all; never replace one."""
    temporary = _complete_temporary(path, data)
    try:
        os.link(temporary, path)  # Unlike rename, a hard link fails if the name exists.
    except FileExistsError as error:
        raise OutputError(f"{path} already exists; it was left as it is") from error
    except OSError as error:
        raise OutputError(f"cannot write {path}: {error.strerror}") from error
    finally:
        temporary.unlink(missing_ok=True)


def remove_outputs(project, slugs: list[str] | None = None) -> list[Path]:
    """Remove what ncpi wrote under build/ for the forces named (all by default), nothing else."""
    from ncpi_cli.incremental import KINDS, Target, manifest_path, output_files

    if not project.build_dir.is_dir():
        return []
    if slugs is None:
        slugs = sorted(p.name for p in project.build_dir.iterdir() if p.is_dir())
    removed = []
    for slug in slugs:
        folder = project.build_dir / slug
        if not folder.is_dir():
            continue
        ours = [path for kind in KINDS for path in (*output_files(project, Target(slug, kind)),
                                                    manifest_path(project, Target(slug, kind)))]
        ours += [*folder.glob("preview/page-*.png"), *folder.glob(".*.tmp")]
        for path in ours:
            if path.is_file():
                path.unlink()
                removed.append(path)
        for empty in (folder / "preview", folder):
            try:
                empty.rmdir()
            except OSError:
                pass  # Not empty: something of the user's is there, so the folder stays.
    try:
        project.build_dir.rmdir()
    except OSError:
        pass
    return removed
