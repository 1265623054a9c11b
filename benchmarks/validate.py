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
        record = project / "build" / ".check-record.json"
        ncpi = [str(BIN / "ncpi"), "--root", str(project), "validate"]
        check = [
            str(BIN / "check-jsonschema"),
            "--schemafile",
            str(REPO / "schema" / "report.schema.json"),
            *reports,
        ]

        def forget() -> None:
            record.unlink(missing_ok=True)

        def change_one() -> None:
            with open(project / "reports" / "kent.yaml", "a", encoding="utf-8") as file:
                file.write("# a comment\n")

        cold, theirs = side_by_side(ncpi, check, rounds, before=forget)
        same, _ = side_by_side(ncpi, check, rounds)
        one, _ = side_by_side(ncpi, check, rounds, before=change_one)
        # As an author runs it: the reports built, then validated again with no record of an
        # earlier validation; the dry run renders only what no build rendered (here, nothing).
        base = [str(BIN / "ncpi"), "--root", str(project), "-q"]
        timed([*base, "build", "--all"], 0), timed([*base, "press-release", "--all"], 0)
        built, again = side_by_side(ncpi, check, rounds, before=forget)
    print(f"{len(reports)} reports, {rounds} rounds, median wall time per whole process:")
    print(f"  check-jsonschema (schema only):                          {theirs:.3f} s")
    print("  ncpi validate (syntax, schema, rules, dry-run render):")
    print(f"    first time (no record):        {cold:.3f} s, ratio {cold / theirs:.2f}")
    print(f"    nothing changed since:         {same:.3f} s, ratio {same / theirs:.2f}")
    print(f"    one report changed since:      {one:.3f} s, ratio {one / theirs:.2f}")
    print(f"    no record, every report built: {built:.3f} s, ratio {built / again:.2f}")
    print("  goal: ratio <= 0.50")


def side_by_side(
    ncpi: list[str], check: list[str], rounds: int, before=lambda: None
) -> tuple[float, float]:
    """The median times of the two commands, run in turns; `before` runs, untimed, before
    each of ncpi's runs."""
    before(), timed(ncpi, 0), timed(check, 0)  # warm the file cache for both
    ours, theirs = [], []
    for _ in range(rounds):  # interleaved, so both see the same machine load
        before()
        ours.append(timed(ncpi, 0))
        theirs.append(timed(check, 0))
    return statistics.median(ours), statistics.median(theirs)


if __name__ == "__main__":
    main()
