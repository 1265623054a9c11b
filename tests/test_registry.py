"""The registry of forces, as ncpi reads it from ncpi/forces.tsv."""

import csv
from pathlib import Path

from ncpi.registry import Force, forces

FORCES_FILE = Path(__file__).resolve().parents[1] / "ncpi" / "forces.tsv"


def test_the_registry_reads_its_file_as_the_csv_module_would():
    # ncpi splits the lines itself (loading csv cost every command 0.4 ms): a quoted field or
    # a row short of a column, which only the csv module would read, must fail here.
    rows = list(csv.DictReader(FORCES_FILE.read_text("utf-8").splitlines(), delimiter="\t"))
    assert len(rows) == len(forces()) == 43
    for row in rows:
        assert None not in row.values() and None not in row  # every row has every column
        assert forces()[row["slug"]] == Force(
            row["slug"],
            row["official name"],
            row["region"],
            tuple(name.strip() for name in row["also known as"].split(";") if name.strip()),
            row["welsh name"].strip(),
        )
    assert '"' not in FORCES_FILE.read_text("utf-8")  # never quoted: read as written
