"""Welsh editions: a Welsh file mirrors the English file's prose, and the pair is checked.

reports/FORCE.cy.yaml has the same keys, ids and number of paragraphs and list items as
reports/FORCE.yaml, for every field that is prose (model.PROSE) or differs by language
(model.TRANSLATED); the facts (dates, ids' meanings, statuses, counts) are written once, in
the English file. Which fields those are is read from the model, so a new prose field is
mirrored without a change here. What one file has and the other lacks is an error at its
place in the file that lacks it.
"""

from __future__ import annotations

import hashlib
import typing
from collections.abc import Sequence
from pathlib import PurePosixPath
from typing import Any

from pydantic import BaseModel

from ncpi.check.loading import LoadedYaml
from ncpi.check.schema import kind_of
from ncpi.model import NOT_PUBLISHED, PROSE, TRANSLATED
from ncpi.model_walk import unwrap
from ncpi.problems import KeyPath, Problem, format_path

#: The Welsh file's record of the English each text was translated from: key path -> its
#: fingerprint (english_fingerprint). Written by `ncpi new --welsh` and `ncpi translated`.
TRANSLATED_FROM = "translated_from"


def english_fingerprint(text: str) -> str:
    """A short hash of an English text, blind to how its lines are wrapped."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()[:12]


#: Fields that say which entry of a list an item is; a Welsh item repeats its English item's.
ITEM_KEYS = ("id", "area", "recommendation", "since")
#: Lists whose entries are list items rather than paragraphs, for messages.
LIST_ITEMS = frozenset({"pleased", "concerned"})


# The shapes are plain classes, told apart by isinstance and never compared or changed: as
# frozen dataclasses, the five cost every validation 2 ms to define (Python 3.11 compiles
# each generated method as it defines the class), a hundredth of its time.


class Text:
    """A text given in each language."""

    __slots__ = ()


class Texts:
    """A list of texts (paragraphs, list items) given in each language, item for item."""

    __slots__ = ()


class Fields:
    """A mapping whose translated fields are mirrored."""

    __slots__ = ("fields",)

    def __init__(self, fields: dict[str, Any]) -> None:
        self.fields = fields


class Items:
    """A list of mappings, matched item for item and by their key (an id, an area)."""

    __slots__ = ("item", "key")

    def __init__(self, key: str | None, item: Fields) -> None:
        self.key = key
        self.item = item


class Keyed:
    """A mapping by the authors' own keys (the notes to editors by id), matched key for key."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


def translation_shape(annotation: Any, metadata: Sequence[Any] = ()) -> Any:
    """What of a model (or field type) a Welsh file gives: Text, Texts, Fields, Items, Keyed."""
    annotation, metadata = unwrap(annotation, metadata)
    if PROSE in metadata or TRANSLATED in metadata:
        return Text()
    origin = typing.get_origin(annotation)
    if origin is list:
        inner = translation_shape(typing.get_args(annotation)[0])
        if isinstance(inner, Text):
            return Texts()
        if isinstance(inner, Fields):
            item_fields = _model_fields(typing.get_args(annotation)[0])
            key = next((k for k in ITEM_KEYS if k in item_fields), None)
            return Items(key, inner)
        return None
    if origin is dict:
        inner = translation_shape(typing.get_args(annotation)[1])
        return Keyed(inner) if inner is not None else None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        fields = {
            name: shape
            for name, info in annotation.model_fields.items()
            if name not in NOT_PUBLISHED
            and (shape := translation_shape(info.annotation, info.metadata)) is not None
        }
        return Fields(fields) if fields else None
    return None


def _model_fields(annotation: Any) -> dict:
    annotation, _ = unwrap(annotation, [])
    is_model = isinstance(annotation, type) and issubclass(annotation, BaseModel)
    return annotation.model_fields if is_model else {}


def _kind(value: Any) -> str:
    """A value's kind in a message: as a schema message names it; blank text is 'empty text'."""

    if isinstance(value, str):
        return "empty text" if not value.strip() else "text"
    return kind_of(value)


#: Fewer words than this may be the same in both languages: a name, a title, an address.
_PROSE_WORDS = 4


def _untranslated(english: Any, welsh: str) -> bool:
    """Whether a Welsh text of some length is the English one (the "TODO: in Welsh:" marks
    deleted, and nothing translated): names and short titles may rightly be the same."""
    if not isinstance(english, str):
        return False
    same = " ".join(english.split()) == " ".join(welsh.split())
    return same and len(welsh.split()) >= _PROSE_WORDS


