"""Synthetic reports, one per force of the registry, generated into a folder for benchmarks."""

from __future__ import annotations

import shutil
from pathlib import Path

from ncpi.registry import forces

REPO = Path(__file__).resolve().parent.parent
TEMPLATE = REPO / "tests" / "fixtures" / "valid" / "reports" / "kent.yaml"


def make_synthetic_project(folder: Path) -> Path:
    """Fill `folder` with reports/ for all 43 forces (synthetic, never real) and the common data."""
    reports = folder / "reports"
    reports.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "reports" / "_common.yaml", reports / "_common.yaml")
    text = TEMPLATE.read_text(encoding="utf-8")
    for force in forces().values():
        report = (
            text.replace("slug: kent", f"slug: {force.slug}")
            .replace("Kent Police", force.name)
            .replace("county of Kent", force.area_name)
        )
        (reports / f"{force.slug}.yaml").write_text(report, encoding="utf-8")
    return folder
