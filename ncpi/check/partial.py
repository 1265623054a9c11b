"""The parts of a report that pass the schema, for checking rules when other parts do not.

A file with a misspelt key in the press release should still have its speaker and dates checked
in the same run. `partial_model` validates a mapping field by field: what passes is the real
value, what fails is `UNAVAILABLE`, which raises `UnavailablePart` as soon as a rule uses it, so
that rule alone is skipped (the schema has already reported that part).
"""

from __future__ import annotations

import typing
from functools import cache
from types import SimpleNamespace
from typing import Any

from pydantic import BaseModel, ValidationError

from ncpi.model_walk import is_model, unwrap


class UnavailablePart(Exception):
    """A rule used a part of the report that failed the schema."""


class _Unavailable:
    """Stands for a value that failed the schema; any use of it raises UnavailablePart."""

    def __repr__(self) -> str:
        return "<unavailable>"

    def _refuse(self, *args, **kwargs):
        raise UnavailablePart

    __getattr__ = _refuse
    __iter__ = __len__ = __bool__ = __contains__ = __getitem__ = _refuse
    __eq__ = __ne__ = __lt__ = __le__ = __gt__ = __ge__ = __hash__ = _refuse
    __str__ = __format__ = __add__ = __radd__ = __sub__ = __rsub__ = _refuse


UNAVAILABLE = _Unavailable()


@cache
def _adapter(model: type[BaseModel], name: str):
    """A validator of one field, with its constraints (a list's minimum length), not only its
    type. Loaded with the first file that fails the schema: 0.6 ms of every validation."""
    from pydantic.type_adapter import TypeAdapter

    return TypeAdapter(model.model_fields[name].rebuild_annotation())


def _models_in(annotation: Any) -> tuple[type[BaseModel] | None, bool]:
    """The model a field holds (directly, optionally, or as list items), and whether a list."""
    annotation, _ = unwrap(annotation)
    if typing.get_origin(annotation) is list:
        inner, _ = _models_in(typing.get_args(annotation)[0])
        return inner, True
    return (annotation, False) if is_model(annotation) else (None, False)


def partial_model(model: type[BaseModel], data: Any) -> Any:
    """`data` as `model` if it is valid, else a namespace of its valid parts and UNAVAILABLE."""
    if not isinstance(data, dict):
        return UNAVAILABLE
    try:
        return model.model_validate(data)
    except ValidationError:
        pass
    values = {}
    for name, field in model.model_fields.items():
        if name not in data:
            values[name] = (
                UNAVAILABLE if field.is_required() else field.get_default(call_default_factory=True)
            )
            continue
        try:
            values[name] = _adapter(model, name).validate_python(data[name])
            continue
        except ValidationError:
            pass
        inner, is_list = _models_in(field.annotation)
        if inner is None:
            values[name] = UNAVAILABLE
        elif is_list:
            values[name] = (
                [partial_model(inner, item) for item in data[name]]
                if isinstance(data[name], list)
                else UNAVAILABLE
            )
        else:
            values[name] = partial_model(inner, data[name])
    return SimpleNamespace(**values)
