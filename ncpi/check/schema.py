"""Stage 2a, schema: check loaded data against the data model, with each error located."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, NamedTuple

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from ncpi.check.loading import LoadedYaml
from ncpi.model_walk import model_at
from ncpi.problems import KeyPath, Problem, excerpt, odd_character
from ncpi.registry import suggest

_READ_AS = {
    "tag:yaml.org,2002:bool": "a yes/no value",
    "tag:yaml.org,2002:int": "a number",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:timestamp": "a date",
    "tag:yaml.org,2002:null": "nothing (an empty value)",
}


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


#: A message: the key path it is at, the words, whether it is at the key (not the value), code.
Message = tuple[KeyPath, str, bool, str]


class _Error(NamedTuple):
    """One pydantic error, with what its message may need: the value as YAML wrote it."""

    loaded: LoadedYaml
    model: type[BaseModel]
    error: ErrorDetails
    loc: KeyPath
    kind: str
    value: Any

    @property
    def source(self):
        return self.loaded.scalars.get(self.loc)


def _message(loaded: LoadedYaml, model: type[BaseModel], error: ErrorDetails) -> Message:
    """Plain-words message for one pydantic error, by its type (see _BY_TYPE)."""
    loc: KeyPath = tuple(error["loc"])
    if "[key]" in loc:
        return _not_an_allowed_key(loc[: loc.index("[key]")], error)
    found = _Error(loaded, model, error, loc, error["type"], error.get("input"))
    handler = _BY_TYPE.get(found.kind) or next(
        (handler for prefix, handler in _BY_PREFIX if found.kind.startswith(prefix)), _other
    )
    return handler(found)


def _not_an_allowed_key(loc: KeyPath, error: ErrorDetails) -> Message:
    # Only the case audit's grades are a mapping whose keys are limited (to a Literal's).
    allowed = _expected(error)
    listing = f"; allowed: {', '.join(allowed)}."
    return (
        loc,
        f"'{loc[-1]}' is not an allowed key here{listing}{suggest(str(loc[-1]), allowed)}",
        True,
        "unknown-key",
    )


def _missing(e: _Error) -> Message:
    return e.loc[:-1], f"missing required key '{e.loc[-1]}'", True, "missing-key"


def _unknown_key(e: _Error) -> Message:
    holder = model_at(e.model, e.loc[:-1])
    valid = list(holder.model_fields) if holder else []
    hint = suggest(str(e.loc[-1]), valid)
    listing = f" Valid keys here: {', '.join(valid)}." if valid and not hint else ""
    return e.loc, f"unknown key '{e.loc[-1]}'.{hint}{listing}", True, "unknown-key"


def _not_a_choice(e: _Error) -> Message:
    expected = _expected(e.error)
    source = e.source
    if (
        source is not None
        and source.style is None
        and source.tag in _READ_AS
        and source.raw in expected
    ):
        # `programme: 2024` is read as a number; the choice is the text "2024".
        return (
            e.loc,
            f"'{source.raw}' was read as {_READ_AS[source.tag]}, not text: put it in quotes: "
            f'"{source.raw}"',
            False,
            "yaml-trap",
        )
    return (
        e.loc,
        f"{kind_of(e.value)} is not one of: {', '.join(expected)}."
        f"{suggest(str(e.value), expected)}",
        False,
        "unknown-value",
    )


def _not_text(e: _Error) -> Message:
    """Text was expected: a YAML trap (yes, 1.0, ~ unquoted), a ': ' read as a key, or not text."""
    source = e.source
    if source is not None and source.style is None and source.tag in _READ_AS:
        if source.tag.endswith(":null"):
            return e.loc, "is empty: write the text here", False, "empty"
        return (
            e.loc,
            f"'{source.raw}' was read as {_READ_AS[source.tag]}, not text: put it in quotes: "
            f'"{source.raw}"',
            False,
            "yaml-trap",
        )
    if isinstance(e.value, dict) and len(e.value) == 1:
        # "- Note: the force …": the ': ' made YAML read a key and its value.
        ((key, rest),) = e.value.items()
        if isinstance(rest, (str, type(None))):  # Keys are text as written (loading.py).
            colon = ": " if rest else ":"  # "- Note:" at the end of a line is a key too.
            shown = f"{key}{colon}{rest or ''}"
            shown = shown if len(shown) < 50 else shown[:47] + "…"
            return (
                e.loc,
                f"'{shown}' was read as a key and its value, because of the '{colon}' after "
                f"'{key}': put the whole paragraph in quotes",
                False,
                "yaml-trap",
            )
    return e.loc, f"should be text, not {kind_of(e.value)}", False, "wrong-type"


def _not_an_id(e: _Error) -> Message:
    text = str(e.value)
    odd = next((c for c in text if not (c.isascii() and c.isprintable())), None)
    if odd is not None and text.strip():
        advice = "type it again with plain letters and digits"
        return e.loc, odd_character(odd, advice), False, "look-alike"
    field = next((part for part in reversed(e.loc) if isinstance(part, str)), "")
    if text.strip() and field in _PATTERN_SHAPES:
        return e.loc, f"'{excerpt(e.value)}' {_PATTERN_SHAPES[field]}", False, "invalid"
    if text.strip():
        return (
            e.loc,
            f"'{excerpt(e.value)}' is not allowed here: an id is letters, digits, '.' and '-', "
            "starting with a letter or digit",
            False,
            "invalid",
        )
    return e.loc, "should not be empty or only spaces", False, "empty"


#: What a value must look like, by the name of its field (the model's patterns); else an id.
_PATTERN_SHAPES = {
    "press_office": "is not one email address, which the email draft's sender must be: write "
    "one address, like press.office@example.gov.uk",
    "website": "is not a website as the inspectorates' are written: without https://, like "
    "www.justiceinspectorates.gov.uk/hmic",
    "url": "is not a web address: write it in full, starting with https://, without spaces",
}


def _empty_text(e: _Error) -> Message:  # '' in quotes
    return e.loc, "is empty: write the text here", False, "empty"


def _not_a_mapping(e: _Error) -> Message:
    return (
        e.loc,
        f"should be a mapping of keys ('key: value' lines), not {kind_of(e.value)}",
        False,
        "wrong-type",
    )


def _not_a_list(e: _Error) -> Message:
    return (
        e.loc,
        f"should be a list (lines starting with '- '), not {kind_of(e.value)}",
        False,
        "wrong-type",
    )


#: Why a list may not be empty, where the domain says more than the schema can.
_WHY_NOT_EMPTY = {
    "causes_of_concern": "a cause of concern is always accompanied by one or more "
    "recommendations: give the id of each recommendation that answers it, e.g. [R1, R2]",
}


def _no_items(e: _Error) -> Message:
    if len(e.loc) >= 3 and e.loc[-3] in _WHY_NOT_EMPTY and e.loc[-1] == "recommendations":
        return e.loc, _WHY_NOT_EMPTY[str(e.loc[-3])], False, "empty"
    return e.loc, "needs at least one item", False, "empty"


def _not_a_date(e: _Error) -> Message:
    return (
        e.loc,
        f"{kind_of(e.value)} is not a date: write it as YEAR-MONTH-DAY, e.g. 2016-09-12",
        False,
        "wrong-type",
    )


def _not_a_moment(e: _Error) -> Message:
    """A date and time (an embargo) that is not one; '24:00' said in its own words."""
    midnight = re.fullmatch(r"(\d{4}-\d{2}-\d{2})[ T]24:00(?::00)?", str(e.value).strip())
    if midnight:
        try:
            day = dt.date.fromisoformat(midnight.group(1))
        except ValueError:
            day = None
        if day is not None:
            following = day + dt.timedelta(days=1)
            return (
                e.loc,
                f"'{e.value}' is not a time: the day has no 24:00; midnight at its end is "
                f"{following.isoformat()} 00:00 (or write {day.isoformat()} 23:59)",
                False,
                "wrong-type",
            )
    return (
        e.loc,
        f"{kind_of(e.value)} is not a date and time: write it as YEAR-MONTH-DAY HH:MM, UK "
        "time, e.g. 2016-12-14 00:01",
        False,
        "wrong-type",
    )


def _not_a_whole_number(e: _Error) -> Message:
    source = e.source
    if source is not None and source.style is not None and source.raw.strip().isdigit():
        return (
            e.loc,
            f"'{source.raw}' is in quotes, so it is text: write the number without quotes",
            False,
            "wrong-type",
        )
    # Shown as written: "not a number" would not say what is wrong with 1.5 or .nan.
    shown = f"'{excerpt(source.raw)}'" if source is not None else kind_of(e.value)
    return e.loc, f"should be a whole number, not {shown}", False, "wrong-type"


def _too_small(e: _Error) -> Message:
    least = e.error["ctx"]["ge"]
    return e.loc, f"should be at least {least}, not {e.value!r}", False, "out-of-range"


def _other(e: _Error) -> Message:
    return e.loc, f"{e.error['msg']} (found {kind_of(e.value)})", False, "invalid"


#: Each pydantic error type's message; then by how the type begins (date…, int…).
_BY_TYPE = {
    "missing": _missing,
    "extra_forbidden": _unknown_key,
    "literal_error": _not_a_choice,
    "string_type": _not_text,
    "string_pattern_mismatch": _not_an_id,
    "string_too_short": _empty_text,
    "model_type": _not_a_mapping,
    "dict_type": _not_a_mapping,
    "list_type": _not_a_list,
    "too_short": _no_items,
    "greater_than_equal": _too_small,
}
_BY_PREFIX = (
    ("datetime", _not_a_moment),
    ("date", _not_a_date),
    ("int", _not_a_whole_number),
)


def _expected(error: ErrorDetails) -> list[str]:
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
