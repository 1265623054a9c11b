"""Stage 4, write: every output reaches its final name complete, or not at all."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ncpi_cli.errors import OutputError


def write_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, flush it to disk, then rename it into place.

    A crash or a full disk leaves either the previous file or the new one, never half of one.
    """
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
        os.replace(temporary, path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise OutputError(f"cannot write {path}: {error.strerror}; the previous file, if any, "
                          "is unchanged") from error
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_outputs(files: dict[Path, bytes]) -> list[Path]:
    """Write several outputs, each atomically; return their paths."""
    for path, data in files.items():
        write_atomically(path, data)
    return list(files)
