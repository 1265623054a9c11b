"""Waiting for a force's inputs to change: for `ncpi watch` and `ncpi serve`.

Change notifications (inotify on Linux) through watchfiles, so a save is seen within tens of
milliseconds rather than at the next poll. Where notifications do not work (some network file
systems, a container without inotify, or WATCHFILES_FORCE_POLLING set) it polls instead; the
hash check in the build then decides what is really out of date.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from ncpi.project import Project
from ncpi.render.templating import builtin_templates_dir

POLL_SECONDS = 0.5
SETTLE_SECONDS = 0.2  # Polling: editors often write a file in several steps; wait for the last.
#: Notifications: how long to wait for more events after one (an editor's save is a few).
DEBOUNCE_MS = 30


def input_files(project: Project, slugs: list[str]) -> list[Path]:
    """The data files the forces' documents are made from (a Welsh file counts once it exists)."""
    paths = [project.common_path, project.welsh_common_path]
    for slug in slugs:
        paths += [project.report_path(slug), project.welsh_path(slug)]
    return paths


def _template_folders(project: Project) -> list[Path]:
    return [
        f for f in dict.fromkeys([project.templates_dir, builtin_templates_dir()]) if f.is_dir()
    ]


def snapshot(project: Project, slugs: list[str]) -> dict[str, tuple[int, int]]:
    """The size and modification time of every file the forces' documents can depend on."""
    paths = input_files(project, slugs)
    for folder in _template_folders(project):
        paths += [path for path in folder.rglob("*") if path.is_file()]
    state = {}
    for path in paths:
        try:
            stat = path.stat()
            state[str(path)] = (stat.st_size, stat.st_mtime_ns)
        except OSError:
            state[str(path)] = (-1, -1)  # Missing: its return is a change too.
    return state


def _polled(project: Project, slugs: list[str], stop: threading.Event | None) -> Iterator[None]:
    """Once after each change, found by comparing snapshots twice a second."""
    seen = snapshot(project, slugs)
    while stop is None or not stop.is_set():
        time.sleep(POLL_SECONDS)
        now = snapshot(project, slugs)
        if now != seen:
            time.sleep(SETTLE_SECONDS)
            seen = snapshot(project, slugs)
            yield


def changes(
    project: Project, slugs: list[str], stop: threading.Event | None = None
) -> Iterator[None]:
    """Yield once after each change to the forces' inputs, until `stop` is set."""
    try:
        import watchfiles
    except ImportError:
        yield from _polled(project, slugs, stop)
        return
    files = {os.path.realpath(p) for p in input_files(project, slugs)}
    folders = [os.path.realpath(f) for f in _template_folders(project)]

    def relevant(_change, path: str) -> bool:
        path = os.path.realpath(path)
        return path in files or any(path.startswith(folder + os.sep) for folder in folders)

    watched = [str(project.reports_dir), *map(str, _template_folders(project))]
    try:
        for _ in watchfiles.watch(
            *watched,
            watch_filter=relevant,
            debounce=DEBOUNCE_MS,
            step=10,
            stop_event=stop,
            rust_timeout=500,  # so that a stop (or a signal) is seen within half a second
            yield_on_timeout=False,
            raise_interrupt=True,
        ):
            yield
    except OSError:  # No notifications here (an inotify limit reached, say): poll instead.
        yield from _polled(project, slugs, stop)


class ChangeFeed:
    """Watches the forces' inputs in a background thread from the moment it is made.

    The main thread waits with `wait()`, in short steps, so that Ctrl-C and SIGTERM reach it
    at once; `close()` stops the watcher within half a second.
    """

    def __init__(self, project: Project, slugs: list[str]):
        self.stop = threading.Event()
        self.changed = threading.Event()
        self.thread = threading.Thread(
            target=self._run, args=(project, slugs), name="ncpi-watcher", daemon=True
        )
        self.thread.start()
        time.sleep(0.05)  # The watcher is watching before the caller's first build.

    def _run(self, project: Project, slugs: list[str]) -> None:
        for _ in changes(project, slugs, self.stop):
            self.changed.set()

    def wait(self) -> None:
        """Return after the next change (at once if one came since the last call)."""
        while not self.changed.wait(0.2):
            pass
        self.changed.clear()

    def close(self) -> None:
        self.stop.set()


def watch(
    project: Project, slugs: list[str], rebuild: Callable[[], None], *, rounds: int | None = None
) -> None:
    """Call `rebuild` now and after every change to the inputs, until interrupted."""
    # The watcher starts before the first build, so a save during a build triggers the next.
    feed = ChangeFeed(project, slugs)
    try:
        rebuild()
        while rounds is None or rounds > 0:
            feed.wait()
            rebuild()
            if rounds is not None:
                rounds -= 1
    finally:
        feed.close()
