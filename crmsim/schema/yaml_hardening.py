"""The hardened PyYAML loaders: compose one checked node tree and record a positioned ``Problem`` for each fault.

A hardened loader rejects anchors and aliases before anything is built (so "billion laughs" costs nothing), caps
nesting depth during composition, allows only the standard str/int/float/bool/null/map/seq tags, and rejects
duplicate, merge (``<<``) and non-text keys and infinite/NaN numbers.  Every such problem carries the exact line and
column of the offending node; as many as possible are recorded in one pass.  Too-deep nesting stops reading.  Two
loaders share these checks: ``HardenedLoader`` over PyYAML's pure-Python parser (the reference) and, when PyYAML is
built with libyaml, ``FastHardenedLoader`` over libyaml's events.

Scalars follow the YAML 1.2 core schema, not PyYAML's YAML 1.1 defaults:

* booleans are only ``true``/``false`` (also ``True``/``TRUE``/``False``/``FALSE``); ``yes``, ``no``, ``on``,
  ``off``, ``y`` and ``n`` stay text;
* integers are decimal (``017`` is 17, never octal 15), ``0o17`` (octal, 15) or ``0x1F`` (hex); underscores,
  ``0b`` binary and base 60 (``12:30``) are not numbers, so they stay text;
* floats are ``1.5``, ``.5``, ``1.``, ``1e5``; ``.inf`` and ``.nan`` are rejected, as is any overflow;
* nulls are ``~``, ``null``, ``Null``, ``NULL`` and the empty value; timestamps (``2021-05-01``) stay text.
"""

from __future__ import annotations

import math
import re
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.events import AliasEvent, ScalarEvent, SequenceStartEvent, StreamEndEvent
from yaml.reader import Reader
from yaml.resolver import Resolver

from crmsim.schema.problems import LINE_BREAK, Problem

MAX_DEPTH = 64
#: At most this many problems are listed; the rest are counted in one closing problem.
MAX_PROBLEMS = 100

_YAML_TAG = "tag:yaml.org,2002:"
STR_TAG = _YAML_TAG + "str"
INT_TAG = _YAML_TAG + "int"
FLOAT_TAG = _YAML_TAG + "float"
BOOL_TAG = _YAML_TAG + "bool"
NULL_TAG = _YAML_TAG + "null"
MAP_TAG = _YAML_TAG + "map"
SEQ_TAG = _YAML_TAG + "seq"
_SCALAR_TAGS = frozenset({STR_TAG, INT_TAG, FLOAT_TAG, BOOL_TAG, NULL_TAG})
_ALLOWED_TAGS = _SCALAR_TAGS | {MAP_TAG, SEQ_TAG}
_REJECTED_TAG = "tag:crmsim.invalid,2024:rejected"  # stands in for an alias; never leaves the loader

#: Text the libyaml path leaves to the reference parser: characters PyYAML's reader refuses, and the corners where
#: libyaml is more lenient than PyYAML (tabs in plain scalars, a byte-order mark inside the text, a comment
#: straight after a block scalar's indicator, the bare ``!`` tag).
LENIENT_IN_LIBYAML = re.compile(Reader.NON_PRINTABLE.pattern + r"|[\t\ufeff]|[|>][-+0-9]*#|(?:^|[\s\[{,:])!(?=[\s,\]}]|$)",
                                re.MULTILINE)  # fmt: skip

ALIAS_MESSAGE = "anchors and aliases (&name / *name) are not allowed; write the value out"
MERGE_MESSAGE = "merge keys (<<) are not allowed; write the keys out"
DEPTH_MESSAGE = f"nesting is deeper than {MAX_DEPTH} levels"
MULTI_DOCUMENT_MESSAGE = "only one YAML document per file is allowed"
NOT_FINITE_MESSAGE = "infinite or NaN numbers are not allowed"

# (tag, pattern, first characters): the YAML 1.2 core schema, checked in this order.
_IMPLICIT_SCALARS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (BOOL_TAG, r"(?:true|True|TRUE|false|False|FALSE)\Z", ("t", "T", "f", "F")),
    (INT_TAG, r"(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)\Z", tuple("-+0123456789")),
    (
        FLOAT_TAG,
        r"(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))\Z",
        tuple("-+.0123456789"),
    ),
    (NULL_TAG, r"(?:~|null|Null|NULL|)\Z", ("~", "n", "N", "")),
)


