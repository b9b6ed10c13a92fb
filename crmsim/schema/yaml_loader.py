"""Read one scenario YAML document safely into plain data plus its positioned node tree, or report every problem.

The entry points (``parse_yaml``, ``read_yaml_file``) check the bytes first (size, UTF-8, not binary), then hand the
text to a hardened loader (``crmsim.schema.yaml_hardening``): libyaml's fast one when the text is clean, else the
pure-Python reference one, so the data and the problems are the same either way.  Every problem the loader recorded
is raised at once, in source order, as one ``ProblemsError``; a syntax error or too-deep nesting stops reading, and is
then the only problem reported.
"""

from __future__ import annotations

import pathlib
import stat
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.parser import ParserError
from yaml.reader import ReaderError
from yaml.scanner import ScannerError

from crmsim.schema.problems import Problem, ProblemsError, position_of, snippet_at
from crmsim.schema.yaml_hardening import (
    DEPTH_MESSAGE,
    FAST_LOADER,
    LENIENT_IN_LIBYAML,
    MAX_DEPTH,
    MAX_PROBLEMS,
    FatalProblem,
    HardenedLoader,
    Hardening,
)

__all__ = ["MAX_BYTES", "MAX_DEPTH", "MAX_PROBLEMS", "ParsedYaml", "parse_yaml", "read_yaml_file"]

MAX_BYTES = 2 * 1024 * 1024

_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")

BINARY_MESSAGE = "file looks binary (contains NUL bytes)"
TOO_LARGE_LIMIT = f"the limit is {MAX_BYTES // (1024 * 1024)} MiB"

_SYNTAX_HINTS: tuple[tuple[str, str], ...] = (
    ("found character '\\t'", "tab characters are not allowed for indentation; use spaces"),
    ("mapping values are not allowed here", "check the indentation, or put text that contains ': ' in quotes"),
    ("could not find expected ':'", "a line may be missing the ':' after its key"),
    ("expected <block end>", "check the indentation"),
    ("found unexpected end of stream", "a closing quote or bracket may be missing"),
)


@dataclass(frozen=True)
class ParsedYaml:
    """One parsed file: plain data, the node tree that positions it, the decoded text and the path."""

    data: Any
    root: yaml.Node | None
    text: str
    path: str


def parse_yaml(source: str | bytes, path: str = "<string>", *, accelerated: bool = True) -> ParsedYaml:
    """Parse one YAML document from text or bytes; raise ``ProblemsError`` (and nothing else) listing every fault.

    With ``accelerated`` (and PyYAML built with libyaml) a clean document is read through libyaml's parser; any
    fault, and any character PyYAML's reader refuses, sends the text through the pure-Python parser, so the data and
    the problems reported are the same either way, only faster.
    """
    text = _decode(source, path)
    if accelerated and FAST_LOADER is not None and not LENIENT_IN_LIBYAML.search(text):
        try:
            return _parse_text(FAST_LOADER, text, path)
        except Exception:  # noqa: BLE001 - any fault on the fast path is reported by the reference parser below
            pass
    return _parse_text(HardenedLoader, text, path)


def _parse_text(kind: type[Hardening], text: str, path: str) -> ParsedYaml:
    """Parse decoded text with one loader class; raise ``ProblemsError`` listing every fault."""
    loader: Any = None
    try:
        loader = kind(text, path)  # type: ignore[call-arg]
        root = loader.compose_single()
        if loader.problems:
            _raise_collected(loader)
        data = None if root is None else loader.construct_document(root)
    except FatalProblem as fatal:
        raise ProblemsError([fatal.problem]) from None
    except ReaderError as error:
        line, column = position_of(text, error.position)
        character = error.character if isinstance(error.character, str) else chr(error.character)
        message = f"character U+{ord(character):04X} is not allowed in a YAML file"
        raise ProblemsError([Problem(path, line, column, message, snippet_at(text, line))]) from None
    except yaml.MarkedYAMLError as error:
        raise ProblemsError([_marked_problem(error, text, path)]) from None
    except yaml.YAMLError as error:
        raise ProblemsError([Problem(path, 0, 0, f"could not read the file: {error}")]) from None
    except RecursionError:
        raise ProblemsError([Problem(path, 0, 0, DEPTH_MESSAGE)]) from None
    finally:
        if loader is not None:
            loader.dispose()
    return ParsedYaml(data=data, root=root, text=text, path=path)


