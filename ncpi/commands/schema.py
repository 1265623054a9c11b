"""The JSON Schema of the data model, for editors and other tools, and the format reference."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from ncpi.build.outputs import write_atomically
from ncpi.check.welsh_pair import mirror_schema
from ncpi.commands.reference import format_reference
from ncpi.model import Common, Report

SCHEMAS: dict[str, type[BaseModel]] = {
    "report.schema.json": Report,
    "common.schema.json": Common,
}
#: The Welsh files' schemas: the same models' translated fields only (see bilingual.py).
WELSH_SCHEMAS: dict[str, type[BaseModel]] = {
    "report.cy.schema.json": Report,
    "common.cy.schema.json": Common,
}


#: The reference for people, made from the same model (see reference.py).
REFERENCE = "format.md"


def schema_texts() -> dict[str, str]:
    """Each file's name and its text (the schemas, then the reference), stable run to run."""

    texts = {}
    made = {name: model.model_json_schema() for name, model in SCHEMAS.items()}
    made |= {name: mirror_schema(model) for name, model in WELSH_SCHEMAS.items()}
    for name, schema in made.items():
        schema = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"https://ncpi.invalid/schema/{name}",
            **schema,
        }
        texts[name] = json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    texts[REFERENCE] = format_reference()
    return texts


def write_schemas(folder: Path) -> list[Path]:
    """Write the schemas into `folder`; return their paths."""
    paths = []
    for name, text in schema_texts().items():
        write_atomically(folder / name, text.encode("utf-8"))
        paths.append(folder / name)
    return paths


def stale_schemas(folder: Path) -> list[str]:
    """The files of schema/ that are missing or differ from what ncpi would write."""
    return [
        name
        for name, text in schema_texts().items()
        if not (folder / name).is_file() or (folder / name).read_text("utf-8") != text
    ]
