"""From a save to the new text on the page: `ncpi serve` side by side with `ncpi watch`.

Run by hand: .venv/bin/python benchmarks/serve.py [saves]

Both run as real processes on a copy of the Essex report. Each save puts a new word into the
summary; for serve the clock stops when GET / returns HTML holding it, for watch when
build/essex/essex-report.html holds it (watch writes the HTML with the PDF). Saves alternate
between the two, a second apart, and the medians and worst cases are printed.
"""

from __future__ import annotations

import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
NCPI = Path(sys.executable).parent / "ncpi"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def save_with(report: Path, word: str) -> None:
    text = report.read_text("utf-8")
    text = re.sub(
        r"firmly committed to improving(?: \w+)?",
        f"firmly committed to improving {word}",
        text,
        count=1,
    )
    report.write_text(text, "utf-8")


def until(condition, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit("timed out")
        time.sleep(0.002)


def main() -> None:
    saves = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    with tempfile.TemporaryDirectory(prefix="ncpi-bench-serve-") as folder:
        projects = {}
        for name in ("serve", "watch"):
            root = Path(folder) / name / "reports"
            root.mkdir(parents=True)
            for file in ("_common.yaml", "essex.yaml"):
                shutil.copy(REPO / "reports" / file, root / file)
            projects[name] = root.parent
        port = free_port()
        url = f"http://127.0.0.1:{port}/"
        served = subprocess.Popen(
            [str(NCPI), "--root", str(projects["serve"]), "serve", "essex", "--port", str(port)],
            stderr=subprocess.DEVNULL,
        )
        watched = subprocess.Popen(
            [str(NCPI), "--root", str(projects["watch"]), "watch", "essex"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        page = lambda: urllib.request.urlopen(url, timeout=5).read().decode()  # noqa: E731
        built = projects["watch"] / "build" / "essex" / "essex-report.html"
        try:
            until(lambda: _answers(url))
            until(built.is_file)
            time.sleep(3)  # the first builds done
            times = {"serve": [], "watch": []}
            for index in range(saves):
                for name, holds in (
                    ("serve", lambda word: word in page()),
                    ("watch", lambda word: built.is_file() and word in built.read_text("utf-8")),
                ):
                    word = f"benchmark{name}{index}"
                    started = time.perf_counter()
                    save_with(projects[name] / "reports" / "essex.yaml", word)
                    until(lambda holds=holds, word=word: holds(word))
                    times[name].append(time.perf_counter() - started)
                    time.sleep(1.5)  # let serve's background PDF and watch settle
        finally:
            for process in (served, watched):
                process.send_signal(signal.SIGTERM)
                process.wait(10)
        for name, values in times.items():
            print(
                f"ncpi {name}: save to new text in {statistics.median(values) * 1000:.0f} ms "
                f"(median of {len(values)}), at worst {max(values) * 1000:.0f} ms"
            )


def _answers(url: str) -> bool:
    try:
        return urllib.request.urlopen(url, timeout=1).status == 200
    except OSError:
        return False


if __name__ == "__main__":
    main()
