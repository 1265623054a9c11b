"""Stage 1, load: read a YAML file into plain Python data, remembering where every value stands.

PyYAML alone loses positions, keeps the last of two duplicate keys and expands aliases without
limit. This loader composes the node tree (which has positions), refuses anchors and aliases,
reports duplicate keys, and records each value's line and column by its key path.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ncpi_cli.problems import KeyPath, Problem, format_path

#: Largest report file read, in bytes. A real report is about 20 kB; anything near this size is
#: a pasted document or a wrong file, and refusing it early keeps validation fast.
MAX_FILE_BYTES = 1_000_000
#: Deepest nesting accepted. Reports nest four levels; PyYAML's composer recurses per level.
MAX_DEPTH = 40

STR_TAG = "tag:yaml.org,2002:str"
#: The only types a report is made of; any other tag (!!python/…, !!binary, !!set) is refused.
ALLOWED_TAGS = {f"tag:yaml.org,2002:{name}"
                for name in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")}

# PyYAML's messages are written for parser authors; these say the same in plain words.
_PLAIN_WORDS = {
    "found character '\\t' that cannot start any token": (
        "a tab character: indent with spaces, not tabs"
    ),
    "mapping values are not allowed here": (
        "a ':' where a value was expected: put text that contains ': ' in quotes"
    ),
    # libyaml's wording of the same two mistakes.
    "found a tab character that violates indentation": (
        "a tab character: indent with spaces, not tabs"
    ),
    "found a tab character where an indentation space is expected": (
        "a tab character: indent with spaces, not tabs"
    ),
    "mapping values are not allowed in this context": (
        "a ':' where a value was expected: put text that contains ': ' in quotes"
    ),
    "could not find expected ':'": "expected 'key: value' on this line",
    "found unexpected end of stream": (
        "the file ends inside quoted text or a bracket: close the quote or bracket"
    ),
    "expected a single document in the stream": (
        "more than one YAML document ('---'): a report is one document"
    ),
}


@dataclass(frozen=True)
class ScalarSource:
    """How a scalar value was written: its raw text, resolved tag and quoting style."""

    raw: str
    tag: str
    style: str | None  # None for plain (unquoted), "'" or '"' for quoted, "|" or ">" for blocks


@dataclass
class LoadedYaml:
    """A YAML document as plain data, with the position of every key and value."""

    file: str
    data: Any
    value_positions: dict[KeyPath, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[KeyPath, tuple[int, int]] = field(default_factory=dict)
    scalars: dict[KeyPath, ScalarSource] = field(default_factory=dict)

    def position(self, path: KeyPath, *, key: bool = False) -> tuple[int, int]:
        """Line and column of the value at `path` (or of its key), else of its nearest parent."""
        path = tuple(path)
        while True:
            table = self.key_positions if key else self.value_positions
            if path in table:
                return table[path]
            if not path:
                return (1, 1)
            path = path[:-1]
            key = False

    def problem(self, path: KeyPath, message: str, *, key: bool = False, **kwargs) -> Problem:
        """A problem located at the value (or key) at `path`."""
        line, column = self.position(path, key=key)
        return Problem(self.file, line, column, format_path(path), message, **kwargs)


class _Composer(yaml.composer.Composer):
    """Composes nodes only, refusing anchors, aliases and deep nesting."""

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise yaml.composer.ComposerError(
                None, None,
                "an alias (*name) is not allowed in a report: write the text out in full",
                event.start_mark)
        if getattr(event, "anchor", None) is not None:
            raise yaml.composer.ComposerError(
                None, None,
                "an anchor (&name) is not allowed in a report: write the text out in full",
                event.start_mark)
        self._depth = getattr(self, "_depth", 0) + 1
        if self._depth > MAX_DEPTH:
            raise yaml.composer.ComposerError(
                None, None, f"nested more than {MAX_DEPTH} levels deep", event.start_mark)
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class _PositionLoader(_Composer, yaml.SafeLoader):
    """The pure-Python scanner and parser, where libyaml is missing."""


if yaml.__with_libyaml__:
    class _PositionLoader(_Composer, yaml.cyaml.CParser, yaml.resolver.Resolver):  # noqa: F811
        """libyaml's scanner and parser (several times faster), with our composer on top."""

        def __init__(self, stream):
            yaml.cyaml.CParser.__init__(self, stream)
            yaml.composer.Composer.__init__(self)
            yaml.resolver.Resolver.__init__(self)

        def dispose(self):
            pass


