"""Stage 1, load: read a YAML file into plain Python data, remembering where every value stands.

PyYAML alone loses positions, keeps the last of two duplicate keys and expands aliases without
limit. This loader reads the parser's events (which have positions) into data as they come,
refuses anchors and aliases, reports duplicate keys, and records each value's line and column
by its key path.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple, cast

import yaml

from ncpi.problems import KeyPath, Problem, excerpt, format_path
from ncpi.reading import UnsafeInput, read_bounded

#: Largest report file read, in bytes. A real report is about 20 kB; anything near this size is
#: a pasted document or a wrong file, and refusing it early keeps validation fast.
MAX_FILE_BYTES = 1_000_000
#: Deepest nesting accepted. Reports nest four levels; the event reader recurses per level.
MAX_DEPTH = 40

STR_TAG = "tag:yaml.org,2002:str"
SEQ_TAG = "tag:yaml.org,2002:seq"
MAP_TAG = "tag:yaml.org,2002:map"
MERGE_TAG = "tag:yaml.org,2002:merge"
MAP_END = yaml.MappingEndEvent
#: The only types a report is made of; any other tag (!!python/…, !!binary, !!set) is refused.
ALLOWED_TAGS = {
    f"tag:yaml.org,2002:{name}"
    for name in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")
}

_QUOTE_IT = "put the whole paragraph in quotes"

# PyYAML's messages are written for parser authors; these say the same in plain words.
_PLAIN_WORDS = {
    "found character '\\t' that cannot start any token": (
        "a tab character: indent with spaces, not tabs"
    ),
    "mapping values are not allowed here": (
        "a ':' where a value was expected: put text that contains ': ' in quotes"
    ),
    # libyaml's wording of the same mistake (its tab messages say "tab": see _explain).
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
# Parts of either parser's messages (libyaml's wording, then PyYAML's), in plain words.
_PLAIN_PHRASES = [
    (
        ("maximum nesting depth",),
        "brackets nested too deep for a report: is it the right file?",
    ),
    (
        ("unexpected document indicator", "unexpected document separator"),
        "a line inside quoted text starts with '---' or '...', which YAML reads as the end of "
        "the report: indent that line",
    ),
    (
        ("sequence entries are not allowed",),
        "a list item ('- ') where a value was expected: start the list on the next line, "
        "indented under its key",
    ),
    (
        ("expected <document start>", "expected '<document start>'"),
        "this line does not belong to the keys above it: check its indentation, and put text "
        "that contains ': ' in quotes",
    ),
    (("expected node content", "expected the node content"), "a value is missing here"),
    (("while scanning a tag",), f"text that starts with '!' is read as a tag: {_QUOTE_IT}"),
    (
        ("while scanning a block scalar",),
        "after '|' or '>' (a block of text), the text starts on the next line, indented: "
        "nothing but '-' or '+' may follow them",
    ),
    (
        ("while scanning a directive", "YAML directive"),
        f"a line that starts with '%' is read as a directive: {_QUOTE_IT}",
    ),
]


class ScalarSource(NamedTuple):
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
    #: Where a comment follows unquoted text on the same line ("text #tag"): YAML drops it.
    comments_after_plain_text: dict[KeyPath, tuple[int, int]] = field(default_factory=dict)
    _strings: list[tuple[KeyPath, str]] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    def strings(self) -> list[tuple[KeyPath, str]]:
        """Every string in the data with its key path, in the file's order: found once, as
        four checks ask for them."""
        if self._strings is None:
            self._strings = []
            _add_strings(self.data, (), self._strings)
        return self._strings

    def position(self, path: KeyPath, *, key: bool = False) -> tuple[int, int]:
        """Line and column of the value at `path` (or of its key), else of its nearest parent."""
        path = tuple(path)
        table = self.key_positions if key else self.value_positions
        while path and path not in table:
            path, table = path[:-1], self.value_positions
        return table.get(path, (1, 1))

    def problem(self, path: KeyPath, message: str, *, key: bool = False, **kwargs) -> Problem:
        """A problem located at the value (or key) at `path`."""
        line, column = self.position(path, key=key)
        return Problem(self.file, line, column, format_path(path), message, **kwargs)


def _add_strings(value: Any, path: KeyPath, found: list[tuple[KeyPath, str]]) -> None:
    """Add every string in `value` to `found`, with its key path (from `path`)."""
    if isinstance(value, str):
        found.append((path, value))
    elif isinstance(value, dict):
        for key, item in value.items():
            _add_strings(item, (*path, key), found)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _add_strings(item, (*path, index), found)


class PurePositionLoader(yaml.SafeLoader):
    """The pure-Python scanner and parser, where libyaml is missing (only its events are read)."""


POSITION_LOADERS: dict[str, type] = {"python": PurePositionLoader}

if yaml.__with_libyaml__:
    from yaml._yaml import CParser  # libyaml's, as yaml.cyaml uses it

    class LibyamlPositionLoader(CParser, yaml.resolver.Resolver):
        """libyaml's scanner and parser (several times faster), with PyYAML's tag resolver."""

        def __init__(self, stream):
            CParser.__init__(self, stream)
            yaml.resolver.Resolver.__init__(self)

        def dispose(self):
            pass

    POSITION_LOADERS["libyaml"] = LibyamlPositionLoader


#: The fastest parser this machine has; the tests try every one in POSITION_LOADERS.
_PositionLoader = POSITION_LOADERS.get("libyaml", PurePositionLoader)


def _line_col_of_offset(text: str | bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters, as editors count) of an offset."""
    if isinstance(text, bytes):
        line = text.count(b"\n", 0, offset) + 1
        # Valid UTF-8: the first invalid byte is at `offset`.
        before = text[text.rfind(b"\n", 0, offset) + 1 : offset].decode("utf-8")
    else:
        line = text.count("\n", 0, offset) + 1
        before = text[text.rfind("\n", 0, offset) + 1 : offset]
    return line, len(before) + 1