def _implicit_resolvers() -> dict[str, list[tuple[str, re.Pattern[str]]]]:
    """Build a fresh implicit-resolver table (first character → [(tag, pattern)]) for the YAML 1.2 core schema."""
    table: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
    for tag, pattern, first_characters in _IMPLICIT_SCALARS:
        compiled = re.compile(pattern)
        for character in first_characters:
            table.setdefault(character, []).append((tag, compiled))
    return table


def _int_value(text: str) -> int:
    """Convert a YAML 1.2 core integer (decimal, ``0o`` octal, ``0x`` hex) to ``int``; ``ValueError`` if not one."""
    if text.startswith("0o"):
        return int(text[2:], 8)
    if text.startswith("0x"):
        return int(text[2:], 16)
    return int(text, 10)


def _float_value(text: str) -> float:
    """Convert a YAML 1.2 core float (including ``.inf``/``.nan``) to ``float``; ``ValueError`` if not one."""
    lowered = text.lower()
    if lowered in (".inf", "+.inf", "-.inf"):
        return -math.inf if lowered.startswith("-") else math.inf
    if lowered == ".nan":
        return math.nan
    return float(text)


def _construct_int(loader: SafeConstructor, node: yaml.ScalarNode) -> int:
    return _int_value(str(loader.construct_scalar(node)))


def _construct_float(loader: SafeConstructor, node: yaml.ScalarNode) -> float:
    return _float_value(str(loader.construct_scalar(node)))


def _construct_bool(loader: SafeConstructor, node: yaml.ScalarNode) -> bool:
    return str(loader.construct_scalar(node)).lower() == "true"


def _show_tag(tag: str) -> str:
    """Write a resolved tag the way an author typed it: ``!!python/...`` rather than ``tag:yaml.org,2002:...``."""
    return "!!" + tag[len(_YAML_TAG) :] if tag.startswith(_YAML_TAG) else tag


