"""Processes ncpi starts: how many cores it may use, how a child ends with its parent, and
how often a process collects garbage.

The build's PDF workers and validate's second process both start here, so that every process
ncpi starts ends with it (kill -9 included) and none is left behind.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import os
import pickle
import signal
import threading
from collections.abc import Callable, Sequence
from typing import BinaryIO, TypeVar

_parent_pid: int | None = None  # In a child: the process that started it.

#: Allocations between two collections of the youngest objects while ncpi loads its code and
#: checks the reports (Python's default: 700). What loads (modules, classes, the model's
#: validators: some 100,000 objects) lives as long as the process, and what the checks make
#: dies young, freed as soon as it is let go, with no cycle to find; yet Python's collector
#: looked at it all again and again: a fifteenth of a first validation's time.
RARE_THRESHOLD = 100_000
_usual_threshold: tuple[int, int, int] | None = None  # Python's, while collections are rare.
_loaded_code_frozen = False

Item = TypeVar("Item")
Result = TypeVar("Result")

#: Copies that have sent their whole answer and are ending: collected before the next copy
#: starts, or at exit. Waiting at once, this process waited while the kernel freed the copy's
#: memory (2 ms at the end of each validation).
_answered: list[int] = []


def default_jobs() -> int:
    """The number of cores this process may use."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def collect_rarely() -> None:
    """Collect garbage rarely until collect_as_usual(): for the command's process, as it starts."""
    global _usual_threshold
    _usual_threshold = gc.get_threshold()
    gc.set_threshold(RARE_THRESHOLD, *_usual_threshold[1:])


def code_loaded() -> None:
    """The code is loaded: keep it out of every later collection, and out of the memory pages
    a copy of the process would have to copy when a collection wrote to them.

    Once per process, and only after collect_rarely(): a later freeze would keep for ever
    objects that were still to become garbage (in the live preview, each rebuild's).
    """
    global _loaded_code_frozen
    if _usual_threshold is None or _loaded_code_frozen:
        return
    gc.freeze()
    _loaded_code_frozen = True


def collect_as_usual() -> None:
    """Collect garbage as Python does from now on: a long build or the live preview makes
    garbage in cycles (WeasyPrint's layout), and must not keep it for long."""
    global _usual_threshold
    if _usual_threshold is not None:
        gc.set_threshold(*_usual_threshold)
        _usual_threshold = None


def parent_is_gone() -> bool:
    """In a child: whether the process that started it has ended (so no one waits for it)."""
    return _parent_pid is not None and os.getppid() != _parent_pid


def _as_a_child_of(parent: int) -> None:
    """This process's signals as a child's: Ctrl-C is the parent's, a stop just stops."""
    global _parent_pid
    _parent_pid = parent
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle.
    # Not the parent's handlers (inherited by fork): a child told to stop just stops, quietly.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGHUP, signal.SIG_DFL)


def die_with_parent(parent: int) -> None:
    """Make this child end when its parent does, however the parent ends (kill -9 included)."""
    _as_a_child_of(parent)
    try:  # Linux: the kernel sends SIGKILL to this child when the parent dies.
        import ctypes  # Here: only a child needs it, and it costs every command 2 ms to load.

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass  # Elsewhere each job checks parent_is_gone() first.
    if os.getppid() != parent:  # The parent died before the line above took effect.
        os._exit(1)


#: How often a copy made by shared_out looks whether its parent still runs, in seconds.
WATCH_SECONDS = 0.05


def _end_with_parent(parent: int) -> None:
    """In shared_out's copy: end when the parent does (kill -9 included), as it looks every
    WATCH_SECONDS. Not the kernel's signal, as die_with_parent asks: loading ctypes to ask
    for it took 4 ms of a copy that works a tenth of a second, always in Python's code."""
    _as_a_child_of(parent)
    signal.signal(signal.SIGALRM, lambda *_: parent_is_gone() and os._exit(1))
    signal.setitimer(signal.ITIMER_REAL, WATCH_SECONDS, WATCH_SECONDS)
    if parent_is_gone():  # The parent died before the lines above took effect.
        os._exit(1)