class PairCheck:
    """Compares an English file and its Welsh mirror, collecting located problems."""

    def __init__(self, english: LoadedYaml, welsh: LoadedYaml, model: type[BaseModel]):
        self.english, self.welsh, self.model = english, welsh, model
        self.problems: list[Problem] = []
        recorded = welsh.data.get(TRANSLATED_FROM) if isinstance(welsh.data, dict) else None
        self.translated_from = recorded if isinstance(recorded, dict) else {}

    def where(self, loaded: LoadedYaml, path: KeyPath) -> str:
        """FILE:LINE of a value, or of its key when it has one (where a reader looks)."""
        line, _ = loaded.position(path, key=bool(path) and isinstance(path[-1], str))
        return f"{loaded.file}:{line}"

    def missing_in_welsh(self, path: KeyPath, what: str, english_path: KeyPath) -> None:
        english = self.where(self.english, english_path)
        self.problems.append(
            self.welsh.problem(
                path,
                f"{what} is missing here: the English has it ({english}); give it in Welsh",
                code="welsh-missing",
            )
        )

    def missing_in_english(self, path: KeyPath, what: str, welsh_path: KeyPath) -> None:
        welsh = self.where(self.welsh, welsh_path)
        self.problems.append(
            self.english.problem(
                path,
                f"{what} is missing here: the Welsh has it ({welsh}); give it in English too, "
                "or remove it from the Welsh",
                code="english-missing",
            )
        )

    def run(self) -> list[Problem]:
        shape = translation_shape(self.model)
        self.compare(shape, self.english.data, self.welsh.data, ())
        return self.problems

    def compare(self, shape: Any, english: Any, welsh: Any, path: KeyPath) -> None:
        if isinstance(shape, Text):
            if not isinstance(welsh, str) or not welsh.strip():
                self.problems.append(
                    self.welsh.problem(
                        path, f"should be the Welsh text, not {_kind(welsh)}", code="welsh-text"
                    )
                )
            elif self.fallen_behind(english, path):
                slug = PurePosixPath(self.english.file).stem
                self.problems.append(
                    self.welsh.problem(
                        path,
                        "the English of this text changed after it was translated "
                        f"({self.where(self.english, path)}): bring the Welsh up to date, then "
                        f"record it with `ncpi translated {slug}`",
                        code="welsh-behind",
                        severity="warning",
                    )
                )
            elif _untranslated(english, welsh):
                self.problems.append(
                    self.welsh.problem(
                        path,
                        "is the English text, word for word "
                        f"({self.where(self.english, path)}): write it in Welsh",
                        code="welsh-untranslated",
                        severity="warning",
                    )
                )
        elif isinstance(shape, Texts | Items):
            self.compare_lists(shape, english, welsh, path)
        elif isinstance(shape, Fields):
            self.compare_fields(shape, english, welsh, path)
        elif isinstance(shape, Keyed):
            self.compare_keyed(shape, english, welsh, path)

    def fallen_behind(self, english: Any, path: KeyPath) -> bool:
        """Whether the English of a text is not the one its Welsh was recorded as made from."""
        recorded = self.translated_from.get(format_path(path))
        return (
            isinstance(recorded, str)
            and isinstance(english, str)
            and recorded != english_fingerprint(english)
        )

    def wrong_kind(self, english: Any, welsh: Any, path: KeyPath) -> bool:
        """Whether the Welsh value is not the kind of value the English is (and say so)."""
        if isinstance(welsh, type(english)):
            return False
        self.problems.append(
            self.welsh.problem(
                path,
                f"should be {_kind(english)}, as in the English "
                f"({self.where(self.english, path)}), not {_kind(welsh)}",
                code="welsh-shape",
            )
        )
        return True

    def compare_fields(self, shape: Fields, english: Any, welsh: Any, path: KeyPath) -> None:
        if not isinstance(english, dict) or self.wrong_kind(english, welsh, path):
            return
        key_field = self.item_key_of(path)
        for key in welsh:
            if key in shape.fields or key == key_field or (not path and key == TRANSLATED_FROM):
                continue
            if key in english or key in _model_fields_at(self.model, path):
                message = (
                    f"'{key}' is the same in both languages: write it once, in "
                    f"{self.english.file}, and remove it here"
                )
            else:
                message = f"unknown key '{key}': remove it, or check its spelling"
            self.problems.append(
                self.welsh.problem((*path, key), message, key=True, code="welsh-extra")
            )
        for key, inner in shape.fields.items():
            in_english = english.get(key) is not None
            in_welsh = key in welsh
            if in_english and not in_welsh:
                self.missing_in_welsh(path, f"'{key}'", (*path, key))
            elif in_welsh and not in_english:
                self.missing_in_english(path, f"'{key}'", (*path, key))
            elif in_english:
                self.compare(inner, english[key], welsh[key], (*path, key))

    def item_key_of(self, path: KeyPath) -> str | None:
        """The key field of the list item at `path`, if it is one."""
        if not path or not isinstance(path[-1], int):
            return None
        shape = _shape_at(translation_shape(self.model), path[:-1])
        return shape.key if isinstance(shape, Items) else None

    def compare_lists(self, shape: Texts | Items, english: Any, welsh: Any, path: KeyPath) -> None:
        if not isinstance(english, list) or self.wrong_kind(english, welsh, path):
            return
        noun = "list item" if path and path[-1] in LIST_ITEMS else "paragraph"
        if isinstance(shape, Items):
            noun = "item"
        for index in range(max(len(english), len(welsh))):
            name = f"{noun} {index + 1}"
            if isinstance(shape, Items) and index < len(english):
                name += self.item_label(shape, english[index])
            if index >= len(welsh):
                place = (*path, len(welsh) - 1) if welsh else path
                self.missing_in_welsh(place, name.capitalize(), (*path, index))
            elif index >= len(english):
                place = (*path, len(english) - 1) if english else path
                self.missing_in_english(place, noun.capitalize() + f" {index + 1}", (*path, index))
            elif isinstance(shape, Texts):
                self.compare(Text(), english[index], welsh[index], (*path, index))
            else:
                self.compare_item(shape, english[index], welsh[index], (*path, index))

    @staticmethod
    def item_label(shape: Items, item: Any) -> str:
        if shape.key and isinstance(item, dict) and isinstance(item.get(shape.key), str | int):
            return f" ({shape.key} {item[shape.key]})"
        return ""

    def compare_item(self, shape: Items, english: Any, welsh: Any, path: KeyPath) -> None:
        if shape.key and isinstance(english, dict) and isinstance(welsh, dict):
            expected = english.get(shape.key)
            if shape.key not in welsh:
                self.problems.append(
                    self.welsh.problem(
                        path,
                        f"give its {shape.key} ({expected}) as the English does "
                        f"({self.where(self.english, (*path, shape.key))}), so that each Welsh "
                        "item is matched with its English one",
                        code="welsh-order",
                    )
                )
            elif welsh[shape.key] != expected:
                self.problems.append(
                    self.welsh.problem(
                        (*path, shape.key),
                        f"is {welsh[shape.key]} here, but item {int(path[-1]) + 1} of the English "
                        f"is {expected} ({self.where(self.english, (*path, shape.key))}): keep "
                        "the Welsh items in the English order",
                        code="welsh-order",
                    )
                )
                return  # Its texts belong to another item: comparing them says nothing.
        self.compare_fields(shape.item, english, welsh, path)

    def compare_keyed(self, shape: Keyed, english: Any, welsh: Any, path: KeyPath) -> None:
        if not isinstance(english, dict) or self.wrong_kind(english, welsh, path):
            return
        for key in english:
            if key not in welsh:
                self.missing_in_welsh(path, f"'{key}'", (*path, key))
            else:
                self.compare(shape.value, english[key], welsh[key], (*path, key))
        for key in welsh:
            if key not in english:
                self.missing_in_english(path, f"'{key}'", (*path, key))


