"""Reading inputs, bounded: regular files inside the project only, size checked before reading.

Every read of a report, the common data, a build record or a file a build record names goes
through `read_bounded`, so that a report that is a link to /dev/zero, a 2 GB file, a FIFO or a
file elsewhere on the machine is refused at once with a message, never read, hung on or quoted.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from ncpi.errors import NcpiError


class UnsafeInput(NcpiError):
    """An input that ncpi refuses to read: not a regular file, too large, or outside the project."""


def read_bounded(
    path: Path,
    *,
    limit: int,
    within: list[Path],
    name: str | None = None,
    within_resolved: bool = False,
) -> bytes:
    """The bytes of `path`, if it is a regular file of at most `limit` bytes inside `within`.

    Links are resolved first and must stay inside one of the `within` folders. The file is
    opened without blocking (a FIFO would otherwise wait forever for a writer), checked to be
    the same regular file that was resolved, and its size checked before anything is read.
    """
    name = name or str(path)
    resolved = Path(os.path.realpath(path))
    # Resolved by a caller that reads many files inside the same folders.
    roots = within if within_resolved else [Path(os.path.realpath(f)) for f in within]
    if not any(resolved.is_relative_to(root) for root in roots):
        raise UnsafeInput(
            f"{name} is a link to a file outside the project; ncpi reads only files inside it"
        )
    # No O_CLOEXEC: os.open's descriptors are never inherited by child processes (PEP 446).
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(resolved, flags | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        raise
    except OSError as error:
        raise UnsafeInput(f"cannot read {name}: {error.strerror}") from error
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UnsafeInput(
                f"{name} is not a regular file (a device, a pipe or a folder); "
                "ncpi reads only ordinary files"
            )
        if info.st_size > limit:
            raise UnsafeInput(
                f"{name} is larger than {limit:,} bytes, the most ncpi reads "
                "from such a file: is it the right file?"
            )
        chunks, remaining = [], limit + 1
        while remaining > 0:
            chunk = os.read(fd, min(remaining, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
        data = b"".join(chunks)
        if len(data) > limit:  # It grew while being read.
            raise UnsafeInput(
                f"{name} is larger than {limit:,} bytes, the most ncpi reads from such a file"
            )
        return data
    finally:
        os.close(fd)