def read_yaml_file(path: pathlib.Path | str) -> ParsedYaml:
    """Read and parse one YAML file, checking its size before reading it; raise ``ProblemsError`` on any fault."""
    name = str(path)
    file = pathlib.Path(path)

    def fail(message: str) -> ProblemsError:
        return ProblemsError([Problem(name, 0, 0, message)])

    try:
        info = file.stat()
        if stat.S_ISDIR(info.st_mode):
            raise fail("this is a folder, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise fail("this is not a regular file")
        if info.st_size > MAX_BYTES:
            raise fail(f"file is too large ({info.st_size} bytes; {TOO_LARGE_LIMIT})")
        with file.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise fail("file not found; check the file name and folder") from None
    except PermissionError:
        raise fail("permission denied: this file cannot be read") from None
    except (OSError, ValueError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise fail(f"the file cannot be read: {reason}") from None
    if len(data) > MAX_BYTES:
        raise fail(f"file is too large (more than {MAX_BYTES} bytes; {TOO_LARGE_LIMIT})")
    return parse_yaml(data, name)


def _decode(source: str | bytes, path: str) -> str:
    """Check the raw input (size, encoding, not binary) and return its text without a byte-order mark."""
    size = len(source.encode("utf-8", "surrogatepass")) if isinstance(source, str) else len(source)
    if size > MAX_BYTES:
        raise ProblemsError([Problem(path, 0, 0, f"file is too large ({size} bytes; {TOO_LARGE_LIMIT})")])
    if isinstance(source, str):
        if "\x00" in source:
            raise ProblemsError([Problem(path, 0, 0, BINARY_MESSAGE)])
        return source.removeprefix("\ufeff")
    raw = bytes(source)
    if raw.startswith(_UTF16_BOMS):
        raise ProblemsError([Problem(path, 0, 0, "file is UTF-16 text; save it as UTF-8")])
    if b"\x00" in raw:
        raise ProblemsError([Problem(path, 0, 0, BINARY_MESSAGE)])
    raw = raw.removeprefix(_UTF8_BOM)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        before = raw[: error.start].decode("utf-8")
        line, column = position_of(before, len(before))
        message = (
            f"file is not UTF-8 text: invalid byte 0x{raw[error.start]:02x} at line {line}, column {column}; "
            "save it as UTF-8"
        )
        snippet = snippet_at(raw.decode("utf-8", "replace"), line)
        raise ProblemsError([Problem(path, line, column, message, snippet)]) from None


def _marked_problem(error: yaml.MarkedYAMLError, text: str, path: str) -> Problem:
    """Turn a PyYAML scanner/parser error into a readable ``Problem`` at its problem mark."""
    problem = error.problem or error.context or "unreadable YAML"
    hints = [hint for known, hint in _SYNTAX_HINTS if known in problem]
    prefix = "YAML syntax error" if isinstance(error, (ScannerError, ParserError)) else "could not read the file"
    message = f"{prefix}: {problem}" + (f" ({hints[0]})" if hints else "")
    context_mark = error.context_mark
    if error.context and context_mark is not None and context_mark.line != getattr(error.problem_mark, "line", -1):
        message += f"; {error.context} that starts at line {context_mark.line + 1}, column {context_mark.column + 1}"
    mark = error.problem_mark or context_mark
    if mark is None:
        return Problem(path, 0, 0, message)
    return Problem(path, mark.line + 1, mark.column + 1, message, snippet_at(text, mark.line + 1))


def _raise_collected(loader: Hardening) -> None:
    """Raise every problem the loader recorded, in source order, plus a count of any left out."""
    problems = sorted(loader.problems, key=lambda problem: (problem.line, problem.column))
    if loader.dropped:
        problems.append(Problem(loader.path, 0, 0, f"... and {loader.dropped} more problems not shown"))
    raise ProblemsError(problems)