# What a character at the start of a value makes YAML do, and so why the text must be quoted.
_START_MEANS = {
    "*": "an alias (a reference to other text)",
    "&": "an anchor",
    "[": "a list",
    "{": "a mapping",
    "!": "a tag",
    "|": "a block of text on the next lines",
    ">": "a block of text on the next lines",
    "@": "a character YAML keeps for later use",
    "`": "a character YAML keeps for later use",
    "%": "a directive",
}


def _value_start(line: str) -> int:
    """The column (0-based) where the value on a YAML line begins: after '- ' or 'key: '."""
    # Every part of the pattern is optional, so it always matches.
    found = re.match(r"^\s*(?:-\s+)*(?:[^\s'\"#\[{*&!|>@`%][^:#]*?:\s+)?", line)
    return cast(re.Match[str], found).end()


def _explain(error: yaml.YAMLError, lines: list[str]) -> tuple[str, tuple[int, int] | None]:
    """A syntax error in plain words, and the (0-based) place to fix it if not the error's."""
    problem = getattr(error, "problem", None) or str(error)
    context = getattr(error, "context", None) or ""
    mark = getattr(error, "problem_mark", None)
    start_mark = getattr(error, "context_mark", None)
    line = lines[mark.line] if mark and mark.line < len(lines) else ""
    if "\t" in line[: (mark.column if mark else 0) + 1] or "tab" in problem:
        column = line.find("\t")
        return (
            "a tab character: indent with spaces, not tabs",
            (mark.line, column) if mark and column >= 0 else None,
        )
    if "quoted scalar" in context and "end of stream" in problem and start_mark:
        opening = lines[start_mark.line][start_mark.column] if start_mark.line < len(lines) else '"'
        return (
            f"the quote ({opening}) that opens here is never closed: close it at the end "
            "of the text",
            (start_mark.line, start_mark.column),
        )
    for candidate in ([mark] if mark else []) + ([start_mark] if start_mark else []):
        text = lines[candidate.line] if candidate.line < len(lines) else ""
        begin = _value_start(text)
        first = text[begin : begin + 1]
        if first in _START_MEANS and (
            "alias" in context
            or "anchor" in context
            or "block scalar" in context
            or "cannot start" in problem
            or "block collection" in context
            or "block mapping" in context
            or "flow sequence" in context
            or "flow mapping" in context
        ):
            return (
                f"text that starts with '{first}' is read as {_START_MEANS[first]}: {_QUOTE_IT}",
                (candidate.line, begin),
            )
        if first in ("'", '"') and mark and mark.line == candidate.line and mark.column > begin:
            closing = text.find(first, begin + 1)
            if first == "'" and 0 < closing < len(text) - 1 and text[closing - 1].isalpha():
                return (
                    "an apostrophe inside text in single quotes ends the quotes: write it "
                    "twice (force''s), or put the text in double quotes instead",
                    (candidate.line, closing),
                )
            return (
                f"the quoted text ends at the second {first}, but the line goes on: "
                f"{_QUOTE_IT}, using the other kind of quote mark",
                (candidate.line, max(closing, begin)),  # closing is -1 or after begin
            )
    message = _PLAIN_WORDS.get(problem)
    if message:
        return message, None
    if any(
        phrase in problem
        for phrase in ("expected key", "expected <block end>", "expected '-' indicator")
    ):
        return (
            "the indentation of this line or the one above it does not line up: keys of "
            "one mapping, and the '- ' items of one list, must start in the same column"
        ), None
    for phrases, meaning in _PLAIN_PHRASES:
        if any(phrase in problem or phrase in context for phrase in phrases):
            return meaning, None
    if "cannot start any token" in problem:
        return f"a character that YAML cannot read here: {_QUOTE_IT}", None
    return (f"{context}, {problem}" if context else problem), None


