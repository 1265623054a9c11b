"""Update the Welsh catalogue (templates/locale/cy/LC_MESSAGES/ncpi.po) from the templates.

Every text the templates pass to _() and every word ncpi's Python code writes into a document
(languages.document_messages) becomes an entry; translations already made are kept, new
entries are left empty for a translator, and entries no longer used are removed. A test
(tests/test_welsh.py) fails while the catalogue is out of date or has an empty entry.

    .venv/bin/python scripts/update_catalogue.py
"""

from __future__ import annotations

import datetime as dt
import sys
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ncpi.render.languages import document_messages  # noqa: E402
from ncpi.render.names import CATALOGUE, WELSH  # noqa: E402

FIXED_DATE = dt.datetime(2026, 11, 30, tzinfo=dt.UTC)


def main() -> None:
    path = ROOT / "templates" / CATALOGUE.format(code=WELSH)
    old = read_po(BytesIO(path.read_bytes()), locale=WELSH) if path.is_file() else None
    catalogue = Catalog(
        locale=WELSH,
        project="ncpi",
        domain="ncpi",
        header_comment=(
            "# The Welsh text of ncpi's templates: a DRAFT translation, for review by a Welsh\n"
            "# speaker before publication. Update the entries with\n"
            "#     .venv/bin/python scripts/update_catalogue.py\n"
            "# and fill in any empty msgstr."
        ),
        # Fixed, so that the file changes only when its entries do.
        creation_date=FIXED_DATE,
        revision_date=FIXED_DATE,
        fuzzy=False,
    )
    for message, places in document_messages(ROOT / "templates").items():
        previous = old.get(message) if old is not None else None
        catalogue.add(message, previous.string if previous else "", locations=places)
    with path.open("wb") as file:
        write_po(file, catalogue, width=96, omit_header=False, sort_output=False)
    empty = [m.id for m in catalogue if m.id and not m.string]
    print(f"{path.relative_to(ROOT)}: {len(catalogue)} entries, {len(empty)} to translate")


if __name__ == "__main__":
    main()
