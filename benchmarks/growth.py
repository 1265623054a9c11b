"""How validate and build time and peak memory grow with a report's size (synthetic reports).

Run by hand: .venv/bin/python benchmarks/growth.py [rounds]

For 10, 100 and 1,000 recommendations (each with findings and progress), and for a paragraph of
hostile markup doubling in length, it prints wall time (median of the rounds) and peak memory
(the largest resident size of the process, from wait4), each as whole processes.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
AREAS = [
    "initial-contact",
    "assessment-and-help",
    "investigation",
    "decision-making",
    "trusted-adult",
    "managing-risk",
    "police-detention",
    "leadership",
]
STATUSES = ["not started", "limited progress", "in progress", "substantially met", "met"]


def report_text(
    count: int, paragraph: str = "The force has made progress.", case_example: str = ""
) -> str:
    """A valid synthetic report for Kent with `count` recommendations (never real facts), and
    a case example in its first area if one is given."""
    recommendations = "".join(
        f"    - id: R{n}\n      area: {AREAS[n % 8]}\n      timescale: within three months\n"
        f"      text: ensure that officers record the risks to children in case {n}.\n"
        for n in range(1, count + 1)
    )
    progress = "".join(
        f"    - recommendation: R{n}\n      status: {STATUSES[n % 5]}\n      evidence:\n"
        f"        - What we found for recommendation {n}.\n"
        for n in range(1, count + 1)
    )
    findings = "".join(
        f"    - area: {area}\n      paragraphs:\n        - Findings.\n" for area in AREAS
    )
    if case_example:
        findings = findings.replace(
            "        - Findings.\n",
            "        - Findings.\n      case_examples:\n        - title: a case\n"
            f"          paragraphs: ['{case_example}']\n",
            1,
        )
    return f"""status: final
force: {{slug: kent, name: Kent Police}}
inspection:
  fieldwork: {{start: 2016-03-07, end: 2016-03-18}}
  published: 2016-07-06
  findings: [The inspection found that the force had improvements to make.]
  recommendations:
{recommendations}reinspection:
  kind: re-inspection
  fieldwork: {{start: 2016-11-07, end: 2016-11-11}}
  published: 2017-02-08
  inspector: {{name: Zoë Billingham, title: HM Inspector of Constabulary}}
  summary:
    - '{paragraph}'
  context: [Kent Police serves the county of Kent.]
  findings:
{findings}  progress:
{progress}  conclusion: [Progress is good.]
  next_steps: [We will return.]
press_release:
  headline: Kent Police is making progress in protecting children
  paragraphs: [Inspectors found progress.]
  quote:
    speaker: Zoë Billingham
    title: HM Inspector of Constabulary
    paragraphs: [I am pleased.]
  notes: [ncpi-programme, press-office]
"""


def run(command: list[str]) -> tuple[float, int]:
    """Wall seconds and peak resident memory (MiB) of one whole process."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"{command} failed:\n{process.stderr.read().decode()}")
    return elapsed, usage.ru_maxrss // 1024


def measure(project: Path, rounds: int) -> dict[str, tuple[float, int]]:
    ncpi = [sys.executable, "-m", "ncpi", "--root", str(project)]
    # The build in one process (the library's in-process path), so its peak is the whole build's.
    build = [
        sys.executable,
        "-c",
        "import sys; from pathlib import Path; from ncpi.build.pipeline import Run, build_targets; "
        "from ncpi.build.targets import Target; from ncpi.project import Project; "
        "o = build_targets(Project(Path(sys.argv[1])), [Target('kent', 'report')], "
        "run=Run(rebuild=True, in_process=True)); sys.exit(o[0].state != 'built')",
        str(project),
    ]
    results = {}
    for name, command in (("validate", [*ncpi, "validate", "kent"]), ("build", build)):
        samples = [run(command) for _ in range(rounds)]
        results[name] = (statistics.median(s[0] for s in samples), max(s[1] for s in samples))
    return results


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    with tempfile.TemporaryDirectory() as folder:
        project = Path(folder)
        (project / "reports").mkdir()
        shutil.copy(REPO / "reports" / "_common.yaml", project / "reports" / "_common.yaml")
        print("recommendations | report size | validate s | validate MiB | build s | build MiB")
        for count in (10, 100, 1000):
            text = report_text(count)
            (project / "reports" / "kent.yaml").write_text(text, "utf-8")
            found = measure(project, rounds)
            print(
                f"{count:>15,} | {len(text.encode()) // 1024:>8} kB | "
                f"{found['validate'][0]:>10.2f} | {found['validate'][1]:>12} | "
                f"{found['build'][0]:>7.2f} | {found['build'][1]:>9}"
            )
        print("\nhostile markup ('**a ' repeated) | validate s")
        for repeats in (8_000, 16_000, 32_000, 64_000):
            (project / "reports" / "kent.yaml").write_text(
                report_text(10, "**a " * repeats), "utf-8"
            )
            seconds, _ = measure(project, rounds)["validate"]
            print(f"{repeats:>32,} | {seconds:.2f}")
        # Words that each could start a street's or a school's name, and none that ends one:
        # the anonymity check's patterns must not try every start against every end.
        print("\ncase example ('1 Aa Bb ' repeated) | validate s")
        for repeats in (8_000, 16_000, 32_000, 64_000):
            (project / "reports" / "kent.yaml").write_text(
                report_text(10, case_example="1 Aa Bb " * repeats), "utf-8"
            )
            seconds, _ = measure(project, rounds)["validate"]
            print(f"{repeats:>35,} | {seconds:.2f}")


if __name__ == "__main__":
    main()