def _yaml_error_problem(display: str, error: yaml.YAMLError, text: str) -> Problem:
    """A parser's error, or a refusal of the event reader, as a problem at the place to fix."""
    if isinstance(error, yaml.reader.ReaderError):
        line, column = _line_col_of_offset(text, error.position)
        return Problem(
            display,
            line,
            column,
            "",
            f"a control character (code {error.character:#x}) that cannot appear in "
            "a report: delete it",
            code="yaml-syntax",
        )
    message, place = _explain(error, text.splitlines())
    if place is None:  # Every error of the parsers and every refusal has a problem mark.
        mark = cast(yaml.Mark, cast(yaml.MarkedYAMLError, error).problem_mark)
        place = (mark.line, mark.column)
    return Problem(
        display, place[0] + 1, place[1] + 1, "", f"YAML syntax: {message}", code="yaml-syntax"
    )


#: What a value of each tag is called in a message.
_KIND_OF_VALUE = {
    "int": "whole number",
    "float": "number",
    "bool": "yes/no value",
    "null": "empty value",
    "timestamp": "date",
    "seq": "list",
    "map": "mapping",
}


def _impossible_value(node: yaml.ScalarNode) -> str:
    """Why a value written like a date (or number) is not one, in plain words."""

    value = excerpt(node.value)
    match = re.match(r"^(\d{4})-(\d{1,2})-(\d{1,2})", node.value)
    if node.tag.endswith(":timestamp") and match:
        year, month, day = (int(part) for part in match.groups())
        if not 1 <= month <= 12:
            why = f"there is no month {month}"
        elif day == 0:
            why = "there is no day 0"
        elif not 1 <= day <= calendar.monthrange(year, month)[1]:
            days = calendar.monthrange(year, month)[1]
            why = f"{calendar.month_name[month]} {year} has {days} days"
        else:
            return (
                f"'{value}' is not a time that exists: hours go from 00 to 23, minutes and "
                "seconds from 00 to 59"
            )
        return f"'{value}' is not a date that exists: {why}. Write YEAR-MONTH-DAY"
    if node.tag.endswith(":timestamp"):
        return f"'{value}' is not a date that exists. Write YEAR-MONTH-DAY, e.g. 2016-09-12"
    kind = _KIND_OF_VALUE[node.tag.removeprefix("tag:yaml.org,2002:")]  # An ALLOWED_TAGS tag.
    return (
        f"'{value}' is marked or written as a {kind} but cannot be read as one: if it is text, "
        "put it in quotes"
    )