class FatalProblem(Exception):
    """A problem after which reading cannot go on (raised by the loaders, caught by ``parse_yaml``)."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


class Hardening:
    """The checks shared by both parsers: composes one checked node tree and records a ``Problem`` for each fault.

    Use ``compose_single()``, then (when ``problems`` is empty) ``construct_document(root)``.
    """

    yaml_implicit_resolvers = _implicit_resolvers()
    yaml_constructors = {
        STR_TAG: SafeConstructor.construct_yaml_str,
        INT_TAG: _construct_int,
        FLOAT_TAG: _construct_float,
        BOOL_TAG: _construct_bool,
        NULL_TAG: SafeConstructor.construct_yaml_null,
        MAP_TAG: SafeConstructor.construct_yaml_map,
        SEQ_TAG: SafeConstructor.construct_yaml_seq,
        None: SafeConstructor.construct_undefined,
    }
    yaml_multi_constructors: dict[str, Any] = {}

    def _start(self, stream: str, path: str) -> None:
        self.path = path
        self.text = stream
        self.problems: list[Problem] = []
        self.dropped = 0
        self._depth = 0
        self._lines: list[str] | None = None

    def problem_at(self, mark: yaml.Mark | None, message: str) -> Problem:
        """Return a ``Problem`` at a PyYAML mark (0-based) with the source line as its snippet."""
        if mark is None:
            return Problem(self.path, 0, 0, message)
        if self._lines is None:
            self._lines = LINE_BREAK.split(self.text)
        snippet = self._lines[mark.line] if mark.line < len(self._lines) else ""
        return Problem(self.path, mark.line + 1, mark.column + 1, message, snippet)

    def report(self, mark: yaml.Mark | None, message: str) -> None:
        """Record a problem, keeping at most ``MAX_PROBLEMS`` and counting the rest."""
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(self.problem_at(mark, message))
        else:
            self.dropped += 1

    def compose_single(self) -> yaml.Node | None:
        """Compose the only document of the stream (``None`` when empty), recording a problem for any other."""
        self.get_event()  # stream start
        if self.check_event(StreamEndEvent):
            return None
        root = self.compose_document()
        if not self.check_event(StreamEndEvent):
            self.report(self.peek_event().start_mark, MULTI_DOCUMENT_MESSAGE)
        return root

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node:
        """Compose one node, refusing anchors/aliases and nesting deeper than ``MAX_DEPTH``, then check it."""
        event = self.peek_event()
        if isinstance(event, AliasEvent):
            self.get_event()
            self.report(event.start_mark, ALIAS_MESSAGE)
            return yaml.ScalarNode(_REJECTED_TAG, "", event.start_mark, event.end_mark)
        if event.anchor is not None:
            self.report(event.start_mark, ALIAS_MESSAGE)
        if isinstance(event, ScalarEvent):
            node: yaml.Node = self.compose_scalar_node(None)
        else:
            if self._depth >= MAX_DEPTH:
                raise FatalProblem(self.problem_at(event.start_mark, DEPTH_MESSAGE))
            self._depth += 1
            try:
                if isinstance(event, SequenceStartEvent):
                    node = self.compose_sequence_node(None)
                else:
                    node = self.compose_mapping_node(None)
            finally:
                self._depth -= 1
        self._check_node(node)
        return node

    def _check_node(self, node: yaml.Node) -> None:
        tag = node.tag
        if tag not in _ALLOWED_TAGS:
            self.report(node.start_mark, f"tag '{_show_tag(tag)}' is not allowed")
        elif isinstance(node, yaml.ScalarNode):
            if tag in _SCALAR_TAGS:
                self._check_scalar(node)
            else:
                self.report(node.start_mark, f"tag '{_show_tag(tag)}' cannot be used on a single value")
        elif isinstance(node, yaml.MappingNode):
            if tag != MAP_TAG:
                self.report(node.start_mark, f"tag '{_show_tag(tag)}' cannot be used on a mapping")
            self._check_keys(node)
        elif tag != SEQ_TAG:
            self.report(node.start_mark, f"tag '{_show_tag(tag)}' cannot be used on a list")

    def _check_scalar(self, node: yaml.ScalarNode) -> None:
        tag, value = node.tag, node.value
        if tag == STR_TAG:
            return
        implied = self.resolve(yaml.ScalarNode, value, (True, False))
        if implied != tag and not (tag == FLOAT_TAG and implied == INT_TAG):
            self.report(node.start_mark, f"'{value}' is not a valid {_show_tag(tag)} value")
            return
        if tag == INT_TAG:
            try:
                _int_value(value)
            except ValueError:  # Python refuses decimal strings of more than 4300 digits
                self.report(node.start_mark, f"number '{value[:20]}...' has too many digits")
        elif tag == FLOAT_TAG:
            try:
                number = _float_value(value)
            except ValueError:  # e.g. !!float 0x1F
                self.report(node.start_mark, f"'{value}' is not a valid {_show_tag(tag)} value")
                return
            if not math.isfinite(number):
                written_infinite = value.lower().lstrip("+-") in (".inf", ".nan")
                suffix = "" if written_infinite else " (this number is too large)"
                self.report(node.start_mark, NOT_FINITE_MESSAGE + suffix)

    def _check_keys(self, node: yaml.MappingNode) -> None:
        first_seen: dict[str, yaml.Node] = {}
        for key, _value in node.value:
            if key.tag not in _ALLOWED_TAGS:
                continue  # an alias or a bad tag, already reported
            if not isinstance(key, yaml.ScalarNode):
                self.report(key.start_mark, "keys must be text, not a list or a mapping")
            elif key.tag != STR_TAG:
                message = f"keys must be text; write '{key.value}' in quotes" if key.value else "a key is missing"
                self.report(key.start_mark, message)
            elif not key.style and key.value == "<<":  # plain: PyYAML says None, libyaml ""
                self.report(key.start_mark, MERGE_MESSAGE)
            elif key.value in first_seen:
                first = first_seen[key.value].start_mark
                self.report(
                    key.start_mark,
                    f"duplicate key '{key.value}' (first defined at line {first.line + 1}, column {first.column + 1})",
                )
            else:
                first_seen[key.value] = key


class HardenedLoader(Hardening, yaml.SafeLoader):
    """PyYAML's pure-Python ``SafeLoader`` with the hardening checks: the reference, and the source of messages."""

    def __init__(self, stream: str, path: str = "<string>") -> None:
        self._start(stream, path)
        yaml.SafeLoader.__init__(self, stream)


if yaml.__with_libyaml__:
    from yaml.cyaml import CParser

    class FastHardenedLoader(Hardening, CParser, Composer, SafeConstructor, Resolver):  # type: ignore[misc]
        """The same checks over libyaml's events (about ten times faster); used only where it succeeds cleanly."""

        def __init__(self, stream: str, path: str = "<string>") -> None:
            self._start(stream, path)
            CParser.__init__(self, stream)
            Composer.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)

    FAST_LOADER: type[Hardening] | None = FastHardenedLoader
else:  # pragma: no cover - PyYAML built without libyaml
    FAST_LOADER = None
