"""The format reference: every key of a report and of the common data, made from the model.

Written by `ncpi schema` beside the JSON Schema (schema/format.md), and checked by
`ncpi schema --check`, so the documentation cannot drift from what `validate` accepts.
"""

from __future__ import annotations

import datetime as dt
import json
import types
import typing
from typing import Annotated, Literal

from annotated_types import Ge, MinLen
from pydantic import BaseModel

from ncpi.model import PROSE, Common, Report
from ncpi.model_walk import unwrap

_HEADER = """\
# The format of report files

Made from ncpi's data model by `ncpi schema`; do not edit (`ncpi schema --check` fails when
it is out of date). `reports/essex.yaml` is a complete example, and `ncpi new FORCE` starts a
file with every required key. Dates are written YYYY-MM-DD. A key marked optional may be left
out; every other key is required, and a key not listed here is an error.

## What ncpi writes itself

Some sentences are written by ncpi from the facts in the file, so that they always agree with
them. A paragraph of your own need not say them again:

- the report's introduction: when the force was inspected and by whom, when that report was
  published, "We made five recommendations:" and each one with its timescale, and when the
  inspectorate returned;
- in each area, "Recommendations from the 2015 inspection report" (named by the year it was
  published), the recommendations, and each one's progress;
- the first sentence of the case file analysis, with its counts ("Inspectors audited 60 case
  files, and referred three back to the force for action."), the table of grades and its
  chart: `validate` warns when a paragraph of `case_audit` gives those counts again;
- Annex A's methodology, unless the report (`methodology`) or the common data gives it;
- the press release's opening paragraph ("In September 2016, HMIC conducted a follow-up
  inspection…"), "Get the report" with the report's title and address, the lead-ins of its
  lists unless given, "HM Inspector of Constabulary Zoë Billingham said:", and the notes to
  editors from the common data.

An initial inspection's own report (`inspection.kind: inspection`) also gets, written by ncpi:
the table of judgments in the summary and "Our judgment: Good" under each topic's heading;
"Recommendations R2 and R3 answer it." after each cause of concern; the introduction's first
paragraph (when and by whom the force was inspected) and its two fixed parts, on the police's
responsibility and on Working Together to Safeguard Children; the case file analysis after the
leadership chapter; and a press release opening "In January 2025, HMICFRS inspected the child
protection work carried out by …".

A report follows a programme (`inspection.programme`, by default the one in use when its
fieldwork started): the 2014 programme's areas are the child's journey; the 2024 programme's
are its five graded topics (leadership, partnership working, initial response, risk
assessment and referral, investigation), and only an inspection of 1 April 2024 or later has
graded judgments (outstanding, good, adequate, requires improvement, inadequate).
"""


def _describe(annotation, constraints: list) -> tuple[str, str]:
    """A type in words, and its allowed values (or limits), for a reader of the reference."""
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        inner, *metadata = typing.get_args(annotation)
        return _describe(inner, [*constraints, *metadata])
    if origin in (typing.Union, types.UnionType):
        present = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        return _describe(present[0], constraints)
    if origin is Literal:
        return "choice", ", ".join(f"`{value}`" for value in typing.get_args(annotation))
    if origin is list:
        item, allowed = _describe(typing.get_args(annotation)[0], [])
        least = next((c.min_length for c in constraints if isinstance(c, MinLen)), 0)
        return (f"list of {_plural(item)}" + (f", at least {least}" if least else ""), allowed)
    if origin is dict:
        key, value = typing.get_args(annotation)
        key_text, key_allowed = _describe(key, [])
        value_text, _ = _describe(value, [])
        key_text = "name" if key_text == "choice" else key_text
        return f"map of {key_text} to {value_text}", (f"keys: {key_allowed}" if key_allowed else "")
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return f"[{annotation.__name__}](#{annotation.__name__.lower()})", ""
    if annotation is dt.date:
        return "date", "YYYY-MM-DD"
    if annotation is int:
        smallest = next((c.ge for c in constraints if isinstance(c, Ge)), None)
        return "whole number", (f"{smallest} or more" if smallest is not None else "")
    if PROSE in constraints:
        return "text (prose)", "emphasis, lists and links allowed"
    return "text", ""


def _plural(text: str) -> str:
    """'paragraphs' for prose, 'texts' for text; a linked model's name stays as it is."""
    return {
        "text (prose)": "paragraphs",
        "text": "texts",
        "date": "dates",
        "whole number": "whole numbers",
    }.get(text, text)


def _example(field) -> str:
    if not field.examples:
        return ""
    example = field.examples[0]
    # As it is written in YAML: a word as it is, a map or list in flow style (JSON is YAML).
    shown = example if isinstance(example, str) else json.dumps(example, ensure_ascii=False)
    return f"`{shown}`"


def _models_of(root: type[BaseModel], root_key: str) -> dict[type[BaseModel], list[str]]:
    """The model and every model it contains, in the order a reader meets them, with the key
    paths where each is used (`reinspection.fieldwork`, `inspection.fieldwork`)."""
    found: dict[type[BaseModel], list[str]] = {}

    def visit(model: type[BaseModel], path: str) -> None:
        first = model not in found
        found.setdefault(model, []).append(path)
        if not first:
            return
        for name, field in model.model_fields.items():
            listed = "[]" if typing.get_origin(_bare(field.annotation)) is list else ""
            for inner in _models_in(field.annotation):
                visit(inner, f"{path}.{name}{listed}" if path else f"{name}{listed}")

    visit(root, root_key)
    return found


def _bare(annotation):
    """The annotation without Optional and Annotated around it."""
    return unwrap(annotation)[0]


def _models_in(annotation) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [model for arg in typing.get_args(annotation) for model in _models_in(arg)]


def _section(model: type[BaseModel], paths: list[str]) -> str:
    where = ", ".join(f"`{path}`" for path in paths) if paths != [""] else "the whole file"
    lines = [
        f'<a id="{model.__name__.lower()}"></a>',
        f"### {model.__name__}",
        "",
        f"{_first_line(model.__doc__)} Where: {where}.",
        "",
        "| Key | Type | Allowed | Meaning | Example |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, field in model.model_fields.items():
        kind, allowed = _describe(field.annotation, list(field.metadata))
        optional = "" if field.is_required() else " (optional)"
        inner = _models_in(field.annotation)
        meaning = field.description or (_first_line(inner[0].__doc__) if inner else "")
        meaning = meaning.replace("|", "\\|")
        lines.append(f"| `{name}`{optional} | {kind} | {allowed} | {meaning} | {_example(field)} |")
    return "\n".join(lines) + "\n"


def format_reference() -> str:
    """The reference, as Markdown: a section per part of a report, then of the common data."""
    parts = [_HEADER]
    for title, root in (
        ("A force's report: reports/FORCE.yaml", Report),
        ("The common data: reports/_common.yaml", Common),
    ):
        parts.append(f"## {title}\n")
        parts += [_section(model, paths) for model, paths in _models_of(root, "").items()]
    return "\n".join(parts)


def _first_line(docstring: str | None) -> str:
    """A model's one-line docstring (every model has one)."""
    return (docstring or "").strip().splitlines()[0]
