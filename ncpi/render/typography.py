"""Typographic apostrophes and quotation marks in what a document shows, as the house writes.

HMIC's published text uses curly marks throughout ("HMIC’s", ‘In harm’s way’); authors type
straight ones. Documents showed both on one page ("HMIC’s" beside "force's"), so every prose
or translated text of a report and its common data is given curly marks before it is
rendered, as SmartyPants does for Markdown. The data stays as typed: validation, the review
log and the open data see the author's characters. A link's address is never changed.
"""

from __future__ import annotations

import functools
import re
import typing
from typing import Any, NamedTuple

from pydantic import BaseModel

from ncpi.model import PROSE, TRANSLATED
from ncpi.model_walk import unwrap
from ncpi.render.markup import find_live_links

# After a letter, a digit, or a mark that ends a word in the markup ("*real*'s"): an
# apostrophe, or a quotation closing ("the 'new' unit" -> ’ after "new").
_AFTER_WORD = re.compile(r"(?<=[^\W_]|[*)\]])'")
# A decade or year cut short ("the '90s", "in '16"): an apostrophe, though it opens a word.
_CUT_YEAR = re.compile(r"'(?=\d\d(?:s\b|\b))")
# At the start or after a space, bracket or dash, before a mark of the text: opening.
_OPENING_SINGLE = re.compile(r"(?:^|(?<=[\s(\[—–-]))'(?=\S)")
_OPENING_DOUBLE = re.compile(r'(?:^|(?<=[\s(\[—–-]))"(?=\S)')


def _curly(text: str) -> str:
    """A text without links, its straight marks made curly."""
    if "'" in text:
        text = _CUT_YEAR.sub("’", text)
        text = _AFTER_WORD.sub("’", text)
        text = _OPENING_SINGLE.sub("‘", text)
        text = text.replace("'", "’")  # What is left closes: after a full stop, a comma
    if '"' in text:
        text = _OPENING_DOUBLE.sub("“", text)
        text = text.replace('"', "”")
    return text


def curly(text: str) -> str:
    """`text` with typographic apostrophes and quotation marks; link addresses as typed."""
    if "'" not in text and '"' not in text:
        return text
    parts, position = [], 0
    for start, end, label, url in find_live_links(text):
        parts += [_curly(text[position:start]), f"[{_curly(label)}]({url})"]
        position = end
    parts.append(_curly(text[position:]))
    return "".join(parts)


def typeset(data: Any) -> Any:
    """A copy of a report or the common data whose prose and translated texts are `curly`."""
    if not isinstance(data, BaseModel):
        return data
    changed = {}
    for name, shape in _field_shapes(type(data)):
        value = getattr(data, name)
        new = _typeset_value(value, shape)
        if new is not value:
            changed[name] = new
    return data.model_copy(update=changed) if changed else data


#: Data typeset whole, by the identity of what it was typeset from (held, so that an id is
#: never reused): the common data is the same object for every force's documents.
_TYPESET_SHARED: dict[int, tuple[BaseModel, Any]] = {}


def typeset_shared(data: BaseModel) -> Any:
    """typeset(data), worked out once for the same (frozen, so unchanging) object."""
    entry = _TYPESET_SHARED.get(id(data))
    if entry is None or entry[0] is not data:
        if len(_TYPESET_SHARED) >= 4:  # English and Welsh, in a long preview: forget
            _TYPESET_SHARED.clear()
        entry = _TYPESET_SHARED[id(data)] = (data, typeset(data))
    return entry[1]


class _Shape(NamedTuple):
    """What a field's annotation says of its value, worked out once per model class."""

    shown: bool  # A text here is prose or translated: shown as typeset.
    items: _Shape | None  # What a list's items are, if it has a type argument.
    values: _Shape | None  # What a dict's values are, if it has two.


@functools.cache
def _field_shapes(model: type[BaseModel]) -> tuple[tuple[str, _Shape], ...]:
    # Once per class: unwrapping each field's type for each value took a fifth of a render.
    return tuple(
        (name, _shape(field.annotation, field.metadata))
        for name, field in model.model_fields.items()
    )


def _shape(annotation: Any, metadata: list | tuple = ()) -> _Shape:
    annotation, markers = unwrap(annotation, metadata)
    arguments = typing.get_args(annotation)
    return _Shape(
        shown=any(marker is PROSE or marker is TRANSLATED for marker in markers),
        items=_shape(arguments[0]) if arguments else None,
        values=_shape(arguments[1]) if len(arguments) == 2 else None,
    )


def _typeset_value(value: Any, shape: _Shape) -> Any:
    """A value typeset as its type says: text if it is shown text, else its parts; the same
    object where nothing changed."""
    if isinstance(value, str):
        new = curly(value) if shape.shown else value
        return value if new == value else new
    if isinstance(value, BaseModel):
        return typeset(value)
    if isinstance(value, list) and shape.items is not None:
        items = [_typeset_value(item, shape.items) for item in value]
        return value if all(a is b for a, b in zip(items, value, strict=True)) else items
    if isinstance(value, dict) and shape.values is not None:
        entries = {key: _typeset_value(item, shape.values) for key, item in value.items()}
        return value if all(entries[key] is value[key] for key in value) else entries
    return value
