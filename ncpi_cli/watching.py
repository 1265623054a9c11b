"""`ncpi watch`: poll a force's inputs and rebuild when one changes.

Polling twice a second needs no extra library and works on every file system (network drives
and editors that save by renaming included); the hash check in the build then decides what
is really out of date.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from ncpi_cli.project import Project
from ncpi_cli.templating import builtin_templates_dir

POLL_SECONDS = 0.5
SETTLE_SECONDS = 0.2  # Editors often write a file in several steps; wait for the last.


def snapshot(project: Project, slugs: list[str]) -> dict[str, tuple[int, int]]:
    """The size and modification time of every file the forces' documents can depend on."""
    paths = [project.report_path(slug) for slug in slugs] + [project.common_path]
    for folder in dict.fromkeys([project.templates_dir, builtin_templates_dir()]):
        if folder.is_dir():
            paths += [path for path in folder.rglob("*") if path.is_file()]
    state = {}
    for path in paths:
        try:
            stat = path.stat()
            state[str(path)] = (stat.st_size, stat.st_mtime_ns)
        except OSError:
            state[str(path)] = (-1, -1)  # Missing: its return is a change too.
    return state


def watch(
    project: Project, slugs: list[str], rebuild: Callable[[], None], *, rounds: int | None = None
) -> None:
    """Call `rebuild` now and after every change to the inputs, until interrupted."""
    # Each snapshot is taken before the build it precedes, so a save during a build is not
    # mistaken for what was built: it triggers the next round.
    seen = snapshot(project, slugs)
    rebuild()
    while rounds is None or rounds > 0:
        time.sleep(POLL_SECONDS)
        now = snapshot(project, slugs)
        if now != seen:
            time.sleep(SETTLE_SECONDS)
            seen = snapshot(project, slugs)
            rebuild()
            if rounds is not None:
                rounds -= 1