def _shape_at(shape: Any, path: KeyPath) -> Any:
    """The shape of the value at `path`."""
    for part in path:
        if isinstance(shape, Fields) and isinstance(part, str):
            shape = shape.fields.get(part)
        elif isinstance(shape, Items) and isinstance(part, int):
            shape = shape.item
        elif isinstance(shape, Keyed) and isinstance(part, str):
            shape = shape.value
        else:
            return None
    return shape


def _model_fields_at(model: type[BaseModel], path: KeyPath) -> dict:
    """The fields of the model at `path` (every field, translated or not)."""
    annotation: Any = model
    for part in path:
        annotation, _ = unwrap(annotation, [])
        if isinstance(part, int) and typing.get_origin(annotation) is list:
            annotation = typing.get_args(annotation)[0]
        elif isinstance(part, str) and typing.get_origin(annotation) is dict:
            annotation = typing.get_args(annotation)[1]
        elif isinstance(part, str) and isinstance(annotation, type):
            field = getattr(annotation, "model_fields", {}).get(part)
            if field is None:
                return {}
            annotation = field.annotation
        else:
            return {}
    return _model_fields(annotation)


def english_fingerprints(shape: Any, english: Any, path: KeyPath = ()) -> dict[str, str]:
    """Every translated text of an English file, by key path: its fingerprint."""
    found: dict[str, str] = {}
    if isinstance(shape, Text) and isinstance(english, str):
        found[format_path(path)] = english_fingerprint(english)
    elif isinstance(shape, Texts | Items) and isinstance(english, list):
        inner = Text() if isinstance(shape, Texts) else shape.item
        for index, item in enumerate(english):
            found |= english_fingerprints(inner, item, (*path, index))
    elif isinstance(shape, Fields) and isinstance(english, dict):
        for key, inner in shape.fields.items():
            found |= english_fingerprints(inner, english.get(key), (*path, key))
    elif isinstance(shape, Keyed) and isinstance(english, dict):
        for key, value in english.items():
            found |= english_fingerprints(shape.value, value, (*path, key))
    return found


