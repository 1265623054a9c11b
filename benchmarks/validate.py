"""Time `ncpi validate` against check-jsonschema on 43 synthetic reports, as whole processes.

Run by hand: .venv/bin/python benchmarks/validate.py [rounds]
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import REPO, make_synthetic_project

BIN = Path(sys.executable).parent


def timed(command: list[str], expect: int) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != expect:
        raise SystemExit(f"{command[0]} exited {done.returncode}:\n{done.stdout}{done.stderr}")
    return elapsed


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    with tempfile.TemporaryDirectory() as folder:
        project = make_synthetic_project(Path(folder))
        reports = sorted(str(p) for p in (project / "reports").glob("[!_]*.yaml"))
        ncpi = [str(BIN / "ncpi"), "--root", str(project), "validate"]
        check = [
            str(BIN / "check-jsonschema"),
            "--schemafile",
            str(REPO / "schema" / "report.schema.json"),
            *reports,
        ]
        a, b = side_by_side(ncpi, check, rounds)
        # As an author runs it: the reports built, then validated again; the dry run renders
        # only what no build rendered from these files (here, nothing).
        base = [str(BIN / "ncpi"), "--root", str(project), "-q"]
        timed([*base, "build", "--all"], 0), timed([*base, "press-release", "--all"], 0)
        built, again = side_by_side(ncpi, check, rounds)
    print(f"{len(reports)} reports, {rounds} rounds, median wall time per whole process:")
    print(f"  ncpi validate (syntax, schema, rules, dry-run render): {a:.3f} s")
    print(f"  check-jsonschema (schema only):                        {b:.3f} s")
    print(f"  ratio ncpi / check-jsonschema: {a / b:.2f} (goal: <= 0.50)")
    print(f"  the same after build --all and press-release --all: {built:.3f} s against ")
    print(f"  {again:.3f} s, ratio {built / again:.2f}")


def side_by_side(ncpi: list[str], check: list[str], rounds: int) -> tuple[float, float]:
    """The median times of the two commands, run in turns."""
    timed(ncpi, 0), timed(check, 0)  # warm the file cache for both
    ours, theirs = [], []
    for _ in range(rounds):  # interleaved, so both see the same machine load
        ours.append(timed(ncpi, 0))
        theirs.append(timed(check, 0))
    return statistics.median(ours), statistics.median(theirs)


if __name__ == "__main__":
    main()