def _line_col_of_offset(text: str | bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters, as editors count) of an offset."""
    newline = b"\n" if isinstance(text, bytes) else "\n"
    line = text.count(newline, 0, offset) + 1
    before = text[text.rfind(newline, 0, offset) + 1 : offset]
    if isinstance(before, bytes):
        before = before.decode("utf-8", "replace")
    return line, len(before) + 1


def _yaml_error_problem(display: str, error: yaml.YAMLError, text: str) -> Problem:
    if isinstance(error, yaml.reader.ReaderError):
        line, column = _line_col_of_offset(text, error.position)
        return Problem(display, line, column, "",
                       f"a control character (code {error.character:#x}) that cannot appear in "
                       "a report: delete it", code="yaml-syntax")
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    problem = getattr(error, "problem", None) or str(error)
    message = _PLAIN_WORDS.get(problem)
    if message is None:
        context = getattr(error, "context", None)
        message = f"{context}, {problem}" if context else problem
        if context and "quoted scalar" in context:
            message = f"quoted text is not closed ({problem})"
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    return Problem(display, line, column, "", f"YAML syntax: {message}", code="yaml-syntax")


def _describe(tag: str) -> str:
    return tag.rsplit(":", 1)[-1]


class _Converter:
    """Turns a composed node tree into plain data, recording positions and problems."""

    def __init__(self, loaded: LoadedYaml):
        self.loaded = loaded
        self.problems: list[Problem] = []
        self.constructor = yaml.constructor.SafeConstructor()

    def convert(self, node: yaml.Node, path: KeyPath) -> Any:
        self.loaded.value_positions[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if node.tag not in ALLOWED_TAGS:
            # e.g. !!python/object/apply or !!binary: never constructed, only reported.
            shown = node.tag.replace("tag:yaml.org,2002:", "!!")
            self.problems.append(Problem(
                self.loaded.file, node.start_mark.line + 1, node.start_mark.column + 1,
                format_path(path), f"YAML: the tag '{shown}' is not allowed in a report; "
                "write plain text, numbers, dates, lists and keys", code="yaml-tag"))
            return None
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.convert(item, path + (i,)) for i, item in enumerate(node.value)]
        return self._scalar(node, path)

    def _mapping(self, node: yaml.MappingNode, path: KeyPath) -> dict:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            where = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            if key_node.tag == "tag:yaml.org,2002:merge":
                self.problems.append(Problem(
                    self.loaded.file, *where, format_path(path),
                    "merge keys ('<<') are not allowed in a report: write the keys out",
                    code="yaml-merge"))
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self.problems.append(Problem(
                    self.loaded.file, *where, format_path(path),
                    "a key must be a plain word, not a list or mapping", code="yaml-key"))
                continue
            # Keys are read as written: `no:` is the key "no", not a boolean.
            key = key_node.value
            key_path = path + (key,)
            if key in result:
                first_line = self.loaded.key_positions[key_path][0]
                self.problems.append(Problem(
                    self.loaded.file, *where, format_path(key_path),
                    f"duplicate key '{key}': first written on line {first_line}, again on line "
                    f"{where[0]}; YAML would silently keep only the last one",
                    code="duplicate-key"))
                continue
            self.loaded.key_positions[key_path] = where
            result[key] = self.convert(value_node, key_path)
        return result

    def _scalar(self, node: yaml.ScalarNode, path: KeyPath) -> Any:
        # libyaml marks a plain scalar's style as '' where PyYAML says None.
        self.loaded.scalars[path] = ScalarSource(node.value, node.tag, node.style or None)
        if node.tag == STR_TAG:
            return node.value
        try:
            return self.constructor.construct_object(node, deep=True)
        except yaml.constructor.ConstructorError as error:
            self.problems.append(Problem(
                self.loaded.file, node.start_mark.line + 1, node.start_mark.column + 1,
                format_path(path), f"YAML: {error.problem}", code="yaml-tag"))
        except (ValueError, OverflowError) as error:
            # PyYAML raises a bare ValueError for impossible dates such as 2016-02-30.
            self.problems.append(Problem(
                self.loaded.file, node.start_mark.line + 1, node.start_mark.column + 1,
                format_path(path),
                f"'{node.value}' looks like a {_describe(node.tag)} but is not a valid one "
                f"({error})", code="yaml-value"))
        return None


def load_yaml_text(raw: bytes, display: str) -> tuple[LoadedYaml | None, list[Problem]]:
    """Parse YAML bytes; return the data with positions, or None and the problems found."""
    if len(raw) > MAX_FILE_BYTES:
        return None, [Problem(display, 1, 1, "",
                              f"the file is larger than {MAX_FILE_BYTES:,} bytes, the most a "
                              "report may be: is it the right file?", code="too-large")]
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]  # A byte-order mark, as some Windows editors write: harmless, so dropped.
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = _line_col_of_offset(raw, error.start)
        return None, [Problem(display, line, column, "",
                              f"the file is not UTF-8 text (byte {raw[error.start]:#04x}): save "
                              "it as UTF-8 in your editor", code="encoding")]
    if "\x00" in text:
        line, column = _line_col_of_offset(text, text.index("\x00"))
        return None, [Problem(display, line, column, "",
                              "the file contains a NUL byte: it is binary, not a text report",
                              code="encoding")]
    loader = None
    try:
        # The reader checks the first characters already while the loader is made.
        loader = _PositionLoader(text)
        node = loader.get_single_node()
    except yaml.YAMLError as error:
        return None, [_yaml_error_problem(display, error, text)]
    finally:
        if loader is not None:
            loader.dispose()
    loaded = LoadedYaml(display, None)
    if node is None:
        return None, [Problem(display, 1, 1, "", "the file is empty", code="empty")]
    converter = _Converter(loaded)
    loaded.data = converter.convert(node, ())
    return loaded, converter.problems


def load_yaml_file(path: Path, display: str) -> tuple[LoadedYaml | None, list[Problem]]:
    """Read and parse one YAML file; unreadable files become problems, not exceptions."""
    try:
        with path.open("rb") as stream:
            raw = stream.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        return None, [Problem(display, 1, 1, "", f"cannot read the file: {error.strerror}",
                              code="unreadable")]
    return load_yaml_text(raw, display)