def translated_from_block(model: type[BaseModel], english: Any) -> str:
    """The Welsh file's closing block: the English each text is translated from, as now."""
    fingerprints = english_fingerprints(translation_shape(model), english)
    lines = [
        f"{TRANSLATED_FROM}:  # the English each text was translated from: written by ncpi "
        "(`ncpi translated`), not by hand"
    ]
    lines += [f'  "{path}": "{fingerprint}"' for path, fingerprint in fingerprints.items()]
    return "\n".join(lines) + "\n"


def without_translated_from(text: str) -> str:
    """A Welsh file's text without its translated_from block (a top-level key and what is
    indented under it), the rest byte for byte."""
    lines = text.splitlines(keepends=True)
    kept, inside = [], False
    for line in lines:
        if line.startswith(f"{TRANSLATED_FROM}:"):
            inside = True
            continue
        if inside and (line[:1] in (" ", "\t", "\n", "\r", "#") or not line.strip()):
            continue
        inside = False
        kept.append(line)
    return "".join(kept)


def check_pair(english: LoadedYaml, welsh: LoadedYaml, model: type[BaseModel]) -> list[Problem]:
    """Every place where the Welsh file and the English file do not mirror each other."""
    return PairCheck(english, welsh, model).run()


def merged(shape: Any, english: Any, welsh: Any) -> Any:
    """The English data with every translated value replaced by the Welsh one."""
    if isinstance(shape, Text | Texts):
        return welsh
    if isinstance(shape, Fields):
        result = dict(english)
        for key, inner in shape.fields.items():
            if english.get(key) is not None:
                result[key] = merged(inner, english[key], welsh[key])
        return result
    if isinstance(shape, Items):
        return [merged(shape.item, e, w) for e, w in zip(english, welsh, strict=True)]
    if isinstance(shape, Keyed):
        return {key: merged(shape.value, value, welsh[key]) for key, value in english.items()}
    return english


def welsh_loaded(english: LoadedYaml, welsh: LoadedYaml, model: type[BaseModel]) -> LoadedYaml:
    """The Welsh edition's data (English facts, Welsh text), placed in the Welsh file.

    A schema problem in it can only be in a Welsh value (the English passed), so it is shown at
    that value's line in the Welsh file.
    """
    data = merged(translation_shape(model), english.data, welsh.data)
    return LoadedYaml(
        welsh.file,
        data,
        value_positions=welsh.value_positions,
        key_positions=welsh.key_positions,
        scalars=welsh.scalars,
    )


def mirror_schema(model: type[BaseModel]) -> dict:
    """The JSON Schema of a Welsh file for `model`: only its translated fields, item keys kept.

    So that an editor checks a Welsh file as it checks the English one (see schema_export).
    """

    def schema_of(shape: Any, key: str | None = None) -> dict:
        if isinstance(shape, Text):
            return {"type": "string", "minLength": 1, "pattern": r"\S", "description": "In Welsh."}
        if isinstance(shape, Texts):
            return {"type": "array", "items": schema_of(Text())}
        if isinstance(shape, Items):
            return {"type": "array", "items": schema_of(shape.item, shape.key)}
        if isinstance(shape, Keyed):
            return {"type": "object", "additionalProperties": schema_of(shape.value)}
        properties = {name: schema_of(inner) for name, inner in shape.fields.items()}
        if key is not None:
            properties[key] = {"description": f"The {key} of the English item this one translates."}
        return {"type": "object", "properties": properties, "additionalProperties": False}

    schema = schema_of(translation_shape(model))
    schema["properties"][TRANSLATED_FROM] = {
        "type": "object",
        "additionalProperties": {"type": "string"},
        "description": "The English each text was translated from (a short hash, by key path), "
        "written by `ncpi new --welsh` and `ncpi translated`: do not edit it by hand.",
    }
    return {
        "title": f"{model.__name__} (Welsh)",
        "description": "The Welsh text of a file, mirroring the English one: see bilingual.py.",
        **schema,
    }
