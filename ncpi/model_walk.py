"""What is at a key path of a report or the common data: the data model, walked in one place.

Checking (which texts are prose), the schema's messages (which keys are valid where), the
Welsh pair (what a Welsh file mirrors), partial reports and the format reference all ask this
module, so that Annotated and Optional are unwrapped the same way everywhere.
"""

from __future__ import annotations

import functools
import types
import typing
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel

from ncpi.problems import KeyPath


def unwrap(annotation: Any, metadata: Sequence[Any] = ()) -> tuple[Any, list]:
    """The type inside Annotated[...] and Optional[...], and every marker met on the way."""
    found = list(metadata)
    while True:
        if typing.get_origin(annotation) is typing.Annotated:
            found += typing.get_args(annotation)[1:]
            annotation = typing.get_args(annotation)[0]
            continue
        options = [a for a in typing.get_args(annotation) if a is not type(None)]
        if typing.get_origin(annotation) in (typing.Union, types.UnionType) and len(options) == 1:
            annotation = options[0]
            continue
        return annotation, found


def candidates(annotation: Any) -> list[Any]:
    """The types an annotation can hold: Annotated, Optional and other unions taken apart."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return candidates(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [t for arg in typing.get_args(annotation) for t in candidates(arg)]
    return [annotation]


def is_model(annotation: Any) -> bool:
    """Whether an annotation is one of the model's classes (a mapping of named keys)."""
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def step(annotation: Any, part: str | int) -> tuple[Any, list] | None:
    """What is one key or list index inside `annotation` (in the first of the types it can
    hold that has it): its annotation and the field's own markers (pydantic keeps a field's
    Annotated metadata apart from its type); None if nothing is."""
    for candidate in candidates(annotation):
        origin = typing.get_origin(candidate)
        if isinstance(part, int):
            if origin is list:
                return typing.get_args(candidate)[0], []
        elif origin is dict:
            return typing.get_args(candidate)[1], []  # The common data's notes, by id.
        elif is_model(candidate) and part in candidate.model_fields:
            field = candidate.model_fields[part]
            return field.annotation, list(field.metadata)
    return None


def field_at(model: type[BaseModel], path: KeyPath) -> tuple[Any, list] | None:
    """The type at a key path, unwrapped, and the markers of the field it is; None if the
    model has nothing there. The markers' list is shared: read it, do not change it."""
    # Every item of a list has the same type: a report's 20,000 texts have a few hundred
    # paths once their indexes are set aside, and walking each took a third of validate.
    return _field_at_shape(model, tuple(0 if isinstance(part, int) else part for part in path))


@functools.lru_cache(maxsize=4096)
def _field_at_shape(model: type[BaseModel], path: KeyPath) -> tuple[Any, list] | None:
    annotation: Any = model
    metadata: list = []
    for part in path:
        found = step(annotation, part)
        if found is None:
            return None
        annotation, metadata = found
    return unwrap(annotation, metadata)


def model_at(model: type[BaseModel], path: KeyPath) -> type[BaseModel] | None:
    """The model class of the mapping at a key path, if it is one (or may be one)."""
    found = field_at(model, path)
    if found is None:
        return None
    return next((t for t in candidates(found[0]) if is_model(t)), None)
