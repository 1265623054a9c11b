"""Stage 2a, schema: check loaded data against the data model, with each error located."""

from __future__ import annotations

import re
import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from ncpi.check.loading import LoadedYaml
from ncpi.problems import KeyPath, Problem, excerpt
from ncpi.registry import suggest

_READ_AS = {
    "tag:yaml.org,2002:bool": "a yes/no value",
    "tag:yaml.org,2002:int": "a number",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:timestamp": "a date",
    "tag:yaml.org,2002:null": "nothing (an empty value)",
}


def _unwrap(annotation: Any) -> list[Any]:
    """The types an annotation can hold, with Annotated, Optional and unions taken apart."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [t for arg in typing.get_args(annotation) for t in _unwrap(arg)]
    return [annotation]


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _step(annotation: Any, part: str | int) -> Any:
    """The annotation one key or list index inside `annotation`, or None if there is none."""
    origin = typing.get_origin(annotation)
    if isinstance(part, int):
        return typing.get_args(annotation)[0] if origin is list else None
    if origin is dict:
        return typing.get_args(annotation)[1]  # The common data's notes, by id.
    if _is_model(annotation) and part in annotation.model_fields:
        return annotation.model_fields[part].annotation
    return None


def _model_at(model: type[BaseModel], loc: KeyPath) -> type[BaseModel] | None:
    """The model class that holds the mapping at `loc`, to list its valid keys."""
    current: Any = model
    for part in loc:
        steps = [_step(candidate, part) for candidate in _unwrap(current)]
        current = next((step for step in steps if step is not None), None)
        if current is None:
            return None
    return next((candidate for candidate in _unwrap(current) if _is_model(candidate)), None)


def kind_of(value: Any) -> str:
    """A value's kind as a message names it: 'a list', 'a number', or the text itself."""
    if isinstance(value, dict):
        return "a mapping of keys"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return "a yes/no value"
    if value is None:
        return "empty"
    if isinstance(value, (int, float)):
        return "a number"
    return f"'{excerpt(value)}'"


def _message(
    loaded: LoadedYaml, model: type[BaseModel], error: dict
) -> tuple[KeyPath, str, bool, str]:
    """Plain-words message for one pydantic error: (path, message, at the key?, code)."""
    loc: KeyPath = tuple(error["loc"])
    kind = error["type"]
    value = error.get("input")
    if "[key]" in loc:
        loc = loc[: loc.index("[key]")]
        # Only the case audit's grades are a mapping whose keys are limited (to a Literal's).
        allowed = _expected(error)
        listing = f"; allowed: {', '.join(allowed)}."
        return (
            loc,
            (f"'{loc[-1]}' is not an allowed key here{listing}{suggest(str(loc[-1]), allowed)}"),
            True,
            "unknown-key",
        )
    if kind == "missing":
        return loc[:-1], f"missing required key '{loc[-1]}'", True, "missing-key"
    if kind == "extra_forbidden":
        holder = _model_at(model, loc[:-1])
        valid = list(holder.model_fields) if holder else []
        hint = suggest(str(loc[-1]), valid)
        listing = f" Valid keys here: {', '.join(valid)}." if valid and not hint else ""
        return loc, f"unknown key '{loc[-1]}'.{hint}{listing}", True, "unknown-key"
    if kind == "literal_error":
        expected = _expected(error)
        return (
            loc,
            (
                f"{kind_of(value)} is not one of: {', '.join(expected)}."
                f"{suggest(str(value), expected)}"
            ),
            False,
            "unknown-value",
        )
    source = loaded.scalars.get(loc)
    if (
        kind == "string_type"
        and source is not None
        and source.style is None
        and source.tag in _READ_AS
    ):
        read_as = _READ_AS[source.tag]
        if source.tag.endswith(":null"):
            return loc, "is empty: write the text here", False, "empty"
        return (
            loc,
            (f"'{source.raw}' was read as {read_as}, not text: put it in quotes: \"{source.raw}\""),
            False,
            "yaml-trap",
        )
    if kind == "string_type" and isinstance(value, dict) and len(value) == 1:
        # "- Note: the force …": the ': ' made YAML read a key and its value.
        ((key, rest),) = value.items()
        if isinstance(rest, (str, type(None))):  # Keys are text as written (loading.py).
            colon = ": " if rest else ":"  # "- Note:" at the end of a line is a key too.
            shown = f"{key}{colon}{rest or ''}"
            shown = shown if len(shown) < 50 else shown[:47] + "…"
            return (
                loc,
                (
                    f"'{shown}' was read as a key and its value, because of the '{colon}' after "
                    f"'{key}': put the whole paragraph in quotes"
                ),
                False,
                "yaml-trap",
            )
    if kind == "string_type":
        return loc, f"should be text, not {kind_of(value)}", False, "wrong-type"
    if kind == "string_pattern_mismatch":
        odd = next((c for c in str(value) if not (c.isascii() and c.isprintable())), None)
        if odd is not None and str(value).strip():
            import unicodedata

            return (
                loc,
                (
                    f"contains U+{ord(odd):04X} ({unicodedata.name(odd, 'unnamed')}), "
                    "which only looks like an ordinary character or cannot be seen: type "
                    "it again with plain letters and digits"
                ),
                False,
                "look-alike",
            )
        if str(value).strip():
            return (
                loc,
                (
                    f"'{excerpt(value)}' is not allowed here: an id is letters, digits, '.' "
                    "and '-', starting with a letter or digit"
                ),
                False,
                "invalid",
            )
        return loc, "should not be empty or only spaces", False, "empty"
    if kind == "string_too_short":  # '' in quotes
        return loc, "is empty: write the text here", False, "empty"
    if kind in ("model_type", "dict_type"):
        return (
            loc,
            (f"should be a mapping of keys ('key: value' lines), not {kind_of(value)}"),
            False,
            "wrong-type",
        )
    if kind == "list_type":
        return (
            loc,
            f"should be a list (lines starting with '- '), not {kind_of(value)}",
            False,
            "wrong-type",
        )
    if kind == "too_short":
        return loc, "needs at least one item", False, "empty"
    if kind.startswith("date"):
        return (
            loc,
            (f"{kind_of(value)} is not a date: write it as YEAR-MONTH-DAY, e.g. 2016-09-12"),
            False,
            "wrong-type",
        )
    if kind.startswith("int"):
        if source is not None and source.style is not None and source.raw.strip().isdigit():
            return (
                loc,
                f"'{source.raw}' is in quotes, so it is text: write the number without quotes",
                False,
                "wrong-type",
            )
        # Shown as written: "not a number" would not say what is wrong with 1.5 or .nan.
        shown = f"'{excerpt(source.raw)}'" if source is not None else kind_of(value)
        return loc, f"should be a whole number, not {shown}", False, "wrong-type"
    if kind == "greater_than_equal":
        least = error["ctx"]["ge"]
        return loc, f"should be at least {least}, not {value!r}", False, "out-of-range"
    return loc, f"{error['msg']} (found {kind_of(value)})", False, "invalid"


def _expected(error: dict) -> list[str]:
    """The allowed values of a literal_error, from pydantic's "'a', 'b' or 'c'"."""
    return re.findall(r"'([^']*)'", error["ctx"]["expected"])


def check_schema(loaded: LoadedYaml, model: type[BaseModel]) -> tuple[Any, list[Problem]]:
    """Validate against the model: the model instance, or None and every problem located."""
    try:
        return model.model_validate(loaded.data), []
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            path, message, at_key, code = _message(loaded, model, error)
            problems.append(loaded.problem(path, message, key=at_key, code=code))
        return None, sorted(set(problems))