def can_fork() -> bool:
    """Whether a copy of this process can safely start: fork exists and no other thread runs.

    A thread holding a lock (the logging module's, an executor's queue) at the moment of the
    fork would leave the copy's lock held forever.
    """
    return hasattr(os, "fork") and threading.active_count() == 1


#: Each item's place in the queue of work, as fixed-size records in a pipe (see shared_out).
_RECORD_BYTES = 4
#: The most items queued: every record is written before the copy starts, and a pipe always
#: holds at least one page (4,096 bytes) without its writer waiting.
MOST_QUEUED = 4096 // _RECORD_BYTES


def shared_out(items: Sequence[Item], work: Callable[[Item], Result]) -> list[Result]:
    """[work(item) for item in items], worked out by this process and a copy of it (fork) on a
    second core, each taking the next item that neither has taken, so that both end together.

    The copy starts with everything this process has loaded, so neither pays the imports twice;
    it sends its results back pickled. Where no copy can start, or it fails or dies, what it
    did not send is worked out here: the answer is the same, only slower. A Ctrl-C (or any
    exception) here ends the copy before it is raised on.
    """
    if not can_fork() or len(items) > MOST_QUEUED:
        return [work(item) for item in items]
    try:
        queue_out, queue_in = os.pipe()
    except OSError:  # No file descriptor left.
        return [work(item) for item in items]
    # Queued before the fork, and the queue's writing end closed: an empty queue reads as its end.
    os.write(queue_in, b"".join(i.to_bytes(_RECORD_BYTES, "little") for i in range(len(items))))
    os.close(queue_in)
    started = _start_copy(lambda: _take_and_work(items, work, queue_out))
    if started is None:
        os.close(queue_out)
        return [work(item) for item in items]
    child, answer = started
    ended = False
    theirs: dict = {}
    try:
        done = _take_and_work(items, work, queue_out)
        sent = answer.read()
        try:
            # Whole, as a pickle cut short never loads: the copy has only to end, and is
            # collected later (see _answered). Cut short, the copy failed: its items are
            # worked out here.
            theirs = pickle.loads(sent)
            _answered.append(child)
        except Exception:
            os.waitpid(child, 0)
        ended = True
    finally:
        os.close(queue_out)
        answer.close()
        if not ended:
            os.kill(child, signal.SIGKILL)
            os.waitpid(child, 0)
    done.update(theirs)
    return [done[index] if index in done else work(item) for index, item in enumerate(items)]


@atexit.register
def collect_answered_copies() -> None:
    """Wait for the copies that have answered to end: before another starts, and at exit, so
    that none is left a zombie however long this process lives."""
    while _answered:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(_answered.pop(), 0)


def _take_and_work(items: Sequence[Item], work: Callable[[Item], Result], queue: int) -> dict:
    """Take the next item from the queue and work it out, until the queue is empty: the
    results, by the items' places. A pipe gives each record to one reader only."""
    done = {}
    while record := os.read(queue, _RECORD_BYTES):
        index = int.from_bytes(record, "little")
        done[index] = work(items[index])
    return done


def _start_copy(there: Callable[[], object]) -> tuple[int, BinaryIO] | None:
    """Fork a copy of this process that works out there() and sends it back pickled: the copy's
    process id and the pipe its answer comes through, or None if no copy could start."""
    collect_answered_copies()
    try:
        reading, writing = os.pipe()
    except OSError:  # No file descriptor left.
        return None
    try:
        child = os.fork()
    except OSError:  # No memory or no process left for a copy.
        os.close(reading)
        os.close(writing)
        return None
    if child == 0:  # pragma: no cover - the copy, measured through its answer
        _answer_and_exit(there, reading, writing, os.getppid())
    os.close(writing)
    return child, open(reading, "rb")


def _answer_and_exit(there: Callable[[], object], reading: int, writing: int, parent: int):
    """In a copy: work out there(), write it pickled to the pipe, and end, whatever happens.

    os._exit: the copy must not run the parent's exit handlers or flush its buffered output.
    """
    code = 1
    try:
        os.close(reading)
        _end_with_parent(parent)
        answer = pickle.dumps(there(), protocol=pickle.HIGHEST_PROTOCOL)
        with open(writing, "wb", closefd=True) as pipe:
            pipe.write(answer)
        code = 0
    finally:
        os._exit(code)