def _refused(event: Any, depth: int) -> yaml.composer.ComposerError | None:
    """Why the node that `event` starts, `depth` levels down, is refused, if it is.

    Events are typed Any here: the stubs allow an event without marks, which no parser makes.
    """
    mark = event.start_mark
    if isinstance(event, yaml.AliasEvent):
        return yaml.composer.ComposerError(
            None,
            None,
            "an alias (*name) is not allowed in a report: write the text out in full",
            mark,
        )
    if event.anchor is not None:  # Every event that starts a node has an anchor, or None.
        return yaml.composer.ComposerError(
            None,
            None,
            "an anchor (&name) is not allowed in a report: write the text out in full",
            mark,
        )
    if depth > MAX_DEPTH:
        return yaml.composer.ComposerError(
            None, None, f"nested more than {MAX_DEPTH} levels deep", mark
        )
    return None


class _EventReader:
    """Reads a document's events into plain data, recording positions and problems.

    From the parser's events, without composing a tree of nodes first, which took a third
    of a load. Anchors, aliases and deep nesting are refused wherever they are, in parts that
    are left out too (as a composer would), with a ComposerError.
    """

    def __init__(self, parser, loaded: LoadedYaml, lines: list[str]):
        self.parser = parser
        self.loaded = loaded
        self.lines = lines
        self.problems: list[Problem] = []
        self.constructor = yaml.constructor.SafeConstructor()

    def document(self) -> tuple[bool, Any]:
        """Whether the stream holds a document, and its data; a second one is an error."""
        parser = self.parser
        parser.get_event()  # The start of the stream.
        found, data = False, None
        if not parser.check_event(yaml.StreamEndEvent):
            parser.get_event()  # The start of the document.
            first = parser.peek_event().start_mark
            found, data = True, self.value((), 1)
            parser.get_event()  # Its end.
            if not parser.check_event(yaml.StreamEndEvent):
                raise yaml.composer.ComposerError(
                    "expected a single document in the stream",
                    first,
                    "but found another document",
                    parser.get_event().start_mark,
                )
        parser.get_event()  # The end of the stream.
        return found, data

    def _start(self, depth: int) -> Any:
        event = self.parser.get_event()
        # An alias's anchor is the name it refers to: None means neither anchor nor alias.
        if event.anchor is not None or depth > MAX_DEPTH:
            raise cast(yaml.composer.ComposerError, _refused(event, depth))
        return event

    def _tag(self, event: Any) -> str:
        """The event's tag as written, else as YAML resolves it (PyYAML's composer's rule)."""
        tag = event.tag
        if tag is not None and tag != "!":
            return tag
        if isinstance(event, yaml.ScalarEvent):
            return self.parser.resolve(yaml.ScalarNode, event.value, event.implicit)
        return SEQ_TAG if isinstance(event, yaml.SequenceStartEvent) else MAP_TAG

    def _is_merge_key(self, event: Any) -> bool:
        """Whether a key is a merge key ('<<'): only that text resolves as one, and resolving
        every key took a tenth of a load."""
        if event.tag is not None and event.tag != "!":
            return event.tag == MERGE_TAG
        return event.value == "<<" and self._tag(event) == MERGE_TAG

    def skip(self, event: Any, depth: int) -> None:
        """Read past the rest of the node that `event` starts, still refusing what is refused."""
        if isinstance(event, yaml.ScalarEvent):
            return
        end = yaml.SequenceEndEvent if isinstance(event, yaml.SequenceStartEvent) else MAP_END
        while not self.parser.check_event(end):
            self.skip(self._start(depth + 1), depth + 1)
        self.parser.get_event()

    def value(self, path: KeyPath, depth: int) -> Any:
        event = self._start(depth)
        mark = event.start_mark
        self.loaded.value_positions[path] = (mark.line + 1, mark.column + 1)
        tag = self._tag(event)
        if tag not in ALLOWED_TAGS:
            # e.g. !!python/object/apply or !!binary: never constructed, only reported.
            shown = tag.replace("tag:yaml.org,2002:", "!!")
            self.problems.append(
                Problem(
                    self.loaded.file,
                    mark.line + 1,
                    mark.column + 1,
                    format_path(path),
                    f"YAML: the tag '{shown}' is not allowed in a report; "
                    "write plain text, numbers, dates, lists and keys (text that starts with '!' "
                    "must be in quotes)",
                    code="yaml-tag",
                )
            )
            self.skip(event, depth)
            return None
        if isinstance(event, yaml.MappingStartEvent):
            return self._mapping(path, depth)
        if isinstance(event, yaml.SequenceStartEvent):
            items: list[Any] = []
            while not self.parser.check_event(yaml.SequenceEndEvent):
                items.append(self.value((*path, len(items)), depth + 1))
            self.parser.get_event()
            return items
        return self._scalar(event, tag, path)

    def _mapping(self, path: KeyPath, depth: int) -> dict:
        result: dict[str, Any] = {}
        parser = self.parser
        while not parser.check_event(MAP_END):
            key_event = self._start(depth + 1)
            where = (key_event.start_mark.line + 1, key_event.start_mark.column + 1)
            if not isinstance(key_event, yaml.ScalarEvent):
                self.problems.append(
                    Problem(
                        self.loaded.file,
                        *where,
                        format_path(path),
                        "a key must be a plain word, not a list or mapping",
                        code="yaml-key",
                    )
                )
                self.skip(key_event, depth + 1)
                self.skip(self._start(depth + 1), depth + 1)
                continue
            if self._is_merge_key(key_event):
                self.problems.append(
                    Problem(
                        self.loaded.file,
                        *where,
                        format_path(path),
                        "merge keys ('<<') are not allowed in a report: write the keys out",
                        code="yaml-merge",
                    )
                )
                self.skip(self._start(depth + 1), depth + 1)
                continue
            # Keys are read as written: `no:` is the key "no", not a boolean.
            key = key_event.value
            key_path = (*path, key)
            if key in result:
                first_line = self.loaded.key_positions[key_path][0]
                self.problems.append(
                    Problem(
                        self.loaded.file,
                        *where,
                        format_path(key_path),
                        f"duplicate key '{key}': first written on line {first_line}, again on line "
                        f"{where[0]}; YAML would silently keep only the last one",
                        code="duplicate-key",
                    )
                )
                self.skip(self._start(depth + 1), depth + 1)
                continue
            self.loaded.key_positions[key_path] = where
            result[key] = self.value(key_path, depth + 1)
        parser.get_event()
        return result

    def _note_comment_after(self, end: Any, path: KeyPath) -> None:
        # Marks count characters, as the lines do. A plain scalar ends where " #" begins.
        rest = self.lines[end.line][end.column :] if end.line < len(self.lines) else ""
        stripped = rest.lstrip(" \t")
        if stripped.startswith("#"):
            self.loaded.comments_after_plain_text[path] = (
                end.line + 1,
                end.column + len(rest) - len(stripped) + 1,
            )

    def _scalar(self, event: Any, tag: str, path: KeyPath) -> Any:
        # libyaml marks a plain scalar's style as '' where PyYAML says None.
        self.loaded.scalars[path] = ScalarSource(event.value, tag, event.style or None)
        if tag == STR_TAG:
            if not event.style:
                self._note_comment_after(event.end_mark, path)
            return event.value
        node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
        try:
            # deep: a list or mapping tag on a scalar (!!seq final) fails now, not later.
            return self.constructor.construct_object(node, deep=True)
        except Exception:
            # Any error of a constructor means a bad value. PyYAML raises a bare ValueError
            # for impossible dates such as 2016-02-30, a KeyError or an AttributeError for text
            # tagged as a boolean (!!bool final) or a date.
            self.problems.append(
                Problem(
                    self.loaded.file,
                    event.start_mark.line + 1,
                    event.start_mark.column + 1,
                    format_path(path),
                    _impossible_value(node),
                    code="yaml-value",
                )
            )
        return None


