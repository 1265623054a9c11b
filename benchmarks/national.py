"""`ncpi national` on 43 synthetic reports, side by side with one force's build; then its growth.

Run by hand: .venv/bin/python benchmarks/national.py [rounds]

1. `ncpi national --force` against `ncpi build kent --force` (one force's report), both whole
   processes on the same 43-report project, alternating, medians of ROUNDS.
2. `ncpi national` again with nothing changed.
3. Growth beyond one programme: the overview, its PDF and the data made in one process for
   43 to 800 reports (synthetic entries: the registry has 43 forces, so the larger sets repeat
   a checked report under made-up force names), each in its own process for its peak memory.
   From 400 reports, where the long tables are laid out a part at a time (ncpi/pdf/parts.py),
   the same is made in one piece too, alternating, for the ratio.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import REPO, make_synthetic_project

BIN = Path(sys.executable).parent

# One process: N entries made from a checked report, then what `ncpi national` makes of them.
GROWTH = r"""
import json, resource, sys, time
from pathlib import Path
from ncpi.build.workers import make_pdf
from ncpi.check.validate import check_project
from ncpi.commands.national import Entry, National, national_context, open_data, NATIONAL_HTML
from ncpi.project import Project
from ncpi.registry import forces
from ncpi.render.documents import render_template
from ncpi.build.targets import BuildOptions
from ncpi.pdf import parts

project, count = Project(Path(sys.argv[1])), int(sys.argv[2])
if sys.argv[3] == "one piece":
    parts.LONG_DOCUMENT = 10**9
checked = check_project(project, ["kent"], dry_run=False)
report, force = checked.reports["kent"], forces()["kent"]
started = time.perf_counter()
entries = []
for index in range(count):
    slug = f"force-{index:04d}"
    entries.append(Entry(slug, force._replace(slug=slug, name=f"Force {index} Police"), report))
national = National(entries, checked.common)
links = {e.slug: f"https://example.org/{e.slug}/" for e in entries}
html = render_template(NATIONAL_HTML, national_context(national, links), project.templates_dir)
pdf, _ = make_pdf(project, html, BuildOptions())
data = open_data(entries, checked.common)
elapsed = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
print(json.dumps({"seconds": elapsed, "peak_mib": peak, "pdf_kib": len(pdf) // 1024,
                  "csv_kib": len(data["recommendations.csv"]) // 1024}))
"""


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} exited {done.returncode}:\n{done.stderr}")
    return elapsed


def ncpi(project: Path, *args: str) -> list[str]:
    return [str(BIN / "ncpi"), "--root", str(project), *args]


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    with tempfile.TemporaryDirectory(prefix="ncpi-bench-national-") as folder:
        project = make_synthetic_project(Path(folder))
        timed(ncpi(project, "national"))  # warm the file cache
        national, single = [], []
        for _ in range(rounds):
            national.append(timed(ncpi(project, "national", "--force")))
            single.append(timed(ncpi(project, "build", "kent", "--force")))
        again = statistics.median(timed(ncpi(project, "national")) for _ in range(3))
        n, s = statistics.median(national), statistics.median(single)
        print(f"43 reports: ncpi national {n:.2f} s, ncpi build kent {s:.2f} s: ratio {n / s:.2f}")
        print(f"ncpi national again, nothing changed: {again:.2f} s")
        print("\nreports  how        seconds  peak MiB  PDF KiB  CSV KiB")
        for count in (43, 100, 200, 400, 800):
            ways = ["in parts", "one piece"] if count >= 400 else ["as built"]
            for way in ways:
                figures = _growth(project, count, way)
                print(
                    f"{count:7}  {way:9}  {figures['seconds']:7.2f}  {figures['peak_mib']:8}  "
                    f"{figures['pdf_kib']:7}  {figures['csv_kib']:7}"
                )


def _growth(project: Path, count: int, way: str) -> dict:
    """The GROWTH figures of one process."""
    done = subprocess.run(
        [sys.executable, "-c", GROWTH, str(project), str(count), way],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    main()
