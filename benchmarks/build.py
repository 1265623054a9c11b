"""Batch, incremental and single builds as whole processes, side by side in one run.

Run by hand: .venv/bin/python benchmarks/build.py [rounds]

1. `ncpi build --all -j 2` cold, against 43 `ncpi build FORCE` processes one after another.
2. `ncpi build --all` again with nothing changed, against the cold build.
3. One report changed: only that force is rebuilt.
4. `ncpi build essex --force` against WeasyPrint's own command line rendering the HTML ncpi
   wrote, with the same fonts stylesheet, base URL and PDF variant.
5. The peak memory of the largest process of a cold -j 2 build (a worker).
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import REPO, make_synthetic_project

BIN = Path(sys.executable).parent
PEAK_RSS = (
    "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, "
    "capture_output=True); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(
            f"{' '.join(command)} exited {done.returncode}:\n{done.stdout}{done.stderr}"
        )
    return elapsed


def ncpi(project: Path, *args: str) -> list[str]:
    return [str(BIN / "ncpi"), "--root", str(project), *args]


def mtimes(folder: Path) -> dict[str, int]:
    return {str(p): p.stat().st_mtime_ns for p in folder.rglob("*.pdf")}


def batch_figures(project: Path, slugs: list[str], rounds: int) -> None:
    build = project / "build"
    cold, separate, again = [], [], []
    for _ in range(rounds):
        shutil.rmtree(build, ignore_errors=True)
        cold.append(timed(ncpi(project, "build", "--all", "-j", "2")))
        again += [timed(ncpi(project, "build", "--all")) for _ in range(3)]
        shutil.rmtree(build, ignore_errors=True)
        start = time.perf_counter()
        for slug in slugs:
            timed(ncpi(project, "build", slug))
        separate.append(time.perf_counter() - start)
    a, b, c = statistics.median(cold), statistics.median(separate), statistics.median(again)
    print(
        f"1. {len(slugs)} reports, cold: build --all -j 2 {a:.1f} s; one process per force "
        f"{b:.1f} s; ratio {a / b:.2f} (goal <= 0.50)"
    )
    print(f"2. nothing changed: build --all {c:.3f} s; ratio to cold {c / a:.3f} (goal: <= 0.12 s)")

    before = mtimes(build)
    changed = project / "reports" / f"{slugs[0]}.yaml"
    changed.write_text(
        changed.read_text("utf-8").replace("Progress is good.", "Progress is fair."), "utf-8"
    )
    done = subprocess.run(ncpi(project, "build", "--all"), capture_output=True, text=True)
    after = mtimes(build)
    rewritten = sorted(Path(p).name for p in after if after[p] != before.get(p))
    print(f"3. one report changed: {done.stdout.strip().splitlines()[-1]} rewrote {rewritten}")

    shutil.rmtree(build, ignore_errors=True)
    peak = subprocess.run(
        [sys.executable, "-c", PEAK_RSS, *ncpi(project, "build", "--all", "-j", "2")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    print(
        f"5. peak memory of the largest process (a worker) in build --all -j 2: "
        f"{int(peak) / 1024:.0f} MiB"
    )


def single_figures(rounds: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        project = Path(folder)
        shutil.copytree(REPO / "reports", project / "reports")
        timed(ncpi(project, "build", "essex"))
        sys.path.insert(0, str(REPO))
        from ncpi.pdf.document import _font_faces
        from ncpi.render.templating import builtin_templates_dir

        templates = builtin_templates_dir()
        fonts_css = project / "fonts.css"
        fonts_css.write_text(_font_faces(templates / "fonts"), "utf-8")
        html = project / "build" / "essex" / "essex-report.html"
        weasyprint = [
            str(BIN / "weasyprint"),
            "--pdf-variant",
            "pdf/ua-1",
            "--custom-metadata",
            "--base-url",
            templates.as_uri() + "/",
            "-s",
            str(fonts_css),
            str(html),
            str(project / "weasyprint.pdf"),
        ]
        ours, theirs = [], []
        timed(weasyprint)
        for _ in range(rounds):  # interleaved, so both see the same machine load
            ours.append(timed(ncpi(project, "build", "essex", "--force")))
            theirs.append(timed(weasyprint))
    a, b = statistics.median(ours), statistics.median(theirs)
    print(
        f"4. essex report: ncpi build --force {a:.2f} s; weasyprint CLI {b:.2f} s; "
        f"ratio {a / b:.2f} (goal <= 1.00)"
    )


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    with tempfile.TemporaryDirectory() as folder:
        project = make_synthetic_project(Path(folder))
        slugs = sorted(p.stem for p in (project / "reports").glob("[!_]*.yaml"))
        batch_figures(project, slugs, rounds)
    single_figures(max(5, rounds))
    print(
        f"(machine: {len(__import__('os').sched_getaffinity(0))} cores; "
        f"rounds: {rounds}; medians of whole-process wall times)"
    )


if __name__ == "__main__":
    main()