def load_yaml_text(raw: bytes, display: str) -> tuple[LoadedYaml | None, list[Problem]]:
    """Parse YAML bytes; return the data with positions, or None and the problems found."""
    if len(raw) > MAX_FILE_BYTES:
        return None, [
            Problem(
                display,
                1,
                1,
                "",
                f"the file is larger than {MAX_FILE_BYTES:,} bytes, the most a "
                "report may be: is it the right file?",
                code="too-large",
            )
        ]
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]  # A byte-order mark, as some Windows editors write: harmless, so dropped.
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = _line_col_of_offset(raw, error.start)
        return None, [
            Problem(
                display,
                line,
                column,
                "",
                f"the file is not UTF-8 text (byte {raw[error.start]:#04x}): save "
                "it as UTF-8 in your editor",
                code="encoding",
            )
        ]
    if "\x00" in text:
        line, column = _line_col_of_offset(text, text.index("\x00"))
        return None, [
            Problem(
                display,
                line,
                column,
                "",
                "the file contains a NUL byte: it is binary, not a text report",
                code="encoding",
            )
        ]
    # YAML reads these as line breaks, silently changing the text (and its line numbers).
    separator = re.search("[\x85\u2028\u2029]", text)
    if separator:
        line, column = _line_col_of_offset(text, separator.start())
        return None, [
            Problem(
                display,
                line,
                column,
                "",
                f"a line separator character (U+{ord(separator.group()):04X}), "
                "which YAML reads as a line break: replace it with a space or a new "
                "line (it may have come with pasted text)",
                code="encoding",
            )
        ]
    loaded = LoadedYaml(display, None)
    loader = None
    try:
        # The reader checks the first characters already while the loader is made.
        loader = _PositionLoader(text)
        reader = _EventReader(loader, loaded, text.splitlines())
        found, loaded.data = reader.document()
    except yaml.YAMLError as error:
        return None, [_yaml_error_problem(display, error, text)]
    finally:
        if loader is not None:
            loader.dispose()
    if not found:
        return None, [Problem(display, 1, 1, "", "the file is empty", code="empty")]
    return loaded, reader.problems


def load_yaml_file(
    path: Path, display: str, project=None
) -> tuple[LoadedYaml | None, list[Problem]]:
    """Read and parse one YAML file; unreadable or unsafe files become problems, not exceptions.

    With a project, the file must be a regular file inside it (links that leave it are
    refused), and it is size-checked before it is read: see ncpi.reading.
    """

    within = [project.root] if project is not None else [path.parent]
    try:
        raw = read_bounded(path, limit=MAX_FILE_BYTES, within=within, name=display)
    except UnsafeInput as error:
        message = error.format_message().removeprefix(f"{display} ")
        return None, [Problem(display, 1, 1, "", message, code="unreadable")]
    except OSError as error:
        return None, [
            Problem(display, 1, 1, "", f"cannot read the file: {error.strerror}", code="unreadable")
        ]
    return load_yaml_text(raw, display)
