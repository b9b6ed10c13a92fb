"""Positioned problems in scenario files: one ``Problem`` per fault, all raised together in a ``ProblemsError``.

A ``Problem`` knows its file, 1-based line and column, a message written for scenario authors (clinicians, not
programmers) and the offending source line, and formats itself as ``file:line:col: message`` followed by the line
and a caret.  Loaders, validators and linters collect problems and raise them together, never just the first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

#: Line breaks exactly as PyYAML counts them, so our line numbers agree with its marks.
LINE_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")

#: Tab width used when a snippet containing tabs is printed (the caret is placed with the same expansion).
TAB_SIZE = 8

#: The allowed values of ``Problem.severity``.
SEVERITIES: tuple[str, ...] = ("error", "warning")

_INDENT = "    "


@dataclass(frozen=True)
class Problem:
    """One fault in a source file, positioned for a human reader.

    ``line`` and ``column`` are 1-based; 0 means unknown.  ``snippet`` is the source line (without its line
    break), or ``""`` when unknown.
    """

    path: str
    line: int
    column: int
    message: str
    snippet: str = ""
    severity: str = "error"

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"severity must be one of {SEVERITIES}, not {self.severity!r}")

    def format(self) -> str:
        """Return ``PATH:LINE:COL: message``, then the snippet and a caret under the column when known.

        With no line (``line == 0``) the result is ``PATH: message``; with a line but no column it is
        ``PATH:LINE: message`` and the snippet is shown without a caret.
        """
        message = f"warning: {self.message}" if self.severity == "warning" else self.message
        if self.line <= 0:
            return f"{self.path}: {message}"
        where = f"{self.path}:{self.line}:{self.column}" if self.column > 0 else f"{self.path}:{self.line}"
        parts = [f"{where}: {message}"]
        if self.snippet:
            snippet, column = _clip(self.snippet, self.column)
            parts.append(_INDENT + snippet.expandtabs(TAB_SIZE))
            if column > 0:
                parts.append(_INDENT + " " * _caret_offset(snippet, column) + "^")
        return "\n".join(parts)


class ProblemsError(Exception):
    """Raised with every problem found, never just the first."""

    problems: tuple[Problem, ...]

    def __init__(self, problems: Iterable[Problem]) -> None:
        found = tuple(problems)
        if not found:
            raise ValueError("a ProblemsError needs at least one problem")
        super().__init__(found)
        self.problems = found

    def __str__(self) -> str:
        return "\n".join(problem.format() for problem in self.problems)


#: Longest snippet shown; a longer source line is cut around the column.
SNIPPET_WIDTH = 160


def _clip(snippet: str, column: int) -> tuple[str, int]:
    """The snippet cut to at most ``SNIPPET_WIDTH`` characters around ``column``, and the column within it."""
    if len(snippet) <= SNIPPET_WIDTH:
        return snippet, column
    start = max(0, min(column - 1 - SNIPPET_WIDTH // 2, len(snippet) - SNIPPET_WIDTH))
    return snippet[start : start + SNIPPET_WIDTH], (column - start if column > 0 else 0)


def snippet_at(text: str, line: int) -> str:
    """Return the 1-based ``line`` of ``text`` without its line break, or ``""`` if out of range."""
    if line < 1:
        return ""
    start = 0
    for _ in range(line - 1):
        found = LINE_BREAK.search(text, start)
        if found is None:
            return ""
        start = found.end()
    end = LINE_BREAK.search(text, start)
    return text[start : end.start() if end else len(text)]


def position_of(text: str, index: int) -> tuple[int, int]:
    """Return the 1-based (line, column) of character ``index`` in ``text``, counting breaks as PyYAML does."""
    line = 1
    line_start = 0
    for found in LINE_BREAK.finditer(text, 0, index):
        line += 1
        line_start = found.end()
    return line, index - line_start + 1


def _caret_offset(snippet: str, column: int) -> int:
    """Return how many spaces put a caret under ``column`` of ``snippet`` once its tabs are expanded."""
    before = snippet[: column - 1]
    return len(before.expandtabs(TAB_SIZE)) + max(0, column - 1 - len(snippet))
